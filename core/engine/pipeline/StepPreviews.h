#pragma once

// When and how a generation reports previews: after each step but the last, a cheap
// preview of x0 (if the request asks for it): the tiny decoder's (TAESD, full size) when one
// is loaded and its budget allows (TinyPreviewBudget.h: always on a GPU, a share of the time
// on a CPU), else the linear one (latent size); or, every `fullDecodeEvery` steps, a full VAE
// decode (skipped when a cancel stopped it: the renderer returns an empty image). After the
// last step, the final image itself, marked as a full decode.

#include "engine/EngineTypes.h"
#include "engine/pipeline/TinyPreviewBudget.h"

#include <functional>
#include <torch/types.h>

namespace md {

class StepPreviews
{
public:
    using Render = std::function<RgbImage(const torch::Tensor& x0)>;

    // `tiny`: empty when no tiny decoder is loaded.
    StepPreviews(const GenerateRequest& request, const GenerateCallbacks& callbacks, int totalSteps,
                 Render cheap, Render full, Render tiny = {},
                 TinyPreviewBudget budget = TinyPreviewBudget());

    // After step `stepIndex` (0-based) with its x0 estimate.
    void afterStep(int stepIndex, const torch::Tensor& x0);
    // After decoding the final image.
    void finished(const RgbImage& image) const;

    // How many cheap previews used the tiny decoder, and the budget they drew on.
    int tinyPreviews() const { return m_tinyCount; }
    const TinyPreviewBudget& budget() const { return m_budget; }

private:
    RgbImage renderCheap(const torch::Tensor& x0);

    const GenerateCallbacks& m_callbacks;
    int m_totalSteps;
    bool m_cheap;
    int m_fullEvery;
    Render m_renderCheap;
    Render m_renderFull;
    Render m_renderTiny;
    TinyPreviewBudget m_budget;
    int m_tinyCount = 0;
};

} // namespace md
