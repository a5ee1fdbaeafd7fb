// A single-file LDM checkpoint (.safetensors): tensors mapped by LdmKeyMap, architecture
// detected from names and shapes, the rest from documented defaults or from the config
// files of a diffusers folder of the same model sitting beside it.

#include "engine/io/CheckpointLayouts.h"
#include "engine/io/CheckpointLoader.h"
#include "engine/io/ConfigDetection.h"
#include "engine/io/DiffusersConfig.h"
#include "engine/io/LdmKeyMap.h"
#include "engine/io/PredictionDetection.h"

namespace md {

namespace {

// Diffusers folders that may describe this file: <dir>/<stem>/, the folder that holds the
// given tokenizer folder (or the tokenizer option itself when it is a pipeline folder).
std::vector<std::string> siblingRoots(const std::string& path, const CheckpointOptions& options)
{
    std::vector<std::string> roots;
    roots.push_back(joinPath(parentPath(path), fileStem(path)));
    if (!options.tokenizerDir.empty()) {
        roots.push_back(options.tokenizerDir);
        roots.push_back(parentPath(options.tokenizerDir));
    }
    return roots;
}

struct Adopted
{
    bool unet = false;
    bool textEncoder = false;
    bool scheduler = false;
};

// Adopts the config files of the first sibling folder that describes THIS model: its
// unet/config.json must be there and every config present must agree with the weights (a VAE
// or text encoder config alone proves nothing: many models share them). A folder with any
// disagreeing config is ignored as a whole, scheduler included.
Adopted adoptSiblingConfigs(Checkpoint& ckpt, const std::string& path,
                            const CheckpointOptions& options)
{
    for (const std::string& root : siblingRoots(path, options)) {
        const std::string unetPath = joinPath(root, "unet/config.json");
        const std::string vaePath = joinPath(root, "vae/config.json");
        const std::string tePath = joinPath(root, "text_encoder/config.json");
        if (!isRegularFile(unetPath))
            continue;
        Adopted result;
        ModelConfig candidate = ckpt.config;
        std::vector<std::string> adopted, rejected;
        {
            auto json = readJsonFile(unetPath);
            auto c = json ? unetConfigFromJson(json.value(), unetPath)
                          : Result<UNetConfig>(json.status());
            Status s = c ? checkUNetConfig(c.value(), ckpt.unet, unetPath) : c.status();
            if (s) {
                candidate.unet = c.value();
                result.unet = true;
                adopted.push_back(unetPath);
            } else {
                rejected.push_back(s.message());
            }
        }
        if (isRegularFile(vaePath)) {
            auto json = readJsonFile(vaePath);
            auto c =
                json ? vaeConfigFromJson(json.value(), vaePath) : Result<VaeConfig>(json.status());
            Status s = c ? checkVaeConfig(c.value(), ckpt.vae, vaePath) : c.status();
            if (s) {
                candidate.vae = c.value();
                adopted.push_back(vaePath);
            } else {
                rejected.push_back(s.message());
            }
        }
        if (isRegularFile(tePath)) {
            auto json = readJsonFile(tePath);
            auto c = json ? textEncoderConfigFromJson(json.value(), tePath)
                          : Result<TextEncoderConfig>(json.status());
            Status s = c ? checkTextEncoderConfig(c.value(), ckpt.textEncoder, tePath) : c.status();
            if (s) {
                candidate.textEncoder = c.value();
                candidate.textEncoder.hasProjection = ckpt.config.textEncoder.hasProjection;
                result.textEncoder = true;
                adopted.push_back(tePath);
            } else {
                rejected.push_back(s.message());
            }
        }
        if (!rejected.empty()) {
            for (const auto& r : rejected)
                ckpt.notes.push_back("ignored the diffusers folder " + root +
                                     " beside the file: a config does not match it: " + r);
            continue;
        }
        const std::string schedulerPath = joinPath(root, "scheduler/scheduler_config.json");
        if (isRegularFile(schedulerPath)) {
            auto json = readJsonFile(schedulerPath);
            auto c = json ? schedulerConfigFromJson(json.value(), schedulerPath)
                          : Result<SchedulerConfig>(json.status());
            if (c) {
                candidate.scheduler = c.value();
                result.scheduler = true;
                adopted.push_back(schedulerPath);
            } else {
                ckpt.notes.push_back("ignored " + c.error());
            }
        }
        ckpt.config = candidate;
        std::string list;
        for (const auto& a : adopted)
            list += (list.empty() ? "" : ", ") + a;
        ckpt.notes.push_back("used the configs beside the file (they match its weights): " + list);
        return result;
    }
    return Adopted();
}

} // namespace

Result<Checkpoint> loadSingleFileCheckpoint(const std::string& path,
                                            const CheckpointOptions& options)
{
    auto file = SafetensorsFile::open(path);
    if (!file)
        return file.status();
    auto mapping = mapLdmCheckpoint(file.value());
    if (!mapping)
        return mapping.status();

    Checkpoint ckpt;
    ckpt.path = path;
    ckpt.layout = "single-file (LDM)";
    ckpt.unet = std::move(mapping->unet);
    ckpt.vae = std::move(mapping->vae);
    ckpt.textEncoder = std::move(mapping->textEncoder);
    ckpt.notes = std::move(mapping->notes);
    const bool openClip = mapping->textLayout == TextEncoderLayout::OpenClip;
    const std::string name = fileName(path);

    std::vector<std::string> guesses;
    auto unet = detectUNetConfig(ckpt.unet, guesses);
    if (!unet)
        return unet.status().withContext(name);
    auto vae = detectVaeConfig(ckpt.vae, guesses);
    if (!vae)
        return vae.status().withContext(name);
    // Every SD 2.x text encoder is OpenCLIP (gelu). A file with SD 2.x's linear proj_in but
    // CLIP-named text keys is one that a converter wrote from a diffusers folder (diffusers'
    // script keeps CLIP names when the encoder is not 23 layers deep): still gelu.
    const bool geluText = openClip || unet->useLinearProjection;
    auto te = detectTextEncoderConfig(ckpt.textEncoder, geluText, guesses);
    if (!te)
        return te.status().withContext(name);
    if (geluText && !openClip)
        guesses.push_back("text_encoder: CLIP-named text encoder in an SD 2.x-style file "
                          "(linear proj_in): assumed gelu, as in every SD 2.x text encoder");
    ckpt.config.unet = unet.value();
    ckpt.config.vae = vae.value();
    ckpt.config.textEncoder = te.value();
    ckpt.config.family = familyOf(ckpt.config);

    // What the weights cannot tell: the prediction type and native size (rules in
    // PredictionDetection.h). A scheduler config beside the file replaces them.
    const PredictionGuess prediction = detectPrediction(*file.value(), ckpt.config, ckpt.unet);
    ckpt.config.scheduler.predictionType = prediction.predictionType;
    if (prediction.sampleSize) {
        ckpt.config.unet.sampleSize = *prediction.sampleSize;
        ckpt.config.vae.sampleSize = *prediction.sampleSize * ckpt.config.vae.scaleFactor();
    }
    const size_t predictionNote = prediction.reason.empty() ? std::string::npos : guesses.size();
    if (!prediction.reason.empty())
        guesses.push_back(prediction.reason);

    Adopted adopted;
    if (options.useSiblingConfigs)
        adopted = adoptSiblingConfigs(ckpt, path, options);
    for (size_t i = 0; i < guesses.size(); ++i) {
        const std::string& g = guesses[i];
        // A guess that a matching config file replaced is not worth reporting.
        if ((adopted.textEncoder && g.rfind("text_encoder:", 0) == 0) ||
            (adopted.unet && g.rfind("unet:", 0) == 0) ||
            (adopted.scheduler && i == predictionNote))
            continue;
        ckpt.notes.push_back(g);
    }
    ckpt.config.family = familyOf(ckpt.config);
    if (Status s = applyHeadOverrides(ckpt.config, options); !s)
        return s.withContext(name);

    std::vector<std::string> tokenizerDirs;
    if (!options.tokenizerDir.empty()) {
        auto tok = findTokenizerFiles(options.tokenizerDir);
        if (!tok)
            return tok.status();
        ckpt.tokenizer = tok.value();
    } else {
        const std::string dir = parentPath(path);
        tokenizerDirs = {joinPath(dir, "tokenizer"),
                         joinPath(joinPath(dir, fileStem(path)), "tokenizer")};
        for (const auto& candidate : tokenizerDirs) {
            if (!isDirectory(candidate))
                continue;
            auto tok = findTokenizerFiles(candidate);
            if (tok) {
                ckpt.tokenizer = tok.value();
                ckpt.notes.push_back("tokenizer from " + candidate);
                break;
            }
        }
        if (ckpt.tokenizer.kind == TokenizerFiles::Kind::None)
            ckpt.tokenizerMessage =
                name + " holds no tokenizer, and none was found beside it (looked in " +
                tokenizerDirs[0] + " and " + tokenizerDirs[1] +
                "). Pass --tokenizer DIR with the model's tokenizer files: vocab.json + "
                "merges.txt (CLIP BPE, as in a diffusers folder's tokenizer/; SD 1.x and 2.x "
                "both use the CLIP tokenizer) or a sentencepiece .model file.";
    }
    ckpt.config.family = reportedFamily(ckpt.config.family, ckpt.tokenizer.kind,
                                        file.value()->metadata().count("md_model") > 0);
    ckpt.storedDtype = storedDtypeSummary(ckpt);
    return ckpt;
}

} // namespace md
