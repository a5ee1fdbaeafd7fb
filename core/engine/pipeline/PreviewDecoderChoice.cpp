#include "engine/pipeline/PreviewDecoderChoice.h"

#include "engine/pipeline/PreviewDecoderLocator.h"
#include "engine/pipeline/StableDiffusionModel.h"

#include <exception>
#include <torch/torch.h>

namespace md {

namespace {

Result<std::shared_ptr<TinyPreviewDecoder>> loadFor(const std::string& path,
                                                    const StableDiffusionModel& model)
{
    // Half precision on a GPU when the model runs in it; float32 on the CPU.
    const torch::Dtype dtype = model.device().is_cuda() && model.dtype() != torch::kFloat32
                                   ? model.dtype()
                                   : torch::kFloat32;
    try {
        return TinyPreviewDecoder::load(path, model.latentChannels(), model.vaeScaleFactor(),
                                        model.device(), dtype);
    } catch (const std::exception& e) {
        return Status::error(path + ": " + e.what());
    }
}

} // namespace

PreviewDecoderChoice choosePreviewDecoder(const ModelOptions& options,
                                          const StableDiffusionModel& model,
                                          const std::vector<std::string>& appDirs)
{
    PreviewDecoderChoice choice;
    if (options.previewDecoder == "none") {
        choice.note = "turned off: previewDecoder is \"none\"";
        return choice;
    }
    std::vector<std::string> candidates;
    if (!options.previewDecoder.empty()) {
        candidates.push_back(options.previewDecoder);
    } else {
        PreviewDecoderQuery query;
        query.modelPath = options.path;
        query.sdxl = model.isSdxl();
        query.latentChannels = model.latentChannels();
        query.vaeScalingFactor = model.config().vae.scalingFactor;
        candidates = findPreviewDecoders(query, appDirs);
    }
    std::string skipped;
    for (const std::string& path : candidates) {
        auto loaded = loadFor(path, model);
        if (loaded) {
            choice.decoder = loaded.value();
            if (!skipped.empty())
                choice.note = "skipped " + skipped;
            return choice;
        }
        skipped += (skipped.empty() ? "" : "; ") + loaded.error();
    }
    if (!skipped.empty())
        choice.note = skipped;
    return choice;
}

} // namespace md
