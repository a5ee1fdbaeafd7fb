// Version checks and migrations of project JSON (declared in ProjectJson.h).
//
// Version 1 (MultiDiffusion Studio 0.0.x) was flat: width/height, model as a path string,
// sampler/steps/cfg/seed at the top level, regions without ids, colours or visibility, a box
// as [x, y, w, h], masks named by the region's index, no result history.
// Version 2 had no image conditioning: no paint layers, every generation from noise, no
// region seeds, results canvas-sized without start images; its fields mean the same in
// version 3, whose additions all default to version 2's behaviour. Results' "loras" (the LoRA
// files a result was made with) came later within version 3: optional, older readers ignore
// it, results without it record none.
#include "document/JsonFields.h"
#include "document/ProjectJson.h"

#include <cstdio>
#include <limits>

namespace md {

namespace {

std::string stemOf(const std::string& path)
{
    std::string name = path;
    while (!name.empty() && name.back() == '/')
        name.pop_back();
    const auto slash = name.find_last_of('/');
    if (slash != std::string::npos)
        name = name.substr(slash + 1);
    const auto dot = name.find_last_of('.');
    if (dot != std::string::npos && dot > 0)
        name = name.substr(0, dot);
    return name;
}

std::string colourText(const Colour& c)
{
    char buf[8];
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x", c.r, c.g, c.b);
    return buf;
}

Result<nlohmann::json> migrateV1(const nlohmann::json& v1, const std::string& what)
{
    Status error;
    JsonFields top(v1, "", what, &error);
    const int maxSide = std::numeric_limits<int>::max();
    nlohmann::json v2;
    v2["format"] = kProjectFormatName;
    v2["version"] = 2;
    v2["canvas"] = {{"width", top.integer("width", 512, 0, maxSide, true)},
                    {"height", top.integer("height", 512, 0, maxSide, true)}};
    const std::string modelPath = top.string("model", "");
    v2["model"] = {{"path", modelPath},
                   {"contentHash", ""},
                   {"shortHash", ""},
                   {"displayName", modelPath.empty() ? "embedded default" : stemOf(modelPath)}};
    v2["prompt"] = top.string("prompt", "");
    v2["negative"] = top.string("negative", "");
    v2["settings"] = {{"sampler", top.string("sampler", "dpmpp_2m_karras")},
                      {"steps", top.integer("steps", 20, 0, maxSide)},
                      {"cfg", top.number("cfg", 7.5)},
                      {"seed", top.unsigned64("seed", 0)},
                      {"seedMode", "fixed"},
                      {"bootstrapSteps", 0},
                      {"window", 0},
                      {"stride", 8},
                      {"circular", false},
                      {"feather", 0.0}};
    nlohmann::json regions = nlohmann::json::array();
    if (const auto* list = top.array("regions")) {
        if (list->size() > kMaxRegions)
            top.fail("regions", std::to_string(list->size()) + " regions; the limit is " +
                                    std::to_string(kMaxRegions));
        for (std::size_t i = 0; i < list->size() && error.isOk(); ++i) {
            JsonFields r((*list)[i], "regions[" + std::to_string(i) + "]", what, &error);
            nlohmann::json out;
            out["id"] = i + 1;
            out["name"] = r.string("name", "Region " + std::to_string(i + 1));
            out["colour"] = colourText(defaultRegionColour(i));
            out["prompt"] = r.string("prompt", "");
            out["negative"] = r.string("negative", "");
            out["strength"] = r.number("strength", 1.0);
            out["visible"] = true;
            if (const auto* box = r.array("box")) {
                if (box->size() != 4 || !(*box)[0].is_number_integer() ||
                    !(*box)[1].is_number_integer() || !(*box)[2].is_number_integer() ||
                    !(*box)[3].is_number_integer()) {
                    r.fail("box", "expected [x, y, width, height] as 4 integers");
                    break;
                }
                out["kind"] = "box";
                out["box"] = {{"x", (*box)[0]},
                              {"y", (*box)[1]},
                              {"width", (*box)[2]},
                              {"height", (*box)[3]}};
            } else {
                out["kind"] = "mask";
                out["mask"] = r.string("mask", "", true);
            }
            regions.push_back(std::move(out));
        }
    }
    v2["regions"] = std::move(regions);
    v2["results"] = nlohmann::json::array();
    if (!error)
        return error;
    return v2;
}

// 2 -> 3: the additions of version 3 take their defaults (start "noise", strength 0.75, no
// paint layers, no region seeds, no start images, no LoRA records); fields that version 3
// gives a meaning and a version 2 writer could not have written are dropped rather than
// trusted.
nlohmann::json migrateV2(nlohmann::json doc)
{
    doc["version"] = 3;
    doc.erase("paintLayers");
    if (auto s = doc.find("settings"); s != doc.end() && s->is_object()) {
        s->erase("start");
        s->erase("strength");
    }
    auto dropRegionSeeds = [](nlohmann::json& regions) {
        if (!regions.is_array())
            return;
        for (auto& r : regions)
            if (r.is_object())
                r.erase("seed");
    };
    if (auto r = doc.find("regions"); r != doc.end())
        dropRegionSeeds(*r);
    if (auto results = doc.find("results"); results != doc.end() && results->is_array()) {
        for (auto& r : *results) {
            if (!r.is_object())
                continue;
            for (const char* key :
                 {"startImage", "rerollMask", "sourceResultId", "upscale", "loras"})
                r.erase(key);
            if (auto s = r.find("settings"); s != r.end() && s->is_object()) {
                s->erase("start");
                s->erase("strength");
            }
            if (auto l = r.find("layout"); l != r.end())
                dropRegionSeeds(*l);
        }
    }
    return doc;
}

} // namespace

Result<nlohmann::json> migrateProjectJson(nlohmann::json doc, const std::string& what)
{
    if (!doc.is_object())
        return Status::error(what + ": not a MultiDiffusion Studio project (the JSON is " +
                             JsonFields::typeName(doc) + ", not an object)");
    auto format = doc.find("format");
    if (format == doc.end() || !format->is_string() || *format != kProjectFormatName)
        return Status::error(what + ": not a MultiDiffusion Studio project (\"format\" is not \"" +
                             kProjectFormatName + "\")");
    auto version = doc.find("version");
    if (version == doc.end() || !version->is_number_integer())
        return Status::error(what + ": the project has no integer \"version\"");
    const std::int64_t v = version->get<std::int64_t>();
    if (v > kProjectFormatVersion)
        return Status::error(what +
                             ": this project was saved by a newer MultiDiffusion Studio "
                             "(format " +
                             std::to_string(v) + "); this version reads up to " +
                             std::to_string(kProjectFormatVersion));
    if (v < 1)
        return Status::error(what + ": the project declares an invalid version " +
                             std::to_string(v));
    if (v == 1) {
        auto migrated = migrateV1(doc, what);
        if (!migrated)
            return migrated.status();
        doc = std::move(migrated.value());
    }
    if (doc["version"] == 2)
        doc = migrateV2(std::move(doc));
    return doc;
}

} // namespace md
