#include "engine/fusion/RegionWeights.h"

#include <algorithm>
#include <string>

namespace md {

namespace F = torch::nn::functional;

namespace {

std::string regionLabel(size_t index)
{
    return "region " + std::to_string(index + 1);
}

// Box blur with a window of 2r+1, replicated at the borders by excluding padding.
torch::Tensor boxBlur(const torch::Tensor& x, int radius)
{
    if (radius <= 0)
        return x;
    return F::avg_pool2d(x, F::AvgPool2dFuncOptions({2 * radius + 1, 2 * radius + 1})
                                .stride(1)
                                .padding(radius)
                                .count_include_pad(false));
}

} // namespace

Result<torch::Tensor> RegionWeights::canvasMask(const Region& region, int width, int height)
{
    if (region.box) {
        const Box& b = *region.box;
        if (b.width <= 0 || b.height <= 0)
            return Status::error("the box is empty (" + std::to_string(b.width) + "x" +
                                 std::to_string(b.height) + ")");
        const int x0 = std::clamp(b.x, 0, width);
        const int y0 = std::clamp(b.y, 0, height);
        const int x1 = std::clamp(b.x + b.width, 0, width);
        const int y1 = std::clamp(b.y + b.height, 0, height);
        if (x1 <= x0 || y1 <= y0)
            return Status::error("the box lies outside the " + std::to_string(width) + "x" +
                                 std::to_string(height) + " canvas");
        auto mask = torch::zeros({1, 1, height, width});
        mask.index_put_({0, 0, torch::indexing::Slice(y0, y1), torch::indexing::Slice(x0, x1)},
                        1.0f);
        return mask;
    }
    const MaskImage& m = region.mask;
    if (m.width != width || m.height != height)
        return Status::error("the mask is " + std::to_string(m.width) + "x" +
                             std::to_string(m.height) + " but the canvas is " +
                             std::to_string(width) + "x" + std::to_string(height) +
                             "; masks must be canvas-sized");
    if (m.values.size() != static_cast<size_t>(width) * static_cast<size_t>(height))
        return Status::error("the mask holds " + std::to_string(m.values.size()) +
                             " values, expected " + std::to_string(width * height));
    auto mask = torch::from_blob(const_cast<float*>(m.values.data()), {1, 1, height, width},
                                 torch::kFloat32)
                    .clone();
    return mask.clamp(0.0, 1.0);
}

torch::Tensor RegionWeights::feathered(const torch::Tensor& canvasMask, float featherPx)
{
    if (featherPx <= 0.f)
        return canvasMask;
    // Two box passes ~ a tent of radius featherPx.
    const int r = std::max(1, static_cast<int>(featherPx / 2.f + 0.5f));
    return boxBlur(boxBlur(canvasMask, r), r);
}

torch::Tensor RegionWeights::toLatent(const torch::Tensor& canvasMask, int h, int w,
                                      float featherPx)
{
    if (featherPx > 0.f) // soft: blurred, then each latent cell averaged
        return F::adaptive_avg_pool2d(feathered(canvasMask, featherPx),
                                      F::AdaptiveAvgPool2dFuncOptions({h, w}));
    auto hard = (canvasMask >= 0.5f).to(torch::kFloat32);
    return F::interpolate(
        hard, F::InterpolateFuncOptions().size(std::vector<int64_t>{h, w}).mode(torch::kNearest));
}

Result<RegionMaps> RegionWeights::build(const std::vector<Region>& regions, int width, int height,
                                        int latentFactor, float featherPx)
{
    const int h = height / latentFactor;
    const int w = width / latentFactor;
    std::vector<torch::Tensor> foregrounds;
    std::vector<torch::Tensor> coverage;
    foregrounds.reserve(regions.size());
    for (size_t i = 0; i < regions.size(); ++i) {
        auto mask = canvasMask(regions[i], width, height);
        if (!mask)
            return mask.status().withContext(regionLabel(i));
        const torch::Tensor latent = toLatent(*mask, h, w, featherPx);
        const float strength = std::max(0.f, regions[i].strength);
        coverage.push_back(latent);
        foregrounds.push_back(latent * strength);
    }
    torch::Tensor background;
    if (foregrounds.empty()) {
        background = torch::ones({1, 1, h, w});
    } else {
        auto sum = torch::cat(foregrounds, 0).sum(0, /*keepdim=*/true);
        background = (1.0 - sum).clamp_min(0.0);
    }
    std::vector<torch::Tensor> all{background};
    all.insert(all.end(), foregrounds.begin(), foregrounds.end());
    RegionMaps maps;
    maps.weights = torch::cat(all, 0);
    maps.coverage = coverage.empty() ? torch::zeros({0, 1, h, w}) : torch::cat(coverage, 0);
    return maps;
}

} // namespace md
