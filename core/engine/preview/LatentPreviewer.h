#pragma once

// The cheap live preview: a per-pixel linear map from latent channels to RGB (plus a bias),
// fitted by least squares to the model's OWN VAE decoder (on the first preview of a loaded
// model, see ModelSession::previewer), so it works for any VAE (A1111's "Approx cheap" and
// ComfyUI's latent2rgb use fixed SD 1.5 factors). Applied to the fused x0 prediction it shows where
// the image is heading at every step, for the cost of one tiny matrix product.

#include "engine/EngineTypes.h"

#include <functional>
#include <torch/torch.h>

namespace md {

class LatentPreviewer
{
public:
    // decode: scaled latents [B, C, h, w] -> image [B, 3, f*h, f*w] in [-1, 1].
    using DecodeFunction = std::function<torch::Tensor(const torch::Tensor&)>;

    LatentPreviewer() = default;
    // Decodes a few smooth random latents and solves for the best linear map (float64).
    static LatentPreviewer fit(const DecodeFunction& decode, int latentChannels, int factor,
                               const torch::Device& device, torch::Dtype dtype,
                               std::uint64_t seed = 0);

    bool isValid() const { return m_matrix.defined(); }
    // x0 [1, C, h, w] (scaled latents) -> an RGB image of h x w pixels.
    RgbImage preview(const torch::Tensor& x0) const;
    // RGB in [-1, 1], [1, 3, h, w].
    torch::Tensor apply(const torch::Tensor& x0) const;

    const torch::Tensor& matrix() const { return m_matrix; } // [C, 3]
    const torch::Tensor& bias() const { return m_bias; }     // [3]
    double fitRmse() const { return m_rmse; }                // in [-1, 1] units

private:
    torch::Tensor m_matrix;
    torch::Tensor m_bias;
    double m_rmse = 0.0;
};

// Converts an image tensor [1, 3, H, W] in [-1, 1] to 8-bit RGB (rounded like diffusers).
RgbImage tensorToRgb(const torch::Tensor& image);

} // namespace md
