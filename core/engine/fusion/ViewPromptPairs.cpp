#include "engine/fusion/ViewPromptPairs.h"

#include <stdexcept>

namespace md {

namespace {

// Positive weights of one prompt inside columns [x0, x1) and rows [y0, y1), from the
// integral image `sums` ([h + 1, w + 1], zero first row and column).
int64_t countIn(const torch::TensorAccessor<int64_t, 2>& sums, int y0, int y1, int x0, int x1)
{
    return sums[y1][x1] - sums[y0][x1] - sums[y1][x0] + sums[y0][x0];
}

} // namespace

std::vector<ViewPromptPair> activeViewPromptPairs(const torch::Tensor& weights,
                                                  const std::vector<View>& views)
{
    if (weights.dim() != 4 || weights.size(1) != 1)
        throw std::invalid_argument("activeViewPromptPairs: weights must be [N, 1, h, w]");
    const int64_t n = weights.size(0);
    const int h = static_cast<int>(weights.size(2));
    const int w = static_cast<int>(weights.size(3));
    auto positive = (weights.detach().to(torch::kCPU).squeeze(1) > 0).to(torch::kLong);
    auto sums = torch::zeros({n, h + 1, w + 1}, torch::kLong);
    sums.narrow(1, 1, h).narrow(2, 1, w).copy_(positive.cumsum(1).cumsum(2));
    const auto acc = sums.accessor<int64_t, 3>();

    std::vector<ViewPromptPair> pairs;
    for (size_t v = 0; v < views.size(); ++v) {
        const View& view = views[v];
        const int y0 = view.y;
        const int y1 = view.y + view.height;
        if (y0 < 0 || y1 > h || view.x < 0 || view.width > w)
            throw std::invalid_argument("activeViewPromptPairs: a view lies outside the canvas");
        for (int64_t p = 0; p < n; ++p) {
            const auto s = acc[p];
            const int end = view.x + view.width;
            const int64_t count =
                end <= w ? countIn(s, y0, y1, view.x, end)
                         : countIn(s, y0, y1, view.x, w) + countIn(s, y0, y1, 0, end - w);
            if (count > 0)
                pairs.push_back({static_cast<int>(v), static_cast<int>(p)});
        }
    }
    return pairs;
}

} // namespace md
