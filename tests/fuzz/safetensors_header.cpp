// Fuzz target: a whole .safetensors file (8-byte little-endian header length, JSON header,
// tensor data) through the header parser, as SafetensorsFile::open reads a mapped file.
// Any input must give a header or an error; the accepted layout must fit the file.
#include "engine/io/SafetensorsHeader.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 8)
        return 0;
    uint64_t n = 0;
    for (int i = 7; i >= 0; --i)
        n = (n << 8) | data[i];
    auto header = md::parseSafetensorsHeader("fuzz.safetensors", data + 8, n, size);
    if (!header)
        return 0;
    // Accepted: every tensor lies inside the data buffer, and the sizes match.
    const uint64_t dataSize = size - 8 - n;
    for (const auto& t : header->tensors) {
        if (t.begin > t.end || t.end > dataSize)
            std::abort();
        if (!md::safetensorsDtypeSize(t.dtype))
            std::abort();
    }
    return 0;
}
