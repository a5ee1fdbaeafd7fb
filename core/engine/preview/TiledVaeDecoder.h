#pragma once

// VAE decoding of canvases too large to decode at once: the latent is cut into overlapping
// tiles (the model's native size by default), each tile is decoded on its own, and the
// overlaps are cross-faded with linear ramps so no seam shows. Memory then grows with the
// tile, not the canvas.

#include <atomic>
#include <functional>
#include <torch/torch.h>

namespace md {

class TiledVaeDecoder
{
public:
    // decode: latents [1, C, h, w] -> image [1, 3, f*h, f*w].
    using DecodeFunction = std::function<torch::Tensor(const torch::Tensor&)>;

    TiledVaeDecoder(DecodeFunction decode, int factor, int tile, int overlap);

    // Whether a latent of h x w should be tiled (more than one tile of this size).
    bool needsTiling(int latentHeight, int latentWidth) const;
    // An undefined tensor when `cancel` is raised: it is checked before every tile.
    torch::Tensor decode(const torch::Tensor& latents,
                         const std::atomic<bool>* cancel = nullptr) const;

private:
    DecodeFunction m_decode;
    int m_factor;
    int m_tile;
    int m_overlap;
};

} // namespace md
