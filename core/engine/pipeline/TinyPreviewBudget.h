#pragma once

// Whether a per-step preview may use the tiny decoder (TAESD) or must fall back to the
// linear preview. On a GPU a tiny decode costs a few milliseconds: every preview may.
// On a CPU it does not: a 64x64 latent (512x512) took 3.3 s in float32 on the 2-core
// machine (docs/performance.md), about as long as the embedded model's whole 512x512
// generation. So on a CPU the tiny previews share a budget: one is made only while the tiny
// decodes of this generation, the next one included (estimated from the cost per latent
// pixel measured so far), stay within kShare of the time since the generation started; the
// steps between get the linear preview.

#include <chrono>
#include <cstdint>

namespace md {

class TinyPreviewBudget
{
public:
    using Clock = std::chrono::steady_clock;
    static constexpr double kShare = 0.25;

    // unlimited: every preview may (a GPU). msPerLatentPixel: the cost measured before (0:
    // unknown, then the first preview is allowed and measured).
    explicit TinyPreviewBudget(bool unlimited = true, double msPerLatentPixel = 0.0,
                               Clock::time_point start = Clock::now());

    bool allows(std::int64_t latentPixels, Clock::time_point now = Clock::now()) const;
    // A tiny decode of `latentPixels` took `ms`.
    void spent(std::int64_t latentPixels, double ms);

    bool unlimited() const { return m_unlimited; }
    double msPerLatentPixel() const { return m_msPerPixel; }
    double spentMs() const { return m_spentMs; }

private:
    bool m_unlimited;
    double m_msPerPixel;
    Clock::time_point m_start;
    double m_spentMs = 0.0;
};

} // namespace md
