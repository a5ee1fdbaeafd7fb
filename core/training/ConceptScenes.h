#pragma once

// The training data of `mdtrain lora`: captioned images of ONE new concept (the stripe
// pattern of StripePainter, named by a trigger word), mixed with ordinary scenes of the
// embedded model's generator under their own captions (regularisation: the LoRA should not
// change what the other words draw). Sample i is a pure function of (seed, i, size), like
// SceneGenerator's.

#include "training/SceneGenerator.h"
#include "training/SceneRenderer.h"
#include "training/StripePainter.h"

#include <cstdint>
#include <string>
#include <vector>

namespace md {

struct ConceptData
{
    // A word the embedded tokenizer splits into pieces that no caption of the base data
    // uses ("pvx": ▁p v x), so the base model has no meaning for it.
    std::string trigger = "pvx";
    StripeStyle style;
    double regularShare = 0.25; // share of ordinary generator scenes
};

class ConceptScenes
{
public:
    ConceptScenes(ConceptData data, int size, uint64_t seed, torch::Device device = torch::kCPU);

    const ConceptData& data() const { return m_data; }
    int size() const { return m_size; }

    bool isConcept(uint64_t index) const;
    std::string caption(uint64_t index) const;
    // [3, H, W] in [0, 1].
    torch::Tensor render(uint64_t index) const;
    // Images [B, 3, H, W] in [-1, 1] and captions of samples [first, first + count).
    SceneBatch batch(uint64_t first, int count) const;

    // The wordings of a concept caption (as the colour captions: "pvx", "a pvx background").
    static std::vector<std::string> conceptCaptions(const std::string& trigger);

private:
    ConceptData m_data;
    int m_size;
    uint64_t m_seed;
    SceneGenerator m_regular;
    SceneRenderer m_renderer;
};

} // namespace md
