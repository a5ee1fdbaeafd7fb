// mdlorabench: the cost of run-time LoRA adapters in one UNet call (issue 14). Builds a UNet of
// SD 1.5's shapes (or the fixture's narrow ones) with random weights, puts random rank-R
// adapters on the layers kohya's LoRA trains (attention q/k/v/out, feed-forward, proj_in /
// proj_out), and times calls with 0, 1 and 3 LoRAs attached and 0, 1 or 3 of them enabled
// (AdapterScales). A merged LoRA costs what "none attached" costs. "per-sample (stacked)": the
// 3 LoRAs in one call, one per pair of samples (pair k = samples k and k + B/2, the fused
// denoiser's uncond / cond rows; LoRA k mod 3), run as each layer's stacked adapters with
// per-sample scales (nn/StackedAdapters.h); "gathered": each LoRA on its samples' rows only
// (the CPU's kernel); then their difference from per-LoRA calls on the same samples. Each line
// also gives the libtorch operator calls of one UNet call (OpCounter.h: those the engine makes,
// then all dispatcher entries with nested ones), what a launch-bound GPU pays for.
// Engine-only (libtorch), so it builds on the GPU machine.
//
//   mdlorabench [--device cpu|cuda] [--dtype float32|float16]
//               [--shapes sd15|fixture|PATH/unet/config.json] [--rank 16] [--batch 2]
//               [--latent 64] [--calls 10] [--scale-cache on|off]
// --shapes PATH: a diffusers UNet config, e.g. the embedded model's
// (resources/models/mds-tiny/unet/config.json); the weights stay random. --scale-cache off:
// the stacked kernel computes each layer's per-sample scale in the layer (SampleScaleCache.h),
// the same values, to measure what the cache saves.

#include "CudaMemory.h"
#include "LoraBenchUNet.h"
#include "OpCounter.h"
#include "engine/nn/Conv2dLayer.h"
#include "engine/nn/LinearLayer.h"
#include "engine/nn/LowRankAdapter.h"
#include "engine/nn/ModelFactory.h"
#include "engine/nn/StackedAdapters.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <string>
#include <torch/cuda.h>
#include <torch/torch.h>
#include <vector>

namespace {

struct Args
{
    std::string device = "cpu";
    std::string dtype = "float32";
    std::string shapes = "sd15";
    int rank = 16;
    int batch = 2;
    int latent = 64;
    int calls = 10;
    bool scaleCache = true;
};

bool parse(int argc, char** argv, Args& a)
{
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string key = argv[i];
        const std::string value = argv[i + 1];
        if (key == "--device")
            a.device = value;
        else if (key == "--dtype")
            a.dtype = value;
        else if (key == "--shapes")
            a.shapes = value;
        else if (key == "--rank")
            a.rank = std::atoi(value.c_str());
        else if (key == "--batch")
            a.batch = std::atoi(value.c_str());
        else if (key == "--latent")
            a.latent = std::atoi(value.c_str());
        else if (key == "--calls")
            a.calls = std::atoi(value.c_str());
        else if (key == "--scale-cache" && (value == "on" || value == "off"))
            a.scaleCache = value == "on";
        else
            return false;
    }
    return argc % 2 == 1 && a.rank > 0 && a.batch > 0 && a.latent >= 8 && a.calls > 0;
}

} // namespace

int main(int argc, char** argv)
{
    Args a;
    if (!parse(argc, argv, a)) {
        std::cerr << "usage: mdlorabench [--device cpu|cuda] [--dtype float32|float16] "
                     "[--shapes sd15|fixture|PATH/unet/config.json] [--rank 16] [--batch 2] "
                     "[--latent 64] [--calls 10] [--scale-cache on|off]\n";
        return 2;
    }
    md::nn::SampleScaleCache::setEnabled(a.scaleCache);
    const torch::Device device(a.device);
    const auto dtype = a.dtype == "float16" ? torch::kHalf : torch::kFloat32;
    const bool cuda = device.is_cuda();
    if (cuda && !torch::cuda::is_available()) {
        std::cerr << "mdlorabench: no CUDA device\n";
        return 1;
    }
    auto shapes = md::bench::loraBenchShapes(a.shapes);
    if (!shapes) {
        std::cerr << "mdlorabench: " << shapes.error() << "\n";
        return 1;
    }
    const md::UNetConfig config = shapes.value();
    auto created = md::nn::createUNet(config, /*initialize=*/false);
    if (!created) {
        std::cerr << created.error() << "\n";
        return 1;
    }
    auto unet = created.value();
    unet->to(device, dtype);
    {
        torch::NoGradGuard noGrad;
        for (auto& p : unet->parameters())
            p.normal_(0.0, 0.02);
    }
    c10::InferenceMode guard;
    const auto options = torch::TensorOptions().device(device).dtype(dtype);
    auto sample = torch::randn({a.batch, 4, a.latent, a.latent}, options);
    auto context = torch::randn({a.batch, 77, config.crossAttentionDim}, options);
    auto t = torch::full({a.batch}, 500, torch::TensorOptions().device(device));

    double peak = -1.0;   // GiB allocated at the peak of the last timeCalls (-1: not known)
    int64_t opsOuter = 0; // operator calls of one UNet call of the last timeCalls
    int64_t opsAll = 0;
    size_t scalesMade = 0; // per-sample scales one call made (AdapterScales::cachedScales)
    // rows: one row of weights per sample (all equal: the uniform case). Each UNet call has its
    // own AdapterScales, as in the pipeline, made from the rows already on the device.
    auto timeRows = [&](const std::vector<std::vector<float>>& rows,
                        md::nn::SampleLoraKernel kernel = md::nn::SampleLoraKernel::Auto) {
        std::vector<float> flat;
        for (const auto& row : rows)
            flat.insert(flat.end(), row.begin(), row.end());
        const auto onDevice = torch::tensor(flat).view({a.batch, -1}).to(options);
        auto call = [&] {
            md::nn::AdapterScales scales(rows, options, kernel, onDevice);
            unet->forward(sample, t, context);
            scalesMade = md::nn::AdapterScales::cachedScales();
        };
        md::bench::cudaPeakGiB(/*reset=*/true);
        for (int i = 0; i < 2; ++i)
            call();
        if (cuda)
            torch::cuda::synchronize();
        // CUDA: wall time; CPU: process CPU time (all threads), robust on a shared machine.
        std::vector<double> ms;
        for (int i = 0; i < a.calls; ++i) {
            const auto start = std::chrono::steady_clock::now();
            const std::clock_t cpuStart = std::clock();
            call();
            if (cuda)
                torch::cuda::synchronize();
            const auto wall = std::chrono::steady_clock::now() - start;
            ms.push_back(cuda ? std::chrono::duration<double, std::milli>(wall).count()
                              : 1000.0 * double(std::clock() - cpuStart) / CLOCKS_PER_SEC);
        }
        peak = md::bench::cudaPeakGiB(/*reset=*/false);
        {
            md::bench::OpCounter counter;
            call();
            opsOuter = counter.outer();
            opsAll = counter.all();
        }
        std::sort(ms.begin(), ms.end());
        return ms[ms.size() / 2];
    };
    auto timeCalls = [&](const std::vector<float>& weights) {
        return timeRows(std::vector<std::vector<float>>(static_cast<size_t>(a.batch), weights));
    };

    std::printf("UNet %s shapes, %s %s, batch %d, latent %dx%d, rank %d, median of %d calls "
                "(%s)\n",
                a.shapes.c_str(), a.device.c_str(), a.dtype.c_str(), a.batch, a.latent, a.latent,
                a.rank, a.calls, cuda ? "wall time" : "process CPU time");
    double base = 0.0;
    // One result line: ms, change from `base`, peak memory, operator calls of one UNet call.
    auto report = [&](const char* label, double ms, const char* note = "") {
        std::printf("  %-36s %8.2f ms", label, ms);
        if (base > 0.0)
            std::printf(" (%+.1f %%)", 100.0 * (ms / base - 1.0));
        std::printf(", peak %.3f GiB, ops %lld (%lld in all)%s\n", peak,
                    static_cast<long long>(opsOuter), static_cast<long long>(opsAll), note);
    };
    const double noLora = timeCalls({});
    report("no LoRA attached (= a merged LoRA):", noLora);
    base = noLora;
    const int64_t params = md::bench::attachRandomAdapters(*unet, 0, a.rank);
    std::printf("  (one LoRA: %lld adapter parameters)\n", static_cast<long long>(params));
    report("1 attached, enabled:", timeCalls({1.0f}));
    md::bench::attachRandomAdapters(*unet, 1, a.rank);
    md::bench::attachRandomAdapters(*unet, 2, a.rank);
    md::bench::restackAllAdapters(*unet);
    report("3 attached, none enabled:", timeCalls({0.0f, 0.0f, 0.0f}));
    report("3 attached, 1 enabled (a region's):", timeCalls({0.0f, 0.8f, 0.0f}));
    report("3 attached, 3 enabled:", timeCalls({1.0f, 0.8f, 0.5f}));
    const int64_t pairs = std::max(1, a.batch / 2);
    std::vector<std::vector<float>> rows;
    for (int64_t b = 0; b < a.batch; ++b) {
        std::vector<float> row(3, 0.0f);
        row[static_cast<size_t>((b % pairs) % 3)] = 1.0f;
        rows.push_back(row);
    }
    const char* uniform = pairs < 2 ? " (one pair: the uniform case)" : "";
    const double stacked = timeRows(rows, md::nn::SampleLoraKernel::Stacked);
    std::string made = uniform;
    if (made.empty())
        made = md::nn::SampleScaleCache::enabled()
                   ? ", per-sample scales made per call: " + std::to_string(scalesMade)
                   : std::string(", a scale made per layer (--scale-cache off)");
    report("3 attached, per-sample (stacked):", stacked, made.c_str());
    report("3 attached, per-sample (gathered):", timeRows(rows, md::nn::SampleLoraKernel::Gathered),
           uniform);
    {
        // The same samples, each LoRA's in its own call (the grouped way).
        torch::Tensor mixed;
        torch::Tensor mixedGathered;
        {
            md::nn::AdapterScales scales(rows, options, md::nn::SampleLoraKernel::Stacked);
            mixed = unet->forward(sample, t, context).to(torch::kFloat32);
        }
        {
            md::nn::AdapterScales scales(rows, options, md::nn::SampleLoraKernel::Gathered);
            mixedGathered = unet->forward(sample, t, context).to(torch::kFloat32);
        }
        double diff = 0.0;
        for (int slot = 0; slot < 3; ++slot) {
            std::vector<int64_t> samples;
            for (int64_t b = 0; b < a.batch; ++b)
                if (rows[static_cast<size_t>(b)][static_cast<size_t>(slot)] != 0.0f)
                    samples.push_back(b);
            if (samples.empty())
                continue;
            auto index = torch::tensor(samples, torch::kLong).to(device);
            std::vector<float> only(3, 0.0f);
            only[static_cast<size_t>(slot)] = 1.0f;
            md::nn::AdapterScales scales(only);
            auto own = unet->forward(sample.index_select(0, index), t.index_select(0, index),
                                     context.index_select(0, index))
                           .to(torch::kFloat32);
            diff = std::max(diff, (own - mixed.index_select(0, index)).abs().max().item<double>());
            diff = std::max(
                diff, (own - mixedGathered.index_select(0, index)).abs().max().item<double>());
        }
        std::printf(
            "  per-sample (both kernels) vs per-LoRA calls: max|diff| %.3g, max|out| %.3g\n", diff,
            mixed.abs().max().item<double>());
    }

    // Exactness in this dtype: LoRA 1 at weight 0.8 at run time against it merged into the
    // weights (W += 0.8 * up @ down, computed in float32), no adapters enabled.
    torch::Tensor runTime;
    {
        md::nn::AdapterScales scales({0.0f, 0.8f, 0.0f});
        runTime = unet->forward(sample, t, context).to(torch::kFloat32);
    }
    const auto plain = unet->forward(sample, t, context).to(torch::kFloat32);
    for (const auto& m : unet->modules(false)) {
        std::vector<md::nn::LowRankAdapter>* adapters = nullptr;
        torch::Tensor weight;
        if (auto* linear = dynamic_cast<md::nn::LinearLayerImpl*>(m.get())) {
            adapters = &linear->adapters;
            weight = linear->weight;
        } else if (auto* conv = dynamic_cast<md::nn::Conv2dLayerImpl*>(m.get())) {
            adapters = &conv->adapters;
            weight = conv->weight;
        }
        if (adapters == nullptr || adapters->size() < 2)
            continue;
        auto a32 = (*adapters)[1];
        a32.down = a32.down.to(torch::kFloat32);
        a32.up = a32.up.to(torch::kFloat32);
        weight.copy_(md::nn::mergedAdapterWeight(weight.to(torch::kFloat32), a32, 0.8));
    }
    const auto merged = unet->forward(sample, t, context).to(torch::kFloat32);
    std::printf("  run time vs merged (LoRA 2 at 0.8): max|diff| %.3g, max|out| %.3g, the LoRA "
                "moves the output by up to %.3g\n",
                (runTime - merged).abs().max().item<double>(), merged.abs().max().item<double>(),
                (merged - plain).abs().max().item<double>());
    return 0;
}
