// Project -> JSON (declared in ProjectJson.h).
#include "document/Base64.h"
#include "document/ImageIo.h"
#include "document/ProjectJson.h"
#include "document/ResultLoras.h"

#include <cstdio>

namespace md {

namespace {

using Json = nlohmann::ordered_json;

std::string colourText(const Colour& c)
{
    char buf[8];
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x", c.r, c.g, c.b);
    return buf;
}

Json modelJson(const ModelReference& m)
{
    Json j;
    j["path"] = m.path;
    j["contentHash"] = m.contentHash;
    j["shortHash"] = m.shortHash;
    if (!m.sha256.empty())
        j["sha256"] = m.sha256;
    j["displayName"] = m.displayName;
    return j;
}

Json settingsJson(const GenerationSettings& s)
{
    Json j;
    j["sampler"] = samplerName(s.sampler);
    j["steps"] = s.steps;
    j["cfg"] = s.cfg;
    j["seed"] = s.seed;
    j["seedMode"] = seedModeName(s.seedMode);
    j["bootstrapSteps"] = s.bootstrapSteps;
    j["window"] = s.window;
    j["stride"] = s.stride;
    j["circular"] = s.circular;
    j["feather"] = s.feather;
    j["start"] = startImageName(s.start);
    j["strength"] = s.strength;
    return j;
}

// `maskRef`: what the "mask" field names (mask regions only).
Json regionJson(const ProjectRegion& r, const std::string& maskRef)
{
    Json j;
    j["id"] = r.id;
    j["name"] = r.name;
    j["colour"] = colourText(r.colour);
    j["prompt"] = r.prompt;
    j["negative"] = r.negative;
    j["strength"] = r.strength;
    j["kind"] = regionKindName(r.kind);
    j["visible"] = r.visible;
    if (r.seed)
        j["seed"] = *r.seed;
    if (r.kind == RegionKind::Box)
        j["box"] =
            Json{{"x", r.box.x}, {"y", r.box.y}, {"width", r.box.width}, {"height", r.box.height}};
    else
        j["mask"] = maskRef;
    return j;
}

Result<std::string> maskRefOf(const ProjectRegion& r, const ProjectJsonOptions& options)
{
    if (r.kind != RegionKind::Mask)
        return std::string();
    if (options.storage != ImageStorage::Embedded)
        return maskEntryName(r.id);
    auto png = encodeMaskPng(r.mask);
    if (!png)
        return png.status().withContext("region " + std::to_string(r.id) + " mask");
    return kPngDataUriPrefix + base64Encode(*png);
}

Result<std::string> embeddedPng(Result<std::vector<std::uint8_t>> png, const std::string& owner)
{
    if (!png)
        return png.status().withContext(owner);
    return kPngDataUriPrefix + base64Encode(*png);
}

Result<Json> paintLayersJson(const Project& project, const ProjectJsonOptions& options)
{
    Json layers = Json::array();
    for (const PaintLayer& l : project.paintLayers) {
        Json j;
        j["id"] = l.id;
        j["name"] = l.name;
        j["visible"] = l.visible;
        j["opacity"] = l.opacity;
        if (options.storage == ImageStorage::Embedded) {
            auto uri = embeddedPng(encodeRgbaPng(l.pixels), "paint layer " + std::to_string(l.id));
            if (!uri)
                return uri.status();
            j["image"] = std::move(uri.value());
        } else {
            j["image"] = paintLayerEntryName(l.id);
        }
        layers.push_back(std::move(j));
    }
    return layers;
}

template <typename T>
const std::string* entryOf(const std::map<const T*, std::string>* names, const T* image)
{
    if (!names)
        return nullptr;
    auto it = names->find(image);
    return it == names->end() ? nullptr : &it->second;
}

// A result's start image and reroll mask: entries in an archive, data URIs in an export.
Status conditioningJson(const ProjectResult& r, const ProjectJsonOptions& options, Json& j)
{
    const std::string owner = "result " + std::to_string(r.id);
    const bool embedded = options.storage == ImageStorage::Embedded;
    if (r.startImage) {
        if (embedded) {
            auto uri = embeddedPng(encodePng(*r.startImage), owner + " start image");
            if (!uri)
                return uri.status();
            j["startImage"] = std::move(uri.value());
        } else {
            const std::string* name = entryOf(options.startImages, r.startImage.get());
            if (!name)
                return Status::error(owner + ": the start image has no archive entry");
            j["startImage"] = *name;
        }
    }
    if (r.rerollMask) {
        if (embedded) {
            auto uri = embeddedPng(encodeMaskPng(*r.rerollMask), owner + " reroll mask");
            if (!uri)
                return uri.status();
            j["rerollMask"] = std::move(uri.value());
        } else {
            const std::string* name = entryOf(options.layoutMasks, r.rerollMask.get());
            if (!name)
                return Status::error(owner + ": the reroll mask has no archive entry");
            j["rerollMask"] = *name;
        }
    }
    if (r.sourceResultId != 0)
        j["sourceResultId"] = r.sourceResultId;
    if (r.upscale != 1.0)
        j["upscale"] = r.upscale;
    return Status::ok();
}

// A result's layout: in an archive, its regions with their mask entries; in a PNG export,
// "@regions" (the export's regions are this result's layout, see projectForResult).
Result<Json> layoutJson(const RegionLayout& layout, const ProjectJsonOptions& options)
{
    if (options.storage == ImageStorage::Embedded)
        return Json(kRegionsLayoutRef);
    Json regions = Json::array();
    for (const LayoutRegion& l : layout) {
        std::string ref;
        if (l.region.kind == RegionKind::Mask) {
            auto it = options.layoutMasks->find(l.mask.get());
            if (it == options.layoutMasks->end())
                return Status::error("region " + std::to_string(l.region.id) +
                                     " of a result layout has no mask entry");
            ref = it->second;
        }
        regions.push_back(regionJson(l.region, ref));
    }
    return regions;
}

Json resultJson(const ProjectResult& r, const std::string& imageRef)
{
    Json j;
    j["id"] = r.id;
    j["image"] = imageRef;
    j["seed"] = r.seed;
    j["timestamp"] = r.timestamp;
    j["prompt"] = r.prompt;
    j["negative"] = r.negative;
    j["settings"] = settingsJson(r.settings);
    Json regions = Json::array();
    for (const UsedRegionPrompt& u : r.regions) {
        regions.push_back(Json{{"regionId", u.regionId},
                               {"name", u.name},
                               {"prompt", u.prompt},
                               {"negative", u.negative},
                               {"strength", u.strength}});
    }
    j["regions"] = std::move(regions);
    j["model"] = modelJson(r.model);
    if (!r.loras.empty())
        j["loras"] = resultLorasJson(r.loras);
    return j;
}

} // namespace

std::string maskEntryName(std::uint32_t regionId)
{
    return "masks/" + std::to_string(regionId) + ".png";
}

std::string resultEntryName(std::uint32_t resultId)
{
    return "results/" + std::to_string(resultId) + ".png";
}

std::string paintLayerEntryName(std::uint32_t layerId)
{
    return "paintLayers/" + std::to_string(layerId) + ".png";
}

Result<std::string> projectToJson(const Project& project, const ProjectJsonOptions& options)
{
    try {
        Json doc;
        doc["format"] = kProjectFormatName;
        doc["version"] = kProjectFormatVersion;
        doc["generator"] = "MultiDiffusion Studio";
        doc["canvas"] = Json{{"width", project.width}, {"height", project.height}};
        doc["model"] = modelJson(project.model);
        doc["prompt"] = project.prompt;
        doc["negative"] = project.negative;
        doc["settings"] = settingsJson(project.settings);
        Json regions = Json::array();
        for (const ProjectRegion& r : project.regions) {
            auto ref = maskRefOf(r, options);
            if (!ref)
                return ref.status();
            regions.push_back(regionJson(r, *ref));
        }
        doc["regions"] = std::move(regions);
        auto layers = paintLayersJson(project, options);
        if (!layers)
            return layers.status();
        doc["paintLayers"] = std::move(layers.value());
        Json results = Json::array();
        const bool embedded = options.storage == ImageStorage::Embedded;
        for (const ProjectResult& r : project.results) {
            if (embedded && !(options.selfResult && *options.selfResult == r.id))
                continue;
            Json j = resultJson(r, embedded ? kSelfImageRef : resultEntryName(r.id));
            if (r.layout && (embedded || options.layoutMasks)) {
                auto layout = layoutJson(*r.layout, options);
                if (!layout)
                    return layout.status().withContext("result " + std::to_string(r.id));
                j["layout"] = std::move(layout.value());
            }
            if (auto s = conditioningJson(r, options, j); !s)
                return s;
            results.push_back(std::move(j));
        }
        doc["results"] = std::move(results);
        if (options.thumbnail)
            doc["thumbnail"] = kThumbnailEntry;
        // Invalid UTF-8 in a prompt is replaced rather than failing the save.
        return doc.dump(2, ' ', false, Json::error_handler_t::replace);
    } catch (const std::exception& e) {
        return Status::error(std::string("cannot write the project as JSON: ") + e.what());
    }
}

} // namespace md
