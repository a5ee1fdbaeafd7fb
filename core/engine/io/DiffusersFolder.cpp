// A diffusers pipeline folder: model_index.json, unet/ vae/ text_encoder/ (config.json and
// safetensors weights, *.fp16.safetensors and sharded *.safetensors.index.json accepted;
// CheckpointOptions::variant picks each component's variant files, see ComponentWeights.h),
// tokenizer/, scheduler/scheduler_config.json.

#include "engine/io/CheckpointLayouts.h"
#include "engine/io/CheckpointLoader.h"
#include "engine/io/ComponentWeights.h"
#include "engine/io/ConfigDetection.h"
#include "engine/io/DiffusersConfig.h"
#include "engine/io/ModelIndex.h"
#include "engine/io/TextHelpers.h"

#include <set>

namespace md {

namespace {

// The diffusers name of a tensor of a folder's component; "" to skip it.
std::string folderName(const std::string& component, const std::string& key)
{
    if (component == "text_encoder" || component == "text_encoder_2") {
        if (endsWith(key, "position_ids"))
            return ""; // regenerated 0..N-1, never trusted
        for (const char* bare : {"embeddings.", "encoder.", "final_layer_norm."})
            if (startsWith(key, bare))
                return "text_model." + key;
        return key;
    }
    if (component == "vae") {
        // Folders saved by old diffusers use query/key/value/proj_attn in the VAE attention.
        static const std::pair<const char*, const char*> deprecated[] = {
            {".query.", ".to_q."},
            {".key.", ".to_k."},
            {".value.", ".to_v."},
            {".proj_attn.", ".to_out.0."}};
        const auto at = key.find(".attentions.");
        if (at != std::string::npos)
            for (const auto& [from, to] : deprecated) {
                const auto pos = key.find(from, at);
                if (pos != std::string::npos)
                    return key.substr(0, pos) + to + key.substr(pos + std::string(from).size());
            }
    }
    return key;
}

// Reads one component's weights (its `variant` where it has it) into `out`; the variant
// files read are added to `read`.
Status loadComponent(const std::string& dir, const std::string& component,
                     const std::string& variant, WeightSet& out, std::vector<std::string>& read)
{
    const std::string componentDir = joinPath(dir, component);
    if (!isDirectory(componentDir))
        return Status::error(componentDir + " is missing (a diffusers folder needs unet/, vae/ "
                                            "and text_encoder/)");
    auto files = openComponentWeights(componentDir, variant);
    if (!files)
        return files.status();
    if (files->variant)
        read.push_back(component + "/" + files->source);
    for (const auto& file : files->files) {
        for (const auto& t : file->tensors()) {
            const std::string name = folderName(component, t.name);
            if (name.empty())
                continue;
            const bool vaeAttention =
                component == "vae" && name.find(".attentions.") != std::string::npos &&
                name.find("group_norm") == std::string::npos && endsWith(name, ".weight");
            Status s =
                vaeAttention ? out.addSqueezed(name, file, t.name) : out.add(name, file, t.name);
            if (!s)
                return s;
        }
    }
    return Status::ok();
}

// Whether the folder names itself as one of this project's models ("_md_model", written by
// the trainer of the embedded model into model_index.json and every component config).
bool hasEmbeddedMarker(const std::string& dir)
{
    for (const char* relative : {"model_index.json", "unet/config.json"}) {
        const std::string path = joinPath(dir, relative);
        if (!isRegularFile(path))
            continue;
        auto json = readJsonFile(path);
        if (json && json->is_object() && json->contains("_md_model"))
            return true;
    }
    return false;
}

std::string variantMissingMessage(const std::string& dir, const std::string& variant,
                                  const std::vector<std::string>& found)
{
    std::string message = dir + " has no weights of variant \"" + variant +
                          "\" (no component has a <name>." + variant + ".safetensors file); ";
    if (found.empty())
        return message + "the folder has no variants: load it without one";
    std::string list;
    for (const auto& v : found)
        list += (list.empty() ? "" : ", ") + v;
    return message + "its variants: " + list;
}

template <typename T, typename Parse>
Result<T> readConfig(const std::string& dir, const std::string& relative, Parse parse)
{
    const std::string path = joinPath(dir, relative);
    auto json = readJsonFile(path);
    if (!json)
        return json.status();
    return parse(json.value(), fileName(dir) + "/" + relative);
}

} // namespace

Result<Checkpoint> loadDiffusersFolder(const std::string& dir, const CheckpointOptions& options)
{
    Checkpoint ckpt;
    ckpt.path = dir;
    ckpt.layout = "diffusers folder";

    const std::string indexPath = joinPath(dir, "model_index.json");
    if (isRegularFile(indexPath)) {
        auto json = readJsonFile(indexPath);
        if (!json)
            return json.status();
        auto index = modelIndexFromJson(json.value(), indexPath);
        if (!index)
            return index.status();
        const std::string cls = index->pipelineClass;
        if (index->textEncoder2 && !isDirectory(joinPath(dir, "text_encoder_2")))
            return Status::error(indexPath + ": " + (cls.empty() ? "this pipeline" : cls) +
                                 " names a text_encoder_2 but " + joinPath(dir, "text_encoder_2") +
                                 " is missing");
        if (index->forceZerosGiven)
            ckpt.config.forceZerosForEmptyPrompt = index->forceZerosForEmptyPrompt;
        else if (cls == "StableDiffusionXLPipeline")
            ckpt.config.forceZerosForEmptyPrompt = true; // the pipeline's default
    } else if (isDirectory(joinPath(dir, "unet"))) {
        ckpt.notes.push_back("no model_index.json; read unet/, vae/, text_encoder/ directly");
    } else {
        return Status::error(dir + " is a folder but not a diffusers pipeline: model_index.json "
                                   "is missing (expected model_index.json, unet/, vae/, "
                                   "text_encoder/, tokenizer/, scheduler/)");
    }

    const std::string& variant = options.variant;
    if (!variant.empty())
        if (Status s = checkVariantName(variant); !s)
            return s;
    ckpt.variants = folderWeightVariants(dir);
    std::vector<std::string> variantFiles;
    for (auto [component, set] : {std::pair<const char*, WeightSet*>{"unet", &ckpt.unet},
                                  {"vae", &ckpt.vae},
                                  {"text_encoder", &ckpt.textEncoder}})
        if (Status s = loadComponent(dir, component, variant, *set, variantFiles); !s)
            return s;
    ckpt.config.hasTextEncoder2 = isDirectory(joinPath(dir, "text_encoder_2"));
    if (ckpt.config.hasTextEncoder2) {
        if (Status s =
                loadComponent(dir, "text_encoder_2", variant, ckpt.textEncoder2, variantFiles);
            !s)
            return s;
    }
    if (!variant.empty()) {
        if (variantFiles.empty())
            return Status::error(variantMissingMessage(dir, variant, ckpt.variants));
        ckpt.variant = variant;
        std::string list;
        for (const auto& f : variantFiles)
            list += (list.empty() ? "" : ", ") + f;
        ckpt.notes.push_back("variant " + variant + ": " + list +
                             " (any other component: its plain weights)");
    }
    if (ckpt.config.hasTextEncoder2) {
        auto te2 = readConfig<TextEncoderConfig>(dir, "text_encoder_2/config.json",
                                                 textEncoderConfigFromJson);
        if (!te2)
            return te2.status();
        if (Status s = checkTextEncoderConfig(te2.value(), ckpt.textEncoder2,
                                              fileName(dir) + "/text_encoder_2/config.json");
            !s)
            return s;
        ckpt.config.textEncoder2 = te2.value();
        ckpt.config.textEncoder2.hasProjection =
            ckpt.textEncoder2.contains("text_projection.weight");
        if (!ckpt.config.textEncoder2.hasProjection)
            return Status::error(joinPath(dir, "text_encoder_2") +
                                 ": no text_projection.weight (SDXL's second encoder is a "
                                 "CLIPTextModelWithProjection; its projected EOS state is the "
                                 "pooled vector)");
        ckpt.config.textEncoder2.projectionDim =
            static_cast<int>(ckpt.textEncoder2.shape("text_projection.weight")[0]);
        ckpt.config.defaultClipSkip = 2; // SDXL conditions on the penultimate layers
    }

    auto unet = readConfig<UNetConfig>(dir, "unet/config.json", unetConfigFromJson);
    if (!unet)
        return unet.status();
    auto vae = readConfig<VaeConfig>(dir, "vae/config.json", vaeConfigFromJson);
    if (!vae)
        return vae.status();
    auto te =
        readConfig<TextEncoderConfig>(dir, "text_encoder/config.json", textEncoderConfigFromJson);
    if (!te)
        return te.status();
    const std::string name = fileName(dir);
    if (Status s = checkUNetConfig(unet.value(), ckpt.unet, name + "/unet/config.json"); !s)
        return s;
    if (Status s = checkVaeConfig(vae.value(), ckpt.vae, name + "/vae/config.json"); !s)
        return s;
    if (Status s = checkTextEncoderConfig(te.value(), ckpt.textEncoder,
                                          name + "/text_encoder/config.json");
        !s)
        return s;
    ckpt.config.unet = unet.value();
    ckpt.config.vae = vae.value();
    ckpt.config.textEncoder = te.value();
    ckpt.config.textEncoder.hasProjection = ckpt.textEncoder.contains("text_projection.weight");

    const std::string schedulerPath = joinPath(dir, "scheduler/scheduler_config.json");
    if (isRegularFile(schedulerPath)) {
        auto scheduler = readConfig<SchedulerConfig>(dir, "scheduler/scheduler_config.json",
                                                     schedulerConfigFromJson);
        if (!scheduler)
            return scheduler.status();
        ckpt.config.scheduler = scheduler.value();
    } else {
        ckpt.notes.push_back("no scheduler/scheduler_config.json; using the SD defaults "
                             "(scaled_linear 0.00085..0.012, epsilon, leading, offset 1)");
    }
    ckpt.config.family = familyOf(ckpt.config);
    if (Status s = applyHeadOverrides(ckpt.config, options); !s)
        return s.withContext(dir);

    if (!options.tokenizerDir.empty()) {
        auto tok = findTokenizerFiles(options.tokenizerDir);
        if (!tok)
            return tok.status();
        ckpt.tokenizer = tok.value();
    } else if (isDirectory(joinPath(dir, "tokenizer"))) {
        auto tok = findTokenizerFiles(joinPath(dir, "tokenizer"));
        if (!tok)
            return tok.status();
        ckpt.tokenizer = tok.value();
    } else {
        ckpt.tokenizerMessage = dir + " has no tokenizer/ folder. Pass --tokenizer DIR with the "
                                      "model's tokenizer files: vocab.json + merges.txt (CLIP "
                                      "BPE) or a sentencepiece .model file.";
    }
    if (ckpt.config.hasTextEncoder2) {
        const std::string tokenizer2 = joinPath(dir, "tokenizer_2");
        if (isDirectory(tokenizer2)) {
            auto tok = findTokenizerFiles(tokenizer2);
            if (!tok)
                return tok.status();
            ckpt.tokenizer2 = tok.value();
        } else if (ckpt.config.textEncoder2.vocabSize == 49408) {
            ckpt.tokenizer2.kind = TokenizerFiles::Kind::BuiltinClip; // OpenCLIP pads with "!"
            ckpt.tokenizer2.builtinPadToken = "!";
            ckpt.notes.push_back("no tokenizer_2/: the shipped CLIP BPE, padded with \"!\"");
        } else {
            ckpt.tokenizer2 = ckpt.tokenizer;
            ckpt.notes.push_back("no tokenizer_2/: text_encoder_2 uses tokenizer/");
        }
    }
    ckpt.config.family =
        reportedFamily(ckpt.config.family, ckpt.tokenizer.kind, hasEmbeddedMarker(dir));
    ckpt.storedDtype = storedDtypeSummary(ckpt);
    return ckpt;
}

} // namespace md
