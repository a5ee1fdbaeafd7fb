// StableDiffusionModel::describe(): the architecture as (label, value) lines.

#include "engine/pipeline/ModelDescription.h"

#include "engine/pipeline/DeviceSelection.h"
#include "engine/pipeline/StableDiffusionModel.h"

#include <sstream>

namespace md {

namespace {

template <typename T> std::string list(const std::vector<T>& values)
{
    std::ostringstream os;
    os << "[";
    for (size_t i = 0; i < values.size(); ++i)
        os << (i ? ", " : "") << values[i];
    os << "]";
    return os.str();
}

std::string blocks(const std::vector<bool>& attention, const char* withAttn, const char* plain)
{
    std::vector<std::string> names;
    for (bool a : attention)
        names.emplace_back(a ? withAttn : plain);
    return list(names);
}

std::string millions(std::int64_t n)
{
    std::ostringstream os;
    os.setf(std::ios::fixed);
    os.precision(2);
    os << n << " (" << static_cast<double>(n) / 1e6 << " M)";
    return os.str();
}

std::string encoder(const TextEncoderConfig& t)
{
    std::ostringstream os;
    os << (t.hiddenAct == "gelu" ? "OpenCLIP" : "CLIP") << " (" << t.numHiddenLayers
       << " layers, width " << t.hiddenSize << ", " << t.numAttentionHeads << " heads, "
       << t.hiddenAct;
    if (t.hasProjection)
        os << ", projection " << t.projectionDim;
    os << ")";
    return os.str();
}

} // namespace

std::string describeTextEncoders(const ModelConfig& config)
{
    std::string out = encoder(config.textEncoder);
    if (config.hasTextEncoder2)
        out += " + " + encoder(config.textEncoder2);
    return out;
}

std::string describeVae(const VaeConfig& vae, torch::Dtype dtype, bool sdxl)
{
    std::ostringstream os;
    os << "scale " << vae.scaleFactor() << ", scaling factor " << vae.scalingFactor << ", "
       << dtypeName(dtype);
    if (sdxl && vae.forceUpcast)
        os << " (force_upcast: float32 when the model runs in float16)";
    return os.str();
}

std::vector<std::pair<std::string, std::string>> StableDiffusionModel::describe() const
{
    const auto& c = m_config;
    const auto& i = m_info;
    std::vector<std::pair<std::string, std::string>> out;
    auto add = [&out](const std::string& k, const std::string& v) { out.emplace_back(k, v); };
    add("path", i.path);
    add("layout", i.layout);
    std::string variants;
    for (const auto& v : i.variants)
        variants += (variants.empty() ? "" : ", ") + v;
    add("variant", i.variant.empty() ? "none (the plain weights)" : i.variant);
    add("variants", variants.empty() ? "none" : variants);
    add("architecture", i.inpainting ? i.family + " inpainting" : i.family);
    add("prediction", i.prediction);
    add("stored dtype", i.storedDtype);
    add("working dtype", i.dtype + " (VAE float32)");
    add("device", i.device);
    add("native size", std::to_string(i.nativeWidth) + "x" + std::to_string(i.nativeHeight));
    add("clip skip", std::to_string(i.clipSkip));
    add("tokenizer", i.tokenizer + ", " + std::to_string(m_tokenizer->vocabSize()) +
                         " tokens, pad id " + std::to_string(m_tokenizer->padId()));
    add("scheduler", c.scheduler.betaSchedule + " betas " + std::to_string(c.scheduler.betaStart) +
                         ".." + std::to_string(c.scheduler.betaEnd) + ", " +
                         std::to_string(c.scheduler.numTrainTimesteps) + " steps, spacing " +
                         c.scheduler.timestepSpacing);
    add("unet channels", list(c.unet.blockOutChannels));
    add("unet down blocks", blocks(c.unet.downBlockHasAttention, "CrossAttnDown", "Down"));
    add("unet up blocks", blocks(c.unet.upBlockHasAttention, "CrossAttnUp", "Up"));
    add("unet heads", list(c.unet.numHeads));
    add("unet layers per block", std::to_string(c.unet.layersPerBlock));
    add("unet transformer depth", list(c.unet.transformerLayersPerBlock));
    if (c.unet.hasTextTime())
        add("unet added conditioning",
            "text_time (pooled + 6 time ids x " + std::to_string(c.unet.additionTimeEmbedDim) +
                " = " + std::to_string(c.unet.projectionClassEmbeddingsInputDim) + ")");
    add("unet cross-attention dim", std::to_string(c.unet.crossAttentionDim));
    add("unet projection", c.unet.useLinearProjection ? "linear" : "1x1 conv");
    if (i.inpainting)
        add("unet input channels",
            std::to_string(c.unet.inChannels) +
                " (inpainting: " + std::to_string(c.vae.latentChannels) + " latents + 1 mask + " +
                std::to_string(c.vae.latentChannels) + " masked-image latents)");
    else
        add("unet input channels", std::to_string(c.unet.inChannels));
    add("text encoders", i.textEncoders);
    if (c.hasTextEncoder2) {
        if (m_tokenizer2)
            add("tokenizer 2", m_tokenizer2->kindName() + ", " +
                                   std::to_string(m_tokenizer2->vocabSize()) + " tokens, pad id " +
                                   std::to_string(m_tokenizer2->padId()));
        add("empty negative", c.forceZerosForEmptyPrompt ? "zeros (force_zeros_for_empty_prompt)"
                                                         : "the encoding of \"\"");
    }
    add("vae", i.vae);
    add("vae channels", list(c.vae.blockOutChannels));
    add("vae latent channels", std::to_string(c.vae.latentChannels));
    add("vae scale factor", std::to_string(c.vae.scaleFactor()));
    add("vae scaling factor", std::to_string(c.vae.scalingFactor));
    add("unet parameters", millions(i.unetParameters));
    add("vae parameters", millions(i.vaeParameters));
    add("text encoder parameters", millions(i.textEncoderParameters));
    if (c.hasTextEncoder2)
        add("text encoder 2 parameters", millions(i.textEncoder2Parameters));
    for (const auto& note : m_notes)
        add("note", note);
    return out;
}

} // namespace md
