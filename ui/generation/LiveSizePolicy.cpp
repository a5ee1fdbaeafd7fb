#include "ui/generation/LiveSizePolicy.h"

#include <algorithm>

namespace md {

namespace {
// Weight of the newest measurement in the running estimate: half, so a machine that became
// busy (or free) shows in two frames, while one odd frame does not flip the size alone.
constexpr double kNewest = 0.5;

double blend(double estimate, double seconds)
{
    return estimate < 0 ? seconds : (1.0 - kNewest) * estimate + kNewest * seconds;
}
} // namespace

LiveSizePolicy::LiveSizePolicy(double budgetSeconds, double resumeFraction)
    : m_budget(budgetSeconds), m_resume(resumeFraction)
{
}

void LiveSizePolicy::record(double seconds, FrameSize frame, FrameSize canvas)
{
    if (seconds < 0 || frame.width <= 0 || frame.height <= 0 || canvas.width <= 0 ||
        canvas.height <= 0)
        return;
    if (frame.width >= canvas.width && frame.height >= canvas.height) {
        m_full = blend(m_full, seconds);
    } else {
        // The UNet's work grows with the pixels (the text encoder's does not: this errs on
        // the slow side, and the full-size frame after a pause corrects it).
        const double ratio =
            double(canvas.width) * canvas.height / (double(frame.width) * frame.height);
        m_scaled = blend(m_scaled, seconds * ratio);
    }
    decide();
}

double LiveSizePolicy::fullSizeSeconds() const
{
    return m_full >= 0 ? m_full : m_scaled;
}

void LiveSizePolicy::decide()
{
    const double estimate = fullSizeSeconds();
    if (estimate < 0)
        m_reduce = false;
    else if (estimate > m_budget)
        m_reduce = true;
    else if (estimate < m_resume * m_budget)
        m_reduce = false;
}

void LiveSizePolicy::reset()
{
    m_full = -1.0;
    m_scaled = -1.0;
    m_reduce = false;
}

FrameSize LiveSizePolicy::reducedSize(FrameSize canvas)
{
    const auto half = [](int side) { return std::max(64, side / 2 / 8 * 8); };
    return {std::min(canvas.width, half(canvas.width)),
            std::min(canvas.height, half(canvas.height))};
}

} // namespace md
