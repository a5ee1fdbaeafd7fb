// StableDiffusionModel::describe(): the architecture as (label, value) lines.

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

} // namespace

std::vector<std::pair<std::string, std::string>> StableDiffusionModel::describe() const
{
    const auto& c = m_config;
    const auto& i = m_info;
    std::vector<std::pair<std::string, std::string>> out;
    auto add = [&out](const std::string& k, const std::string& v) { out.emplace_back(k, v); };
    add("path", i.path);
    add("layout", i.layout);
    add("architecture", i.family);
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
    add("unet cross-attention dim", std::to_string(c.unet.crossAttentionDim));
    add("unet projection", c.unet.useLinearProjection ? "linear (SD 2.x)" : "1x1 conv (SD 1.x)");
    add("unet latent channels", std::to_string(c.unet.inChannels));
    add("text encoder", std::to_string(c.textEncoder.numHiddenLayers) + " layers, width " +
                            std::to_string(c.textEncoder.hiddenSize) + ", " +
                            std::to_string(c.textEncoder.numAttentionHeads) + " heads, " +
                            c.textEncoder.hiddenAct + ", " +
                            std::to_string(c.textEncoder.maxPositionEmbeddings) + " positions");
    add("vae channels", list(c.vae.blockOutChannels));
    add("vae latent channels", std::to_string(c.vae.latentChannels));
    add("vae scale factor", std::to_string(c.vae.scaleFactor()));
    add("vae scaling factor", std::to_string(c.vae.scalingFactor));
    add("unet parameters", millions(i.unetParameters));
    add("vae parameters", millions(i.vaeParameters));
    add("text encoder parameters", millions(i.textEncoderParameters));
    for (const auto& note : m_notes)
        add("note", note);
    return out;
}

} // namespace md
