#include "engine/embedded/bench/CachedGenerator.h"

#include "engine/embedded/SceneClassifier.h"

#include <chrono>
#include <filesystem>
#include <torch/torch.h>

namespace md::test {

CachedGenerator::CachedGenerator(Engine& engine, std::string cacheDir, std::string hash)
    : m_engine(engine), m_cacheDir(std::move(cacheDir)), m_hash(std::move(hash))
{
    if (!m_cacheDir.empty())
        std::filesystem::create_directories(m_cacheDir);
}

Result<torch::Tensor> CachedGenerator::generate(const GenerateRequest& request,
                                                const std::string& key)
{
    const std::string cached = m_cacheDir.empty() ? std::string()
                                                  : m_cacheDir + "/" + m_hash + "-" + key + "-s" +
                                                        std::to_string(request.steps) + ".pt";
    if (!cached.empty() && std::filesystem::exists(cached)) {
        torch::Tensor image;
        torch::load(image, cached);
        return image;
    }
    const auto t0 = std::chrono::steady_clock::now();
    auto image = m_engine.generate(request);
    m_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ++m_images;
    if (!image)
        return image.status();
    auto tensor = SceneClassifier::toTensor(*image);
    if (!cached.empty())
        torch::save(tensor, cached);
    return tensor;
}

} // namespace md::test
