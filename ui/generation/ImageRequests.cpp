#include "ui/generation/ImageRequests.h"

#include "ui/ImageConversion.h"
#include "ui/document/LayerComposite.h"

#include <algorithm>
#include <cmath>

namespace md {

namespace {

void fillBox(MaskImage& mask, const Box& box)
{
    for (int y = std::max(0, box.y); y < std::min(mask.height, box.y + box.height); ++y)
        for (int x = box.x; x < box.x + box.width; ++x)
            mask.values[size_t(y) * mask.width +
                        size_t(((x % mask.width) + mask.width) % mask.width)] = 1.f;
}

MaskImage scaledMask(const MaskImage& mask, int width, int height)
{
    if (mask.empty())
        return mask;
    return maskFromImage(maskToGray(mask), width, height);
}

} // namespace

const ProjectResult* lastCanvasResult(const Project& project)
{
    for (auto it = project.results.rbegin(); it != project.results.rend(); ++it)
        if (it->image.width == project.width && it->image.height == project.height)
            return &*it;
    return nullptr;
}

RgbImage startImageOf(const Project& project)
{
    switch (project.settings.start) {
    case StartImage::Noise:
        return {};
    case StartImage::LastResult: {
        const ProjectResult* last = lastCanvasResult(project);
        return last ? last->image : RgbImage{};
    }
    case StartImage::Layers:
        return composeLayersRgb(project);
    }
    return {};
}

GenerateRequest generationRequest(const Project& project, std::uint64_t seed)
{
    GenerateRequest r = toGenerateRequest(project, seed);
    if (project.settings.start == StartImage::Noise) {
        r.initImage = {};
        return r;
    }
    if (r.initImage.empty())
        r.initImage = startImageOf(project);
    r.strength = std::clamp(project.settings.strength, 0.05f, 1.f);
    return r;
}

MaskImage rerollSelection(const Project& project, const std::vector<std::uint32_t>& regionIds)
{
    MaskImage out = blankMask(project.width, project.height);
    for (std::uint32_t id : regionIds) {
        const ProjectRegion* r = findRegion(project, id);
        if (!r)
            continue;
        if (r->kind == RegionKind::Box) {
            fillBox(out, r->box);
            continue;
        }
        if (r->mask.values.size() != out.values.size())
            continue;
        for (size_t i = 0; i < out.values.size(); ++i)
            out.values[i] = std::max(out.values[i], r->mask.values[i]);
    }
    return out;
}

GenerateRequest rerollRequestFor(const Project& project,
                                 const std::vector<std::uint32_t>& regionIds, std::uint64_t seed)
{
    const ProjectResult* last = lastCanvasResult(project);
    GenerateRequest r = toGenerateRequest(project, last ? last->seed : project.settings.seed);
    // Each visible region, in order, is one request region (toGenerateRequest's rule).
    size_t index = 0;
    for (const ProjectRegion& pr : project.regions) {
        if (!pr.visible)
            continue;
        Region& region = r.regions.at(index++);
        const bool rerolled =
            std::find(regionIds.begin(), regionIds.end(), pr.id) != regionIds.end();
        region.seed = rerolled ? std::optional<std::uint64_t>(seed) : pr.seed;
    }
    r.initImage = last ? last->image : RgbImage{};
    r.strength = 1.f;
    r.rerollMask = rerollSelection(project, regionIds);
    return r;
}

int upscaledCanvasSide(int side, double factor)
{
    factor = std::clamp(factor, kMinUpscale, kMaxUpscale);
    const int scaled = int(std::lround(side * factor / kCanvasMultiple)) * kCanvasMultiple;
    return std::clamp(scaled, kMinCanvasSize, kMaxCanvasSize);
}

GenerateRequest upscaleRequestFor(const Project& project, const ProjectResult& result,
                                  double factor, float strength)
{
    Project made = project;
    made.results.clear();
    made.paintLayers.clear();
    made.settings = result.settings;
    made.settings.start = StartImage::Noise; // the start image is set below
    if (result.layout) {
        made.regions = layoutRegions(*result.layout);
        made.prompt = result.prompt;
        made.negative = result.negative;
    }
    const int width = upscaledCanvasSide(result.image.width, factor);
    const int height = upscaledCanvasSide(result.image.height, factor);
    const double sx = double(width) / std::max(1, result.image.width);
    const double sy = double(height) / std::max(1, result.image.height);
    made.width = width;
    made.height = height;
    made.settings.feather = float(made.settings.feather * sx);
    for (ProjectRegion& region : made.regions) {
        region.mask = scaledMask(region.mask, width, height);
        region.box =
            Box{int(std::lround(region.box.x * sx)), int(std::lround(region.box.y * sy)),
                int(std::lround(region.box.width * sx)), int(std::lround(region.box.height * sy))};
    }
    GenerateRequest r = toGenerateRequest(made, result.seed);
    const QImage scaled =
        toQImage(result.image)
            .scaled(width, height, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    r.initImage = toRgbImage(scaled);
    r.strength = std::clamp(strength, 0.05f, 1.f);
    return r;
}

} // namespace md
