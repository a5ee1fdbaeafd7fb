#pragma once

// A small, defensive zip reader for .mdsp files. open() checks the whole structure before any
// entry is read: the end record, the central directory, every local header, entry names (no
// "..", absolute paths, backslashes, drive letters, duplicates), declared sizes against limits
// and compression ratios (zip bombs), overlapping entries, encryption and ZIP64 (refused).
// read() inflates with the declared size as a hard limit and checks the size and CRC-32.

#include "engine/Status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace md {

struct ZipLimits
{
    std::uint64_t maxEntryBytes = 512ull << 20;  // declared uncompressed size of one entry
    std::uint64_t maxTotalBytes = 2048ull << 20; // sum over all entries
    std::size_t maxEntries = 4096;
    double maxRatio = 1000.0; // uncompressed / compressed, for entries above 1 MiB
};

struct ZipEntry
{
    std::string name;
    std::uint16_t method = 0; // 0 stored, 8 deflated
    std::uint16_t flags = 0;
    std::uint32_t crc = 0;
    std::uint64_t compressedSize = 0;
    std::uint64_t size = 0;
    std::uint64_t dataOffset = 0; // where the entry's data starts in the archive
};

class ZipReader
{
public:
    // `what` names the archive in messages (usually its path).
    static Result<ZipReader> open(std::vector<std::uint8_t> archive, const std::string& what,
                                  const ZipLimits& limits = {});

    const std::vector<ZipEntry>& entries() const { return m_entries; }
    const ZipEntry* find(const std::string& name) const;
    // The entry's bytes, CRC-checked. A missing entry is an error naming it.
    Result<std::vector<std::uint8_t>> read(const std::string& name) const;

    // Why a name is unsafe to extract, or an empty string when it is fine.
    static std::string unsafeNameReason(const std::string& name);

private:
    ZipReader() = default;
    std::vector<std::uint8_t> m_archive;
    std::vector<ZipEntry> m_entries;
    std::string m_what;
};

} // namespace md
