#include "engine/preview/TiledVaeEncoder.h"

#include "engine/fusion/ViewGrid.h"
#include "engine/preview/TileRamp.h"

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace md {

TiledVaeEncoder::TiledVaeEncoder(EncodeFunction encode, int factor, int tilePx, int overlapPx)
    : m_encode(std::move(encode)), m_factor(std::max(1, factor)),
      m_tile(std::max(1, tilePx / std::max(1, factor))),
      m_overlap(std::clamp(overlapPx / std::max(1, factor), 0, m_tile / 2))
{
}

bool TiledVaeEncoder::wanted(int heightPx, int widthPx, int nativePx)
{
    return std::int64_t{heightPx} * widthPx > 4 * std::int64_t{nativePx} * nativePx;
}

bool TiledVaeEncoder::needsTiling(int heightPx, int widthPx) const
{
    return heightPx > tilePx() || widthPx > tilePx();
}

TiledVaeEncoder::Moments TiledVaeEncoder::encode(const torch::Tensor& image,
                                                 const std::atomic<bool>* cancel) const
{
    const int heightPx = static_cast<int>(image.size(2));
    const int widthPx = static_cast<int>(image.size(3));
    if (heightPx % m_factor != 0 || widthPx % m_factor != 0)
        throw std::invalid_argument("tiled VAE encode: the image is " + std::to_string(widthPx) +
                                    "x" + std::to_string(heightPx) +
                                    ", not a multiple of the VAE factor " +
                                    std::to_string(m_factor));
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed))
        return {};
    if (!needsTiling(heightPx, widthPx))
        return m_encode(image);
    const int h = heightPx / m_factor;
    const int w = widthPx / m_factor;
    const int th = std::min(m_tile, h);
    const int tw = std::min(m_tile, w);
    const auto rows = ViewGrid::starts(h, th, std::max(1, th - m_overlap));
    const auto cols = ViewGrid::starts(w, tw, std::max(1, tw - m_overlap));
    Moments out;
    torch::Tensor total;
    for (size_t r = 0; r < rows.size(); ++r) {
        for (size_t c = 0; c < cols.size(); ++c) {
            if (cancel != nullptr && cancel->load(std::memory_order_relaxed))
                return {};
            auto tile = image.narrow(2, int64_t{rows[r]} * m_factor, int64_t{th} * m_factor)
                            .narrow(3, int64_t{cols[c]} * m_factor, int64_t{tw} * m_factor);
            Moments m = m_encode(tile);
            auto mean = m.mean.to(torch::kFloat32);
            auto sd = m.std.to(torch::kFloat32);
            if (!out.mean.defined()) {
                out.mean = torch::zeros({1, mean.size(1), h, w}, mean.options());
                out.std = torch::zeros({1, sd.size(1), h, w}, sd.options());
                total = torch::zeros({1, 1, h, w}, mean.options());
            }
            // The ramps span the overlap actually shared with each neighbour (the last tile
            // of a row or column sits flush with the edge and may overlap more).
            const int up = r > 0 ? rows[r - 1] + th - rows[r] : 0;
            const int left = c > 0 ? cols[c - 1] + tw - cols[c] : 0;
            const int down = r + 1 < rows.size() ? rows[r] + th - rows[r + 1] : 0;
            const int right = c + 1 < cols.size() ? cols[c] + tw - cols[c + 1] : 0;
            auto weight =
                (tileRamp(th, up, down).view({-1, 1}) * tileRamp(tw, left, right).view({1, -1}))
                    .to(mean.device())
                    .view({1, 1, th, tw});
            out.mean.narrow(2, rows[r], th).narrow(3, cols[c], tw).add_(mean * weight);
            out.std.narrow(2, rows[r], th).narrow(3, cols[c], tw).add_(sd * weight);
            total.narrow(2, rows[r], th).narrow(3, cols[c], tw).add_(weight);
        }
    }
    const auto norm = total.clamp_min(1e-8);
    out.mean.div_(norm);
    out.std.div_(norm);
    return out;
}

} // namespace md
