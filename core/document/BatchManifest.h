#pragma once

// manifest.json of `mdstudio-cli batch`: what was rendered, from which project and settings,
// so a rerun with --resume skips finished images and a user can audit a night's work.
//
// {
//   "format": "mdstudio-batch-manifest", "version": 1,
//   "project": "harbour.mdsp", "projectName": "harbour",
//   "configHash": "<SHA-256 of the project as rendered, without results>",
//   "canvas": {"width": 768, "height": 512},
//   "model": {...}, "settings": {...},            (as in project.json; settings.seed unused)
//   "images": [ {"seed": 3, "file": "harbour-3.png", "sha256": "...", "seconds": 4.2,
//                "timestamp": 1700000000}, ... ]
// }

#include "document/Project.h"
#include "engine/Status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace md {

struct BatchImage
{
    std::uint64_t seed = 0;
    std::string file;   // relative to the manifest's folder
    std::string sha256; // of the file's bytes
    double seconds = 0; // render time
    std::int64_t timestamp = 0;
};

struct BatchManifest
{
    std::string project;
    std::string projectName;
    std::string configHash;
    int width = 0;
    int height = 0;
    ModelReference model;
    GenerationSettings settings;
    std::vector<BatchImage> images; // in the order they were finished

    const BatchImage* find(std::uint64_t seed) const;
    void record(const BatchImage& image); // replaces an entry with the same seed
};

Result<std::string> batchManifestToJson(const BatchManifest& manifest);
Result<BatchManifest> batchManifestFromJson(const std::string& text, const std::string& what);
Status writeBatchManifest(const std::string& path, const BatchManifest& manifest); // atomic
Result<BatchManifest> readBatchManifest(const std::string& path);

// A hash of everything that decides the pixels except the seed: canvas, model hash, prompts,
// regions (masks included) and settings. Equal hashes + equal seeds = the same image.
std::string batchConfigHash(const Project& project);

} // namespace md
