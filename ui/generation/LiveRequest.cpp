#include "ui/generation/LiveRequest.h"

#include "document/Upscale.h"

#include <algorithm>
#include <cmath>

namespace md {

Project liveSnapshot(const Project& project)
{
    Project s;
    s.width = project.width;
    s.height = project.height;
    s.model = project.model;
    s.prompt = project.prompt;
    s.negative = project.negative;
    s.regions = project.regions;
    s.paintLayers = project.paintLayers;
    s.settings = project.settings;
    if (project.settings.start == StartImage::LastResult)
        if (const ProjectResult* last = newestCanvasResult(project))
            s.results.push_back(*last);
    return s;
}

GenerateRequest liveRequest(const Project& snapshot, const SamplingPreset& preset)
{
    GenerateRequest r = toGenerateRequest(snapshot, snapshot.settings.seed);
    applyPreset(preset, r);
    r.fastDecode = true;
    r.cheapPreview = false;
    r.fullDecodeEvery = 0;
    return r;
}

GenerateRequest scaledRequest(const GenerateRequest& request, int width, int height)
{
    GenerateRequest r = request;
    if (width == request.width && height == request.height)
        return r;
    const double sx = double(width) / request.width;
    const double sy = double(height) / request.height;
    r.width = width;
    r.height = height;
    r.featherPx = float(request.featherPx * std::min(sx, sy));
    for (Region& region : r.regions) {
        if (region.box) {
            Box& b = *region.box;
            const int x0 = std::clamp(int(std::lround(b.x * sx)), 0, width - 1);
            const int y0 = std::clamp(int(std::lround(b.y * sy)), 0, height - 1);
            const int x1 = std::clamp(int(std::lround((b.x + b.width) * sx)), x0 + 1, width);
            const int y1 = std::clamp(int(std::lround((b.y + b.height) * sy)), y0 + 1, height);
            b = Box{x0, y0, x1 - x0, y1 - y0};
        }
        if (!region.mask.values.empty())
            region.mask = resizeMask(region.mask, width, height);
    }
    if (!r.initImage.empty())
        r.initImage = resizeLanczos(request.initImage, width, height);
    if (!r.rerollMask.values.empty())
        r.rerollMask = resizeMask(request.rerollMask, width, height);
    return r;
}

} // namespace md
