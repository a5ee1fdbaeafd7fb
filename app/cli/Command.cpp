#include "Command.h"

#include <cstdio>

namespace md::cli {

int fail(const std::string& command, const std::string& message, int code)
{
    // One line: newlines in engine messages become "; ".
    std::string line = message;
    for (size_t pos = 0; (pos = line.find('\n', pos)) != std::string::npos;)
        line.replace(pos, 1, "; ");
    std::fprintf(stderr, "mdstudio-cli %s: %s\n", command.c_str(), line.c_str());
    return code;
}

} // namespace md::cli
