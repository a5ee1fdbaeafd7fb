#include "engine/text/SentencePieceLibrary.h"

#include <cstdlib>
#include <dlfcn.h>
#include <filesystem>
#include <vector>

namespace md {

namespace {

constexpr const char* kFileName = "libmd_spm_shim.so";

std::vector<std::string> candidatePaths()
{
    namespace fs = std::filesystem;
    std::vector<std::string> paths;
    if (const char* env = std::getenv("MD_SPM_SHIM"); env && *env)
        paths.emplace_back(env);

    std::vector<fs::path> dirs;
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec)
        dirs.push_back(exe.parent_path());
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&candidatePaths), &info) && info.dli_fname) {
        const fs::path object = fs::absolute(info.dli_fname, ec).parent_path();
        if (!ec && (dirs.empty() || dirs.front() != object))
            dirs.push_back(object);
    }
    for (const fs::path& dir : dirs) {
        for (const fs::path& relative :
             {fs::path("."), fs::path("../bin"), fs::path("../lib/mdstudio"), fs::path("../lib")}) {
            const fs::path candidate = (dir / relative / kFileName).lexically_normal();
            if (fs::exists(candidate, ec))
                paths.push_back(candidate.string());
        }
    }
    paths.emplace_back(kFileName); // the dynamic loader's own search
    return paths;
}

// Loads the shim where its sentencepiece (and that library's private protobuf) cannot see
// or be seen by libtorch's libprotobuf. glibc: a new link-map namespace (dlmopen), with its
// own copies of the C and C++ runtimes, so nothing is shared but plain C calls.
// (RTLD_DEEPBIND is not enough: it breaks libstdc++'s copy-relocated std::cerr.)
void* openIsolated(const std::string& path)
{
#if defined(__GLIBC__) && defined(LM_ID_NEWLM)
    return dlmopen(LM_ID_NEWLM, path.c_str(), RTLD_NOW | RTLD_LOCAL);
#else
    return dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
#endif
}

template <typename Fn> bool resolve(void* handle, const char* name, Fn& target)
{
    target = reinterpret_cast<Fn>(dlsym(handle, name));
    return target != nullptr;
}

} // namespace

void SentencePieceLibrary::appendBytes(void* context, const char* bytes, std::size_t size)
{
    static_cast<std::string*>(context)->append(bytes, size);
}

void SentencePieceLibrary::appendIds(void* context, const int* ids, std::size_t count)
{
    auto* out = static_cast<std::vector<int>*>(context);
    out->insert(out->end(), ids, ids + count);
}

Result<const SentencePieceLibrary*> SentencePieceLibrary::get()
{
    static const Result<const SentencePieceLibrary*> library = open();
    return library;
}

Result<const SentencePieceLibrary*> SentencePieceLibrary::open()
{
    std::string tried;
    for (const std::string& path : candidatePaths()) {
        void* handle = openIsolated(path);
        if (!handle) {
            const char* why = dlerror();
            tried += "\n  " + path + ": " + (why ? why : "cannot be loaded");
            continue;
        }
        auto* lib = new SentencePieceLibrary(); // lives as long as the process
        lib->path = path;
        MdSpmAbiFn abi = nullptr;
        const bool complete = resolve(handle, "md_spm_abi", abi) &&
                              resolve(handle, "md_spm_load", lib->load) &&
                              resolve(handle, "md_spm_free", lib->free) &&
                              resolve(handle, "md_spm_info", lib->info) &&
                              resolve(handle, "md_spm_encode", lib->encode) &&
                              resolve(handle, "md_spm_decode", lib->decode) &&
                              resolve(handle, "md_spm_piece_to_id", lib->pieceToId) &&
                              resolve(handle, "md_spm_id_to_piece", lib->idToPiece) &&
                              resolve(handle, "md_spm_train", lib->train);
        if (!complete || abi() != MD_SPM_SHIM_ABI) {
            tried += "\n  " + path + ": not a matching build of the shim (interface version)";
            delete lib;
            dlclose(handle);
            continue;
        }
        return static_cast<const SentencePieceLibrary*>(lib);
    }
    return Status::error(std::string("sentencepiece support is missing: ") + kFileName +
                         " (built with the engine, target md_spm_shim) could not be loaded; "
                         "set MD_SPM_SHIM to its full path. Tried:" +
                         tried);
}

} // namespace md
