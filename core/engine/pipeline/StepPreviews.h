#pragma once

// When and how a generation reports previews: after each step but the last, a cheap linear
// preview of x0 (if the request asks for it) or, every `fullDecodeEvery` steps, a full VAE
// decode (skipped when a cancel stopped it: the renderer returns an empty image); after the
// last step, the final image itself, marked as a full decode.

#include "engine/EngineTypes.h"

#include <functional>
#include <torch/types.h>

namespace md {

class StepPreviews
{
public:
    using Render = std::function<RgbImage(const torch::Tensor& x0)>;

    StepPreviews(const GenerateRequest& request, const GenerateCallbacks& callbacks, int totalSteps,
                 Render cheap, Render full);

    // After step `stepIndex` (0-based) with its x0 estimate.
    void afterStep(int stepIndex, const torch::Tensor& x0) const;
    // After decoding the final image.
    void finished(const RgbImage& image) const;

private:
    const GenerateCallbacks& m_callbacks;
    int m_totalSteps;
    bool m_cheap;
    int m_fullEvery;
    Render m_renderCheap;
    Render m_renderFull;
};

} // namespace md
