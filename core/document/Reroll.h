#pragma once

// "Reroll region": regenerate the selected regions of a result and keep the rest. The
// request is the project's own (its prompts, regions and settings), starting from the kept
// result, with a reroll mask covering the selected regions and fresh seeds for them alone,
// so outside the selection the engine keeps the result's pixels exactly.

#include "document/Project.h"
#include "engine/Status.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace md {

struct RerollOptions
{
    // The result to keep; unset: the newest canvas-sized one.
    std::optional<std::uint32_t> resultId;
    // Denoising strength inside the selection (1: redrawn from noise, as diffusers'
    // inpainting pipeline does by default).
    float strength = 1.f;
};

// The union (per-pixel maximum) of the regions' masks and boxes at canvas size; a box on a
// wrap-around canvas may cross the right edge. Unknown ids are refused.
Result<MaskImage> selectionMask(const Project& project,
                                const std::vector<std::uint32_t>& regionIds);

// toGenerateRequest(project) with initImage = the kept result, strength, rerollMask =
// selectionMask(regionIds), and `seed` as the own seed of each selected region (the others
// keep theirs). Refused: no regions selected, an unknown or hidden region, an empty
// selection, no result to keep, a kept result that is not canvas-sized (an upscale).
Result<GenerateRequest> rerollRequest(const Project& project,
                                      const std::vector<std::uint32_t>& regionIds,
                                      std::uint64_t seed, const RerollOptions& options = {});

} // namespace md
