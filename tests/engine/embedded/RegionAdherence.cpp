#include "engine/embedded/RegionAdherence.h"

namespace md::test {

AdherenceResult RegionAdherence::score(const PatchClassifier& classifier,
                                       const torch::Tensor& image, const RegionLayout& layout)
{
    torch::NoGradGuard noGrad;
    AdherenceResult result;
    const auto areas = layout.areas();
    for (const LayoutArea& a : areas)
        result.candidates.push_back(a.word);
    result.labels = classifier.classify(image, result.candidates);
    const int cell = classifier.options().cell;
    auto pixels = result.labels.repeat_interleave(cell, 0).repeat_interleave(cell, 1);
    pixels = pixels.slice(0, 0, layout.height).slice(1, 0, layout.width);
    for (size_t i = 0; i < areas.size(); ++i)
        result.scores.push_back({areas[i], iou(areas[i].mask, pixels == int64_t(i))});
    return result;
}

double RegionAdherence::iou(const torch::Tensor& a, const torch::Tensor& b)
{
    const double inter = (a & b).sum().item<double>();
    const double uni = (a | b).sum().item<double>();
    return uni > 0 ? inter / uni : 1.0;
}

double RegionAdherence::chanceIou(double fraction)
{
    return fraction / (2.0 - fraction);
}

torch::Tensor RegionAdherence::generatorComposite(const RegionLayout& layout, uint64_t index)
{
    torch::NoGradGuard noGrad;
    const int size = std::max(layout.width, layout.height);
    auto out = torch::zeros({3, layout.height, layout.width});
    for (const LayoutArea& a : layout.areas(0.0)) {
        auto render =
            a.word.render(size, index).slice(1, 0, layout.height).slice(2, 0, layout.width);
        out = torch::where(a.mask.unsqueeze(0), render, out);
    }
    return out;
}

} // namespace md::test
