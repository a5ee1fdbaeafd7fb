#include "document/LoraHash.h"

#include "document/FileType.h"
#include "document/Sha256.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <tuple>
#include <vector>

namespace md {

namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kMaxHeaderBytes = 100 << 20; // what safetensors itself accepts
constexpr std::size_t kChunk = 4 << 20;

// The metadata's "sshs_model_hash" when it is a hex digest, lower-cased; else "".
std::string metadataHash(const std::string& header)
{
    const auto j = nlohmann::json::parse(header, nullptr, false);
    if (!j.is_object())
        return "";
    const auto meta = j.find("__metadata__");
    if (meta == j.end() || !meta->is_object())
        return "";
    const auto hash = meta->find("sshs_model_hash");
    if (hash == meta->end() || !hash->is_string())
        return "";
    std::string h = hash->get<std::string>();
    if (h.empty() || h.size() > 64 ||
        !std::all_of(h.begin(), h.end(), [](unsigned char c) { return std::isxdigit(c); }))
        return "";
    std::transform(h.begin(), h.end(), h.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return h;
}

Result<std::string> hashFile(const std::string& path, std::uint64_t size)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Status::error(path + ": cannot open the LoRA file");
    unsigned char lengthBytes[8];
    if (size < 8 || !in.read(reinterpret_cast<char*>(lengthBytes), 8))
        return Status::error(path + ": not a safetensors file (shorter than its 8-byte header "
                                    "length)");
    std::uint64_t n = 0;
    for (int i = 7; i >= 0; --i)
        n = (n << 8) | lengthBytes[i];
    if (n > kMaxHeaderBytes || n > size - 8)
        return Status::error(path + ": not a safetensors file (its header length " +
                             std::to_string(n) + " does not fit the file of " +
                             std::to_string(size) + " bytes)");
    std::string header(n, '\0');
    if (!in.read(header.data(), std::streamsize(n)))
        return Status::error(path + ": read failed in the safetensors header");
    if (std::string fromMetadata = metadataHash(header); !fromMetadata.empty())
        return fromMetadata;
    Sha256 h;
    std::vector<char> buffer(kChunk);
    while (in) {
        in.read(buffer.data(), std::streamsize(buffer.size()));
        const std::streamsize got = in.gcount();
        if (got > 0)
            h.update(buffer.data(), std::size_t(got));
    }
    if (in.bad() || !in.eof())
        return Status::error(path + ": read failed while hashing the LoRA file");
    return h.hexDigest();
}

using Key = std::tuple<std::string, std::uint64_t, std::int64_t>;
std::mutex g_mutex;
std::map<Key, std::string> g_hashes;

} // namespace

Result<std::string> loraFileHash(const std::string& path)
{
    if (auto s = checkInputFile(path); !s)
        return s;
    std::error_code ec;
    const fs::path canonical = fs::canonical(path, ec);
    const std::uint64_t size = fs::file_size(path, ec);
    if (ec)
        return Status::error(path + ": " + ec.message());
    const auto mtime = fs::last_write_time(path, ec).time_since_epoch().count();
    const Key key{canonical.string(), size, std::int64_t(mtime)};
    {
        std::lock_guard<std::mutex> lock(g_mutex);
        if (auto it = g_hashes.find(key); it != g_hashes.end())
            return it->second;
    }
    auto hash = hashFile(path, size);
    if (hash) {
        std::lock_guard<std::mutex> lock(g_mutex);
        g_hashes[key] = hash.value();
    }
    return hash;
}

std::string loraShortHash(const std::string& hash)
{
    return hash.substr(0, 12);
}

} // namespace md
