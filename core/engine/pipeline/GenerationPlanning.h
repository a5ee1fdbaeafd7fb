#pragma once

// How DiffusionPipeline runs a (valid) request on a session's model: plain or fused, the
// view grid, the UNet batches per step (grouped by LoRA set: a call never mixes the UNet
// LoRA weights of two prompts, see pipeline/LoraSets.h), the decode policy.

#include "engine/EngineTypes.h"

namespace md {

class ModelSession;

// The view side in latent pixels: the request's window, or the model's native size.
int viewWindow(const GenerateRequest& request, const ModelSession& session);

GenerationPlan planGeneration(const GenerateRequest& request, const ModelSession& session);

} // namespace md
