#pragma once

// Writes zip archives through libzip, in memory: local headers, central directory, end record;
// no ZIP64 (so at most 65535 entries and 4 GiB in all), which add() and finish() enforce.
// Entries are deflated (level 6) unless that does not make them smaller, then stored. Times
// are a fixed 1980-01-01 00:00 so the same content gives the same bytes.

#include "engine/Status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace md {

class ZipWriter
{
public:
    // Names: relative, '/'-separated, no "..", no backslashes (the same rules ZipReader applies).
    Status add(const std::string& name, const std::uint8_t* data, std::size_t size,
               bool tryCompress = true);
    Status add(const std::string& name, const std::vector<std::uint8_t>& data,
               bool tryCompress = true)
    {
        return add(name, data.data(), data.size(), tryCompress);
    }
    Status add(const std::string& name, const std::string& text, bool tryCompress = true)
    {
        return add(name, reinterpret_cast<const std::uint8_t*>(text.data()), text.size(),
                   tryCompress);
    }

    // The archive's bytes; the writer is empty again afterwards.
    Result<std::vector<std::uint8_t>> finish();

private:
    struct Entry
    {
        std::string name;
        std::vector<std::uint8_t> data;
        bool compress = false;
    };
    std::vector<Entry> m_entries;
    std::uint64_t m_bytes = 0; // an upper bound of the archive's size so far
    Status m_error;
};

} // namespace md
