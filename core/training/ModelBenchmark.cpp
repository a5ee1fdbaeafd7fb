#include "training/ModelBenchmark.h"

#include "engine/nn/ModelFactory.h"
#include "training/KinetoTrace.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <functional>
#include <string>
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
    if (cuda)
        torch::cuda::synchronize();
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

// VmHWM of this process in bytes (0 where /proc is missing).
int64_t peakRss()
{
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stoll(line.substr(6)) * 1024; // "VmHWM:   1234 kB"
    return 0;
}

// Restarts VmHWM from the current resident set (Linux >= 4.0), so each stage reads its own.
void resetPeakRss()
{
    std::ofstream("/proc/self/clear_refs") << "5";
}

// A freshly built module, counted (into `parameters`), moved to the device and in eval mode.
template <typename M>
Result<M> ready(Result<M> module, const std::string& name, torch::Device device, torch::Dtype dtype,
                int64_t& parameters)
{
    if (!module)
        return module.status().withContext("benchmark " + name);
    parameters = nn::parameterCount(**module);
    (*module)->to(device, dtype);
    (*module)->eval();
    return module;
}

} // namespace

Result<BenchmarkResult> ModelBenchmark::run(const EmbeddedModelSpec& spec, torch::Device device,
                                            int prompts, int repeats, torch::Dtype dtype,
                                            const std::string& unetTracePath)
{
    const ModelConfig& config = spec.config;
    try {
        torch::InferenceMode inference;
        BenchmarkResult r;
        r.model = spec.name;
        r.device = device.str();
        const bool cuda = device.is_cuda();
        const int batch = 2 * prompts;
        const int latent = config.unet.sampleSize;
        const bool sdxl = config.unet.hasTextTime();
        auto opts = torch::TensorOptions().device(device).dtype(dtype);
        auto randomIds = [&](const TextEncoderConfig& t) {
            auto ids = torch::randint(4, t.vocabSize - 1, {batch, t.maxPositionEmbeddings},
                                      torch::TensorOptions().device(device).dtype(torch::kLong));
            ids.select(1, t.maxPositionEmbeddings - 1).fill_(t.eosTokenId);
            return ids;
        };

        // Text encoders -> the UNet's context (and SDXL's pooled vector).
        resetPeakRss();
        torch::Tensor context, pooled;
        {
            auto text = ready(nn::createTextEncoder(config.textEncoder), spec.name, device, dtype,
                              r.textParameters);
            if (!text)
                return text.status();
            const auto ids = randomIds(config.textEncoder);
            Timing tt;
            if (!sdxl) {
                context = (*text)->forward(ids);
                tt = timeIt([&] { (*text)->forward(ids); }, repeats, cuda);
            } else {
                context = (*text)->forwardHidden(ids, 2, false).hidden;
                tt = timeIt([&] { (*text)->forwardHidden(ids, 2, false); }, repeats, cuda);
            }
            r.textSeconds = tt.wall;
            r.textCpuSeconds = tt.cpu;
        }
        if (config.hasTextEncoder2) {
            auto text2 = ready(nn::createTextEncoder(config.textEncoder2), spec.name, device, dtype,
                               r.text2Parameters);
            if (!text2)
                return text2.status();
            const auto ids = randomIds(config.textEncoder2);
            auto out = (*text2)->forwardHidden(ids, 2, true);
            context = torch::cat({context, out.hidden}, -1);
            pooled = out.pooled;
            Timing tt = timeIt([&] { (*text2)->forwardHidden(ids, 2, true); }, repeats, cuda);
            r.text2Seconds = tt.wall;
            r.textSeconds += tt.wall;
            r.textCpuSeconds += tt.cpu;
        }
        r.textPeakRss = peakRss();

        // One batched UNet call at the native latent size.
        resetPeakRss();
        {
            auto unet =
                ready(nn::createUNet(config.unet), spec.name, device, dtype, r.unetParameters);
            if (!unet)
                return unet.status();
            auto x = torch::randn({batch, config.unet.inChannels, latent, latent}, opts);
            auto t = torch::full({batch}, 500, torch::TensorOptions().device(device));
            torch::Tensor timeIds;
            if (sdxl) {
                const float px = float(spec.nativeSize);
                timeIds = torch::tensor({px, px, 0.f, 0.f, px, px}, opts).repeat({batch, 1});
            }
            auto call = [&] { (*unet)->forward(x, t, context, pooled, timeIds); };
            Timing tu = timeIt(call, repeats, cuda);
            if (!unetTracePath.empty()) {
                Status traced = traceToFile(call, unetTracePath, cuda);
                if (!traced)
                    return traced;
            }
            r.unetBatch = batch;
            r.latentSize = latent;
            r.unetSeconds = tu.wall;
            r.unetCpuSeconds = tu.cpu;
        }
        r.unetPeakRss = peakRss();

        // One decode of one latent at the native size.
        resetPeakRss();
        {
            auto vae = ready(nn::createVae(config.vae), spec.name, device, dtype, r.vaeParameters);
            if (!vae)
                return vae.status();
            auto z = torch::randn({1, config.vae.latentChannels, latent, latent}, opts);
            Timing tv = timeIt([&] { (*vae)->decode(z); }, std::max(1, repeats / 2), cuda);
            r.vaeSeconds = tv.wall;
            r.vaeCpuSeconds = tv.cpu;
        }
        r.vaePeakRss = peakRss();
        return r;
    } catch (const std::exception& e) {
        return Status::error("benchmark " + spec.name + ": " + e.what());
    }
}

} // namespace md
