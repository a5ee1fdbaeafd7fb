#include "document/ProjectFile.h"

#include "document/A1111Parameters.h"
#include "document/AtomicFile.h"
#include "document/LayoutMasks.h"
#include "document/ProjectJson.h"
#include "document/Thumbnail.h"
#include "document/ZipWriter.h"

#include <cstring>

namespace md {

namespace {

bool isPng(const std::vector<std::uint8_t>& bytes)
{
    static const std::uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    return bytes.size() >= 8 && std::memcmp(bytes.data(), sig, 8) == 0;
}

} // namespace

Result<std::vector<std::uint8_t>> encodeProjectArchive(const Project& project)
{
    if (auto s = validate(project); !s)
        return s.withContext("cannot save an invalid project");
    auto layoutMasks = collectLayoutMasks(project);
    if (!layoutMasks)
        return layoutMasks.status();
    ProjectJsonOptions options;
    options.thumbnail = true;
    options.layoutMasks = &layoutMasks->names;
    options.startImages = &layoutMasks->images;
    auto json = projectToJson(project, options);
    if (!json)
        return json.status();
    ZipWriter zip;
    if (auto s = zip.add(kProjectJsonEntry, *json); !s)
        return s;
    for (const ProjectRegion& r : project.regions) {
        if (r.kind != RegionKind::Mask)
            continue;
        auto png = encodeMaskPng(r.mask);
        if (!png)
            return png.status().withContext("region " + std::to_string(r.id) + " mask");
        if (auto s = zip.add(maskEntryName(r.id), *png); !s)
            return s;
    }
    for (const PaintLayer& l : project.paintLayers) {
        auto png = encodeRgbaPng(l.pixels);
        if (!png)
            return png.status().withContext("paint layer " + std::to_string(l.id));
        if (auto s = zip.add(paintLayerEntryName(l.id), *png, false); !s)
            return s;
    }
    for (const auto& [name, png] : layoutMasks->entries)
        if (auto s = zip.add(name, png, name.rfind("images/", 0) != 0); !s)
            return s;
    for (const ProjectResult& r : project.results) {
        auto png = encodePng(r.image);
        if (!png)
            return png.status().withContext("result " + std::to_string(r.id));
        if (auto s = zip.add(resultEntryName(r.id), *png, false); !s)
            return s;
    }
    const RgbImage thumb = makeThumbnail(project);
    if (!thumb.empty()) {
        auto png = encodePng(thumb);
        if (!png)
            return png.status().withContext("thumbnail");
        if (auto s = zip.add(kThumbnailEntry, *png, false); !s)
            return s;
    }
    return zip.finish();
}

Status saveProject(const Project& project, const std::string& path)
{
    auto bytes = encodeProjectArchive(project);
    if (!bytes)
        return bytes.status().withContext(path);
    return writeFileAtomic(path, *bytes);
}

Result<Project> decodeProjectArchive(std::vector<std::uint8_t> bytes, const std::string& what,
                                     const ZipLimits& limits)
{
    auto zip = ZipReader::open(std::move(bytes), what, limits);
    if (!zip)
        return zip.status();
    const ZipEntry* json = zip->find(kProjectJsonEntry);
    if (!json)
        return Status::error(what + ": the archive has no project.json, so it is not a "
                                    "MultiDiffusion Studio project");
    if (json->size > kMaxProjectJsonBytes)
        return Status::error(what + ": project.json declares " + std::to_string(json->size) +
                             " bytes; the limit is " + std::to_string(kMaxProjectJsonBytes >> 20) +
                             " MiB");
    auto text = zip->read(kProjectJsonEntry);
    if (!text)
        return text.status();
    const ZipReader& reader = *zip;
    ProjectImageSource images;
    images.readEntry = [&](const std::string& name) -> Result<std::vector<std::uint8_t>> {
        if (!reader.find(name))
            return Status::error(what + ": \"" + name +
                                 "\" is missing from the archive (project.json refers to it)");
        return reader.read(name);
    };
    return projectFromJson(std::string(text->begin(), text->end()), images, what);
}

Result<Project> decodeExportPng(const std::vector<std::uint8_t>& png, const std::string& what)
{
    auto chunks = parsePngText(png, what);
    if (!chunks)
        return chunks.status();
    const PngTextChunk* project = findPngText(*chunks, kProjectKeyword);
    if (!project)
        return Status::error(what + ": this PNG holds no MultiDiffusion Studio project (no \"" +
                             std::string(kProjectKeyword) + "\" text chunk)");
    auto image = decodeRgbPng(png, what);
    if (!image)
        return image.status();
    ProjectImageSource images;
    images.self = &image.value();
    return projectFromJson(project->text, images, what);
}

Result<Project> loadProject(const std::string& path)
{
    auto bytes = readFileBytes(path, kMaxProjectFileBytes);
    if (!bytes)
        return bytes.status();
    if (isPng(*bytes))
        return decodeExportPng(*bytes, path);
    return decodeProjectArchive(std::move(bytes.value()), path);
}

Project projectForResult(const Project& project, const ProjectResult& result)
{
    Project p = project;
    p.settings = result.settings;
    p.settings.seed = result.seed;
    p.prompt = result.prompt;
    p.negative = result.negative;
    if (!result.model.path.empty() || !result.model.displayName.empty())
        p.model = result.model;
    p.results = {result};
    if (result.layout) {
        p.regions = layoutRegions(*result.layout);
        return p;
    }
    // An older result without its layout: today's regions with the prompts it used.
    for (ProjectRegion& r : p.regions) {
        r.visible = false;
        for (const UsedRegionPrompt& u : result.regions) {
            if (u.regionId == r.id) {
                r.visible = true;
                r.prompt = u.prompt;
                r.negative = u.negative;
                r.strength = u.strength;
            }
        }
    }
    return p;
}

Result<std::vector<std::uint8_t>> encodeExportPng(const Project& project,
                                                  const ProjectResult& result)
{
    const Project p = projectForResult(project, result);
    if (auto s = validate(p); !s)
        return s.withContext("cannot export an invalid project");
    ProjectJsonOptions options;
    options.storage = ImageStorage::Embedded;
    options.selfResult = result.id;
    auto json = projectToJson(p, options);
    if (!json)
        return json.status();
    PngTextChunks text;
    // The image's own size: an upscale is larger than its project's canvas.
    text.push_back({kParametersKeyword,
                    a1111Parameters(result, result.image.width, result.image.height), false});
    text.push_back({kProjectKeyword, *json, true});
    return encodePng(result.image, text);
}

Status exportPng(const Project& project, const ProjectResult& result, const std::string& path)
{
    auto png = encodeExportPng(project, result);
    if (!png)
        return png.status().withContext(path);
    return writeFileAtomic(path, *png);
}

} // namespace md
