#include "document/BatchManifest.h"

#include "document/AtomicFile.h"
#include "document/JsonFields.h"
#include "document/ProjectJson.h"
#include "document/Sha256.h"

#include <limits>
#include <nlohmann/json.hpp>

namespace md {

namespace {
constexpr const char* kManifestFormat = "mdstudio-batch-manifest";
constexpr int kManifestVersion = 1;
} // namespace

const BatchImage* BatchManifest::find(std::uint64_t seed) const
{
    for (const auto& i : images) {
        if (i.seed == seed)
            return &i;
    }
    return nullptr;
}

void BatchManifest::record(const BatchImage& image)
{
    for (auto& i : images) {
        if (i.seed == image.seed) {
            i = image;
            return;
        }
    }
    images.push_back(image);
}

std::string batchConfigHash(const Project& project)
{
    Project p = project;
    p.results.clear();
    p.settings.seed = 0;
    p.settings.seedMode = SeedMode::Fixed;
    p.model.path.clear(); // a moved model with the same content renders the same
    p.model.displayName.clear();
    p.model.sha256.clear(); // the content hash identifies the model; manifests stay valid
    for (auto& r : p.regions) {
        r.name.clear();
        r.colour = Colour{};
    }
    ProjectJsonOptions options;
    options.storage = ImageStorage::Embedded;
    auto json = projectToJson(p, options);
    if (!json)
        return {};
    // A project that starts from its last result renders from that image, which the JSON
    // without results leaves out (paint layers are in it).
    if (project.settings.start == StartImage::LastResult) {
        if (const ProjectResult* last = newestCanvasResult(project))
            json->append(Sha256::hex(last->image.pixels.data(), last->image.pixels.size()));
    }
    return Sha256::hex(json->data(), json->size());
}

Result<std::string> batchManifestToJson(const BatchManifest& m)
{
    // The project JSON writer knows how settings and models look; reuse it for those parts.
    Project shape;
    shape.width = m.width;
    shape.height = m.height;
    shape.model = m.model;
    shape.settings = m.settings;
    auto projectJson = projectToJson(shape);
    if (!projectJson)
        return projectJson.status();
    try {
        const auto pj = nlohmann::ordered_json::parse(*projectJson);
        nlohmann::ordered_json j;
        j["format"] = kManifestFormat;
        j["version"] = kManifestVersion;
        j["project"] = m.project;
        j["projectName"] = m.projectName;
        j["configHash"] = m.configHash;
        j["canvas"] = pj["canvas"];
        j["model"] = pj["model"];
        j["settings"] = pj["settings"];
        nlohmann::ordered_json images = nlohmann::ordered_json::array();
        for (const BatchImage& i : m.images) {
            images.push_back({{"seed", i.seed},
                              {"file", i.file},
                              {"sha256", i.sha256},
                              {"seconds", i.seconds},
                              {"timestamp", i.timestamp}});
        }
        j["images"] = std::move(images);
        return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
    } catch (const std::exception& e) {
        return Status::error(std::string("cannot write the batch manifest: ") + e.what());
    }
}

Result<BatchManifest> batchManifestFromJson(const std::string& text, const std::string& what)
{
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(text);
    } catch (const std::exception& e) {
        return Status::error(what + ": the manifest is not valid JSON (" + e.what() + ")");
    }
    Status error;
    JsonFields top(doc, "", what, &error);
    if (top.string("format", "", true) != kManifestFormat && error.isOk())
        return Status::error(what + ": not a MultiDiffusion Studio batch manifest");
    const auto version = top.integer("version", 0, 0, 1 << 30, true);
    if (error.isOk() && version > kManifestVersion)
        return Status::error(what +
                             ": the manifest was written by a newer MultiDiffusion Studio "
                             "(version " +
                             std::to_string(version) + ")");
    BatchManifest m;
    m.project = top.string("project", "");
    m.projectName = top.string("projectName", "");
    m.configHash = top.string("configHash", "");
    if (const auto* images = top.array("images", true)) {
        for (std::size_t k = 0; k < images->size() && error.isOk(); ++k) {
            JsonFields f((*images)[k], "images[" + std::to_string(k) + "]", what, &error);
            BatchImage i;
            i.seed = f.unsigned64("seed", 0, true);
            i.file = f.string("file", "", true);
            i.sha256 = f.string("sha256", "");
            i.seconds = f.number("seconds", 0);
            i.timestamp = f.integer("timestamp", 0, std::numeric_limits<std::int64_t>::min(),
                                    std::numeric_limits<std::int64_t>::max());
            m.images.push_back(std::move(i));
        }
    }
    if (!error)
        return error;
    // Canvas, model and settings: read back through the project reader's rules.
    nlohmann::json shape = {{"format", kProjectFormatName}, {"version", kProjectFormatVersion}};
    for (const char* key : {"canvas", "model", "settings"}) {
        if (doc.contains(key))
            shape[key] = doc[key];
    }
    auto project = projectFromJson(shape.dump(), {}, what);
    if (!project)
        return project.status();
    m.width = project->width;
    m.height = project->height;
    m.model = project->model;
    m.settings = project->settings;
    return m;
}

Status writeBatchManifest(const std::string& path, const BatchManifest& manifest)
{
    auto json = batchManifestToJson(manifest);
    if (!json)
        return json.status().withContext(path);
    return writeFileAtomic(path, reinterpret_cast<const std::uint8_t*>(json->data()), json->size());
}

Result<BatchManifest> readBatchManifest(const std::string& path)
{
    auto bytes = readFileBytes(path, 256ull << 20);
    if (!bytes)
        return bytes.status();
    return batchManifestFromJson(std::string(bytes->begin(), bytes->end()), path);
}

} // namespace md
