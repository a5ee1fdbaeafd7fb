// Fuzz target: the bytes of a PNG through the reader that reopens an exported PNG as a
// project (PngCodec's text chunks, the "mdstudio-project" JSON with its embedded masks) and
// its A1111 "parameters" text through parseA1111Parameters. The first byte chooses: even,
// the rest is a PNG; odd, the rest is a "parameters" text.
#include "document/A1111Parameters.h"
#include "document/ProjectFile.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size == 0)
        return 0;
    if (data[0] % 2 == 0) {
        (void)md::decodeExportPng(std::vector<std::uint8_t>(data + 1, data + size), "fuzz.png");
    } else {
        const md::A1111Info info = md::parseA1111Parameters(
            std::string(reinterpret_cast<const char*>(data + 1), size - 1));
        for (const auto& field : info.fields)
            (void)info.field(field.first);
    }
    return 0;
}
