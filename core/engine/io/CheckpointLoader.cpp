#include "engine/io/CheckpointLoader.h"

#include "engine/PathKind.h"
#include "engine/io/CheckpointLayouts.h"
#include "engine/io/ConfigBounds.h"
#include "engine/io/TextHelpers.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <dirent.h>
#include <sys/stat.h>

namespace md {

bool isDirectory(const std::string& path)
{
    struct stat st
    {
    };
    return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool isRegularFile(const std::string& path)
{
    struct stat st
    {
    };
    return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string joinPath(const std::string& a, const std::string& b)
{
    if (a.empty())
        return b;
    return a.back() == '/' ? a + b : a + "/" + b;
}

std::string parentPath(const std::string& path)
{
    std::string p = path;
    while (p.size() > 1 && p.back() == '/')
        p.pop_back();
    auto slash = p.find_last_of('/');
    if (slash == std::string::npos)
        return ".";
    return slash == 0 ? "/" : p.substr(0, slash);
}

std::string fileName(const std::string& path)
{
    std::string p = path;
    while (p.size() > 1 && p.back() == '/')
        p.pop_back();
    auto slash = p.find_last_of('/');
    return slash == std::string::npos ? p : p.substr(slash + 1);
}

std::string fileStem(const std::string& path)
{
    std::string name = fileName(path);
    auto dot = name.find_last_of('.');
    return dot == std::string::npos || dot == 0 ? name : name.substr(0, dot);
}

namespace {

std::string extension(const std::string& path)
{
    std::string name = fileName(path);
    auto dot = name.find_last_of('.');
    return dot == std::string::npos ? "" : lowerAscii(name.substr(dot));
}

std::vector<std::string> filesEndingWith(const std::string& dir, const std::string& suffix)
{
    std::vector<std::string> out;
    DIR* d = opendir(dir.c_str());
    if (!d)
        return out;
    while (dirent* e = readdir(d)) {
        std::string name = e->d_name;
        if (name.size() > suffix.size() &&
            lowerAscii(name).compare(name.size() - suffix.size(), suffix.size(), suffix) == 0 &&
            isRegularFile(joinPath(dir, name)))
            out.push_back(name);
    }
    closedir(d);
    std::sort(out.begin(), out.end());
    return out;
}

// Four leading bytes: a zip archive, as torch.save writes (whatever the extension).
std::string sniffPickle(const std::string& path)
{
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f)
        return "";
    unsigned char b[4] = {0, 0, 0, 0};
    size_t n = std::fread(b, 1, 4, f);
    std::fclose(f);
    if (n >= 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4)
        return "a zip archive (torch.save format)";
    // A raw pickle stream (0x80 <protocol>) is not sniffed: a safetensors header length
    // such as 640 starts with the same two bytes.
    return "";
}

} // namespace

bool isPickleCheckpointPath(const std::string& path)
{
    const std::string ext = extension(path);
    return ext == ".ckpt" || ext == ".pt" || ext == ".pth" || ext == ".bin";
}

std::string pickleRefusalMessage(const std::string& path)
{
    return path +
           ": pickle-based checkpoints (.ckpt, .pt, .pth, .bin) are never loaded: unpickling "
           "a file can run arbitrary code on this computer, so it is not done even for "
           "trusted-looking files. Convert it to .safetensors once, in a sandbox you trust "
           "(for example with diffusers' or the safetensors project's conversion scripts), "
           "or download the .safetensors version of the model.";
}

Result<TokenizerFiles> findTokenizerFiles(const std::string& dirIn)
{
    if (!isDirectory(dirIn))
        return Status::error(dirIn + ": tokenizer folder not found");
    std::string dir = dirIn;
    // A diffusers folder: its tokenizer/ subfolder.
    if (!isRegularFile(joinPath(dir, "vocab.json")) && filesEndingWith(dir, ".model").empty() &&
        isDirectory(joinPath(dir, "tokenizer")))
        dir = joinPath(dir, "tokenizer");

    TokenizerFiles files;
    files.directory = dir;
    const std::string vocab = joinPath(dir, "vocab.json");
    const std::string merges = joinPath(dir, "merges.txt");
    const bool hasVocab = isRegularFile(vocab), hasMerges = isRegularFile(merges);
    if (hasVocab || hasMerges) {
        if (!hasVocab)
            return Status::error(dir + ": merges.txt is there but vocab.json is missing "
                                       "(a CLIP BPE tokenizer needs both)");
        if (!hasMerges)
            return Status::error(dir + ": vocab.json is there but merges.txt is missing "
                                       "(a CLIP BPE tokenizer needs both)");
        files.kind = TokenizerFiles::Kind::ClipBpe;
        files.vocabJson = vocab;
        files.mergesTxt = merges;
        if (isRegularFile(joinPath(dir, "special_tokens_map.json")))
            files.specialTokensMap = joinPath(dir, "special_tokens_map.json");
        if (isRegularFile(joinPath(dir, "tokenizer_config.json")))
            files.tokenizerConfig = joinPath(dir, "tokenizer_config.json");
        return files;
    }
    std::vector<std::string> models = filesEndingWith(dir, ".model");
    std::string model;
    for (const char* preferred : {"spiece.model", "tokenizer.model", "sentencepiece.model"})
        if (std::find(models.begin(), models.end(), preferred) != models.end()) {
            model = preferred;
            break;
        }
    if (model.empty() && models.size() == 1)
        model = models.front();
    if (model.empty() && models.size() > 1)
        return Status::error(dir + ": several .model files and none named spiece.model or "
                                   "tokenizer.model; keep only the tokenizer's");
    if (model.empty())
        return Status::error(dir + ": no tokenizer files (expected vocab.json + merges.txt for "
                                   "CLIP BPE, or a sentencepiece .model file)");
    files.kind = TokenizerFiles::Kind::SentencePiece;
    files.sentencePieceModel = joinPath(dir, model);
    if (isRegularFile(joinPath(dir, "special_tokens_map.json")))
        files.specialTokensMap = joinPath(dir, "special_tokens_map.json");
    if (isRegularFile(joinPath(dir, "tokenizer_config.json")))
        files.tokenizerConfig = joinPath(dir, "tokenizer_config.json");
    return files;
}

ModelFamily familyOf(const ModelConfig& config)
{
    // SDXL: two text encoders and the "text_time" added conditioning.
    if (config.hasTextEncoder2 || config.unet.hasTextTime())
        return ModelFamily::SDXL;
    // SD 2.x: OpenCLIP's gelu, the 1024-wide OpenCLIP context, or linear proj_in / proj_out
    // (use_linear_projection, which no SD 1.x model has).
    if (config.textEncoder.hiddenAct == "gelu" || config.unet.crossAttentionDim == 1024 ||
        config.unet.useLinearProjection)
        return ModelFamily::SD2;
    return ModelFamily::SD1;
}

ModelFamily reportedFamily(ModelFamily architecture, TokenizerFiles::Kind tokenizer,
                           bool embeddedMarker)
{
    if (embeddedMarker)
        return ModelFamily::Embedded;
    if (tokenizer == TokenizerFiles::Kind::SentencePiece)
        return ModelFamily::Unknown;
    return architecture;
}

Status applyHeadOverrides(ModelConfig& config, const CheckpointOptions& options)
{
    if (options.textEncoderHeads) {
        const int heads = *options.textEncoderHeads;
        if (heads <= 0 || config.textEncoder.hiddenSize % heads != 0)
            return Status::error("text encoder heads " + std::to_string(heads) +
                                 " do not divide its width " +
                                 std::to_string(config.textEncoder.hiddenSize));
        config.textEncoder.numAttentionHeads = heads;
    }
    if (options.unetHeads) {
        std::vector<int> heads = *options.unetHeads;
        const size_t blocks = config.unet.blockOutChannels.size();
        if (heads.size() == 1)
            heads.assign(blocks, heads.front());
        if (heads.size() != blocks)
            return Status::error("UNet heads: " + std::to_string(heads.size()) + " values for " +
                                 std::to_string(blocks) + " blocks");
        for (size_t b = 0; b < blocks; ++b)
            if (heads[b] <= 0 || config.unet.blockOutChannels[b] % heads[b] != 0)
                return Status::error("UNet heads " + std::to_string(heads[b]) +
                                     " do not divide block width " +
                                     std::to_string(config.unet.blockOutChannels[b]));
        config.unet.numHeads = heads;
    }
    return Status::ok();
}

std::string storedDtypeSummary(const Checkpoint& checkpoint)
{
    std::map<std::string, int64_t> counts;
    for (const WeightSet* set :
         {&checkpoint.unet, &checkpoint.vae, &checkpoint.textEncoder, &checkpoint.textEncoder2})
        for (const auto& [dtype, n] : set->storedDtypes())
            counts[dtype] += n;
    std::string out;
    for (const auto& [dtype, n] : counts)
        out += (out.empty() ? "" : "+") + dtype;
    return out.empty() ? "none" : out;
}

namespace {

// Whatever the layout, the architecture is checked against sane bounds before a caller
// builds a module from it.
Result<Checkpoint> withinBounds(Result<Checkpoint> ckpt, const std::string& path)
{
    if (!ckpt)
        return ckpt;
    if (Status s = checkConfigBounds(ckpt->config, path); !s)
        return s;
    return ckpt;
}

} // namespace

Result<Checkpoint> loadCheckpoint(const std::string& path, const CheckpointOptions& options)
{
    try {
        if (path.empty())
            return Status::error("no model path given");
        if (isPickleCheckpointPath(path))
            return Status::error(pickleRefusalMessage(path));
        // Before anything opens it: a FIFO would block, a device would be read without end.
        if (Status kind = requireFileOrFolder(path); !kind)
            return kind;
        if (isDirectory(path))
            return withinBounds(loadDiffusersFolder(path, options), path);
        if (!options.variant.empty())
            return Status::error(path + " is a single-file checkpoint: weight variants (\"" +
                                 options.variant +
                                 "\") are for diffusers folders; load it without one");
        if (std::string kind = sniffPickle(path); !kind.empty())
            return Status::error(path + " is " + kind + ", not safetensors. " +
                                 pickleRefusalMessage(path));
        const std::string ext = extension(path);
        if (ext == ".gguf" || ext == ".onnx" || ext == ".json")
            return Status::error(path + ": " + ext +
                                 " files are not supported; give a diffusers folder or a "
                                 "single-file .safetensors checkpoint");
        return withinBounds(loadSingleFileCheckpoint(path, options), path);
    } catch (const std::exception& e) {
        return Status::error(path + ": " + e.what());
    }
}

} // namespace md
