// A 9-channel inpainting model end to end against diffusers' StableDiffusionInpaintPipeline
// (the references' inpaint9.* cases, strength 1 and 0.6), through a local harness that does
// what the pipeline must do with the pieces of this branch (see pipeline/InpaintChannels.h).
// Draws from one generator seeded 17: below strength 1 first the image's posterior sample,
// then the noise randn [1, 4, 32, 32], then the masked image's posterior sample. Start: at
// strength 1 x = noise * initNoiseSigma; below, the schedule keeps its last
// int(steps * strength) steps and x = addNoise(image latents, noise, first kept step).
// Every UNet call takes cat([scaled x, mask, masked latents]); no blend of kept latents.
// (The loop is written out here because the samplers cannot start mid-schedule yet; DDIM
// and Euler ancestral keep no state between steps, so starting at step 4 is exact.)

#include "engine/common/ReferenceTensors.h"
#include "engine/image/InpaintFixture.h"
#include "engine/pipeline/GuidedDenoiser.h"
#include "engine/pipeline/InpaintChannels.h"
#include "engine/pipeline/ModelSession.h"
#include "engine/pipeline/StableDiffusionModel.h"
#include "engine/preview/LatentPreviewer.h"
#include "engine/sampling/Rng.h"
#include "engine/sampling/Sampler.h"

#include <algorithm>
#include <cstdio>
#include <gtest/gtest.h>
#include <torch/torch.h>

using namespace md;

namespace {

struct Run
{
    torch::Tensor noise;
    torch::Tensor start;
    torch::Tensor latents;
    RgbImage image;
};

Run inpaint(SamplerKind kind, float strength)
{
    torch::NoGradGuard noGrad;
    auto model = test::inpaintModel();
    ModelSession session(model);
    const int steps = 10;
    auto sampler = makeSampler(kind, model->config().scheduler, model->prediction());
    sampler->setTimesteps(steps);
    const int kept = std::min(static_cast<int>(steps * strength), steps);
    const int first = steps - kept;
    auto text = session.prompts().encodeAll({"a red ball on a blue table", "blurry"});

    const auto image = InpaintChannels::imageTensor(test::referenceInitImage());
    const MaskImage mask = test::referenceMask();
    Rng rng(17);
    Run run;
    torch::Tensor imageLatents;
    if (strength < 1.0f)
        imageLatents = InpaintChannels::sampleLatents(session, image, rng);
    run.noise = rng.randn({1, 4, 32, 32});
    const auto maskedLatents =
        InpaintChannels::sampleLatents(session, InpaintChannels::maskedImage(image, mask), rng);
    const auto extra =
        InpaintChannels::assemble(InpaintChannels::latentMask(mask, 32, 32), maskedLatents);

    run.start = strength < 1.0f ? sampler->addNoise(imageLatents, run.noise, first)
                                : run.noise * static_cast<float>(sampler->initNoiseSigma());
    UNetFunction unet = [&](const torch::Tensor& s, const torch::Tensor& t,
                            const UNetConditioning& c) { return model->unet(s, t, c); };
    GuidedDenoiser denoiser(*sampler, unet, text[0], text[1], 7.5f);
    denoiser.setExtraChannels(extra);
    auto x = run.start;
    for (int i = first; i < steps; ++i)
        x = sampler->step(denoiser.predict(x, i), i, x, rng);
    run.latents = x;
    run.image = tensorToRgb(session.decode(run.latents, false));
    return run;
}

void compare(SamplerKind kind, const std::string& name, float strength)
{
    const Run run = inpaint(kind, strength);
    const std::string prefix = "inpaint9." + name + (strength < 1.0f ? ".s06." : ".s10.");
    EXPECT_EQ(test::maxAbsDiff(run.noise, test::img2imgReference(prefix + "noise")), 0.0);
    const auto refStart = test::img2imgReference(prefix + "start_latents");
    const double startDiff = test::maxAbsDiff(run.start, refStart);
    EXPECT_LE(startDiff, 1e-4 * refStart.abs().max().item<double>()) << startDiff;
    const auto ref = test::img2imgReference(prefix + "latents");
    const double diff = test::maxAbsDiff(run.latents, ref);
    const double tol = 1e-3 * ref.abs().max().item<double>();
    std::printf("  inpaint9 %-8s strength %.1f: start max|diff| %.3g, latents max|diff| %.3g "
                "(tol %.3g, max|ref| %.3g)\n",
                name.c_str(), strength, startDiff, diff, tol, ref.abs().max().item<double>());
    EXPECT_LE(diff, tol) << name;
    if (name == "ddim" && strength == 1.0f) {
        const double psnr =
            test::psnrU8(test::imageTensor(run.image), test::img2imgReference(prefix + "image"));
        std::printf("  inpaint9 %-8s image PSNR %.2f dB\n", name.c_str(), psnr);
        EXPECT_GE(psnr, 40.0);
    }
}

} // namespace

TEST(InpaintParity, DdimStrength1MatchesDiffusers)
{
    compare(SamplerKind::Ddim, "ddim", 1.0f);
}

TEST(InpaintParity, EulerAncestralStrength1MatchesDiffusers)
{
    compare(SamplerKind::EulerAncestral, "euler_a", 1.0f);
}

TEST(InpaintParity, DdimStrength06MatchesDiffusers)
{
    compare(SamplerKind::Ddim, "ddim", 0.6f);
}

TEST(InpaintParity, EulerAncestralStrength06MatchesDiffusers)
{
    compare(SamplerKind::EulerAncestral, "euler_a", 0.6f);
}
