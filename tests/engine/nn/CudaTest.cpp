// The same modules on a CUDA device (libtorch 2.x): float32 against the references, float16 and
// bfloat16 within a reduced-precision tolerance, training in bfloat16, and the speed of a
// full-size SD 1.5 UNet. Skipped where no CUDA device is available (the CI machine).

#include "engine/common/ReferenceTensors.h"
#include "engine/nn/Attention.h"
#include "engine/nn/ModelFactory.h"
#include "engine/nn/NnTestSupport.h"

#include <ATen/Context.h>
#include <chrono>
#include <gtest/gtest.h>
#include <iostream>
#include <torch/cuda.h>
#include <torch/torch.h>

using md::test::referenceTensor;
using md::test::withinComponentTolerance;

namespace {

#define MD_REQUIRE_CUDA()                                                                          \
    if (!torch::cuda::is_available())                                                              \
    GTEST_SKIP() << "no CUDA device"

// Full float32 products (no TF32), so float32 results compare with the CPU references.
void disableTf32()
{
    at::globalContext().setAllowTF32CuBLAS(false);
    at::globalContext().setAllowTF32CuDNN(false);
}

struct Outputs
{
    torch::Tensor text, textSkip2, pooled, unet, decoded, mean, std;
};

Outputs runAll(torch::Dtype dtype)
{
    const auto& checkpoint = md::test::tinyCheckpoint();
    const torch::Device cuda(torch::kCUDA);
    auto clip =
        md::nn::loadTextEncoder(checkpoint.config.textEncoder, checkpoint.textEncoder, dtype, cuda)
            .value();
    auto unet = md::nn::loadUNet(checkpoint.config.unet, checkpoint.unet, dtype, cuda).value();
    auto vae = md::nn::loadVae(checkpoint.config.vae, checkpoint.vae, dtype, cuda).value();
    c10::InferenceMode guard;
    auto on = [&](const char* name) { return referenceTensor(name).to(cuda, dtype); };
    Outputs out;
    auto ids = referenceTensor("text.input_ids").to(cuda);
    auto text = clip->forwardWithPooled(ids, 1);
    out.text = text.hidden.cpu().to(torch::kFloat);
    out.pooled = text.pooled.cpu().to(torch::kFloat);
    out.textSkip2 = clip->forward(ids, 2).cpu().to(torch::kFloat);
    out.unet = unet->forward(on("unet.sample"), referenceTensor("unet.timestep").to(cuda),
                             on("unet.encoder_hidden_states"))
                   .cpu()
                   .to(torch::kFloat);
    out.decoded = vae->decode(on("vae.latents") / 0.18215).cpu().to(torch::kFloat);
    auto dist = vae->encode(on("vae.image"));
    out.mean = dist.mean.cpu().to(torch::kFloat);
    out.std = dist.std.cpu().to(torch::kFloat);
    return out;
}

void printError(const std::string& what, const torch::Tensor& out, const torch::Tensor& ref,
                double relTolerance, bool& ok)
{
    const double error = md::test::maxAbsDiff(out, ref);
    const double scale = std::max(1.0, ref.abs().max().item<double>());
    std::cout << "[nn] " << what << ": max|diff| = " << error << " (" << error / scale
              << " of max(1, max|ref|))" << std::endl;
    ok = ok && error <= relTolerance * scale;
}

} // namespace

TEST(NnCuda, Float32MatchesReferences)
{
    MD_REQUIRE_CUDA();
    disableTf32();
    auto out = runAll(torch::kFloat);
    EXPECT_TRUE(withinComponentTolerance("cuda text.last_hidden_state", out.text,
                                         referenceTensor("text.last_hidden_state")));
    EXPECT_TRUE(withinComponentTolerance("cuda text.clip_skip2", out.textSkip2,
                                         referenceTensor("text.clip_skip2")));
    EXPECT_TRUE(
        withinComponentTolerance("cuda text.pooled", out.pooled, referenceTensor("text.pooled")));
    EXPECT_TRUE(withinComponentTolerance("cuda unet.out", out.unet, referenceTensor("unet.out")));
    EXPECT_TRUE(
        withinComponentTolerance("cuda vae.decoded", out.decoded, referenceTensor("vae.decoded")));
    EXPECT_TRUE(withinComponentTolerance("cuda vae.encoded_mean", out.mean,
                                         referenceTensor("vae.encoded_mean")));
    EXPECT_TRUE(withinComponentTolerance("cuda vae.encoded_std", out.std,
                                         referenceTensor("vae.encoded_std")));
}

TEST(NnCuda, ReducedPrecisionStaysClose)
{
    MD_REQUIRE_CUDA();
    for (auto dtype : {torch::kHalf, torch::kBFloat16}) {
        const std::string name = dtype == torch::kHalf ? "fp16 " : "bf16 ";
        const double tolerance = dtype == torch::kHalf ? 1e-2 : 5e-2;
        auto out = runAll(dtype);
        bool ok = true;
        printError(name + "text.last_hidden_state", out.text,
                   referenceTensor("text.last_hidden_state"), tolerance, ok);
        printError(name + "text.pooled", out.pooled, referenceTensor("text.pooled"), tolerance, ok);
        printError(name + "unet.out", out.unet, referenceTensor("unet.out"), tolerance, ok);
        printError(name + "vae.decoded", out.decoded, referenceTensor("vae.decoded"), tolerance,
                   ok);
        printError(name + "vae.encoded_mean", out.mean, referenceTensor("vae.encoded_mean"),
                   tolerance, ok);
        EXPECT_TRUE(ok) << name;
    }
}

TEST(NnCuda, ChunkedAttentionMatchesFusedKernel)
{
    MD_REQUIRE_CUDA();
    c10::InferenceMode guard;
    auto options = torch::TensorOptions().device(torch::kCUDA).dtype(torch::kHalf);
    auto q = torch::randn({2, 8, 1024, 40}, options);
    auto k = torch::randn({2, 8, 77, 40}, options);
    auto v = torch::randn({2, 8, 77, 40}, options);
    md::nn::AttentionOptions chunked;
    chunked.scoreBudgetBytes = 1 << 20;
    chunked.upcast = true;
    auto a = md::nn::chunkedAttention(q, k, v, chunked);
    auto b = md::nn::scaledDotProductAttention(q, k, v);
    EXPECT_LE(md::test::maxAbsDiff(a, b), 2e-3);
    chunked.causal = true;
    auto s = torch::randn({2, 8, 300, 40}, options);
    auto causal = md::nn::chunkedAttention(s, s, s, chunked);
    md::nn::AttentionOptions fused;
    fused.causal = true;
    // Outputs up to ~4 in magnitude: one float16 step there is 0.004.
    EXPECT_LE(md::test::maxAbsDiff(causal, md::nn::scaledDotProductAttention(s, s, s, fused)),
              1e-2);
}

TEST(NnCuda, TrainsInBFloat16)
{
    MD_REQUIRE_CUDA();
    md::UNetConfig config = md::test::tinyCheckpoint().config.unet;
    auto unet = md::nn::createUNet(config).value();
    unet->to(torch::kCUDA, torch::kBFloat16);
    unet->train();
    auto options = torch::TensorOptions().device(torch::kCUDA).dtype(torch::kBFloat16);
    auto sample = torch::randn({4, 4, 32, 32}, options);
    auto context = torch::randn({4, 77, config.crossAttentionDim}, options);
    auto timesteps = torch::randint(0, 1000, {4}, torch::TensorOptions().device(torch::kCUDA));
    torch::optim::AdamW optimizer(unet->parameters(), torch::optim::AdamWOptions(1e-4));
    for (int step = 0; step < 3; ++step) {
        optimizer.zero_grad();
        auto loss =
            (unet->forward(sample, timesteps, context).to(torch::kFloat) - sample.to(torch::kFloat))
                .pow(2)
                .mean();
        loss.backward();
        optimizer.step();
        ASSERT_TRUE(std::isfinite(loss.item<double>()));
    }
}

TEST(NnCuda, FullSizeSd15UNetSpeed)
{
    MD_REQUIRE_CUDA();
    // SD 1.5's UNet with random weights (timing only), fp16, batch 2 (one CFG step), 64x64.
    md::UNetConfig config; // the defaults are SD 1.5's
    auto unet = md::nn::createUNet(config, /*initialize=*/false).value();
    unet->to(torch::kCUDA, torch::kHalf);
    {
        torch::NoGradGuard noGrad;
        for (auto& p : unet->parameters())
            p.normal_(0.0, 0.02);
    }
    c10::InferenceMode guard;
    auto options = torch::TensorOptions().device(torch::kCUDA).dtype(torch::kHalf);
    struct Variant
    {
        const char* name;
        bool benchmark;
        bool channelsLast;
    };
    for (auto variant : {Variant{"default", false, false}, Variant{"cudnn.benchmark", true, false},
                         Variant{"benchmark+channels_last", true, true}}) {
        at::globalContext().setBenchmarkCuDNN(variant.benchmark);
        if (variant.channelsLast) {
            for (auto& p : unet->parameters())
                if (p.dim() == 4)
                    p.set_data(p.contiguous(torch::MemoryFormat::ChannelsLast));
        }
        for (int64_t batch : {2, 8}) {
            auto sample = torch::randn({batch, 4, 64, 64}, options);
            if (variant.channelsLast)
                sample = sample.contiguous(torch::MemoryFormat::ChannelsLast);
            auto context = torch::randn({batch, 77, 768}, options);
            auto t = torch::full({batch}, 500, torch::TensorOptions().device(torch::kCUDA));
            for (int i = 0; i < 3; ++i)
                unet->forward(sample, t, context);
            torch::cuda::synchronize();
            const int calls = 10;
            auto start = std::chrono::steady_clock::now();
            for (int i = 0; i < calls; ++i)
                unet->forward(sample, t, context);
            torch::cuda::synchronize();
            const double ms =
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                    .count() /
                calls;
            std::cout << "[nn] SD 1.5 UNet fp16 64x64 batch " << batch << " (" << variant.name
                      << "): " << ms << " ms per call" << std::endl;
        }
    }
    at::globalContext().setBenchmarkCuDNN(false);
}
