#pragma once

// The engine requests of image conditioning that the document functions build
// (toGenerateRequest with the start image, rerollRequest, upscaleRequest), and what a result
// records about the conditioning that made it.

#include "document/Project.h"
#include "document/Reroll.h"
#include "document/Upscale.h"

#include <cstdint>
#include <memory>

namespace md {

// What a result records about the image conditioning that made it.
struct ResultProvenance
{
    std::shared_ptr<const RgbImage> startImage;
    std::shared_ptr<const MaskImage> rerollMask;
    std::uint32_t sourceResultId = 0;
    double upscale = 1.0;
};

// `result` at `factor` times its size (upscaleRequest): an img2img pass at `strength` over
// the result scaled up, with the prompts, masks, boxes and settings that made it (else the
// project's) scaled along.
Result<GenerateRequest> upscaleRequestFor(const Project& project, const ProjectResult& result,
                                          double factor, float strength);

} // namespace md
