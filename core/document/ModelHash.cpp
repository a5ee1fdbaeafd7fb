#include "document/ModelHash.h"

#include "document/FileType.h"
#include "document/ModelSha256.h"
#include "document/Sha256.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace md {

namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kMiB = 1 << 20;
constexpr std::size_t kMaxFolderFiles = 10000;

bool readAt(std::ifstream& in, std::uint64_t offset, std::uint64_t size, std::string& out)
{
    out.resize(std::size_t(size));
    in.clear();
    in.seekg(std::streamoff(offset));
    in.read(out.data(), std::streamsize(size));
    out.resize(std::size_t(std::max<std::streamsize>(0, in.gcount())));
    return out.size() == size;
}

Status hashFile(const fs::path& file, Sha256& h)
{
    std::error_code ec;
    const std::uint64_t size = fs::file_size(file, ec);
    if (ec)
        return Status::error(file.string() + ": cannot read the size: " + ec.message());
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return Status::error(file.string() + ": cannot open for hashing");
    std::uint8_t le[8];
    for (int i = 0; i < 8; ++i)
        le[i] = std::uint8_t(size >> (8 * i));
    h.update(le, 8);
    const std::uint64_t firstEnd = std::min(size, kMiB);
    const std::uint64_t lastBegin = std::max(firstEnd, size > kMiB ? size - kMiB : 0);
    std::string part;
    if (!readAt(in, 0, firstEnd, part))
        return Status::error(file.string() + ": read failed while hashing");
    h.update(part.data(), part.size());
    if (!readAt(in, lastBegin, size - lastBegin, part))
        return Status::error(file.string() + ": read failed while hashing");
    h.update(part.data(), part.size());
    return Status::ok();
}

std::string displayNameFor(const fs::path& p)
{
    fs::path clean = p;
    if (clean.filename().empty())
        clean = clean.parent_path();
    if (fs::is_directory(clean))
        return clean.filename().string();
    return clean.stem().string();
}

} // namespace

Result<ModelReference> describeModel(const std::string& path, bool withSha256)
{
    ModelReference ref;
    ref.path = path;
    if (path.empty()) {
        ref.displayName = "embedded default";
        return ref;
    }
    try {
        const fs::path p(path);
        std::error_code ec;
        const auto st = fs::status(p, ec);
        if (ec || !fs::exists(st))
            return Status::error(path + ": the model does not exist");
        ref.displayName = displayNameFor(p);
        Sha256 h;
        const char tag[] = "mdstudio-fast-hash-v1";
        h.update(tag, sizeof tag); // includes the NUL
        if (fs::is_directory(st)) {
            std::vector<std::string> files;
            for (auto it = fs::recursive_directory_iterator(p, ec);
                 !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
                if (it->is_regular_file())
                    files.push_back(fs::relative(it->path(), p).generic_string());
                if (files.size() > kMaxFolderFiles)
                    return Status::error(path + ": the model folder holds more than " +
                                         std::to_string(kMaxFolderFiles) + " files");
            }
            if (ec)
                return Status::error(path + ": cannot list the model folder: " + ec.message());
            std::sort(files.begin(), files.end());
            for (const auto& rel : files) {
                h.update(rel.c_str(), rel.size() + 1);
                if (auto s = hashFile(p / rel, h); !s)
                    return s;
            }
        } else {
            // A FIFO or a device would block or never end: refused by kind before opening.
            if (auto s = checkInputFile(path); !s)
                return s;
            if (auto s = hashFile(p, h); !s)
                return s;
            std::ifstream in(p, std::ios::binary);
            std::string part;
            readAt(in, kMiB, 0x10000, part);
            ref.shortHash = Sha256::hex(part.data(), part.size()).substr(0, 8);
            if (withSha256) {
                auto whole = modelFileSha256(path); // cached: seconds only the first time
                if (!whole)
                    return whole.status();
                ref.sha256 = whole.value();
            }
        }
        ref.contentHash = "fast-sha256:" + h.hexDigest();
        return ref;
    } catch (const std::exception& e) {
        return Status::error(path + ": cannot hash the model: " + e.what());
    }
}

ModelCheck checkModel(const ModelReference& ref)
{
    if (ref.path.empty())
        return ModelCheck::Same;
    std::error_code ec;
    if (!fs::exists(fs::path(ref.path), ec))
        return ModelCheck::Missing;
    if (ref.contentHash.empty())
        return ModelCheck::Unknown;
    auto now = describeModel(ref.path, /*withSha256=*/false);
    if (!now)
        return ModelCheck::Missing;
    return now->contentHash == ref.contentHash ? ModelCheck::Same : ModelCheck::Changed;
}

} // namespace md
