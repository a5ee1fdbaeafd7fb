#pragma once

// One region-adherence case: a background prompt and 2-3 regions, each with the concept
// its prompt names and its binary mask at canvas size. Regions do not overlap, and no two
// areas (regions or background) name the same concept.

#include "engine/EngineTypes.h"
#include "engine/embedded/SceneConcept.h"

#include <optional>
#include <string>
#include <torch/torch.h>
#include <vector>

namespace md::test {

struct LayoutRegion
{
    std::string prompt;
    SceneConcept word;
    std::string shape;      // "box", "ellipse", "blob", "half", "band", ...
    torch::Tensor mask;     // [H, W] float, 0 or 1
    std::optional<Box> box; // sent to the engine as a box region (else as a painted mask)
};

// An area to score: a region, or the background (what no region covers).
struct LayoutArea
{
    std::string prompt;
    SceneConcept word;
    std::string shape;
    bool background = false;
    torch::Tensor mask;  // [H, W] bool
    double fraction = 0; // of the canvas
};

struct RegionLayout
{
    std::string name;
    int width = 512;
    int height = 512;
    std::string background; // the background prompt ("" when the regions cover the canvas)
    std::optional<SceneConcept> backgroundWord;
    std::vector<LayoutRegion> regions;

    // Regions, then the background when it covers at least `minFraction` of the canvas.
    std::vector<LayoutArea> areas(double minFraction = 0.05) const;
    // The request for MultiDiffusion with these regions.
    GenerateRequest request(uint64_t seed, int steps, int bootstrapSteps) const;
    // A hash of the prompts and masks (to tell a changed layout from its old version).
    uint64_t fingerprint() const;
    // The same words with no layout: one plain prompt listing them ("red, blue, a blue sky").
    GenerateRequest withoutLayout(uint64_t seed, int steps) const;
    // The same layout with region `index` asking for another concept by another prompt
    // (the LoRA case: "<lora:pvx-stripes:1> pvx" for SceneConcept::stripes()).
    RegionLayout withRegion(size_t index, std::string prompt, SceneConcept word) const;
};

} // namespace md::test
