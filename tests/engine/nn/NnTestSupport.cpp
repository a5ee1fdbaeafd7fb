#include "engine/nn/NnTestSupport.h"

#include "engine/common/Fixtures.h"
#include "engine/common/ReferenceTensors.h"
#include "engine/io/CheckpointLoader.h"

#include <algorithm>
#include <iostream>
#include <mutex>
#include <stdexcept>
#include <torch/torch.h>

namespace md::test {

const Checkpoint& tinyCheckpoint()
{
    static std::mutex mutex;
    static std::optional<Checkpoint> checkpoint;
    std::lock_guard<std::mutex> lock(mutex);
    if (!checkpoint) {
        auto loaded = loadCheckpoint(fixturePath("tiny-sd15"));
        if (!loaded)
            throw std::runtime_error("tiny-sd15: " + loaded.error());
        checkpoint = std::move(loaded).value();
    }
    return *checkpoint;
}

bool withinComponentTolerance(const std::string& what, const torch::Tensor& output,
                              const torch::Tensor& reference)
{
    const double error = maxAbsDiff(output, reference);
    const double scale = std::max(1.0, reference.to(torch::kDouble).abs().max().item<double>());
    const double tolerance = 1e-4 * scale;
    std::cout << "[nn] " << what << ": max|diff| = " << error << " (tolerance " << tolerance
              << ", max|ref| = " << scale << ")" << std::endl;
    return error <= tolerance;
}

nn::Transformer2DModel smallTransformerBlock()
{
    nn::Transformer2DOptions options;
    options.channels = 32;
    options.heads = 2;
    options.contextDim = 16;
    options.groups = 8;
    return nn::Transformer2DModel(options);
}

} // namespace md::test
