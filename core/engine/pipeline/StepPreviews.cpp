#include "engine/pipeline/StepPreviews.h"

namespace md {

StepPreviews::StepPreviews(const GenerateRequest& request, const GenerateCallbacks& callbacks,
                           int totalSteps, Render cheap, Render full, Render tiny,
                           TinyPreviewBudget budget)
    : m_callbacks(callbacks), m_totalSteps(totalSteps),
      m_cheap(callbacks.onPreview && request.cheapPreview), m_fullEvery(request.fullDecodeEvery),
      m_renderCheap(std::move(cheap)), m_renderFull(std::move(full)), m_renderTiny(std::move(tiny)),
      m_budget(budget)
{
}

RgbImage StepPreviews::renderCheap(const torch::Tensor& x0)
{
    const std::int64_t pixels = x0.dim() == 4 ? x0.size(2) * x0.size(3) : 0;
    const auto now = TinyPreviewBudget::Clock::now();
    if (!m_renderTiny || !m_budget.allows(pixels, now))
        return m_renderCheap(x0);
    RgbImage image = m_renderTiny(x0);
    const double ms =
        std::chrono::duration<double, std::milli>(TinyPreviewBudget::Clock::now() - now).count();
    m_budget.spent(pixels, ms);
    ++m_tinyCount;
    return image;
}

void StepPreviews::afterStep(int stepIndex, const torch::Tensor& x0)
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
    frame.image = full ? m_renderFull(x0) : renderCheap(x0);
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
