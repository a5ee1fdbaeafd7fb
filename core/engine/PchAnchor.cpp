// Anchor translation unit: carries the precompiled libtorch header that every engine
// target reuses (see CMakeLists.txt). It defines nothing.
