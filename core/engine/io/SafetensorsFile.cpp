#include "engine/io/SafetensorsFile.h"

#include "engine/PathKind.h"
#include "engine/io/SafetensorsHeader.h"
#include "engine/io/TextHelpers.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "safetensors data is little-endian; this reader copies it as is");

namespace md {

namespace {

bool isFloatingName(const std::string& dtype)
{
    return dtype == "F16" || dtype == "BF16" || dtype == "F32" || dtype == "F64";
}

} // namespace

std::optional<size_t> SafetensorsFile::dtypeSize(const std::string& dtype)
{
    return safetensorsDtypeSize(dtype);
}

std::optional<torch::Dtype> SafetensorsFile::torchDtype(const std::string& dtype)
{
    static const std::map<std::string, torch::Dtype> types = {
        {"BOOL", torch::kBool},  {"U8", torch::kByte},         {"I8", torch::kChar},
        {"I16", torch::kShort},  {"I32", torch::kInt},         {"I64", torch::kLong},
        {"F16", torch::kHalf},   {"BF16", torch::kBFloat16},   {"F32", torch::kFloat},
        {"F64", torch::kDouble}, {"C64", torch::kComplexFloat}};
    auto it = types.find(dtype);
    if (it == types.end())
        return std::nullopt;
    return it->second;
}

std::optional<std::string> SafetensorsFile::dtypeName(torch::Dtype dtype)
{
    switch (dtype) {
    case torch::kBool:
        return std::string("BOOL");
    case torch::kByte:
        return std::string("U8");
    case torch::kChar:
        return std::string("I8");
    case torch::kShort:
        return std::string("I16");
    case torch::kInt:
        return std::string("I32");
    case torch::kLong:
        return std::string("I64");
    case torch::kHalf:
        return std::string("F16");
    case torch::kBFloat16:
        return std::string("BF16");
    case torch::kFloat:
        return std::string("F32");
    case torch::kDouble:
        return std::string("F64");
    case torch::kComplexFloat:
        return std::string("C64");
    default:
        return std::nullopt;
    }
}

SafetensorsFile::~SafetensorsFile()
{
    if (m_map && m_size > 0)
        munmap(m_map, m_size);
    if (m_fd >= 0)
        ::close(m_fd);
}

Result<std::shared_ptr<const SafetensorsFile>> SafetensorsFile::open(const std::string& path)
{
    std::shared_ptr<SafetensorsFile> file(new SafetensorsFile());
    file->m_path = path;
    const std::string name = baseName(path);

    // Refused by kind before open(): opening a FIFO blocks until a writer comes.
    if (const PathKind kind = pathKind(path);
        kind != PathKind::Regular && kind != PathKind::Missing)
        return Status::error(path + " is not a regular file (it is " + pathKindName(kind) + ")");
    // O_NONBLOCK: should the path become a FIFO between the check and the open, open()
    // returns at once and fstat() below refuses it.
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return Status::error(path + ": cannot open: " + std::strerror(errno));
    file->m_fd = fd;
    struct stat st
    {
    };
    if (fstat(fd, &st) != 0)
        return Status::error(path + ": cannot stat: " + std::strerror(errno));
    if (!S_ISREG(st.st_mode))
        return Status::error(path + ": not a regular file");
    file->m_size = static_cast<uint64_t>(st.st_size);
    if (file->m_size < 8)
        return Status::error(name + ": not a safetensors file: " + std::to_string(file->m_size) +
                             " bytes, too short for the 8-byte header length");
    void* map = mmap(nullptr, file->m_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED)
        return Status::error(path + ": cannot map the file: " + std::strerror(errno));
    file->m_map = map;

    Status status = file->parse();
    if (!status)
        return status;
    return std::shared_ptr<const SafetensorsFile>(std::move(file));
}

Status SafetensorsFile::parse()
{
    const std::string name = baseName(m_path);
    const auto* bytes = static_cast<const uint8_t*>(m_map);
    uint64_t n = 0;
    for (int i = 7; i >= 0; --i)
        n = (n << 8) | bytes[i];
    auto header = parseSafetensorsHeader(name, bytes + 8, n, m_size);
    if (!header)
        return header.status();
    m_tensors.reserve(header->tensors.size());
    for (SafetensorsEntry& e : header->tensors)
        m_tensors.push_back(
            {std::move(e.name), std::move(e.dtype), std::move(e.shape), e.begin, e.end});
    m_metadata = std::move(header->metadata);
    m_data = bytes + 8 + n;
    std::sort(m_tensors.begin(), m_tensors.end(),
              [](const TensorInfo& a, const TensorInfo& b) { return a.name < b.name; });
    for (size_t i = 0; i < m_tensors.size(); ++i)
        m_index[m_tensors[i].name] = i;
    return Status::ok();
}

const SafetensorsFile::TensorInfo* SafetensorsFile::find(const std::string& name) const
{
    auto it = m_index.find(name);
    return it == m_index.end() ? nullptr : &m_tensors[it->second];
}

Result<torch::Tensor> SafetensorsFile::load(const std::string& name,
                                            std::optional<torch::Dtype> dtype) const
{
    const std::string file = baseName(m_path);
    const TensorInfo* info = find(name);
    if (!info)
        return Status::error(file + ": no tensor named '" + name + "'");
    auto stored = torchDtype(info->dtype);
    if (!stored)
        return Status::error(file + ": tensor '" + name + "' has dtype " + info->dtype +
                             ", which this build cannot load");
    const bool convert = dtype && *dtype != *stored && isFloatingName(info->dtype);
    if (convert && !c10::isFloatingType(*dtype))
        return Status::error(file + ": tensor '" + name + "' is " + info->dtype +
                             " and cannot be loaded as an integer dtype");
    try {
        const uint64_t bytes = info->end - info->begin;
        const uint8_t* source = m_data + info->begin;
        const size_t element = dtypeSize(info->dtype).value_or(1);
        torch::Tensor t;
        if (convert && bytes > 0 && reinterpret_cast<uintptr_t>(source) % element == 0) {
            // Converted straight from the mapping into the destination: no stored-dtype copy
            // (an F16 file loaded as float32 holds each tensor once, in float32). The view is
            // read-only: .to() only reads it.
            torch::Tensor view = torch::from_blob(const_cast<uint8_t*>(source), info->shape,
                                                  torch::TensorOptions().dtype(*stored));
            t = view.to(*dtype);
        } else {
            t = torch::empty(info->shape, torch::TensorOptions().dtype(*stored));
            if (bytes > 0)
                std::memcpy(t.data_ptr(), source, bytes);
            if (convert)
                t = t.to(*dtype);
        }
        releasePages(*info);
        return t;
    } catch (const std::exception& e) {
        return Status::error(file + ": tensor '" + name + "': " + e.what());
    }
}

void SafetensorsFile::releasePages(const TensorInfo& info) const
{
    // The file's pages that were just read stay in the page cache (reclaimable, and counted
    // in MemAvailable) but leave this process's resident set, so the RSS of a load is the
    // loaded tensors, not the loaded tensors plus the file. Whole pages inside the tensor
    // only; a later read faults them in again from the cache.
    const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
    const uintptr_t begin = reinterpret_cast<uintptr_t>(m_data + info.begin);
    const uintptr_t end = reinterpret_cast<uintptr_t>(m_data + info.end);
    const uintptr_t first = (begin + page - 1) / page * page;
    const uintptr_t last = end / page * page;
    if (last > first)
        madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
}

} // namespace md
