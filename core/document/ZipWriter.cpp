#include "document/ZipWriter.h"

#include "document/Deflate.h"
#include "document/ZipFormat.h"
#include "document/ZipReader.h"

#include <limits>

namespace md {

using namespace zip;

namespace {
constexpr std::uint16_t kDosTime = 0;                       // 00:00:00
constexpr std::uint16_t kDosDate = (0 << 9) | (1 << 5) | 1; // 1980-01-01
constexpr std::uint16_t kVersionNeeded = 20;                // 2.0: deflate
constexpr std::uint16_t kVersionMadeBy = (3 << 8) | 20;     // Unix, 2.0
constexpr std::uint32_t kFileAttributes = 0100644u << 16;   // -rw-r--r--
constexpr std::uint64_t kMax32 = std::numeric_limits<std::uint32_t>::max();
} // namespace

Status ZipWriter::add(const std::string& name, const std::uint8_t* data, std::size_t size,
                      bool tryCompress)
{
    if (!m_error)
        return m_error;
    if (const std::string reason = ZipReader::unsafeNameReason(name); !reason.empty())
        return m_error = Status::error("zip entry \"" + name + "\": " + reason);
    for (const Entry& e : m_entries) {
        if (e.name == name)
            return m_error = Status::error("zip entry \"" + name + "\" was added twice");
    }
    if (m_entries.size() >= 0xffff)
        return m_error = Status::error("too many zip entries (ZIP64 is not supported)");
    if (name.size() > 0xffff)
        return m_error = Status::error("zip entry name too long");

    Entry e;
    e.name = name;
    e.crc = crc32Of(data, size);
    std::vector<std::uint8_t> packed;
    if (tryCompress && size > 0) {
        auto deflated = deflateBytes(data, size, DeflateFormat::Raw, 6);
        if (!deflated)
            return m_error = deflated.status().withContext("zip entry \"" + name + "\"");
        if (deflated->size() < size) {
            packed = std::move(deflated.value());
            e.method = kMethodDeflated;
        }
    }
    const std::uint8_t* payload = e.method == kMethodDeflated ? packed.data() : data;
    const std::size_t payloadSize = e.method == kMethodDeflated ? packed.size() : size;
    const std::uint64_t end =
        std::uint64_t(m_data.size()) + kLocalHeaderSize + name.size() + payloadSize;
    if (size > kMax32 || end > kMax32)
        return m_error = Status::error("the archive would exceed 4 GiB (ZIP64 is not supported)");
    e.size = std::uint32_t(size);
    e.compressedSize = std::uint32_t(payloadSize);
    e.offset = std::uint32_t(m_data.size());

    put32(m_data, kLocalSignature);
    put16(m_data, kVersionNeeded);
    put16(m_data, kFlagUtf8);
    put16(m_data, e.method);
    put16(m_data, kDosTime);
    put16(m_data, kDosDate);
    put32(m_data, e.crc);
    put32(m_data, e.compressedSize);
    put32(m_data, e.size);
    put16(m_data, std::uint16_t(name.size()));
    put16(m_data, 0); // extra field length
    m_data.insert(m_data.end(), name.begin(), name.end());
    m_data.insert(m_data.end(), payload, payload + payloadSize);
    m_entries.push_back(std::move(e));
    return Status::ok();
}

Result<std::vector<std::uint8_t>> ZipWriter::finish()
{
    if (!m_error)
        return m_error;
    std::vector<std::uint8_t> out = std::move(m_data);
    m_data.clear();
    const std::uint64_t centralOffset = out.size();
    for (const Entry& e : m_entries) {
        put32(out, kCentralSignature);
        put16(out, kVersionMadeBy);
        put16(out, kVersionNeeded);
        put16(out, kFlagUtf8);
        put16(out, e.method);
        put16(out, kDosTime);
        put16(out, kDosDate);
        put32(out, e.crc);
        put32(out, e.compressedSize);
        put32(out, e.size);
        put16(out, std::uint16_t(e.name.size()));
        put16(out, 0); // extra
        put16(out, 0); // comment
        put16(out, 0); // disk number start
        put16(out, 0); // internal attributes
        put32(out, kFileAttributes);
        put32(out, e.offset);
        out.insert(out.end(), e.name.begin(), e.name.end());
    }
    const std::uint64_t centralSize = out.size() - centralOffset;
    if (out.size() + kEndRecordSize > kMax32)
        return Status::error("the archive would exceed 4 GiB (ZIP64 is not supported)");
    put32(out, kEndSignature);
    put16(out, 0); // this disk
    put16(out, 0); // disk with the central directory
    put16(out, std::uint16_t(m_entries.size()));
    put16(out, std::uint16_t(m_entries.size()));
    put32(out, std::uint32_t(centralSize));
    put32(out, std::uint32_t(centralOffset));
    put16(out, 0); // comment length
    m_entries.clear();
    return out;
}

} // namespace md
