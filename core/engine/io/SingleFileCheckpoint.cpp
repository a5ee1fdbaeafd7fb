// A single-file checkpoint (.safetensors) in the LDM layout (SD 1.x / 2.x) or the SGM layout
// (SDXL): tensors mapped by LdmKeyMap, architecture detected from names and shapes, the rest
// from documented defaults or from the config files of a diffusers folder of the same model
// sitting beside it (SiblingConfigs.h).

#include "engine/io/CheckpointLayouts.h"
#include "engine/io/CheckpointLoader.h"
#include "engine/io/ConfigDetection.h"
#include "engine/io/LdmKeyMap.h"
#include "engine/io/PredictionDetection.h"
#include "engine/io/SiblingConfigs.h"
#include "engine/io/SingleFileTokenizers.h"
#include "engine/io/TextHelpers.h"

namespace md {

namespace {

// SDXL's documented values that the weights cannot tell (diffusers' SDXL base configs).
constexpr double kSdxlVaeScaling = 0.13025;

// Encoder 2 of an SDXL file: gelu (OpenCLIP), with the projection that makes the pooled
// vector; its guesses are reported under "text_encoder_2:".
Result<TextEncoderConfig> detectTextEncoder2(const WeightSet& te2, std::vector<std::string>& notes)
{
    std::vector<std::string> own;
    auto te = detectTextEncoderConfig(te2, /*openClip=*/true, own);
    for (std::string& n : own) {
        if (startsWith(n, "text_encoder:"))
            n = "text_encoder_2:" + n.substr(13);
        for (size_t at; (at = n.find("text_encoder/config.json")) != std::string::npos;)
            n.replace(at, 24, "text_encoder_2/config.json");
        notes.push_back(n);
    }
    if (!te)
        return Status::error(startsWith(te.error(), "text_encoder:")
                                 ? "text_encoder_2:" + te.error().substr(13)
                                 : te.error());
    if (!te->hasProjection)
        return Status::error("text_encoder_2: no text_projection (conditioner.embedders.1.model."
                             "text_projection); SDXL's pooled text vector needs it");
    return te;
}

// The SDXL-only parts of the config: encoder 2, the added conditioning, the VAE's values.
Status detectSdxlConfig(Checkpoint& ckpt, std::vector<std::string>& guesses)
{
    ModelConfig& c = ckpt.config;
    auto te2 = detectTextEncoder2(ckpt.textEncoder2, guesses);
    if (!te2)
        return te2.status();
    c.hasTextEncoder2 = true;
    c.textEncoder2 = te2.value();
    const int context = c.textEncoder.hiddenSize + c.textEncoder2.hiddenSize;
    if (c.unet.crossAttentionDim != context)
        return Status::error(
            "unet: its cross-attention takes " + std::to_string(c.unet.crossAttentionDim) +
            "-wide text states, but SDXL concatenates both text encoders' (" +
            std::to_string(c.textEncoder.hiddenSize) + " + " +
            std::to_string(c.textEncoder2.hiddenSize) + " = " + std::to_string(context) + ")");
    if (Status s = detectAddedTimeEmbedDim(c.unet, c.textEncoder2.projectionDim); !s)
        return s;
    c.vae.scalingFactor = kSdxlVaeScaling;
    c.vae.forceUpcast = true;
    guesses.push_back("vae: SDXL values: scaling factor 0.13025, force_upcast (the SDXL VAE "
                      "overflows in float16)");
    c.defaultClipSkip = 2; // the penultimate hidden states of both encoders
    c.forceZerosForEmptyPrompt = true;
    return Status::ok();
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
    ckpt.layout = mapping->sdxl ? "single-file (SGM)" : "single-file (LDM)";
    ckpt.unet = std::move(mapping->unet);
    ckpt.vae = std::move(mapping->vae);
    ckpt.textEncoder = std::move(mapping->textEncoder);
    ckpt.textEncoder2 = std::move(mapping->textEncoder2);
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
    // script keeps CLIP names when the encoder is not 23 layers deep): still gelu. SDXL's
    // linear proj_in goes with a CLIP ViT-L (quick_gelu) first encoder.
    const bool geluText = openClip || (unet->useLinearProjection && !mapping->sdxl);
    auto te = detectTextEncoderConfig(ckpt.textEncoder, geluText, guesses);
    if (!te)
        return te.status().withContext(name);
    if (geluText && !openClip)
        guesses.push_back("text_encoder: CLIP-named text encoder in an SD 2.x-style file "
                          "(linear proj_in): assumed gelu, as in every SD 2.x text encoder");
    ckpt.config.unet = unet.value();
    ckpt.config.vae = vae.value();
    ckpt.config.textEncoder = te.value();
    if (mapping->sdxl)
        if (Status s = detectSdxlConfig(ckpt, guesses); !s)
            return s.withContext(name);
    ckpt.config.family = familyOf(ckpt.config);

    // What the weights cannot tell: the prediction type and native size (rules in
    // PredictionDetection.h). A scheduler config beside the file replaces them.
    const PredictionGuess prediction = detectPrediction(*file.value(), ckpt.config, ckpt.unet);
    ckpt.config.scheduler.predictionType = prediction.predictionType;
    ckpt.config.scheduler.rescaleBetasZeroSnr = prediction.zeroTerminalSnr;
    // A zero-terminal-SNR model is sampled from its last timestep (pure noise): "trailing"
    // spacing, as diffusers recommends and ComfyUI's schedules do.
    if (prediction.zeroTerminalSnr)
        ckpt.config.scheduler.timestepSpacing = "trailing";
    if (prediction.sampleSize) {
        ckpt.config.unet.sampleSize = *prediction.sampleSize;
        ckpt.config.vae.sampleSize = *prediction.sampleSize * ckpt.config.vae.scaleFactor();
    }
    const size_t predictionNote = prediction.reason.empty() ? std::string::npos : guesses.size();
    if (!prediction.reason.empty())
        guesses.push_back(prediction.reason);

    AdoptedConfigs adopted;
    if (options.useSiblingConfigs)
        adopted = adoptSiblingConfigs(ckpt, path, options);
    for (size_t i = 0; i < guesses.size(); ++i) {
        const std::string& g = guesses[i];
        // A guess that a matching config file replaced is not worth reporting.
        if ((adopted.textEncoder && startsWith(g, "text_encoder:")) ||
            (adopted.textEncoder2 && startsWith(g, "text_encoder_2:")) ||
            (adopted.unet && startsWith(g, "unet:")) || (adopted.vae && startsWith(g, "vae:")) ||
            (adopted.scheduler && i == predictionNote))
            continue;
        ckpt.notes.push_back(g);
    }
    ckpt.config.family = familyOf(ckpt.config);
    if (Status s = applyHeadOverrides(ckpt.config, options); !s)
        return s.withContext(name);

    if (Status s = findSingleFileTokenizers(ckpt, path, options); !s)
        return s;
    ckpt.config.family = reportedFamily(ckpt.config.family, ckpt.tokenizer.kind,
                                        file.value()->metadata().count("md_model") > 0);
    ckpt.storedDtype = storedDtypeSummary(ckpt);
    return ckpt;
}

} // namespace md
