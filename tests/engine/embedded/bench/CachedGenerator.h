#pragma once

// region-adherence-bench's image source: generates through an Engine and, with a cache
// folder (--cache), keeps each image as a tensor named by the weights' hash, the request's
// key and its step count, so the classifier can be changed and the run repeated without
// generating again. Counts the images it generated (not those read back) and their time.

#include "engine/Engine.h"

#include <string>
#include <torch/types.h>

namespace md::test {

class CachedGenerator
{
public:
    // `cacheDir` empty: no cache. Creates the folder when missing.
    CachedGenerator(Engine& engine, std::string cacheDir, std::string hash);

    // [3, H, W] in [0, 1] (SceneClassifier::toTensor), from the cache when it has it.
    Result<torch::Tensor> generate(const GenerateRequest& request, const std::string& key);

    int images() const { return m_images; }
    // Mean seconds per generated image; 0 before the first.
    double secondsPerImage() const { return m_images > 0 ? m_seconds / m_images : 0; }

private:
    Engine& m_engine;
    std::string m_cacheDir;
    std::string m_hash;
    double m_seconds = 0;
    int m_images = 0;
};

} // namespace md::test
