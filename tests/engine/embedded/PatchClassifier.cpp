#include "engine/embedded/PatchClassifier.h"

#include <algorithm>

namespace md::test {

namespace F = torch::nn::functional;

namespace {

// Deterministic k-means: farthest-point initialisation from the point nearest the mean,
// then a few Lloyd iterations. `points` is [N, F]; returns [k, F].
torch::Tensor kMeans(const torch::Tensor& points, int k)
{
    const int64_t n = points.size(0);
    k = static_cast<int>(std::min<int64_t>(k, n));
    std::vector<int64_t> chosen{(points - points.mean(0)).pow(2).sum(1).argmin().item<int64_t>()};
    auto nearest = (points - points[chosen[0]]).pow(2).sum(1);
    while (static_cast<int>(chosen.size()) < k) {
        chosen.push_back(nearest.argmax().item<int64_t>());
        nearest = torch::minimum(nearest, (points - points[chosen.back()]).pow(2).sum(1));
    }
    auto centres = points.index_select(0, torch::tensor(chosen, torch::kInt64)).clone();
    for (int iter = 0; iter < 10; ++iter) {
        auto assign = torch::cdist(points, centres).argmin(1);
        for (int c = 0; c < k; ++c) {
            auto members = points.index_select(0, (assign == c).nonzero().view(-1));
            if (members.size(0) > 0)
                centres[c] = members.mean(0);
        }
    }
    return centres;
}

} // namespace

PatchClassifier::PatchClassifier() : PatchClassifier(Options()) {}

PatchClassifier::PatchClassifier(const Options& options) : m_options(options)
{
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> perConcept, colours;
    // The vocabulary's words, then the LoRA concept; the feature standardisation is taken
    // over the vocabulary alone, so adding the LoRA concept changes no other label.
    auto concepts = SceneConcept::all();
    concepts.push_back(SceneConcept::stripes());
    for (const SceneConcept& c : concepts) {
        std::vector<torch::Tensor> f, rgb;
        for (int i = 0; i < options.samples; ++i) {
            auto image = c.render(options.renderSize, uint64_t(i));
            f.push_back(features(image).flatten(1).t());
            rgb.push_back(image.mean({1, 2}));
        }
        perConcept.push_back(torch::cat(f));
        colours.push_back(torch::stack(rgb).mean(0));
    }
    auto everything =
        torch::cat(std::vector<torch::Tensor>(perConcept.begin(), perConcept.end() - 1));
    m_mean = everything.mean(0);
    m_scale = everything.std(0) + 1e-3;
    m_scale.slice(0, 0, 3).div_(options.colourWeight);
    std::vector<torch::Tensor> prototypes;
    for (const auto& points : perConcept)
        prototypes.push_back(kMeans((points - m_mean) / m_scale, options.prototypes));
    m_prototypes = torch::stack(prototypes);
    m_colours = torch::stack(colours);
}

torch::Tensor PatchClassifier::features(const torch::Tensor& image) const
{
    const int cell = m_options.cell, window = m_options.window;
    auto pool = [](const torch::Tensor& x, int kernel, int stride) {
        return F::avg_pool2d(x.unsqueeze(0), F::AvgPool2dFuncOptions(kernel)
                                                 .stride(stride)
                                                 .padding((kernel - stride) / 2)
                                                 .count_include_pad(false))
            .squeeze(0);
    };
    auto edges = [](const torch::Tensor& lum) { // [1, h, w] -> [2, h, w]
        auto dx = F::pad((lum.slice(2, 1) - lum.slice(2, 0, -1)).abs(),
                         F::PadFuncOptions({0, 1, 0, 0}).mode(torch::kReplicate));
        auto dy = F::pad((lum.slice(1, 1) - lum.slice(1, 0, -1)).abs().unsqueeze(0),
                         F::PadFuncOptions({0, 0, 0, 1}).mode(torch::kReplicate))
                      .squeeze(0);
        return torch::cat({dx, dy}) * 4.0;
    };
    auto x = image.to(torch::kFloat32);
    auto mean = pool(x, window, cell);
    auto spread = (pool(x * x, window, cell) - mean * mean).clamp_min(0).sqrt();
    auto lum = x.mean(0, true);
    auto fine = pool(edges(lum), window, cell);
    auto lum4 = F::avg_pool2d(lum.unsqueeze(0), F::AvgPool2dFuncOptions(4)).squeeze(0);
    auto coarse = pool(edges(lum4), window / 4, cell / 4);
    return torch::cat({mean, spread, fine, coarse});
}

torch::Tensor PatchClassifier::classify(const torch::Tensor& image,
                                        const std::vector<SceneConcept>& candidates) const
{
    torch::NoGradGuard noGrad;
    auto f = features(image);
    const int64_t h = f.size(1), w = f.size(2);
    auto points = (f.flatten(1).t() - m_mean) / m_scale; // [P, F]
    std::vector<torch::Tensor> distances;
    for (const SceneConcept& c : candidates) {
        auto protos = m_prototypes[c.id()]; // [k, F]
        distances.push_back(torch::cdist(points, protos).amin(1));
    }
    return torch::stack(distances, 1).argmin(1).view({h, w});
}

torch::Tensor PatchClassifier::displayColour(const SceneConcept& word) const
{
    return m_colours[word.id()];
}

} // namespace md::test
