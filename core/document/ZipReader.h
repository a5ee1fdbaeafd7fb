#pragma once

// Reads .mdsp archives through libzip, with the project's own policy on top. open() lets libzip
// parse the archive twice: once as written, to check every entry against the policy (names:
// no "..", absolute paths, backslashes, drive letters, duplicates; declared sizes against the
// limits and compression ratios, for zip bombs; encryption, methods other than stored/deflate,
// ZIP64 and spanning refused), then with libzip's consistency checks (every local header
// agrees with the central directory, data lies before it, nothing trails the end record:
// "unexpected N bytes after the end of the archive").
// read() inflates with the declared size as a hard limit; libzip checks the CRC-32.
// A reader is not safe to use from two threads at once.

#include "engine/Status.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

struct zip; // libzip's archive handle (zip_t)

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
    std::uint32_t crc = 0;
    std::uint64_t compressedSize = 0;
    std::uint64_t size = 0;
    std::uint64_t index = 0; // libzip's index of the entry
};

class ZipReader
{
public:
    // `what` names the archive in messages (usually its path).
    static Result<ZipReader> open(std::vector<std::uint8_t> archive, const std::string& what,
                                  const ZipLimits& limits = {});

    ZipReader(ZipReader&&) noexcept;
    ZipReader& operator=(ZipReader&&) noexcept;
    ~ZipReader();

    const std::vector<ZipEntry>& entries() const { return m_entries; }
    const ZipEntry* find(const std::string& name) const;
    // The entry's bytes, CRC-checked. A missing entry is an error naming it.
    Result<std::vector<std::uint8_t>> read(const std::string& name) const;

    // Why a name is unsafe to extract, or an empty string when it is fine.
    static std::string unsafeNameReason(const std::string& name);

private:
    ZipReader() = default;
    struct Closer
    {
        void operator()(::zip* archive) const;
    };
    // libzip reads m_archive in place: the vector's buffer must outlive m_zip (it does when
    // the reader is moved: a moved vector keeps its buffer).
    std::vector<std::uint8_t> m_archive;
    std::unique_ptr<::zip, Closer> m_zip;
    std::vector<ZipEntry> m_entries;
    std::string m_what;
};

} // namespace md
