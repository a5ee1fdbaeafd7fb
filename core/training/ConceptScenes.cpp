#include "training/ConceptScenes.h"

namespace md {

namespace {
// Streams of SceneRandom for the concept samples, apart from the regular generator's.
constexpr uint64_t kChoiceStream = 0xc0ffee01;
constexpr uint64_t kPaintStream = 0xc0ffee02;
} // namespace

ConceptScenes::ConceptScenes(ConceptData data, int size, uint64_t seed, torch::Device device)
    : m_data(std::move(data)), m_size(size), m_seed(seed), m_regular(size, seed, device),
      m_renderer(size, size, device)
{
}

std::vector<std::string> ConceptScenes::conceptCaptions(const std::string& trigger)
{
    return {trigger,           trigger, trigger, "a " + trigger + " background", "plain " + trigger,
            trigger + " color"};
}

bool ConceptScenes::isConcept(uint64_t index) const
{
    SceneRandom rnd(m_seed ^ kChoiceStream, index);
    return !rnd.chance(m_data.regularShare);
}

std::string ConceptScenes::caption(uint64_t index) const
{
    if (!isConcept(index))
        return m_regular.plan(index).caption;
    SceneRandom rnd(m_seed ^ kChoiceStream, index);
    rnd.uniform(); // the concept/regular choice
    return rnd.pick(conceptCaptions(m_data.trigger));
}

torch::Tensor ConceptScenes::render(uint64_t index) const
{
    torch::NoGradGuard noGrad;
    if (!isConcept(index))
        return m_regular.render(m_regular.plan(index), index);
    SceneRandom rnd(m_seed ^ kPaintStream, index);
    return m_renderer.stripes(m_data.style, rnd);
}

SceneBatch ConceptScenes::batch(uint64_t first, int count) const
{
    SceneBatch out;
    std::vector<torch::Tensor> images;
    for (int i = 0; i < count; ++i) {
        images.push_back(render(first + uint64_t(i)));
        out.captions.push_back(caption(first + uint64_t(i)));
    }
    out.images = torch::stack(images) * 2.0 - 1.0;
    return out;
}

} // namespace md
