// Fuzz target: a project.json text through projectFromJson (migration, every field with its
// type, validation), past the zip layer whose CRCs stop most mutations of a whole .mdsp
// (project_archive). Every archive entry it asks for is a 64x64 mask PNG (half white); "@self"
// is a 64x64 image. A project that loads must write its JSON again.
#include "document/ImageIo.h"
#include "document/ProjectJson.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

std::vector<std::uint8_t> maskPng;
md::RgbImage self;

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    md::MaskImage mask;
    mask.width = mask.height = 64;
    mask.values.assign(64 * 64, 0.0f);
    for (int i = 0; i < 64 * 32; ++i)
        mask.values[i] = 1.0f;
    auto png = md::encodeMaskPng(mask);
    if (!png)
        std::abort();
    maskPng = *png;
    self.width = self.height = 64;
    self.pixels.assign(64 * 64 * 3, 128);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    md::ProjectImageSource images;
    images.readEntry = [](const std::string&) -> md::Result<std::vector<std::uint8_t>> {
        return maskPng;
    };
    images.self = &self;
    auto project = md::projectFromJson(std::string(reinterpret_cast<const char*>(data), size),
                                       images, "fuzz/project.json");
    if (!project)
        return 0;
    md::ProjectJsonOptions options;
    options.storage = md::ImageStorage::Embedded;
    if (!md::projectToJson(*project, options))
        std::abort(); // a project that loaded must write
    return 0;
}
