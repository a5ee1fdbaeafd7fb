#include "document/ZipReader.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <zip.h>

namespace md {

namespace {

constexpr std::uint64_t kMax32 = 0xffffffffu;

std::string mb(std::uint64_t bytes)
{
    return std::to_string(bytes >> 20) + " MiB";
}

std::string libzipText(int code)
{
    zip_error_t error;
    zip_error_init_with_code(&error, code);
    std::string text = zip_error_strerror(&error);
    zip_error_fini(&error);
    return text;
}

bool startsWithLocalHeader(const std::vector<std::uint8_t>& a)
{
    static const std::uint8_t kLocalSignature[4] = {'P', 'K', 3, 4};
    return a.size() >= 4 && std::memcmp(a.data(), kLocalSignature, 4) == 0;
}

// What libzip's refusal to open means, in the reader's words. `checked` tells whether libzip
// was asked for its consistency checks (local headers, data placement, trailing bytes).
std::string openError(int code, const std::vector<std::uint8_t>& a, bool checked)
{
    switch (code) {
    case ZIP_ER_NOZIP:
        if (checked)
            return "the archive is truncated or corrupt (an entry's data runs past the start of "
                   "the central directory)";
        if (startsWithLocalHeader(a))
            return "the archive is truncated (its end record is missing)";
        return "not a zip archive (no end-of-central-directory record)";
    case ZIP_ER_MULTIDISK:
        return "multi-part (spanned) archives are not supported";
    case ZIP_ER_NOENT:
        // libzip's answer to a size or offset marked 0xffffffff without its ZIP64 field.
        return "the archive needs ZIP64, which is not supported";
    case ZIP_ER_EXISTS:
        return "an entry appears twice";
    case ZIP_ER_MEMORY:
        return "not enough memory to read the archive";
    case ZIP_ER_INCONS:
    case ZIP_ER_EOF:
    case ZIP_ER_READ:
    case ZIP_ER_SEEK:
        if (checked)
            return "the archive is corrupt: its local headers, central directory and end record "
                   "disagree, or bytes trail the end record (" +
                   libzipText(code) + ")";
        return "the archive is truncated or corrupt (" + libzipText(code) + ")";
    default:
        return "the archive cannot be read (" + libzipText(code) + ")";
    }
}

// Bytes after the end-of-central-directory record (and its comment): 0 when some end record
// ends exactly at the end of `a`, else the count after the last end record that fits, or 0
// when there is none (libzip reports that). Searched in the last 1 MiB.
std::uint64_t trailingBytes(const std::vector<std::uint8_t>& a)
{
    constexpr std::size_t kRecord = 22;
    constexpr std::size_t kSearch = 1u << 20;
    if (a.size() < kRecord)
        return 0;
    const std::size_t last = a.size() - kRecord;
    const std::size_t first = last > kSearch ? last - kSearch : 0;
    std::uint64_t trailing = 0;
    bool found = false;
    for (std::size_t o = last + 1; o-- > first;) {
        if (a[o] != 'P' || a[o + 1] != 'K' || a[o + 2] != 5 || a[o + 3] != 6)
            continue;
        const std::size_t comment = std::size_t(a[o + 20]) | std::size_t(a[o + 21]) << 8;
        const std::size_t end = o + kRecord + comment;
        if (end > a.size())
            continue;
        if (end == a.size())
            return 0;
        if (!found) {
            found = true;
            trailing = a.size() - end;
        }
    }
    return trailing;
}

// Opens `a` in place. On failure returns nullptr and sets `code` to libzip's error.
zip_t* openArchive(const std::vector<std::uint8_t>& a, int flags, int& code)
{
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(a.data(), a.size(), 0, &error);
    zip_t* archive = nullptr;
    if (source) {
        archive = zip_open_from_source(source, flags | ZIP_RDONLY, &error);
        if (!archive)
            zip_source_free(source);
    }
    code = zip_error_code_zip(&error);
    zip_error_fini(&error);
    return archive;
}

// The policy, entry by entry, in central-directory order: the first problem is reported.
Status checkEntries(zip_t* archive, const std::string& what, const ZipLimits& limits,
                    std::vector<ZipEntry>& entries)
{
    const zip_int64_t count = zip_get_num_entries(archive, 0);
    if (count < 0 || std::uint64_t(count) > limits.maxEntries)
        return Status::error(what + ": the archive holds " + std::to_string(count) +
                             " entries; the limit is " + std::to_string(limits.maxEntries));
    std::set<std::string> names;
    std::uint64_t total = 0;
    for (zip_int64_t i = 0; i < count; ++i) {
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(archive, zip_uint64_t(i), ZIP_FL_ENC_RAW, &st) != 0 || !st.name)
            return Status::error(what + ": central directory entry " + std::to_string(i + 1) +
                                 " is truncated or corrupt");
        ZipEntry e;
        e.name = st.name;
        e.index = zip_uint64_t(i);
        e.method = st.comp_method;
        e.crc = st.crc;
        e.compressedSize = st.comp_size;
        e.size = st.size;

        const std::string entry = what + ": entry \"" + e.name + "\"";
        if (const std::string reason = ZipReader::unsafeNameReason(e.name); !reason.empty())
            return Status::error(entry + " has an unsafe name: " + reason);
        if (!names.insert(e.name).second)
            return Status::error(entry + " appears twice");
        if (e.compressedSize >= kMax32 || e.size >= kMax32)
            return Status::error(entry + " needs ZIP64, which is not supported");
        if (st.encryption_method != ZIP_EM_NONE)
            return Status::error(entry + " is encrypted, which is not supported");
        if (e.method != ZIP_CM_STORE && e.method != ZIP_CM_DEFLATE)
            return Status::error(entry + " uses compression method " + std::to_string(e.method) +
                                 "; only stored (0) and deflate (8) are supported");
        if (e.size > limits.maxEntryBytes)
            return Status::error(entry + " declares " + std::to_string(e.size) +
                                 " bytes; the limit is " + mb(limits.maxEntryBytes) + " per entry");
        if (e.method == ZIP_CM_STORE && e.size != e.compressedSize)
            return Status::error(entry + " is stored but declares different sizes");
        if (e.size > (1u << 20) &&
            double(e.size) > limits.maxRatio * double(std::max<std::uint64_t>(1, e.compressedSize)))
            return Status::error(entry + " declares a compression ratio above " +
                                 std::to_string(int(limits.maxRatio)) + ":1 (a possible zip bomb)");
        total += e.size;
        if (total > limits.maxTotalBytes)
            return Status::error(what + ": the entries declare more than " +
                                 mb(limits.maxTotalBytes) + " in all (the limit)");
        entries.push_back(std::move(e));
    }
    return Status::ok();
}

} // namespace

void ZipReader::Closer::operator()(::zip* archive) const
{
    zip_discard(archive);
}

ZipReader::ZipReader(ZipReader&&) noexcept = default;
ZipReader& ZipReader::operator=(ZipReader&&) noexcept = default;
ZipReader::~ZipReader() = default;

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
    if (archive.empty())
        return Status::error(what + ": not a zip archive (the file is empty)");
    ZipReader z;
    z.m_what = what;
    z.m_archive = std::move(archive);
    const auto& a = z.m_archive;

    // Bytes after the end record: refused (common unzip tools warn and go on; a .mdsp is only
    // ever written whole, so anything appended means the file was damaged or tampered with).
    if (const std::uint64_t extra = trailingBytes(a); extra > 0)
        return Status::error(what + ": unexpected " + std::to_string(extra) +
                             (extra == 1 ? " byte" : " bytes") +
                             " after the end of the archive (the file was damaged or "
                             "something was appended to it)");

    // Pass 1: the archive as written (duplicates allowed, so that they can be named).
    int code = ZIP_ER_OK;
    std::unique_ptr<::zip, Closer> plain(openArchive(a, 0, code));
    if (!plain)
        return Status::error(what + ": " + openError(code, a, false));
    if (auto s = checkEntries(plain.get(), what, limits, z.m_entries); !s)
        return s;
    plain.reset();

    // Pass 2: libzip's consistency checks. With them it refuses duplicate names, too.
    z.m_zip.reset(openArchive(a, ZIP_CHECKCONS, code));
    if (!z.m_zip)
        return Status::error(what + ": " + openError(code, a, true));

    // ZIP64 records: libzip takes an end record preceded by a ZIP64 locator as ZIP64, and
    // the consistency checks put the end record at the end, before the archive comment.
    int commentLength = 0;
    zip_get_archive_comment(z.m_zip.get(), &commentLength, ZIP_FL_ENC_RAW);
    const std::size_t endRecord = a.size() - 22 - std::size_t(std::max(0, commentLength));
    static const std::uint8_t kZip64Locator[4] = {'P', 'K', 6, 7};
    if (endRecord >= 20 && std::memcmp(&a[endRecord - 20], kZip64Locator, 4) == 0)
        return Status::error(what + ": the archive needs ZIP64, which is not supported");

    // Overlapping entries (a zip-bomb technique): entries that do not overlap fit, each with
    // its local header (30 bytes and the name), into the bytes before the end record.
    std::uint64_t spans = 0;
    for (const ZipEntry& e : z.m_entries)
        spans += e.compressedSize + 30 + e.name.size();
    if (spans > endRecord)
        return Status::error(what + ": the entries claim " + std::to_string(spans) +
                             " bytes, more than the archive holds: they overlap (corrupt or "
                             "hostile archive)");
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
    zip_file_t* file = zip_fopen_index(m_zip.get(), e->index, 0);
    if (!file)
        return Status::error(entry + " cannot be opened (" +
                             std::string(zip_error_strerror(zip_get_error(m_zip.get()))) + ")");
    // One byte more than declared: a stream that goes on is refused without being inflated
    // any further.
    std::vector<std::uint8_t> out(std::size_t(e->size) + 1);
    std::uint64_t got = 0;
    int code = ZIP_ER_OK;
    std::string detail;
    while (got < out.size()) {
        const zip_int64_t n = zip_fread(file, out.data() + got, out.size() - got);
        if (n < 0) {
            zip_error_t* error = zip_file_get_error(file);
            code = zip_error_code_zip(error);
            detail = zip_error_strerror(error);
            break;
        }
        if (n == 0)
            break;
        got += std::uint64_t(n);
    }
    zip_fclose(file);
    if (got > e->size)
        return Status::error(entry + ": decompresses to more than " + std::to_string(e->size) +
                             " bytes (the limit)");
    switch (code) {
    case ZIP_ER_OK:
        break;
    case ZIP_ER_CRC:
        return Status::error(entry + " fails its CRC check (the archive is corrupt)");
    case ZIP_ER_INCONS:
        return Status::error(entry + " holds " + std::to_string(got) + " bytes but declares " +
                             std::to_string(e->size));
    case ZIP_ER_ZLIB:
    case ZIP_ER_COMPRESSED_DATA:
        return Status::error(entry + ": the compressed data is corrupt (" + detail + ")");
    default:
        return Status::error(entry + " cannot be read (" + detail + ")");
    }
    if (got != e->size)
        return Status::error(entry + " holds " + std::to_string(got) + " bytes but declares " +
                             std::to_string(e->size));
    out.resize(std::size_t(got));
    return out;
}

} // namespace md
