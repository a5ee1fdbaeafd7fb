#pragma once

// Small tensor helpers shared by the scene painters. Images are [3, H, W] float tensors
// in [0, 1]; masks and blend factors are [H, W].

#include "training/SceneRandom.h"
#include "training/SceneVocabulary.h"

#include <algorithm>
#include <torch/torch.h>

namespace md::paint {

// A colour as a [3, 1, 1] tensor. The copy to a GPU is non-blocking: a blocking one would
// wait for every queued kernel each time.
inline torch::Tensor rgb(const Rgb& c, const torch::Device& device)
{
    auto t = torch::tensor({c[0], c[1], c[2]}).view({3, 1, 1});
    return device.is_cpu() ? t : t.to(device, /*non_blocking=*/true);
}

inline Rgb scaled(const Rgb& c, float k)
{
    return {c[0] * k, c[1] * k, c[2] * k};
}

inline Rgb lerp(const Rgb& a, const Rgb& b, float t)
{
    return {a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t};
}

// Each channel moved by up to +-amount, clamped to [0, 1].
inline Rgb jitter(const Rgb& c, float amount, SceneRandom& rnd)
{
    Rgb out;
    for (int i = 0; i < 3; ++i)
        out[i] = std::clamp(c[i] + float(rnd.uniform(-amount, amount)), 0.0f, 1.0f);
    return out;
}

// a + (b - a) * t; t is [H, W] (or a scalar tensor), a and b [3, H, W] or [3, 1, 1].
inline torch::Tensor mix(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& t)
{
    return a + (b - a) * t.unsqueeze(0);
}

inline torch::Tensor smoothstep(double e0, double e1, const torch::Tensor& x)
{
    auto t = ((x - e0) / (e1 - e0)).clamp(0.0, 1.0);
    return t * t * (3.0 - 2.0 * t);
}

// An anti-aliased inside mask from a signed distance (negative inside), in canvas heights.
inline torch::Tensor fill(const torch::Tensor& sdf, int height)
{
    return (0.5 - sdf * double(height)).clamp(0.0, 1.0);
}

} // namespace md::paint
