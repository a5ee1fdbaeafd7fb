# sentencepiece ships no CMake package on Debian: find its header and library.
find_path(SENTENCEPIECE_INCLUDE_DIR sentencepiece_processor.h
    HINTS ${SENTENCEPIECE_ROOT}/include ${PROJECT_SOURCE_DIR}/.device/include)
find_library(SENTENCEPIECE_LIBRARY NAMES sentencepiece
    HINTS ${SENTENCEPIECE_ROOT}/lib ${PROJECT_SOURCE_DIR}/.device/lib)
if(NOT SENTENCEPIECE_INCLUDE_DIR OR NOT SENTENCEPIECE_LIBRARY)
    message(FATAL_ERROR "sentencepiece not found: apt-get install libsentencepiece-dev, "
                        "or set SENTENCEPIECE_ROOT")
endif()
add_library(md_sentencepiece INTERFACE)
target_include_directories(md_sentencepiece SYSTEM INTERFACE ${SENTENCEPIECE_INCLUDE_DIR})
target_link_libraries(md_sentencepiece INTERFACE ${SENTENCEPIECE_LIBRARY})

# The trainer library (same Debian package): optional. Only core/engine/text/spm (the shim
# module) may link either library: libsentencepiece exports its own protobuf-lite, which
# crashes any process that also loads libtorch's libprotobuf into the global scope.
find_library(SENTENCEPIECE_TRAIN_LIBRARY NAMES sentencepiece_train
    HINTS ${SENTENCEPIECE_ROOT}/lib ${PROJECT_SOURCE_DIR}/.device/lib)
if(SENTENCEPIECE_TRAIN_LIBRARY)
    add_library(md_sentencepiece_train INTERFACE)
    target_link_libraries(md_sentencepiece_train INTERFACE md_sentencepiece
                                                           ${SENTENCEPIECE_TRAIN_LIBRARY})
endif()
