#pragma once

// The project as JSON ("format": "mdstudio-project", "version": 3). Images are not inline in
// .mdsp files: regions name their mask entry ("masks/<id>.png"), paint layers theirs
// ("paintLayers/<id>.png", RGBA), results their image entry ("results/<id>.png"), a result's
// layout, start image and reroll mask name their entries (shared ones, or named by content:
// see LayoutMasks.h). In a PNG export the masks, paint layers, start image and reroll mask are
// embedded as data URIs ("data:image/png;base64,...") and the one result's image is the PNG
// itself ("@self").
// Older versions are migrated on load; newer ones are refused. See docs/project-format.md.

#include "document/Project.h"
#include "engine/Status.h"

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace md {

constexpr const char* kProjectFormatName = "mdstudio-project";
constexpr int kProjectFormatVersion = 3;
constexpr const char* kSelfImageRef = "@self";
// A result layout that is the project's own regions (PNG exports).
constexpr const char* kRegionsLayoutRef = "@regions";
constexpr const char* kPngDataUriPrefix = "data:image/png;base64,";

std::string maskEntryName(std::uint32_t regionId);      // "masks/<id>.png"
std::string resultEntryName(std::uint32_t resultId);    // "results/<id>.png"
std::string paintLayerEntryName(std::uint32_t layerId); // "paintLayers/<id>.png"
constexpr const char* kProjectJsonEntry = "project.json";
constexpr const char* kThumbnailEntry = "thumbnail.png";

enum class ImageStorage { ArchiveEntries, Embedded };

struct ProjectJsonOptions
{
    ImageStorage storage = ImageStorage::ArchiveEntries;
    // Embedded only: the id of the one result to keep, with image "@self"; others are left out.
    std::optional<std::uint32_t> selfResult;
    bool thumbnail = false; // write "thumbnail": "thumbnail.png"
    // Archive entries only: the entry name of every mask of the results' layouts (see
    // collectLayoutMasks in LayoutMasks.h). Without it, layouts are left out.
    const std::map<const MaskImage*, std::string>* layoutMasks = nullptr;
    // Archive entries only: the entry name of every result's start image (the same).
    const std::map<const RgbImage*, std::string>* startImages = nullptr;
};

Result<std::string> projectToJson(const Project& project, const ProjectJsonOptions& options = {});

struct ProjectImageSource
{
    // The bytes of an archive entry ("masks/3.png"); unset: archive references are errors.
    std::function<Result<std::vector<std::uint8_t>>(const std::string& name)> readEntry;
    const RgbImage* self = nullptr; // the image behind "@self"
};

// Parses, migrates, reads every field with its type, loads the images (checking their sizes
// against the canvas before decoding) and validates. `what` names the source in messages.
Result<Project> projectFromJson(const std::string& text, const ProjectImageSource& images,
                                const std::string& what);

// Checks "format" and "version" and upgrades older layouts to the current one. Refuses newer
// versions: "this project was saved by a newer MultiDiffusion Studio (format 4); this version
// reads up to 3".
Result<nlohmann::json> migrateProjectJson(nlohmann::json doc, const std::string& what);

} // namespace md
