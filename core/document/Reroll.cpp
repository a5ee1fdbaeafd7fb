#include "document/Reroll.h"

#include <algorithm>
#include <cmath>

namespace md {

namespace {

std::string regionName(const ProjectRegion& r)
{
    return "region " + std::to_string(r.id) + (r.name.empty() ? "" : " \"" + r.name + "\"");
}

void addBox(MaskImage& m, const Box& box)
{
    for (int y = std::max(0, box.y); y < std::min(m.height, box.y + box.height); ++y)
        for (int x = std::max(0, box.x); x < box.x + box.width; ++x)
            m.values[std::size_t(y) * std::size_t(m.width) + std::size_t(x % m.width)] = 1.f;
}

} // namespace

Result<MaskImage> selectionMask(const Project& project, const std::vector<std::uint32_t>& regionIds)
{
    MaskImage m = blankMask(project.width, project.height);
    for (std::uint32_t id : regionIds) {
        const ProjectRegion* r = findRegion(project, id);
        if (!r)
            return Status::error("the project has no region with id " + std::to_string(id));
        if (r->kind == RegionKind::Box) {
            addBox(m, r->box);
            continue;
        }
        if (r->mask.width != m.width || r->mask.height != m.height ||
            r->mask.values.size() != m.values.size())
            return Status::error(regionName(*r) + ": the mask is not canvas-sized");
        for (std::size_t i = 0; i < m.values.size(); ++i) {
            const float v = r->mask.values[i];
            if (std::isfinite(v))
                m.values[i] = std::max(m.values[i], std::clamp(v, 0.f, 1.f));
        }
    }
    return m;
}

Result<GenerateRequest> rerollRequest(const Project& project,
                                      const std::vector<std::uint32_t>& regionIds,
                                      std::uint64_t seed, const RerollOptions& options)
{
    if (regionIds.empty())
        return Status::error("select at least one region to reroll");
    if (!std::isfinite(options.strength) || options.strength <= 0.f || options.strength > 1.f)
        return Status::error("the reroll strength " + std::to_string(options.strength) +
                             " is outside (0, 1]");
    for (std::uint32_t id : regionIds) {
        const ProjectRegion* r = findRegion(project, id);
        if (!r) {
            std::string ids;
            for (const ProjectRegion& pr : project.regions)
                ids += (ids.empty() ? "" : ", ") + std::to_string(pr.id);
            return Status::error("the project has no region with id " + std::to_string(id) +
                                 " (its region ids: " + (ids.empty() ? "none" : ids) + ")");
        }
        if (!r->visible)
            return Status::error(regionName(*r) +
                                 " is hidden; show it to reroll it (hidden regions are not "
                                 "rendered)");
    }
    const ProjectResult* kept =
        options.resultId ? findResult(project, *options.resultId) : newestCanvasResult(project);
    if (!kept)
        return Status::error(options.resultId
                                 ? "the project has no result with id " +
                                       std::to_string(*options.resultId)
                                 : std::string("the project has no result to keep yet; generate "
                                               "one first"));
    if (kept->image.width != project.width || kept->image.height != project.height)
        return Status::error("result " + std::to_string(kept->id) + " is " +
                             std::to_string(kept->image.width) + "x" +
                             std::to_string(kept->image.height) + ", not the " +
                             std::to_string(project.width) + "x" + std::to_string(project.height) +
                             " canvas (an upscale); reroll a canvas-sized result");
    auto mask = selectionMask(project, regionIds);
    if (!mask)
        return mask.status();
    if (std::none_of(mask->values.begin(), mask->values.end(), [](float v) { return v > 0.f; }))
        return Status::error("the selected regions cover nothing (their masks are empty); paint "
                             "them first");

    Project fromNoise = project;
    fromNoise.settings.start = StartImage::Noise;
    for (ProjectRegion& r : fromNoise.regions) {
        if (std::find(regionIds.begin(), regionIds.end(), r.id) != regionIds.end())
            r.seed = seed;
    }
    GenerateRequest request = toGenerateRequest(fromNoise);
    request.initImage = kept->image;
    request.strength = options.strength;
    request.rerollMask = std::move(mask.value());
    return request;
}

} // namespace md
