#pragma once

// A ring of VAE latents of generated samples, from which diffusion batches are drawn. Each
// step renders and encodes a few new samples (refresh) and trains on a random batch of the
// pool, so rendering does not bound the training rate. Slot i % size holds sample i; the
// pool at step s is a pure function of s, so a resumed run rebuilds it exactly.

#include "engine/nn/AutoencoderKL.h"
#include "training/SceneGenerator.h"

#include <cstdint>
#include <string>
#include <torch/torch.h>
#include <vector>

namespace md {

class LatentPool
{
public:
    LatentPool(const SceneGenerator& generator, nn::AutoencoderKL vae, double scalingFactor,
               int size, int chunk);

    // Encodes samples [first, first + count) into their slots.
    void fill(uint64_t first, uint64_t count);
    // The samples present once `step` refreshes have happened: [end - size, end).
    uint64_t endIndex(uint64_t step, int refresh) const { return m_size + step * refresh; }

    int size() const { return m_size; }
    // Latents [B, C, h, w] and captions of the given slots (int64 tensor on any device).
    torch::Tensor latents(const torch::Tensor& slots) const;
    std::vector<std::string> captions(const torch::Tensor& slots) const;
    // The partial captions of the given slots (ScenePlan::parts; empty for full-frame kinds).
    std::vector<std::vector<std::string>> parts(const torch::Tensor& slots) const;

private:
    const SceneGenerator& m_generator;
    nn::AutoencoderKL m_vae;
    double m_scale;
    int m_size;
    int m_chunk;
    torch::Tensor m_latents;
    std::vector<std::string> m_captions;
    std::vector<std::vector<std::string>> m_parts;
};

} // namespace md
