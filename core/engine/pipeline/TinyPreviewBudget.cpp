#include "engine/pipeline/TinyPreviewBudget.h"

#include <algorithm>

namespace md {

TinyPreviewBudget::TinyPreviewBudget(bool unlimited, double msPerLatentPixel,
                                     Clock::time_point start)
    : m_unlimited(unlimited), m_msPerPixel(std::max(0.0, msPerLatentPixel)), m_start(start)
{
}

bool TinyPreviewBudget::allows(std::int64_t latentPixels, Clock::time_point now) const
{
    if (m_unlimited)
        return true;
    const double elapsedMs = std::chrono::duration<double, std::milli>(now - m_start).count();
    const double nextMs =
        m_msPerPixel * static_cast<double>(std::max<std::int64_t>(0, latentPixels));
    return m_spentMs + nextMs <= kShare * elapsedMs;
}

void TinyPreviewBudget::spent(std::int64_t latentPixels, double ms)
{
    m_spentMs += std::max(0.0, ms);
    if (latentPixels > 0)
        m_msPerPixel = std::max(0.0, ms) / static_cast<double>(latentPixels);
}

} // namespace md
