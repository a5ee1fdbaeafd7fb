#include "document/ZipReader.h"

#include "document/Deflate.h"
#include "document/ZipFormat.h"

#include <algorithm>
#include <set>

namespace md {

using namespace zip;

namespace {

std::string mb(std::uint64_t bytes)
{
    return std::to_string(bytes >> 20) + " MiB";
}

// The end record's offset, searching back over a possible comment; npos when absent.
std::size_t findEndRecord(const std::vector<std::uint8_t>& a)
{
    if (a.size() < kEndRecordSize)
        return std::string::npos;
    const std::size_t last = a.size() - kEndRecordSize;
    const std::size_t first = last > 0xffff ? last - 0xffff : 0;
    for (std::size_t pos = last + 1; pos-- > first;) {
        if (le32(&a[pos]) == kEndSignature && pos + kEndRecordSize + le16(&a[pos + 20]) == a.size())
            return pos;
    }
    return std::string::npos;
}

} // namespace

std::string ZipReader::unsafeNameReason(const std::string& name)
{
    if (name.empty())
        return "the name is empty";
    if (name.size() > 1024)
        return "the name is longer than 1024 bytes";
    if (name.find('\\') != std::string::npos)
        return "the name holds a backslash";
    if (name.find('\0') != std::string::npos)
        return "the name holds a NUL byte";
    if (name.front() == '/')
        return "the name is an absolute path";
    if (name.size() >= 2 && name[1] == ':')
        return "the name starts with a drive letter";
    for (unsigned char c : name) {
        if (c < 0x20 || c == 0x7f)
            return "the name holds a control character";
    }
    std::size_t start = 0;
    while (start <= name.size()) {
        std::size_t end = name.find('/', start);
        if (end == std::string::npos)
            end = name.size();
        const std::string part = name.substr(start, end - start);
        if (part == "..")
            return "the name climbs out of the archive (\"..\")";
        if (part == ".")
            return "the name holds a \".\" component";
        if (part.empty() && end != name.size())
            return "the name holds an empty component (\"//\")";
        start = end + 1;
    }
    return {};
}

Result<ZipReader> ZipReader::open(std::vector<std::uint8_t> archive, const std::string& what,
                                  const ZipLimits& limits)
{
    ZipReader z;
    z.m_what = what;
    const auto& a = archive;
    const std::size_t end = findEndRecord(a);
    if (end == std::string::npos) {
        if (a.size() >= 4 && le32(a.data()) == kLocalSignature)
            return Status::error(what + ": the archive is truncated (its end record is missing)");
        return Status::error(what + ": not a zip archive (no end-of-central-directory record)");
    }
    if (end >= 20 && le32(&a[end - 20]) == kZip64LocatorSignature)
        return Status::error(what + ": the archive needs ZIP64, which is not supported");
    const std::uint16_t disk = le16(&a[end + 4]);
    const std::uint16_t cdDisk = le16(&a[end + 6]);
    const std::uint16_t countHere = le16(&a[end + 8]);
    const std::uint16_t count = le16(&a[end + 10]);
    const std::uint32_t cdSize = le32(&a[end + 12]);
    const std::uint32_t cdOffset = le32(&a[end + 16]);
    if (count == 0xffff || cdSize == 0xffffffffu || cdOffset == 0xffffffffu)
        return Status::error(what + ": the archive needs ZIP64, which is not supported");
    if (disk != 0 || cdDisk != 0 || countHere != count)
        return Status::error(what + ": multi-part (spanned) archives are not supported");
    if (count > limits.maxEntries)
        return Status::error(what + ": the archive holds " + std::to_string(count) +
                             " entries; the limit is " + std::to_string(limits.maxEntries));
    if (std::uint64_t(cdOffset) + cdSize > end)
        return Status::error(what + ": the archive is truncated or corrupt (the central "
                                    "directory lies outside the file)");

    std::set<std::string> names;
    std::uint64_t total = 0;
    std::size_t pos = cdOffset;
    const std::size_t cdEnd = std::size_t(cdOffset) + cdSize;
    for (std::uint16_t i = 0; i < count; ++i) {
        const std::string at = what + ": central directory entry " + std::to_string(i + 1);
        if (cdEnd - pos < kCentralHeaderSize || le32(&a[pos]) != kCentralSignature)
            return Status::error(at + " is truncated or corrupt");
        ZipEntry e;
        e.flags = le16(&a[pos + 8]);
        e.method = le16(&a[pos + 10]);
        e.crc = le32(&a[pos + 16]);
        const std::uint32_t csize = le32(&a[pos + 20]);
        const std::uint32_t usize = le32(&a[pos + 24]);
        const std::size_t nameLen = le16(&a[pos + 28]);
        const std::size_t extraLen = le16(&a[pos + 30]);
        const std::size_t commentLen = le16(&a[pos + 32]);
        const std::uint32_t localOffset = le32(&a[pos + 42]);
        if (cdEnd - pos - kCentralHeaderSize < nameLen + extraLen + commentLen)
            return Status::error(at + " is truncated or corrupt");
        e.name.assign(reinterpret_cast<const char*>(&a[pos + kCentralHeaderSize]), nameLen);
        pos += kCentralHeaderSize + nameLen + extraLen + commentLen;

        const std::string entry = what + ": entry \"" + e.name + "\"";
        if (const std::string reason = unsafeNameReason(e.name); !reason.empty())
            return Status::error(entry + " has an unsafe name: " + reason);
        if (!names.insert(e.name).second)
            return Status::error(entry + " appears twice");
        if (csize == 0xffffffffu || usize == 0xffffffffu || localOffset == 0xffffffffu)
            return Status::error(entry + " needs ZIP64, which is not supported");
        if (e.flags & kFlagEncrypted)
            return Status::error(entry + " is encrypted, which is not supported");
        if (e.method != kMethodStored && e.method != kMethodDeflated)
            return Status::error(entry + " uses compression method " + std::to_string(e.method) +
                                 "; only stored (0) and deflate (8) are supported");
        e.compressedSize = csize;
        e.size = usize;
        if (e.size > limits.maxEntryBytes)
            return Status::error(entry + " declares " + std::to_string(e.size) +
                                 " bytes; the limit is " + mb(limits.maxEntryBytes) + " per entry");
        if (e.method == kMethodStored && e.size != e.compressedSize)
            return Status::error(entry + " is stored but declares different sizes");
        if (e.size > (1u << 20) &&
            double(e.size) > limits.maxRatio * double(std::max<std::uint64_t>(1, csize)))
            return Status::error(entry + " declares a compression ratio above " +
                                 std::to_string(int(limits.maxRatio)) + ":1 (a possible zip bomb)");
        total += e.size;
        if (total > limits.maxTotalBytes)
            return Status::error(what + ": the entries declare more than " +
                                 mb(limits.maxTotalBytes) + " in all (the limit)");

        // The local header must agree and its data must lie before the central directory.
        if (std::uint64_t(localOffset) + kLocalHeaderSize > cdOffset ||
            le32(&a[localOffset]) != kLocalSignature)
            return Status::error(entry + ": its local header is missing or corrupt");
        const std::size_t localName = le16(&a[localOffset + 26]);
        const std::size_t localExtra = le16(&a[localOffset + 28]);
        e.dataOffset = std::uint64_t(localOffset) + kLocalHeaderSize + localName + localExtra;
        if (e.dataOffset + e.compressedSize > cdOffset)
            return Status::error(entry + ": its data runs past the end of the file "
                                         "(truncated archive)");
        if (localName != nameLen ||
            std::string(reinterpret_cast<const char*>(&a[localOffset + kLocalHeaderSize]),
                        localName) != e.name)
            return Status::error(entry + ": its local header names a different file");
        if (le16(&a[localOffset + 8]) != e.method)
            return Status::error(entry + ": its local header disagrees on the compression method");
        z.m_entries.push_back(std::move(e));
    }
    if (pos != cdEnd)
        return Status::error(what + ": the central directory has unexpected trailing bytes");

    // No two entries may share bytes (overlapping entries are a zip-bomb technique).
    std::vector<const ZipEntry*> byOffset;
    for (const auto& e : z.m_entries)
        byOffset.push_back(&e);
    std::sort(byOffset.begin(), byOffset.end(),
              [](const ZipEntry* x, const ZipEntry* y) { return x->dataOffset < y->dataOffset; });
    for (std::size_t i = 1; i < byOffset.size(); ++i) {
        if (byOffset[i - 1]->dataOffset + byOffset[i - 1]->compressedSize >
            byOffset[i]->dataOffset - kLocalHeaderSize)
            return Status::error(what + ": entries \"" + byOffset[i - 1]->name + "\" and \"" +
                                 byOffset[i]->name + "\" overlap (corrupt or hostile archive)");
    }
    z.m_archive = std::move(archive);
    return z;
}

const ZipEntry* ZipReader::find(const std::string& name) const
{
    for (const auto& e : m_entries) {
        if (e.name == name)
            return &e;
    }
    return nullptr;
}

Result<std::vector<std::uint8_t>> ZipReader::read(const std::string& name) const
{
    const ZipEntry* e = find(name);
    if (!e)
        return Status::error(m_what + ": the archive has no \"" + name + "\"");
    const std::string entry = m_what + ": entry \"" + name + "\"";
    const std::uint8_t* data = m_archive.data() + e->dataOffset;
    std::vector<std::uint8_t> out;
    if (e->method == kMethodStored) {
        out.assign(data, data + e->compressedSize);
    } else {
        auto inflated =
            inflateBytes(data, std::size_t(e->compressedSize), DeflateFormat::Raw, e->size, entry);
        if (!inflated)
            return inflated.status();
        out = std::move(inflated.value());
    }
    if (out.size() != e->size)
        return Status::error(entry + " holds " + std::to_string(out.size()) +
                             " bytes but declares " + std::to_string(e->size));
    if (crc32Of(out.data(), out.size()) != e->crc)
        return Status::error(entry + " fails its CRC check (the archive is corrupt)");
    return out;
}

} // namespace md
