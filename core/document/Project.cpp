#include "document/Project.h"

#include "document/PaintLayers.h"
#include "document/RegionPalette.h"
#include "document/ResultLoras.h"
#include "document/Upscale.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>

namespace md {

namespace {

std::string regionLabel(const ProjectRegion& region, std::size_t index)
{
    std::string label = "region " + std::to_string(index + 1) + " (id " + std::to_string(region.id);
    if (!region.name.empty())
        label += ", \"" + region.name + "\"";
    return label + ")";
}

Status checkSide(const char* what, int value)
{
    if (value < kMinCanvasSize || value > kMaxCanvasSize || value % kCanvasMultiple != 0) {
        return Status::error(std::string("canvas ") + what + " is " + std::to_string(value) +
                             " px; it must be a multiple of " + std::to_string(kCanvasMultiple) +
                             " between " + std::to_string(kMinCanvasSize) + " and " +
                             std::to_string(kMaxCanvasSize));
    }
    return Status::ok();
}

Status checkPrompt(const std::string& where, const std::string& text)
{
    if (text.size() > kMaxPromptBytes) {
        return Status::error(where + " is " + std::to_string(text.size()) +
                             " bytes long; the limit is " + std::to_string(kMaxPromptBytes));
    }
    return Status::ok();
}

Status checkSettings(const GenerationSettings& s, const std::string& where)
{
    if (s.steps < 1 || s.steps > kMaxSteps)
        return Status::error(where + ": steps is " + std::to_string(s.steps) +
                             "; it must be between 1 and " + std::to_string(kMaxSteps));
    if (!std::isfinite(s.cfg) || s.cfg < 0.f || s.cfg > float(kMaxCfg))
        return Status::error(where + ": CFG scale " + std::to_string(s.cfg) + " is outside [0, " +
                             std::to_string(kMaxCfg) + "]");
    if (s.bootstrapSteps < 0 || s.bootstrapSteps > s.steps)
        return Status::error(where + ": bootstrap steps " + std::to_string(s.bootstrapSteps) +
                             " must be between 0 and the step count " + std::to_string(s.steps));
    if (s.window < 0 || s.window > kMaxWindow)
        return Status::error(where + ": window " + std::to_string(s.window) +
                             " latent px is outside [0, " + std::to_string(kMaxWindow) + "]");
    if (s.stride < kMinStride || s.stride > kMaxStride)
        return Status::error(where + ": stride " + std::to_string(s.stride) +
                             " latent px is outside [" + std::to_string(kMinStride) + ", " +
                             std::to_string(kMaxStride) + "]");
    if (!std::isfinite(s.feather) || s.feather < 0.f || s.feather > float(kMaxFeatherPx))
        return Status::error(where + ": feather " + std::to_string(s.feather) +
                             " px is outside [0, " + std::to_string(kMaxFeatherPx) + "]");
    if (!std::isfinite(s.strength) || s.strength <= 0.f || s.strength > 1.f)
        return Status::error(where + ": denoising strength " + std::to_string(s.strength) +
                             " is outside (0, 1]");
    return Status::ok();
}

std::string sizeText(int w, int h)
{
    return std::to_string(w) + "x" + std::to_string(h);
}

Status checkPaintLayers(const Project& project)
{
    if (project.paintLayers.size() > kMaxPaintLayers)
        return Status::error("the project has " + std::to_string(project.paintLayers.size()) +
                             " paint layers; the limit is " + std::to_string(kMaxPaintLayers));
    std::set<std::uint32_t> ids;
    for (std::size_t i = 0; i < project.paintLayers.size(); ++i) {
        const PaintLayer& l = project.paintLayers[i];
        std::string label = "paint layer " + std::to_string(i + 1) + " (id " + std::to_string(l.id);
        label += (l.name.empty() ? "" : ", \"" + l.name + "\"") + std::string(")");
        if (l.id == 0)
            return Status::error(label + " has id 0; ids start at 1");
        if (!ids.insert(l.id).second)
            return Status::error(label + " reuses an id of an earlier paint layer");
        if (l.name.size() > 1024)
            return Status::error(label + ": the name is longer than 1024 bytes");
        if (!std::isfinite(l.opacity) || l.opacity < 0.f || l.opacity > 1.f)
            return Status::error(label + ": opacity " + std::to_string(l.opacity) +
                                 " is outside [0, 1]");
        const RgbaImage& img = l.pixels;
        if (img.width != project.width || img.height != project.height)
            return Status::error(label + ": the image is " + sizeText(img.width, img.height) +
                                 " but the canvas is " + sizeText(project.width, project.height));
        if (img.pixels.size() != std::size_t(img.width) * std::size_t(img.height) * 4)
            return Status::error(label + ": the image holds " + std::to_string(img.pixels.size()) +
                                 " bytes, expected " +
                                 std::to_string(std::size_t(img.width) * img.height * 4) +
                                 " (RGBA)");
    }
    return Status::ok();
}

// A result's image, start image and reroll mask: the image at the canvas size (an upscale:
// times its factor), the others at the image's size.
Status checkResultImages(const ProjectResult& result, const Project& project,
                         const std::string& label)
{
    const RgbImage& img = result.image;
    if (auto s = checkUpscaledSize(project.width, project.height, result.upscale, img.width,
                                   img.height, label);
        !s)
        return s;
    if (img.pixels.size() != std::size_t(img.width) * img.height * 3)
        return Status::error(label + ": the image holds " + std::to_string(img.pixels.size()) +
                             " bytes, expected " +
                             std::to_string(std::size_t(img.width) * img.height * 3));
    if (const RgbImage* start = result.startImage.get()) {
        if (start->width != img.width || start->height != img.height ||
            start->pixels.size() != std::size_t(img.width) * img.height * 3)
            return Status::error(label + ": the start image is " +
                                 sizeText(start->width, start->height) + " but the result is " +
                                 sizeText(img.width, img.height));
    }
    if (const MaskImage* mask = result.rerollMask.get()) {
        if (!result.startImage)
            return Status::error(label + ": a reroll mask without a start image (a reroll keeps "
                                         "the start image outside the mask)");
        if (mask->width != img.width || mask->height != img.height ||
            mask->values.size() != std::size_t(img.width) * img.height)
            return Status::error(label + ": the reroll mask is " +
                                 sizeText(mask->width, mask->height) + " but the result is " +
                                 sizeText(img.width, img.height));
        for (float v : mask->values)
            if (!(v >= 0.f && v <= 1.f))
                return Status::error(label + ": a reroll mask value " + std::to_string(v) +
                                     " is outside [0, 1]");
    }
    return Status::ok();
}

// `mask`: the region's mask to check (nullptr: already checked).
Status checkRegion(const ProjectRegion& region, const MaskImage* mask, int width, int height,
                   bool circular, const std::string& label)
{
    if (region.id == 0)
        return Status::error(label + " has id 0; ids start at 1");
    if (auto s = checkPrompt(label + " prompt", region.prompt); !s)
        return s;
    if (auto s = checkPrompt(label + " negative prompt", region.negative); !s)
        return s;
    if (region.name.size() > 1024)
        return Status::error(label + ": the name is longer than 1024 bytes");
    if (!std::isfinite(region.strength) || region.strength < 0.f ||
        region.strength > float(kMaxRegionStrength))
        return Status::error(label + ": strength " + std::to_string(region.strength) +
                             " is outside [0, " + std::to_string(kMaxRegionStrength) + "]");
    if (region.kind == RegionKind::Mask) {
        if (!mask)
            return Status::ok();
        const MaskImage& m = *mask;
        if (m.width != width || m.height != height)
            return Status::error(label + ": the mask is " + std::to_string(m.width) + "x" +
                                 std::to_string(m.height) + " but the canvas is " +
                                 std::to_string(width) + "x" + std::to_string(height));
        if (m.values.size() != std::size_t(m.width) * std::size_t(m.height))
            return Status::error(label + ": the mask holds " + std::to_string(m.values.size()) +
                                 " values, expected " +
                                 std::to_string(std::size_t(m.width) * m.height));
        for (float v : m.values) {
            if (!(v >= 0.f && v <= 1.f))
                return Status::error(label + ": a mask value " + std::to_string(v) +
                                     " is outside [0, 1]");
        }
    } else {
        const Box& b = region.box;
        if (b.width <= 0 || b.height <= 0)
            return Status::error(label + ": the box is " + std::to_string(b.width) + "x" +
                                 std::to_string(b.height) + "; it must not be empty");
        // On a wrap-around panorama a box may cross the seam: it starts on the canvas and
        // continues from the left edge (toGenerateRequest sends it as a mask).
        const bool wraps = circular && b.width <= width;
        const int maxX = wraps ? width - 1 : width - b.width;
        if (b.x < 0 || b.y < 0 || b.x > maxX || b.y > height - b.height)
            return Status::error(label + ": the box (" + std::to_string(b.x) + ", " +
                                 std::to_string(b.y) + ", " + std::to_string(b.width) + "x" +
                                 std::to_string(b.height) + ") reaches outside the " +
                                 std::to_string(width) + "x" + std::to_string(height) + " canvas");
    }
    return Status::ok();
}

// A result's layout: the rules of regions, at the result's size; shared masks once.
Status checkLayout(const RegionLayout& layout, int width, int height, bool circular,
                   const std::string& owner, std::set<const MaskImage*>& checked)
{
    if (layout.size() > kMaxRegions)
        return Status::error(owner + " records " + std::to_string(layout.size()) +
                             " regions in its layout; the limit is " + std::to_string(kMaxRegions));
    std::set<std::uint32_t> ids;
    for (std::size_t i = 0; i < layout.size(); ++i) {
        const LayoutRegion& l = layout[i];
        const std::string label = owner + ", layout " + regionLabel(l.region, i);
        if (l.region.kind == RegionKind::Mask && !l.mask)
            return Status::error(label + " has no mask");
        const MaskImage* mask =
            l.region.kind == RegionKind::Mask && checked.insert(l.mask.get()).second ? l.mask.get()
                                                                                     : nullptr;
        if (auto s = checkRegion(l.region, mask, width, height, circular, label); !s)
            return s;
        if (!ids.insert(l.region.id).second)
            return Status::error(label + " reuses an id of an earlier region");
    }
    return Status::ok();
}

// A box that crosses the right edge of a wrap-around canvas, as the mask it covers there.
MaskImage wrappedBoxMask(const Box& box, int width, int height)
{
    MaskImage m = blankMask(width, height);
    for (int y = std::max(0, box.y); y < std::min(height, box.y + box.height); ++y)
        for (int x = box.x; x < box.x + box.width; ++x)
            m.values[std::size_t(y) * std::size_t(width) +
                     std::size_t((x % width + width) % width)] = 1.f;
    return m;
}

} // namespace

GenerateRequest toGenerateRequest(const Project& project)
{
    return toGenerateRequest(project, project.settings.seed);
}

GenerateRequest toGenerateRequest(const Project& project, std::uint64_t seed)
{
    return toGenerateRequest(project, seed, {});
}

GenerateRequest toGenerateRequest(const Project& project, std::uint64_t seed,
                                  const std::vector<std::string>& loraDirs)
{
    GenerateRequest r;
    r.loraDirs = loraDirs;
    r.prompt = project.prompt;
    r.negative = project.negative;
    r.width = project.width;
    r.height = project.height;
    const GenerationSettings& s = project.settings;
    r.steps = s.steps;
    r.cfg = s.cfg;
    r.seed = seed;
    r.sampler = s.sampler;
    r.bootstrapSteps = s.bootstrapSteps;
    r.window = s.window;
    r.stride = s.stride;
    r.circular = s.circular;
    r.featherPx = s.feather;
    if (s.start == StartImage::LastResult) {
        if (const ProjectResult* last = newestCanvasResult(project))
            r.initImage = last->image;
    } else if (s.start == StartImage::Layers) {
        r.initImage = composeLayers(project);
    }
    if (!r.initImage.empty())
        r.strength = s.strength;
    for (const ProjectRegion& pr : project.regions) {
        if (!pr.visible)
            continue;
        Region region;
        region.prompt = pr.prompt;
        region.negative = pr.negative;
        region.strength = pr.strength;
        region.seed = pr.seed;
        if (pr.kind == RegionKind::Box && pr.box.x + pr.box.width > project.width)
            region.mask = wrappedBoxMask(pr.box, project.width, project.height);
        else if (pr.kind == RegionKind::Box)
            region.box = pr.box;
        else
            region.mask = pr.mask;
        r.regions.push_back(std::move(region));
    }
    return r;
}

Project projectFromRequest(const GenerateRequest& request, const ModelReference& model)
{
    Project p;
    p.width = request.width;
    p.height = request.height;
    p.model = model;
    p.prompt = request.prompt;
    p.negative = request.negative;
    GenerationSettings& s = p.settings;
    s.sampler = request.sampler;
    s.steps = request.steps;
    s.cfg = request.cfg;
    s.seed = request.seed;
    s.seedMode = SeedMode::Fixed;
    s.bootstrapSteps = request.bootstrapSteps;
    s.window = request.window;
    s.stride = request.stride;
    s.circular = request.circular;
    s.feather = request.featherPx;
    for (std::size_t i = 0; i < request.regions.size(); ++i) {
        const Region& r = request.regions[i];
        ProjectRegion pr;
        pr.id = std::uint32_t(i + 1);
        pr.name = "Region " + std::to_string(i + 1);
        std::vector<Colour> taken;
        for (const ProjectRegion& earlier : p.regions)
            taken.push_back(earlier.colour);
        pr.colour = RegionPalette::forPrompt(r.prompt, taken);
        pr.prompt = r.prompt;
        pr.negative = r.negative;
        pr.strength = r.strength;
        pr.seed = r.seed;
        if (r.box) {
            pr.kind = RegionKind::Box;
            pr.box = *r.box;
        } else {
            pr.kind = RegionKind::Mask;
            pr.mask = r.mask;
        }
        p.regions.push_back(std::move(pr));
    }
    return p;
}

Status validate(const Project& project)
{
    if (auto s = checkSide("width", project.width); !s)
        return s;
    if (auto s = checkSide("height", project.height); !s)
        return s;
    if (auto s = checkPrompt("the background prompt", project.prompt); !s)
        return s;
    if (auto s = checkPrompt("the background negative prompt", project.negative); !s)
        return s;
    if (project.regions.size() > kMaxRegions)
        return Status::error("the project has " + std::to_string(project.regions.size()) +
                             " regions; the limit is " + std::to_string(kMaxRegions));
    if (project.results.size() > kMaxResults)
        return Status::error("the project has " + std::to_string(project.results.size()) +
                             " results; the limit is " + std::to_string(kMaxResults));
    if (auto s = checkSettings(project.settings, "generation settings"); !s)
        return s;
    if (auto s = checkPaintLayers(project); !s)
        return s;
    std::set<std::uint32_t> ids;
    for (std::size_t i = 0; i < project.regions.size(); ++i) {
        const ProjectRegion& region = project.regions[i];
        if (auto s = checkRegion(region, &region.mask, project.width, project.height,
                                 project.settings.circular, regionLabel(region, i));
            !s)
            return s;
        if (!ids.insert(region.id).second)
            return Status::error(regionLabel(region, i) + " reuses an id of an earlier region");
    }
    std::set<std::uint32_t> resultIds;
    std::set<const MaskImage*> checkedMasks;
    for (std::size_t i = 0; i < project.results.size(); ++i) {
        const ProjectResult& result = project.results[i];
        const std::string label =
            "result " + std::to_string(i + 1) + " (id " + std::to_string(result.id) + ")";
        if (result.id == 0)
            return Status::error(label + " has id 0; ids start at 1");
        if (!resultIds.insert(result.id).second)
            return Status::error(label + " reuses an id of an earlier result");
        if (auto s = checkResultImages(result, project, label); !s)
            return s;
        if (result.sourceResultId == result.id)
            return Status::error(label + " names itself as its source");
        for (std::size_t k = i + 1; k < project.results.size(); ++k)
            if (project.results[k].id == result.sourceResultId)
                return Status::error(label + ": its source, result " +
                                     std::to_string(result.sourceResultId) +
                                     ", comes after it in the history");
        if (auto s = checkSettings(result.settings, label + " settings"); !s)
            return s;
        if (result.regions.size() > kMaxRegions)
            return Status::error(label + " records " + std::to_string(result.regions.size()) +
                                 " region prompts; the limit is " + std::to_string(kMaxRegions));
        if (auto s = checkResultLoras(result.loras, label); !s)
            return s;
        if (result.layout) {
            if (auto s = checkLayout(*result.layout, project.width, project.height,
                                     result.settings.circular, label, checkedMasks);
                !s)
                return s;
        }
    }
    return Status::ok();
}

ProjectResult makeResult(const Project& project, RgbImage image, std::uint64_t seed)
{
    ProjectResult r;
    r.id = nextResultId(project);
    r.image = std::move(image);
    r.settings = project.settings;
    r.settings.seed = seed;
    r.seed = seed;
    r.timestamp = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    r.prompt = project.prompt;
    r.negative = project.negative;
    for (const ProjectRegion& pr : project.regions) {
        if (!pr.visible)
            continue;
        r.regions.push_back({pr.id, pr.name, pr.prompt, pr.negative, pr.strength});
    }
    r.model = project.model;
    r.layout = captureLayout(project);
    shareLayoutMasks(r, project);
    return r;
}

ProjectResult makeResult(const Project& project, RgbImage image, const GenerateRequest& made,
                         std::uint32_t sourceResultId, double upscale)
{
    ProjectResult r = makeResult(project, std::move(image), made.seed);
    r.sourceResultId = sourceResultId;
    r.upscale = upscale;
    if (!made.initImage.empty()) {
        r.settings.strength = made.strength;
        r.startImage = std::make_shared<const RgbImage>(made.initImage);
    }
    if (!made.rerollMask.empty())
        r.rerollMask = std::make_shared<const MaskImage>(made.rerollMask);
    // The region seeds the request used (a reroll's fresh ones), in the layout: the visible
    // regions in order are the request's regions.
    std::size_t next = 0;
    for (LayoutRegion& l : *r.layout) {
        if (!l.region.visible)
            continue;
        if (next < made.regions.size())
            l.region.seed = made.regions[next].seed;
        ++next;
    }
    // Equal start images and reroll masks are held once (a series of rerolls of one result).
    for (auto it = project.results.rbegin(); it != project.results.rend(); ++it) {
        if (r.startImage && it->startImage && it->startImage != r.startImage &&
            sameImage(*it->startImage, *r.startImage))
            r.startImage = it->startImage;
        if (r.rerollMask && it->rerollMask && it->rerollMask != r.rerollMask &&
            sameMask(*it->rerollMask, *r.rerollMask))
            r.rerollMask = it->rerollMask;
    }
    return r;
}

const ProjectResult* newestCanvasResult(const Project& project)
{
    for (auto it = project.results.rbegin(); it != project.results.rend(); ++it) {
        if (it->image.width == project.width && it->image.height == project.height)
            return &*it;
    }
    return nullptr;
}

const ProjectResult* findResult(const Project& project, std::uint32_t id)
{
    for (const ProjectResult& r : project.results) {
        if (r.id == id)
            return &r;
    }
    return nullptr;
}

bool sameImage(const RgbImage& a, const RgbImage& b)
{
    return a.width == b.width && a.height == b.height && a.pixels == b.pixels;
}

RegionLayout captureLayout(const Project& project)
{
    RegionLayout layout;
    layout.reserve(project.regions.size());
    for (const ProjectRegion& pr : project.regions) {
        LayoutRegion l;
        l.region = pr;
        l.region.mask = MaskImage();
        if (pr.kind == RegionKind::Mask)
            l.mask = std::make_shared<const MaskImage>(pr.mask);
        layout.push_back(std::move(l));
    }
    return layout;
}

bool sameMask(const MaskImage& a, const MaskImage& b)
{
    return a.width == b.width && a.height == b.height && a.values == b.values;
}

void shareLayoutMasks(ProjectResult& result, const Project& project)
{
    if (!result.layout)
        return;
    // The newest layouts only (an unchanged mask is in the last one), which bounds the
    // comparisons however long the history grows.
    constexpr int kLayoutsCompared = 8;
    std::vector<std::shared_ptr<const MaskImage>> known;
    int layouts = 0;
    for (auto it = project.results.rbegin();
         it != project.results.rend() && layouts < kLayoutsCompared; ++it) {
        if (it->id == result.id || !it->layout)
            continue;
        ++layouts;
        for (const LayoutRegion& l : *it->layout)
            if (l.mask && std::find(known.begin(), known.end(), l.mask) == known.end())
                known.push_back(l.mask);
    }
    for (LayoutRegion& l : *result.layout) {
        if (!l.mask)
            continue;
        for (const auto& candidate : known) {
            if (candidate != l.mask && sameMask(*candidate, *l.mask)) {
                l.mask = candidate;
                break;
            }
        }
    }
}

std::vector<ProjectRegion> layoutRegions(const RegionLayout& layout)
{
    std::vector<ProjectRegion> regions;
    regions.reserve(layout.size());
    for (const LayoutRegion& l : layout) {
        ProjectRegion r = l.region;
        if (r.kind == RegionKind::Mask && l.mask)
            r.mask = *l.mask;
        regions.push_back(std::move(r));
    }
    return regions;
}

std::uint32_t nextRegionId(const Project& project)
{
    std::uint32_t maxId = 0;
    for (const auto& r : project.regions)
        maxId = std::max(maxId, r.id);
    return maxId + 1;
}

std::uint32_t nextResultId(const Project& project)
{
    std::uint32_t maxId = 0;
    for (const auto& r : project.results)
        maxId = std::max(maxId, r.id);
    return maxId + 1;
}

ProjectRegion* findRegion(Project& project, std::uint32_t id)
{
    for (auto& r : project.regions) {
        if (r.id == id)
            return &r;
    }
    return nullptr;
}

const ProjectRegion* findRegion(const Project& project, std::uint32_t id)
{
    for (const auto& r : project.regions) {
        if (r.id == id)
            return &r;
    }
    return nullptr;
}

Colour defaultRegionColour(std::size_t index)
{
    return RegionPalette::colour(index);
}

MaskImage blankMask(int width, int height)
{
    MaskImage m;
    m.width = std::max(0, width);
    m.height = std::max(0, height);
    m.values.assign(std::size_t(m.width) * std::size_t(m.height), 0.f);
    return m;
}

std::string regionKindName(RegionKind kind)
{
    return kind == RegionKind::Box ? "box" : "mask";
}

std::string seedModeName(SeedMode mode)
{
    return mode == SeedMode::Fixed ? "fixed" : "random";
}

std::string startImageName(StartImage start)
{
    switch (start) {
    case StartImage::LastResult:
        return "last-result";
    case StartImage::Layers:
        return "layers";
    case StartImage::Noise:
        break;
    }
    return "noise";
}

std::optional<StartImage> startImageFromName(const std::string& name)
{
    if (name == "noise")
        return StartImage::Noise;
    if (name == "last-result")
        return StartImage::LastResult;
    if (name == "layers")
        return StartImage::Layers;
    return std::nullopt;
}

} // namespace md
