#pragma once

// Small string helpers shared by the checkpoint readers (names, paths and shapes in messages).

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <vector>

namespace md {

inline bool startsWith(const std::string& s, const std::string& prefix)
{
    return s.compare(0, prefix.size(), prefix) == 0;
}

inline bool endsWith(const std::string& s, const std::string& suffix)
{
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// ASCII lower case (file extensions, metadata values).
inline std::string lowerAscii(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// The last component of a '/'-separated path.
inline std::string baseName(const std::string& path)
{
    auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// "[2, 4, 64, 64]" (or with another separator).
inline std::string shapeText(const std::vector<int64_t>& shape, const char* separator = ", ")
{
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i)
        s += (i ? separator : "") + std::to_string(shape[i]);
    return s + "]";
}

} // namespace md
