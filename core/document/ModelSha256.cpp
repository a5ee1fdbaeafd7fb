#include "document/ModelSha256.h"

#include "document/AtomicFile.h"
#include "document/FileType.h"
#include "document/Sha256.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <vector>

namespace md {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kChunk = 4 << 20;
constexpr std::uint64_t kMaxCacheBytes = 16 << 20;
constexpr std::size_t kMaxCacheEntries = 2000;

Result<std::string> hashWholeFile(const fs::path& file)
{
    if (auto s = checkInputFile(file.string()); !s)
        return s;
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return Status::error(file.string() + ": cannot open for hashing");
    Sha256 h;
    std::vector<char> buffer(kChunk);
    while (in) {
        in.read(buffer.data(), std::streamsize(buffer.size()));
        const std::streamsize n = in.gcount();
        if (n > 0)
            h.update(buffer.data(), std::size_t(n));
    }
    if (in.bad() || !in.eof())
        return Status::error(file.string() + ": read failed while hashing");
    return h.hexDigest();
}

nlohmann::json readCache(const std::string& cachePath)
{
    std::error_code ec;
    if (cachePath.empty() || !fs::is_regular_file(cachePath, ec))
        return nlohmann::json::object();
    auto bytes = readFileBytes(cachePath, kMaxCacheBytes);
    if (!bytes)
        return nlohmann::json::object();
    auto j = nlohmann::json::parse(bytes->begin(), bytes->end(), nullptr, false);
    return j.is_object() ? j : nlohmann::json::object();
}

void writeCache(const std::string& cachePath, const nlohmann::json& cache)
{
    std::error_code ec;
    fs::create_directories(fs::path(cachePath).parent_path(), ec);
    const std::string text = cache.dump(1, ' ', false, nlohmann::json::error_handler_t::replace);
    (void)writeFileAtomic(cachePath, reinterpret_cast<const std::uint8_t*>(text.data()),
                          text.size());
}

// This process's digests (also when the cache file cannot be written): key -> size, time, digest.
struct Remembered
{
    std::uint64_t size = 0;
    std::int64_t mtime = 0;
    std::string sha256;
};
std::mutex g_rememberedMutex;
std::map<std::string, Remembered> g_remembered;

std::string remembered(const std::string& key, std::uint64_t size, std::int64_t mtime)
{
    std::lock_guard<std::mutex> lock(g_rememberedMutex);
    const auto it = g_remembered.find(key);
    return it != g_remembered.end() && it->second.size == size && it->second.mtime == mtime
               ? it->second.sha256
               : std::string();
}

void remember(const std::string& key, std::uint64_t size, std::int64_t mtime,
              const std::string& sha256)
{
    std::lock_guard<std::mutex> lock(g_rememberedMutex);
    g_remembered[key] = {size, mtime, sha256};
}

// The cached digest of `key` when its size and time still match; "" otherwise.
std::string cachedDigest(const nlohmann::json& cache, const std::string& key, std::uint64_t size,
                         std::int64_t mtime)
{
    const auto it = cache.find(key);
    if (it == cache.end() || !it->is_object())
        return {};
    const auto field = [&](const char* name) { return it->find(name); };
    const auto s = field("size"), t = field("mtime"), d = field("sha256");
    if (s == it->end() || t == it->end() || d == it->end() || !s->is_number_unsigned() ||
        !t->is_number_integer() || !d->is_string())
        return {};
    const std::string digest = d->get<std::string>();
    if (s->get<std::uint64_t>() != size || t->get<std::int64_t>() != mtime || digest.size() != 64 ||
        digest.find_first_not_of("0123456789abcdef") != std::string::npos)
        return {};
    return digest;
}

} // namespace

std::string modelHashCachePath()
{
    const auto env = [](const char* name) {
        const char* v = std::getenv(name);
        return v && *v ? std::string(v) : std::string();
    };
    std::string dir = env("MDSTUDIO_CACHE_DIR");
    if (dir.empty() && !env("XDG_CACHE_HOME").empty())
        dir = env("XDG_CACHE_HOME") + "/mdstudio";
    if (dir.empty() && !env("HOME").empty())
        dir = env("HOME") + "/.cache/mdstudio";
    return dir.empty() ? std::string() : dir + "/model-sha256.json";
}

std::string a1111ModelHash(const std::string& sha256)
{
    return sha256.substr(0, 10);
}

Result<std::string> modelFileSha256(const std::string& path)
{
    if (auto s = checkInputFile(path); !s)
        return s;
    try {
        std::error_code ec;
        // The key: the path with "..", "." and links resolved, so one file has one entry.
        fs::path file = fs::weakly_canonical(fs::path(path), ec);
        if (ec)
            file = fs::absolute(fs::path(path), ec);
        if (ec || !fs::is_regular_file(file, ec))
            return Status::error(path + ": not a file to hash");
        const std::uint64_t size = fs::file_size(file, ec);
        if (ec)
            return Status::error(path + ": cannot read its size: " + ec.message());
        const std::int64_t mtime = fs::last_write_time(file, ec).time_since_epoch().count();
        if (ec)
            return Status::error(path + ": cannot read its modification time: " + ec.message());
        const std::string key = file.string();
        if (std::string known = remembered(key, size, mtime); !known.empty())
            return known;
        const std::string cachePath = modelHashCachePath();
        if (const std::string cached = cachedDigest(readCache(cachePath), key, size, mtime);
            !cached.empty())
            return cached;
        auto digest = hashWholeFile(file);
        if (digest)
            remember(key, size, mtime, digest.value());
        if (!digest || cachePath.empty())
            return digest;
        // Re-read: another process may have added entries while this one was hashing.
        nlohmann::json cache = readCache(cachePath);
        if (cache.size() >= kMaxCacheEntries)
            cache = nlohmann::json::object();
        cache[key] = {{"size", size}, {"mtime", mtime}, {"sha256", digest.value()}};
        writeCache(cachePath, cache);
        return digest;
    } catch (const std::exception& e) {
        return Status::error(path + ": cannot hash the model: " + e.what());
    }
}

} // namespace md
