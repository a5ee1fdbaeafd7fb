#pragma once

// VAE encoding of images too large to encode at once (upscaling a result to 4096x4096 on the
// CPU): the image is cut into overlapping pixel tiles (e.g. 512 px with 64 px of overlap,
// multiples of the VAE factor), each tile is encoded on its own, and the latent tiles'
// posterior mean and std are cross-faded with linear ramps over the overlaps (TileRamp.h).
// Memory then grows with the tile, not the image: the encoder's full-resolution activations
// exist for one tile at a time; what stays is the latent-size result.
//
// Not exact: the encoder's GroupNorm statistics are taken per tile, and a tile's edge sees
// zero padding instead of its neighbour, so the latents differ slightly from a whole encode
// (measured in docs/multidiffusion.md, "Tiled VAE encode"). The ramps hide the seams.
//
// The result is a distribution, not a sample: the caller draws ONE randn of the whole latent
// shape [1, C, h, w] (the seed contract) and takes mean + std * noise, as for a whole encode.

#include <atomic>
#include <functional>
#include <torch/torch.h>

namespace md {

class TiledVaeEncoder
{
public:
    // The encoder's diagonal Gaussian at latent size (in whatever space the encode function
    // returns; ModelSession passes the scaled latent space).
    struct Moments
    {
        torch::Tensor mean; // [1, C, H/f, W/f]
        torch::Tensor std;  // same shape
    };
    // encode: image [1, 3, th, tw] (th, tw multiples of f) -> its moments [1, C, th/f, tw/f].
    using EncodeFunction = std::function<Moments(const torch::Tensor&)>;

    // tilePx, overlapPx: tile side and overlap in pixels, rounded down to multiples of
    // `factor` (at least one latent pixel of tile; the overlap at most half a tile).
    TiledVaeEncoder(EncodeFunction encode, int factor, int tilePx, int overlapPx);

    // The policy ModelSession and GenerationMemory share: an image of more than four times
    // the model's native area (SD 1.x: above 1024x1024, SDXL: above 2048x2048) is encoded in
    // tiles of the native size with an eighth of it overlapping (SD 1.x: 512 px, 64 px).
    static bool wanted(int heightPx, int widthPx, int nativePx);
    static int tileFor(int nativePx) { return nativePx; }
    static int overlapFor(int nativePx) { return nativePx / 8; }

    // Whether an image of H x W pixels is more than one tile.
    bool needsTiling(int heightPx, int widthPx) const;
    // image [1, 3, H, W] (H, W multiples of the factor) -> moments [1, C, H/f, W/f] (float32,
    // on the encode function's device). A single tile is one encode call. Undefined moments
    // when `cancel` is raised: it is checked before every tile.
    Moments encode(const torch::Tensor& image, const std::atomic<bool>* cancel = nullptr) const;

    int tilePx() const { return m_tile * m_factor; }
    int overlapPx() const { return m_overlap * m_factor; }

private:
    EncodeFunction m_encode;
    int m_factor;
    int m_tile;    // latent pixels
    int m_overlap; // latent pixels
};

} // namespace md
