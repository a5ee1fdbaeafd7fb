#include "engine/pipeline/StepPreviews.h"

namespace md {

StepPreviews::StepPreviews(const GenerateRequest& request, const GenerateCallbacks& callbacks,
                           int totalSteps, Render cheap, Render full)
    : m_callbacks(callbacks), m_totalSteps(totalSteps),
      m_cheap(callbacks.onPreview && request.cheapPreview), m_fullEvery(request.fullDecodeEvery),
      m_renderCheap(std::move(cheap)), m_renderFull(std::move(full))
{
}

void StepPreviews::afterStep(int stepIndex, const torch::Tensor& x0) const
{
    const int done = stepIndex + 1;
    if (!m_callbacks.onPreview || done == m_totalSteps)
        return;
    const bool full = m_fullEvery > 0 && done % m_fullEvery == 0;
    if (!full && !m_cheap)
        return;
    PreviewFrame frame;
    frame.step = done;
    frame.totalSteps = m_totalSteps;
    frame.fullDecode = full;
    frame.image = full ? m_renderFull(x0) : m_renderCheap(x0);
    if (frame.image.empty()) // a full decode that was cancelled
        return;
    m_callbacks.onPreview(frame);
}

void StepPreviews::finished(const RgbImage& image) const
{
    if (!m_callbacks.onPreview)
        return;
    PreviewFrame frame;
    frame.step = m_totalSteps;
    frame.totalSteps = m_totalSteps;
    frame.fullDecode = true;
    frame.image = image;
    m_callbacks.onPreview(frame);
}

} // namespace md
