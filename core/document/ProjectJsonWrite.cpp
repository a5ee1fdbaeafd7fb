// Project -> JSON (declared in ProjectJson.h).
#include "document/Base64.h"
#include "document/ImageIo.h"
#include "document/ProjectJson.h"

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
