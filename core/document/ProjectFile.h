#pragma once

// .mdsp project files and PNG exports: the public load/save surface of mdcore.
//
// A .mdsp file is a zip holding project.json (see ProjectJson.h), masks/<region-id>.png
// (8-bit gray), paintLayers/<layer-id>.png (8-bit RGBA), the other masks of the results'
// layouts and their reroll masks (masks/<content hash>.png), their start images
// (images/<content hash>.png, or a result's entry; see LayoutMasks.h),
// results/<result-id>.png and thumbnail.png. Saves are atomic: the previous file
// survives any failure. Loading checks everything and reports the first problem precisely.
// A PNG export carries an A1111-style "parameters" chunk and the project JSON (masks
// embedded) in an "mdstudio-project" chunk, so loadProject() can reopen it.

#include "document/ImageIo.h"
#include "document/Project.h"
#include "document/ZipReader.h"
#include "engine/Status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace md {

constexpr const char* kParametersKeyword = "parameters";
constexpr const char* kProjectKeyword = "mdstudio-project";
constexpr std::uint64_t kMaxProjectFileBytes = 2ull << 30;
constexpr std::uint64_t kMaxProjectJsonBytes = 64ull << 20;

Status saveProject(const Project& project, const std::string& path);
// A .mdsp archive or an exported PNG (detected from the file's first bytes).
Result<Project> loadProject(const std::string& path);

// In-memory forms of the above (`what` names the source in messages).
Result<std::vector<std::uint8_t>> encodeProjectArchive(const Project& project);
Result<Project> decodeProjectArchive(std::vector<std::uint8_t> bytes, const std::string& what,
                                     const ZipLimits& limits = {});

// Writes result.image as a PNG with "parameters" and "mdstudio-project" chunks. The embedded
// project is `project` as it was for this result: its settings and prompts from the result,
// its regions from the result's layout (for an older result without one: today's regions,
// those it did not use hidden), and only this result in its history.
Status exportPng(const Project& project, const ProjectResult& result, const std::string& path);
Result<std::vector<std::uint8_t>> encodeExportPng(const Project& project,
                                                  const ProjectResult& result);
Result<Project> decodeExportPng(const std::vector<std::uint8_t>& png, const std::string& what);

// The project state that produced `result` (see exportPng).
Project projectForResult(const Project& project, const ProjectResult& result);

} // namespace md
