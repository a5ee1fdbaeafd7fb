#include "training/SceneGenerator.h"

namespace md {

SceneGenerator::SceneGenerator(int size, uint64_t seed, torch::Device device)
    : m_size(size), m_seed(seed), m_composer(1.0), m_renderer(size, size, device)
{
}

ScenePlan SceneGenerator::plan(uint64_t index) const
{
    SceneRandom rnd(m_seed, index * 2);
    return m_composer.compose(rnd);
}

torch::Tensor SceneGenerator::render(const ScenePlan& plan, uint64_t index) const
{
    SceneRandom rnd(m_seed, index * 2 + 1);
    return m_renderer.render(plan, rnd);
}

SceneBatch SceneGenerator::batch(uint64_t firstIndex, int count) const
{
    torch::NoGradGuard noGrad;
    SceneBatch out;
    std::vector<torch::Tensor> images;
    for (int i = 0; i < count; ++i) {
        const uint64_t index = firstIndex + uint64_t(i);
        ScenePlan p = plan(index);
        images.push_back(render(p, index));
        out.captions.push_back(p.caption);
        out.plans.push_back(std::move(p));
    }
    out.images = torch::stack(images) * 2.0 - 1.0;
    return out;
}

std::vector<std::string> SceneGenerator::captions(uint64_t firstIndex, uint64_t count) const
{
    std::vector<std::string> out;
    out.reserve(count);
    for (uint64_t i = 0; i < count; ++i)
        out.push_back(plan(firstIndex + i).caption);
    return out;
}

} // namespace md
