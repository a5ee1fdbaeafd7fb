#include "document/ZipWriter.h"

#include "document/ZipReader.h"

#include <algorithm>
#include <ctime>
#include <memory>
#include <zip.h>

namespace md {

namespace {

constexpr std::uint64_t kMax32 = 0xffffffffu;
constexpr int kDeflateLevel = 6;
constexpr std::uint32_t kFileAttributes = 0100644u << 16; // -rw-r--r--

// An entry's worst case in the archive: its data (deflate adds at most 5 bytes per 16 KiB
// block and 6 more), the local and central headers, both holding the name.
std::uint64_t worstCase(std::size_t size, std::size_t nameSize)
{
    return std::uint64_t(size) + (std::uint64_t(size) >> 14) * 5 + 6 + 30 + 46 + 2 * nameSize;
}

// 1980-01-01 00:00 local time: libzip stores local time, so every machine writes the same
// DOS date (0x0021) and time (0).
std::time_t fixedTime()
{
    std::tm t{};
    t.tm_year = 80;
    t.tm_mday = 1;
    t.tm_isdst = -1;
    return std::mktime(&t);
}

struct SourceFree
{
    void operator()(zip_source_t* s) const { zip_source_free(s); }
};

std::string failure(zip_t* archive)
{
    std::string text = zip_error_strerror(zip_get_error(archive));
    zip_discard(archive);
    return "zip: " + text;
}

struct Planned
{
    const std::string* name;
    const std::vector<std::uint8_t>* data;
    bool deflate;
};

// Builds the archive in memory. The entries' bytes are read, not copied, by libzip.
Result<std::vector<std::uint8_t>> build(const std::vector<Planned>& entries)
{
    zip_error_t error;
    zip_error_init(&error);
    std::unique_ptr<zip_source_t, SourceFree> buffer(
        zip_source_buffer_create(nullptr, 0, 0, &error));
    zip_t* archive = buffer ? zip_open_from_source(buffer.get(), ZIP_TRUNCATE, &error) : nullptr;
    if (!archive) {
        const std::string text = zip_error_strerror(&error);
        zip_error_fini(&error);
        return Status::error("zip: cannot start an archive in memory (" + text + ")");
    }
    zip_error_fini(&error);
    zip_source_keep(buffer.get()); // the archive's bytes stay in it after zip_close

    const std::time_t time = fixedTime();
    for (const Planned& e : entries) {
        zip_source_t* data = zip_source_buffer(archive, e.data->data(), e.data->size(), 0);
        if (!data)
            return Status::error(failure(archive) + " (entry \"" + *e.name + "\")");
        const zip_int64_t index = zip_file_add(archive, e.name->c_str(), data, ZIP_FL_ENC_UTF_8);
        if (index < 0) {
            zip_source_free(data);
            return Status::error(failure(archive) + " (entry \"" + *e.name + "\")");
        }
        const auto i = zip_uint64_t(index);
        if (zip_set_file_compression(archive, i, e.deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE,
                                     e.deflate ? kDeflateLevel : 0) != 0 ||
            zip_file_set_mtime(archive, i, time, 0) != 0 ||
            zip_file_set_external_attributes(archive, i, 0, ZIP_OPSYS_UNIX, kFileAttributes) != 0)
            return Status::error(failure(archive) + " (entry \"" + *e.name + "\")");
    }
    if (zip_close(archive) != 0)
        return Status::error(failure(archive));

    if (zip_source_open(buffer.get()) != 0)
        return Status::error("zip: cannot read the archive back from memory");
    zip_stat_t st;
    zip_stat_init(&st);
    std::vector<std::uint8_t> out;
    bool ok = zip_source_stat(buffer.get(), &st) == 0 && (st.valid & ZIP_STAT_SIZE) != 0;
    if (ok) {
        out.resize(std::size_t(st.size));
        ok = zip_source_read(buffer.get(), out.data(), out.size()) == zip_int64_t(out.size());
    }
    zip_source_close(buffer.get());
    if (!ok)
        return Status::error("zip: cannot read the archive back from memory");
    if (out.size() > kMax32)
        return Status::error("the archive would exceed 4 GiB (ZIP64 is not supported)");
    return out;
}

// Which entries of a freshly built archive deflate did not make smaller.
Result<std::vector<bool>> grewWhenDeflated(const std::vector<std::uint8_t>& archive)
{
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(archive.data(), archive.size(), 0, &error);
    zip_t* z = source ? zip_open_from_source(source, ZIP_RDONLY, &error) : nullptr;
    if (!z) {
        zip_source_free(source);
        const std::string text = zip_error_strerror(&error);
        zip_error_fini(&error);
        return Status::error("zip: cannot reopen the archive just written (" + text + ")");
    }
    zip_error_fini(&error);
    std::vector<bool> grew;
    for (zip_int64_t i = 0; i < zip_get_num_entries(z, 0); ++i) {
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(z, zip_uint64_t(i), 0, &st) != 0) {
            zip_discard(z);
            return Status::error("zip: cannot reopen the archive just written");
        }
        grew.push_back(st.comp_method == ZIP_CM_DEFLATE && st.comp_size >= st.size);
    }
    zip_discard(z);
    return grew;
}

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
    m_bytes += worstCase(size, name.size());
    if (m_bytes + 22 > kMax32)
        return m_error = Status::error("the archive would exceed 4 GiB (ZIP64 is not supported)");
    Entry e;
    e.name = name;
    e.data.assign(data, data + size);
    e.compress = tryCompress && size > 0;
    m_entries.push_back(std::move(e));
    return Status::ok();
}

Result<std::vector<std::uint8_t>> ZipWriter::finish()
{
    if (!m_error)
        return m_error;
    const std::vector<Entry> entries = std::move(m_entries);
    m_entries.clear();
    m_bytes = 0;
    if (entries.empty())
        return Status::error("zip: an archive needs at least one entry");

    std::vector<Planned> plan;
    for (const Entry& e : entries)
        plan.push_back({&e.name, &e.data, e.compress});
    auto archive = build(plan);
    if (!archive ||
        std::none_of(plan.begin(), plan.end(), [](const Planned& p) { return p.deflate; }))
        return archive;

    // Deflate that did not make an entry smaller: store that entry instead.
    auto grew = grewWhenDeflated(*archive);
    if (!grew)
        return grew.status();
    bool changed = false;
    for (std::size_t i = 0; i < plan.size() && i < grew->size(); ++i) {
        if ((*grew)[i]) {
            plan[i].deflate = false;
            changed = true;
        }
    }
    return changed ? build(plan) : archive;
}

} // namespace md
