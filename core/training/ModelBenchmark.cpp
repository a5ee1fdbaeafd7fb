#include "training/ModelBenchmark.h"

#include "engine/nn/ModelFactory.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <functional>
#include <vector>

namespace md {

namespace {

struct Timing
{
    double wall = 0;
    double cpu = 0;
};

// The fastest wall and CPU time of `repeats` runs after one warm-up run (the minimum is the
// least disturbed by other processes on a shared machine).
Timing timeIt(const std::function<void()>& fn, int repeats, bool cuda)
{
    fn();
    std::vector<double> walls, cpus;
    for (int i = 0; i < std::max(1, repeats); ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        const std::clock_t c0 = std::clock();
        fn();
        if (cuda)
            torch::cuda::synchronize();
        const std::clock_t c1 = std::clock();
        const auto t1 = std::chrono::steady_clock::now();
        walls.push_back(std::chrono::duration<double>(t1 - t0).count());
        cpus.push_back(double(c1 - c0) / CLOCKS_PER_SEC);
    }
    std::sort(walls.begin(), walls.end());
    std::sort(cpus.begin(), cpus.end());
    return {walls.front(), cpus.front()};
}

} // namespace

Result<BenchmarkResult> ModelBenchmark::run(const EmbeddedModelSpec& spec, torch::Device device,
                                            int prompts, int repeats, torch::Dtype dtype)
{
    try {
        auto unet = nn::createUNet(spec.config.unet);
        auto vae = nn::createVae(spec.config.vae);
        auto text = nn::createTextEncoder(spec.config.textEncoder);
        if (!unet)
            return unet.status().withContext("benchmark " + spec.name);
        if (!vae)
            return vae.status().withContext("benchmark " + spec.name);
        if (!text)
            return text.status().withContext("benchmark " + spec.name);
        BenchmarkResult r;
        r.model = spec.name;
        r.device = device.str();
        r.unetParameters = nn::parameterCount(**unet);
        r.vaeParameters = nn::parameterCount(**vae);
        r.textParameters = nn::parameterCount(**text);
        (*unet)->to(device, dtype);
        (*vae)->to(device, dtype);
        (*text)->to(device, dtype);
        (*unet)->eval();
        (*vae)->eval();
        (*text)->eval();
        torch::InferenceMode inference;
        const bool cuda = device.is_cuda();
        const int batch = 2 * prompts;
        const int latent = spec.config.unet.sampleSize;
        auto opts = torch::TensorOptions().device(device).dtype(dtype);
        auto x = torch::randn({batch, spec.config.unet.inChannels, latent, latent}, opts);
        auto t = torch::full({batch}, 500, torch::TensorOptions().device(device));
        auto ids = torch::randint(4, spec.config.textEncoder.vocabSize,
                                  {batch, spec.config.textEncoder.maxPositionEmbeddings},
                                  torch::TensorOptions().device(device).dtype(torch::kLong));
        auto context = (*text)->forward(ids);
        Timing tt = timeIt([&] { (*text)->forward(ids); }, repeats, cuda);
        Timing tu = timeIt([&] { (*unet)->forward(x, t, context); }, repeats, cuda);
        auto z = torch::randn({1, spec.config.vae.latentChannels, latent, latent}, opts);
        Timing tv = timeIt([&] { (*vae)->decode(z); }, std::max(1, repeats / 2), cuda);
        r.unetBatch = batch;
        r.latentSize = latent;
        r.textSeconds = tt.wall;
        r.unetSeconds = tu.wall;
        r.unetCpuSeconds = tu.cpu;
        r.vaeSeconds = tv.wall;
        r.vaeCpuSeconds = tv.cpu;
        return r;
    } catch (const std::exception& e) {
        return Status::error("benchmark " + spec.name + ": " + e.what());
    }
}

} // namespace md
