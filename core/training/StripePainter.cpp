#include "training/StripePainter.h"

#include "training/Paint.h"

#include <cmath>

namespace md {

using paint::jitter;
using paint::mix;
using paint::rgb;

torch::Tensor StripePainter::paint(const StripeStyle& style, SceneRandom& rnd) const
{
    const auto dev = m_f.device();
    const Rgb a = jitter(style.first, 0.04f, rnd);
    const Rgb b = jitter(style.second, 0.04f, rnd);
    const double period = style.periodPixels * rnd.uniform(0.94, 1.06);
    const double angle = (style.angleDegrees + rnd.uniform(-4.0, 4.0)) * 3.141592653589793 / 180.0;
    const double phase = rnd.uniform(0.0, 1.0);
    // Distance across the stripes, in pixels (x and y are in canvas heights).
    const double height = double(m_f.height());
    auto across = (m_f.x() * -std::sin(angle) + m_f.y() * std::cos(angle)) * height;
    auto t = across / period + phase;
    t = t - torch::floor(t); // [0, 1): the first half is colour a, the second colour b
    // Signed distance in pixels to the nearest edge (positive inside colour b).
    auto edge = (0.25 - (t - 0.5).abs()) * period;
    auto inB = (edge + 0.5).clamp(0.0, 1.0);
    auto out = mix(rgb(a, dev), rgb(b, dev), inB);
    auto shade = 1.0 + rnd.uniform(0.02, 0.10) * (m_f.fractal(3, 4, rnd.seed()) - 0.5);
    return (out * shade.unsqueeze(0)).clamp(0.0, 1.0);
}

} // namespace md
