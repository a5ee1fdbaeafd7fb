#include "ui/generation/ImageRequests.h"

namespace md {

Result<GenerateRequest> upscaleRequestFor(const Project& project, const ProjectResult& result,
                                          double factor, float strength)
{
    // The request that made `result`, at its size.
    Project made = project;
    made.results.clear();
    made.paintLayers.clear();
    made.settings = result.settings;
    made.settings.start = StartImage::Noise;
    made.width = result.image.width;
    made.height = result.image.height;
    if (result.layout) {
        made.regions = layoutRegions(*result.layout);
        made.prompt = result.prompt;
        made.negative = result.negative;
    }
    return upscaleRequest(toGenerateRequest(made, result.seed), result.image, factor, strength);
}

} // namespace md
