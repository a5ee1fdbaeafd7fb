// A 9-channel inpainting model end to end against diffusers' StableDiffusionInpaintPipeline
// (the references' inpaint9.* cases at strength 1), through a local harness that does what
// the pipeline must do with the pieces of this branch (see pipeline/InpaintChannels.h):
//   draws from one generator seeded 17: noise randn [1, 4, 32, 32] (no image latents at
//   strength 1), then the masked image's posterior sample; x = noise * initNoiseSigma; every
//   UNet call takes cat([scaled x, mask, masked latents]); no blend of kept latents.

#include "engine/common/ReferenceTensors.h"
#include "engine/image/InpaintFixture.h"
#include "engine/pipeline/GuidedDenoiser.h"
#include "engine/pipeline/InpaintChannels.h"
#include "engine/pipeline/ModelSession.h"
#include "engine/pipeline/StableDiffusionModel.h"
#include "engine/preview/LatentPreviewer.h"
#include "engine/sampling/Rng.h"
#include "engine/sampling/Sampler.h"
#include "engine/sampling/SamplingLoop.h"

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

Run inpaint(SamplerKind kind)
{
    torch::NoGradGuard noGrad;
    auto model = test::inpaintModel();
    ModelSession session(model);
    auto sampler = makeSampler(kind, model->config().scheduler, model->prediction());
    sampler->setTimesteps(10);
    auto text = session.prompts().encodeAll({"a red ball on a blue table", "blurry"});

    const auto image = InpaintChannels::imageTensor(test::referenceInitImage());
    const MaskImage mask = test::referenceMask();
    Rng rng(17);
    Run run;
    run.noise = rng.randn({1, 4, 32, 32});
    const auto posterior = session.encodeImage(InpaintChannels::maskedImage(image, mask));
    const auto maskedLatents = posterior.sample(rng.randn({1, 4, 32, 32}));
    const auto extra =
        InpaintChannels::assemble(InpaintChannels::latentMask(mask, 32, 32), maskedLatents);

    run.start = run.noise * static_cast<float>(sampler->initNoiseSigma());
    UNetFunction unet = [&](const torch::Tensor& s, const torch::Tensor& t,
                            const UNetConditioning& c) { return model->unet(s, t, c); };
    GuidedDenoiser denoiser(*sampler, unet, text[0], text[1], 7.5f);
    denoiser.setExtraChannels(extra);
    auto latents = runSampling(*sampler, denoiser, run.start, rng);
    if (!latents)
        throw std::runtime_error(latents.error());
    run.latents = latents.value();
    run.image = tensorToRgb(session.decode(run.latents, false));
    return run;
}

void compare(SamplerKind kind, const std::string& name)
{
    const Run run = inpaint(kind);
    const std::string prefix = "inpaint9." + name + ".s10.";
    EXPECT_EQ(test::maxAbsDiff(run.noise, test::img2imgReference(prefix + "noise")), 0.0);
    const auto refStart = test::img2imgReference(prefix + "start_latents");
    EXPECT_LE(test::maxAbsDiff(run.start, refStart), 1e-6 * refStart.abs().max().item<double>());
    const auto ref = test::img2imgReference(prefix + "latents");
    const double diff = test::maxAbsDiff(run.latents, ref);
    const double tol = 1e-3 * ref.abs().max().item<double>();
    std::printf("  inpaint9 %-8s latents max|diff| %.3g (tol %.3g, max|ref| %.3g)\n", name.c_str(),
                diff, tol, ref.abs().max().item<double>());
    EXPECT_LE(diff, tol) << name;
    if (name == "ddim") {
        const double psnr =
            test::psnrU8(test::imageTensor(run.image), test::img2imgReference(prefix + "image"));
        std::printf("  inpaint9 %-8s image PSNR %.2f dB\n", name.c_str(), psnr);
        EXPECT_GE(psnr, 40.0);
    }
}

} // namespace

TEST(InpaintParity, DdimStrength1MatchesDiffusers)
{
    compare(SamplerKind::Ddim, "ddim");
}

TEST(InpaintParity, EulerAncestralStrength1MatchesDiffusers)
{
    compare(SamplerKind::EulerAncestral, "euler_a");
}
