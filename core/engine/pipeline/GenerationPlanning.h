#pragma once

// How DiffusionPipeline runs a (valid) request on a session's model: plain or fused, the
// view grid, the UNet batches per step (formed as without LoRAs: one call may mix the UNet
// LoRA sets of several prompts, see pipeline/LoraSets.h and fusion/FusedDenoiser.h; with
// groupLoraSets a call never mixes them), the decode policy.

#include "engine/EngineTypes.h"

namespace md {

class ModelSession;

// The view side in latent pixels: the request's window, or the model's native size.
int viewWindow(const GenerateRequest& request, const ModelSession& session);

GenerationPlan planGeneration(const GenerateRequest& request, const ModelSession& session,
                              bool groupLoraSets = false);

} // namespace md
