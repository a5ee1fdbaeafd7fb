#include "ImageArgs.h"

#include "CommandLine.h"
#include "OptionChecks.h"
#include "document/ImageIo.h"
#include "document/ProjectFile.h"
#include "document/Reroll.h"
#include "document/Upscale.h"

#include <algorithm>
#include <cstdlib>

namespace md::cli {

namespace {

std::string sizeText(int w, int h)
{
    return std::to_string(w) + "x" + std::to_string(h);
}

std::pair<std::uint32_t, std::uint64_t> splitRegionSeed(const std::string& text)
{
    const auto eq = text.find('=');
    return {std::uint32_t(std::strtoul(text.substr(0, eq).c_str(), nullptr, 10)),
            toUInt64(text.substr(eq + 1))};
}

// An image option's file against the canvas it must match.
Status checkCanvas(const char* option, const std::string& path, int w, int h, int canvasW,
                   int canvasH)
{
    if (w == canvasW && h == canvasH)
        return Status::ok();
    return Status::error(std::string(option) + " " + path + " is " + sizeText(w, h) +
                         " but the canvas is " + sizeText(canvasW, canvasH) +
                         "; resize it to the canvas, or leave out --width/--height to take "
                         "its size");
}

} // namespace

std::string checkRegionSeed(const std::string& option, const std::string& text)
{
    const auto eq = text.find('=');
    const std::string message = option +
                                " expects N=SEED (N: a region, from 1; SEED: a "
                                "non-negative integer), got '" +
                                text + "'";
    if (eq == std::string::npos)
        return message;
    const std::string n = text.substr(0, eq);
    if (!checkInteger(option, n, 1, 0xffffffffll).empty())
        return message;
    if (!checkUInt64(option, text.substr(eq + 1)).empty())
        return message;
    return {};
}

void ImageArgs::addTo(CommandLine& cl)
{
    cl.text("--init-image", m_initImage, "IMG",
            "img2img: start from this image (canvas-sized; sets the canvas when --width and "
            "--height are not given)");
    cl.checked(cl.app()
                   .add_option("--strength", m_strength,
                               "denoising strength in (0, 1] (default: 0.75 for "
                               "--init-image, 1 for a reroll, 0.35 for --upscale)")
                   ->type_name("S"),
               [](const std::string& v) {
                   std::string message = checkNumber("--strength", v, 0.0, 1.0);
                   if (message.empty() && std::strtod(v.c_str(), nullptr) <= 0.0)
                       message = "--strength must be above 0 and at most 1, got " + v;
                   return message;
               });
    cl.text("--keep-image", m_keepImage, "IMG",
            "reroll: the image to keep outside the rerolled part (canvas-sized)");
    cl.text("--reroll", m_reroll, "MASK.png",
            "reroll where this canvas-sized grayscale mask is white (needs --keep-image)");
    cl.repeatable("--reroll-region", m_rerollRegions, "ID",
                  "reroll this region of --project (its id), keeping its newest result "
                  "elsewhere");
    cl.checked(cl.repeatable("--region-seed", m_regionSeeds, "N=SEED",
                             "region N's own start-noise seed (N: the N-th --region/--box, or "
                             "a region id of --project)"),
               checkRegionSeed);
    cl.number("--upscale", m_upscale, kMinUpscale, kMaxUpscale, "F",
              "upscale --init-image (or --project's newest result) by F, with every region "
              "scaled along");
    cl.text("--project", m_projectPath, "P.mdsp",
            "render this saved project (.mdsp or an exported PNG) instead of --prompt and "
            "--region/--box");
    cl.flag("--fast-decode", m_fastDecode,
            "decode the result with the tiny decoder (TAESD) when one is loaded, else the VAE");
}

Status ImageArgs::checkCombinations(const CommandLine& cl)
{
    m_strengthGiven = cl.given("--strength");
    m_upscaleGiven = cl.given("--upscale");
    const bool init = !m_initImage.empty();
    const bool keep = !m_keepImage.empty();
    const bool mask = !m_reroll.empty();
    const bool regions = !m_rerollRegions.empty();
    const bool project = !m_projectPath.empty();
    if (init && keep)
        return Status::error("--init-image and --keep-image exclude each other (img2img starts "
                             "from the first; a reroll keeps the second)");
    if (keep && !mask && !regions)
        return Status::error("--keep-image needs --reroll MASK.png or --reroll-region ID (what "
                             "to regenerate)");
    if (mask && regions)
        return Status::error("--reroll and --reroll-region exclude each other");
    if (mask && !keep && !project)
        return Status::error("--reroll needs --keep-image IMG (the image to keep), or "
                             "--project (its newest result is kept)");
    if (regions && !project)
        return Status::error("--reroll-region needs --project P.mdsp (the regions are the "
                             "project's)");
    if ((mask || regions) && init)
        return Status::error("--init-image does not go with a reroll; give the image to keep "
                             "as --keep-image");
    if (m_upscaleGiven && (mask || regions))
        return Status::error("--upscale does not go with a reroll; upscale the rerolled result "
                             "in a second run");
    if (m_upscaleGiven && !init && !project)
        return Status::error("--upscale needs the image to upscale: --init-image IMG, or "
                             "--project (its newest result)");
    if (m_strengthGiven && !init && !keep && !mask && !regions && !m_upscaleGiven && !project)
        return Status::error("--strength needs a start image: --init-image, a reroll "
                             "(--keep-image/--reroll, --reroll-region), --upscale, or a "
                             "--project that starts from an image");
    if (project) {
        for (const char* option :
             {"--prompt", "--negative", "--region", "--box", "--width", "--height"})
            if (cl.given(option))
                return Status::error(std::string(option) + " does not go with --project (the "
                                                           "project holds it; edit it in the "
                                                           "app or generate without --project)");
    }
    for (const std::string& id : m_rerollRegions) {
        if (auto message = checkInteger("--reroll-region", id, 1, 0xffffffffll); !message.empty())
            return Status::error(message + " (a region id of the project)");
    }
    std::vector<std::uint32_t> seen;
    for (const std::string& spec : m_regionSeeds) {
        const std::uint32_t n = splitRegionSeed(spec).first;
        if (std::find(seen.begin(), seen.end(), n) != seen.end())
            return Status::error("--region-seed gives region " + std::to_string(n) + " two seeds");
        seen.push_back(n);
    }
    return Status::ok();
}

Status ImageArgs::readFiles()
{
    if (!m_projectPath.empty()) {
        auto p = loadProject(m_projectPath);
        if (!p)
            return p.status().withContext("--project");
        m_project = std::move(p.value());
    }
    if (!m_initImage.empty()) {
        auto img = readRgbPng(m_initImage);
        if (!img)
            return img.status().withContext("--init-image");
        m_init = std::move(img.value());
    }
    if (!m_keepImage.empty()) {
        auto img = readRgbPng(m_keepImage);
        if (!img)
            return img.status().withContext("--keep-image");
        m_keep = std::move(img.value());
    }
    if (!m_reroll.empty()) {
        auto mask = readMaskPng(m_reroll);
        if (!mask)
            return mask.status().withContext("--reroll");
        m_rerollMask = std::move(mask.value());
        const RgbImage* keep = !m_keep.empty() ? &m_keep : nullptr;
        if (keep && (m_rerollMask.width != keep->width || m_rerollMask.height != keep->height))
            return Status::error("--reroll " + m_reroll + " is " +
                                 sizeText(m_rerollMask.width, m_rerollMask.height) +
                                 " but --keep-image " + m_keepImage + " is " +
                                 sizeText(keep->width, keep->height) +
                                 "; the mask must be the image's size");
        if (std::none_of(m_rerollMask.values.begin(), m_rerollMask.values.end(),
                         [](float v) { return v > 0.f; }))
            return Status::error("--reroll " + m_reroll +
                                 " is black everywhere: nothing to reroll (white marks what "
                                 "to regenerate)");
    }
    return Status::ok();
}

std::optional<std::pair<int, int>> ImageArgs::imageSize() const
{
    if (!m_init.empty())
        return std::make_pair(m_init.width, m_init.height);
    if (!m_keep.empty())
        return std::make_pair(m_keep.width, m_keep.height);
    return std::nullopt;
}

Status ImageArgs::applySeeds(GenerateRequest& r)
{
    for (const std::string& spec : m_regionSeeds) {
        const auto [n, seed] = splitRegionSeed(spec);
        if (!m_project) {
            if (n > r.regions.size())
                return Status::error(
                    "--region-seed " + spec + ": there " +
                    (r.regions.size() == 1
                         ? "is 1 region"
                         : "are " + std::to_string(r.regions.size()) + " regions") +
                    " (--region/--box, counted from 1)");
            r.regions[n - 1].seed = seed;
            continue;
        }
        ProjectRegion* region = findRegion(*m_project, n);
        if (!region) {
            std::string ids;
            for (const ProjectRegion& pr : m_project->regions)
                ids += (ids.empty() ? "" : ", ") + std::to_string(pr.id);
            return Status::error("--region-seed " + spec + ": the project has no region " +
                                 std::to_string(n) +
                                 " (its region ids: " + (ids.empty() ? "none" : ids) + ")");
        }
        region->seed = seed;
    }
    return Status::ok();
}

Status ImageArgs::apply(GenerateRequest& r)
{
    if (auto s = applySeeds(r); !s)
        return s;
    if (!m_init.empty()) {
        if (auto s = checkCanvas("--init-image", m_initImage, m_init.width, m_init.height, r.width,
                                 r.height);
            !s)
            return s;
        if (m_upscaleGiven) {
            const float strength = m_strengthGiven ? float(m_strength) : kDefaultUpscaleStrength;
            auto up = upscaleRequest(r, m_init, m_upscale, strength);
            if (!up)
                return up.status().withContext("--upscale");
            r = std::move(up.value());
            return Status::ok();
        }
        r.initImage = m_init;
        r.strength = m_strengthGiven ? float(m_strength) : GenerationSettings{}.strength;
    }
    if (!m_keep.empty()) {
        if (auto s = checkCanvas("--keep-image", m_keepImage, m_keep.width, m_keep.height, r.width,
                                 r.height);
            !s)
            return s;
        r.initImage = m_keep;
        r.rerollMask = m_rerollMask;
        r.strength = m_strengthGiven ? float(m_strength) : 1.f;
    }
    return Status::ok();
}

Result<ImageArgs::ProjectRequest>
ImageArgs::projectRequest(const std::function<void(GenerateRequest&)>& override,
                          std::uint64_t newSeed)
{
    Project& p = *m_project;
    ProjectRequest out;
    GenerateRequest empty;
    if (auto s = applySeeds(empty); !s) // region seeds into the project
        return s;
    const std::string canvas = sizeText(p.width, p.height);
    if (m_upscaleGiven) {
        const ProjectResult* source = newestCanvasResult(p);
        if (!source)
            return Status::error("--upscale: the project " + m_projectPath +
                                 " has no canvas-sized result to upscale; generate one first");
        Project made = projectForResult(p, *source);
        made.settings.start = StartImage::Noise;
        GenerateRequest request = toGenerateRequest(made);
        override(request);
        const float strength = m_strengthGiven ? float(m_strength) : kDefaultUpscaleStrength;
        auto up = upscaleRequest(request, source->image, m_upscale, strength);
        if (!up)
            return up.status().withContext("--upscale");
        out.request = std::move(up.value());
        out.sourceResultId = source->id;
        out.upscale = m_upscale;
        return out;
    }
    const float rerollStrength = m_strengthGiven ? float(m_strength) : 1.f;
    if (!m_rerollRegions.empty()) {
        std::vector<std::uint32_t> ids;
        for (const std::string& id : m_rerollRegions)
            ids.push_back(std::uint32_t(std::strtoul(id.c_str(), nullptr, 10)));
        // --keep-image: kept instead of the newest result (as a result of the copy).
        Project withKept = p;
        std::optional<std::uint32_t> keptId;
        if (!m_keep.empty()) {
            if (auto s = checkCanvas("--keep-image", m_keepImage, m_keep.width, m_keep.height,
                                     p.width, p.height);
                !s)
                return s;
            ProjectResult kept;
            kept.id = nextResultId(withKept);
            kept.image = m_keep;
            withKept.results.push_back(std::move(kept));
            keptId = withKept.results.back().id;
        }
        auto request = rerollRequest(withKept, ids, newSeed, {keptId, rerollStrength});
        if (!request)
            return request.status().withContext("--reroll-region");
        override(request.value());
        for (std::uint32_t id : ids) // the rerolled regions keep their new seed
            findRegion(p, id)->seed = newSeed;
        out.request = std::move(request.value());
        return out;
    }
    GenerateRequest request = toGenerateRequest(p);
    if (!m_reroll.empty()) {
        const RgbImage* keep = !m_keep.empty() ? &m_keep : nullptr;
        if (!keep) {
            const ProjectResult* last = newestCanvasResult(p);
            if (!last)
                return Status::error("--reroll: the project " + m_projectPath +
                                     " has no result to keep; give one with --keep-image");
            keep = &last->image;
        }
        if (keep->width != p.width || keep->height != p.height)
            return Status::error("--keep-image " + m_keepImage + " is " +
                                 sizeText(keep->width, keep->height) +
                                 " but the project's canvas is " + canvas);
        if (m_rerollMask.width != p.width || m_rerollMask.height != p.height)
            return Status::error("--reroll " + m_reroll + " is " +
                                 sizeText(m_rerollMask.width, m_rerollMask.height) +
                                 " but the project's canvas is " + canvas);
        request.initImage = *keep;
        request.rerollMask = m_rerollMask;
        request.strength = rerollStrength;
    } else if (!m_init.empty()) {
        if (m_init.width != p.width || m_init.height != p.height)
            return Status::error("--init-image " + m_initImage + " is " +
                                 sizeText(m_init.width, m_init.height) +
                                 " but the project's canvas is " + canvas);
        request.initImage = m_init;
        request.strength = m_strengthGiven ? float(m_strength) : p.settings.strength;
    } else if (m_strengthGiven) {
        if (request.initImage.empty())
            return Status::error("--strength: the project " + m_projectPath +
                                 " starts from noise (its start image setting), so there is "
                                 "nothing to keep; give --init-image or leave out --strength");
        request.strength = float(m_strength);
    }
    override(request);
    out.request = std::move(request);
    return out;
}

} // namespace md::cli
