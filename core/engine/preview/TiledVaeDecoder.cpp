#include "engine/preview/TiledVaeDecoder.h"

#include "engine/fusion/ViewGrid.h"
#include "engine/preview/TileRamp.h"

#include <algorithm>

namespace md {

TiledVaeDecoder::TiledVaeDecoder(DecodeFunction decode, int factor, int tile, int overlap)
    : m_decode(std::move(decode)), m_factor(factor), m_tile(std::max(8, tile)),
      m_overlap(std::clamp(overlap, 0, std::max(8, tile) / 2))
{
}

bool TiledVaeDecoder::needsTiling(int latentHeight, int latentWidth) const
{
    return latentHeight > m_tile || latentWidth > m_tile;
}

torch::Tensor TiledVaeDecoder::decode(const torch::Tensor& latents,
                                      const std::atomic<bool>* cancel) const
{
    const int h = static_cast<int>(latents.size(2));
    const int w = static_cast<int>(latents.size(3));
    if (!needsTiling(h, w))
        return m_decode(latents);
    const int stride = m_tile - m_overlap;
    const auto rows = ViewGrid::starts(h, m_tile, stride);
    const auto cols = ViewGrid::starts(w, m_tile, stride);
    torch::Tensor out;
    torch::Tensor total;
    for (size_t r = 0; r < rows.size(); ++r) {
        for (size_t c = 0; c < cols.size(); ++c) {
            if (cancel != nullptr && cancel->load(std::memory_order_relaxed))
                return {};
            const int th = std::min(m_tile, h);
            const int tw = std::min(m_tile, w);
            auto tile = latents.narrow(2, rows[r], th).narrow(3, cols[c], tw);
            auto image = m_decode(tile).to(torch::kFloat32);
            if (!out.defined()) {
                out = torch::zeros({1, image.size(1), h * m_factor, w * m_factor}, image.options());
                total = torch::zeros({1, 1, h * m_factor, w * m_factor}, image.options());
            }
            // The ramps span the overlap actually shared with the neighbour.
            const int upOverlap = r > 0 ? rows[r - 1] + th - rows[r] : 0;
            const int leftOverlap = c > 0 ? cols[c - 1] + tw - cols[c] : 0;
            const int downOverlap = r + 1 < rows.size() ? rows[r] + th - rows[r + 1] : 0;
            const int rightOverlap = c + 1 < cols.size() ? cols[c] + tw - cols[c + 1] : 0;
            auto wy = tileRamp(th * m_factor, upOverlap * m_factor, downOverlap * m_factor);
            auto wx = tileRamp(tw * m_factor, leftOverlap * m_factor, rightOverlap * m_factor);
            auto weight = (wy.view({-1, 1}) * wx.view({1, -1}))
                              .to(image.device())
                              .view({1, 1, th * m_factor, tw * m_factor});
            out.narrow(2, rows[r] * m_factor, th * m_factor)
                .narrow(3, cols[c] * m_factor, tw * m_factor)
                .add_(image * weight);
            total.narrow(2, rows[r] * m_factor, th * m_factor)
                .narrow(3, cols[c] * m_factor, tw * m_factor)
                .add_(weight);
        }
    }
    return out / total.clamp_min(1e-8);
}

} // namespace md
