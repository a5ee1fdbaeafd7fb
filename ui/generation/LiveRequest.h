#pragma once

// The requests of live mode (issue 15): the project at its own seed with the live preset's
// sampler, steps and CFG (the document's settings stay as they are), the final image
// decoded by the tiny decoder where there is one, no per-step previews; and the same
// request at a reduced size, every mask, box and image scaled along.

#include "document/Project.h"
#include "engine/SamplingPreset.h"

namespace md {

// The project without its history, except the result a "last result" start image needs:
// what a live frame renders, and what "Keep" records it with.
Project liveSnapshot(const Project& project);

// toGenerateRequest(snapshot, its seed) with applyPreset(preset), fastDecode on and the
// previews off.
GenerateRequest liveRequest(const Project& snapshot, const SamplingPreset& preset);

// `request` at width x height (multiples of 8): masks (bilinear) and the start image
// (Lanczos) resized, boxes and soft edges scaled, each box kept inside the canvas.
GenerateRequest scaledRequest(const GenerateRequest& request, int width, int height);

} // namespace md
