#pragma once

// The engine requests of image conditioning, built from the project: a generation that
// starts from the last result or the paint layers (img2img), a reroll of some regions that
// keeps the rest of the newest result, and an upscale of a result. UI-side stand-ins for
// the document functions of issue 12 (toGenerateRequest with the start image,
// rerollRequest, upscaleRequest): the core's fill the start image themselves once they are
// there, and these only complete what a request still lacks.

#include "document/Project.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace md {

// What a result records about the image conditioning that made it.
struct ResultProvenance
{
    std::shared_ptr<const RgbImage> startImage;
    std::shared_ptr<const MaskImage> rerollMask;
    std::uint32_t sourceResultId = 0;
    double upscale = 1.0;
};

// The newest result at the canvas size (what "last result" and a reroll start from).
const ProjectResult* lastCanvasResult(const Project& project);
// The project's start image for its settings (start, strength), or empty when it starts
// from noise (or from a last result it does not have).
RgbImage startImageOf(const Project& project);
// toGenerateRequest(project, seed) with the start image and strength of its settings.
GenerateRequest generationRequest(const Project& project, std::uint64_t seed);

// The union of the regions' masks (boxes filled), canvas-sized.
MaskImage rerollSelection(const Project& project, const std::vector<std::uint32_t>& regionIds);
// Regenerates only `regionIds` from the newest canvas-sized result: initImage = that result,
// strength 1, rerollMask = their union, the result's seed for the rest and `seed` for each
// of those regions. Empty initImage when there is no result.
GenerateRequest rerollRequestFor(const Project& project,
                                 const std::vector<std::uint32_t>& regionIds, std::uint64_t seed);

// A canvas side times `factor`, rounded to a multiple of 8 and kept within the engine's limits.
int upscaledCanvasSide(int side, double factor);
// `result` at `factor` times its size: an img2img pass at `strength` over the result scaled
// up, with the prompts, masks and boxes that made it (else the project's) scaled along.
GenerateRequest upscaleRequestFor(const Project& project, const ProjectResult& result,
                                  double factor, float strength);

} // namespace md
