#pragma once

// Procedural captioned training images for the embedded model. Sample i of a generator is
// a pure function of (version, seed, i, size): the trainer asks for consecutive indices,
// so a resumed run sees the same data it would have seen. Runs on CPU or CUDA.

#include "training/SceneComposer.h"
#include "training/SceneRenderer.h"

#include <cstdint>
#include <string>
#include <vector>

namespace md {

struct SceneBatch
{
    torch::Tensor images; // [B, 3, H, W] in [-1, 1]
    std::vector<std::string> captions;
    std::vector<ScenePlan> plans;
};

class SceneGenerator
{
public:
    // Bump when a change alters what any (seed, index) produces.
    static constexpr int kVersion = 1;

    SceneGenerator(int size, uint64_t seed, torch::Device device = torch::kCPU);

    int size() const { return m_size; }
    uint64_t seed() const { return m_seed; }

    ScenePlan plan(uint64_t index) const;
    // [3, H, W] in [0, 1]: the plan painted with sample `index`'s random details.
    torch::Tensor render(const ScenePlan& plan, uint64_t index) const;
    SceneBatch batch(uint64_t firstIndex, int count) const;
    // The captions of samples [first, first + count), without painting them.
    std::vector<std::string> captions(uint64_t firstIndex, uint64_t count) const;

private:
    int m_size;
    uint64_t m_seed;
    SceneComposer m_composer;
    SceneRenderer m_renderer;
};

} // namespace md
