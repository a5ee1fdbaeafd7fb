#include "engine/embedded/SceneClassifier.h"

#include "training/SceneGenerator.h"

namespace md::test {

namespace F = torch::nn::functional;

torch::Tensor SceneClassifier::toTensor(const RgbImage& image)
{
    auto t = torch::from_blob(const_cast<uint8_t*>(image.pixels.data()),
                              {image.height, image.width, 3}, torch::kUInt8)
                 .permute({2, 0, 1})
                 .to(torch::kFloat32) /
             255.0;
    return t.contiguous();
}

torch::Tensor SceneClassifier::features(const torch::Tensor& imageIn)
{
    auto image =
        F::interpolate(
            imageIn.unsqueeze(0),
            F::InterpolateFuncOptions().size(std::vector<int64_t>{128, 128}).mode(torch::kArea))
            .squeeze(0);
    auto lum = image.mean(0);
    auto edges = [](const torch::Tensor& l) {
        auto dx = (l.slice(1, 1) - l.slice(1, 0, -1)).abs().mean();
        auto dy = (l.slice(0, 1) - l.slice(0, 0, -1)).abs().mean();
        return torch::stack({dx, dy});
    };
    auto coarse =
        F::avg_pool2d(lum.view({1, 1, 128, 128}), F::AvgPool2dFuncOptions(4)).view({32, 32});
    return torch::cat({image.mean({1, 2}), image.slice(1, 0, 42).mean({1, 2}),
                       image.slice(1, 86).mean({1, 2}), image.std(2).mean(1), lum.std().view({1}),
                       edges(lum) * 4.0, edges(coarse) * 4.0});
}

SceneClassifier::SceneClassifier(int samples, int size)
{
    torch::NoGradGuard noGrad;
    SceneGenerator gen(size, 4242);
    std::vector<torch::Tensor> all, centroids;
    for (Surface s : SceneVocabulary::allSurfaces()) {
        std::vector<torch::Tensor> f;
        for (int i = 0; i < samples; ++i) {
            ScenePlan plan;
            plan.kind = SceneKind::SurfaceFill;
            plan.back.isColour = false;
            plan.back.surface = s;
            f.push_back(features(gen.render(plan, uint64_t(static_cast<int>(s) * 1000 + i))));
        }
        auto stacked = torch::stack(f);
        all.push_back(stacked);
        centroids.push_back(stacked.mean(0));
    }
    auto everything = torch::cat(all);
    m_mean = everything.mean(0);
    m_scale = everything.std(0) + 1e-3;
    m_centroids = (torch::stack(centroids) - m_mean) / m_scale;
}

Colour SceneClassifier::colour(const torch::Tensor& image) const
{
    auto mean = image.mean({1, 2});
    int best = 0;
    double bestD = 1e9;
    for (Colour c : SceneVocabulary::allColours()) {
        const Rgb p = SceneVocabulary::colourRgb(c);
        const double d = (mean - torch::tensor({p[0], p[1], p[2]})).pow(2).sum().item<double>();
        if (d < bestD) {
            bestD = d;
            best = static_cast<int>(c);
        }
    }
    return static_cast<Colour>(best);
}

Surface SceneClassifier::surface(const torch::Tensor& image) const
{
    auto f = (features(image) - m_mean) / m_scale;
    auto d = (m_centroids - f.unsqueeze(0)).pow(2).sum(1);
    return static_cast<Surface>(d.argmin().item<int64_t>());
}

} // namespace md::test
