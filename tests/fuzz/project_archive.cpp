// Fuzz target: the bytes of a .mdsp project (a zip holding project.json, masks, results,
// a thumbnail) through the loader (ZipReader, ProjectJsonRead, migration, validation).
// The zip limits are lowered so a "zip bomb" input is refused below the fuzzer's memory
// limit (the default limits are a policy for real files, not under test here); a loaded
// project must save again.
#include "document/ProjectFile.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    md::ZipLimits limits;
    limits.maxEntryBytes = 16ull << 20;
    limits.maxTotalBytes = 64ull << 20;
    auto project =
        md::decodeProjectArchive(std::vector<std::uint8_t>(data, data + size), "fuzz.mdsp", limits);
    if (!project)
        return 0;
    if (!md::encodeProjectArchive(*project))
        std::abort(); // a project that loaded must save
    return 0;
}
