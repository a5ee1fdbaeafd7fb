#include "engine/io/PredictionDetection.h"

#include "engine/io/TextHelpers.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

namespace md {

namespace {

const char* const kEpsilon = "epsilon";
const char* const kV = "v_prediction";

std::string metadata(const SafetensorsFile& file, const std::string& key)
{
    auto it = file.metadata().find(key);
    return it == file.metadata().end() ? "" : it->second;
}

// "768x768" -> 768 / scale; nullopt when absent or unreadable.
std::optional<int> sampleSizeFromResolution(const std::string& text, int scale)
{
    int w = 0, h = 0;
    if (text.empty() || std::sscanf(text.c_str(), "%dx%d", &w, &h) != 2 || w <= 0 || h <= 0 ||
        scale <= 0)
        return std::nullopt;
    return std::max(w, h) / scale;
}

bool isReleasedSd2Architecture(const UNetConfig& unet)
{
    return unet.crossAttentionDim == 1024 && unet.useLinearProjection &&
           unet.blockOutChannels == std::vector<int>{320, 640, 1280, 1280};
}

} // namespace

std::optional<double> vPredictionStatistic(const UNetConfig& config, const WeightSet& unet)
{
    const int levels = static_cast<int>(config.blockOutChannels.size());
    if (levels == 0)
        return std::nullopt;
    const std::string name = "up_blocks." + std::to_string(levels - 1) + ".attentions." +
                             std::to_string(config.layersPerBlock) +
                             ".transformer_blocks.0.norm1.bias";
    if (!unet.contains(name))
        return std::nullopt;
    auto bias = unet.load(name, torch::kFloat64);
    if (!bias || bias.value().numel() < 2)
        return std::nullopt;
    return bias.value().std(/*unbiased=*/false).item<double>();
}

PredictionGuess detectPrediction(const SafetensorsFile& file, const ModelConfig& config,
                                 const WeightSet& unet)
{
    const bool sd2 = config.family == ModelFamily::SD2;
    const bool sdxl = config.family == ModelFamily::SDXL;
    const int scale = config.vae.scaleFactor();
    const auto resolution = sampleSizeFromResolution(metadata(file, "modelspec.resolution"), scale);
    const bool ztsnrMarker = file.find("ztsnr") != nullptr;
    auto finish = [&](const std::string& type, const std::string& reason, bool isGuess) {
        PredictionGuess g{type, reason, isGuess, resolution};
        if (!g.sampleSize && sd2)
            g.sampleSize = type == kV ? 768 / scale : 512 / scale;
        if (!g.sampleSize && sdxl)
            g.sampleSize = 1024 / scale;
        g.zeroTerminalSnr = ztsnrMarker || (sdxl && type == kV && file.find("v_pred") != nullptr);
        if (g.zeroTerminalSnr)
            g.reason += std::string(g.reason.empty() ? "" : "; ") +
                        "zero-terminal-SNR schedule (betas rescaled): the file holds " +
                        (ztsnrMarker ? "a \"ztsnr\" marker tensor"
                                     : "the \"v_pred\" marker of the v-prediction SDXL "
                                       "fine-tunes, which are trained with it");
        return g;
    };

    // 1. Metadata.
    const std::string declared = lowerAscii(metadata(file, "modelspec.prediction_type"));
    if (declared == "v" || declared == "v_prediction" || declared == "v-prediction")
        return finish(kV, "prediction type v from the file's modelspec.prediction_type", false);
    if (declared == "epsilon" || declared == "eps")
        return finish(kEpsilon, "prediction type epsilon from the file's modelspec.prediction_type",
                      false);
    const std::string arch = lowerAscii(metadata(file, "modelspec.architecture"));
    if (!arch.empty()) {
        const std::string base = arch.substr(0, arch.find('/')); // "<arch>/lora" etc.
        if (endsWith(base, "-v"))
            return finish(kV, "prediction type v from modelspec.architecture \"" + arch + "\"",
                          false);
        if (base.rfind("stable-diffusion-v1", 0) == 0 ||
            base.rfind("stable-diffusion-v2-512", 0) == 0)
            return finish(kEpsilon,
                          "prediction type epsilon from modelspec.architecture \"" + arch + "\"",
                          false);
    }
    // 2. The v_pred marker tensor.
    if (file.find("v_pred") != nullptr)
        return finish(kV, "prediction type v: the file holds a \"v_pred\" marker tensor", false);
    // 3. SD 1.x and SDXL (their released models are epsilon).
    if (!sd2)
        return finish(kEpsilon, "", false);
    // 4. The released SD 2.x architecture: ComfyUI's statistic.
    if (isReleasedSd2Architecture(config.unet)) {
        if (auto stat = vPredictionStatistic(config.unet, unet)) {
            char text[160];
            std::snprintf(text, sizeof text,
                          "std of the last up block's norm1.bias is %.4f (%s 0.09, the SD 2.x "
                          "v-model threshold)",
                          *stat, *stat > 0.09 ? ">" : "<=");
            const bool v = *stat > 0.09;
            return finish(v ? kV : kEpsilon,
                          std::string("SD 2.x single file: prediction type ") +
                              (v ? "v_prediction (768-v model)" : "epsilon (512-base model)") +
                              " detected: " + text + "; pass --prediction to override",
                          false);
        }
    }
    // 5. Other SD 2.x-style models.
    return finish(kV,
                  "SD 2.x single file without a scheduler config: assumed v_prediction (the "
                  "diffusers default for SD 2.x files); pass --prediction epsilon for an "
                  "epsilon model, or put its diffusers configs beside the file",
                  true);
}

} // namespace md
