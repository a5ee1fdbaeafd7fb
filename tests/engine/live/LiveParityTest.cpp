// Few-step sampling against diffusers (tests/engine/live/data, made on the CPU in float32 by
// make_live_references.py): StableDiffusionPipeline on tiny-sd15 with LCMScheduler (1, 2, 4
// and 8 steps at cfg 1 — no unconditional pass — and 4 steps at cfg 1.5) and with DDIM /
// Euler at timestep_spacing "trailing" (GenerateRequest::timestepSpacing). The timesteps
// run exactly; final latents within 1e-3 x max|ref| (the fixtures' tolerance); images at
// PSNR >= 40 dB. One process, one loaded model.

#include "engine/common/CpuModel.h"
#include "engine/common/Fixtures.h"
#include "engine/common/ReferenceTensors.h"
#include "engine/io/SafetensorsFile.h"
#include "engine/pipeline/DiffusionPipeline.h"
#include "engine/pipeline/ModelSession.h"
#include "engine/pipeline/StableDiffusionModel.h"

#include <cstdio>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

using namespace md;

namespace {

std::string dataPath(const std::string& name)
{
    return test::sourcePath("tests/engine/live/data/" + name);
}

const nlohmann::json& cases()
{
    static const nlohmann::json json = [] {
        std::ifstream in(dataPath("live-cases.json"));
        if (!in)
            throw std::runtime_error("cannot read " + dataPath("live-cases.json"));
        return nlohmann::json::parse(in);
    }();
    return json;
}

torch::Tensor reference(const std::string& name)
{
    static const auto file = [] {
        auto opened = SafetensorsFile::open(dataPath("live-reference.safetensors"));
        if (!opened)
            throw std::runtime_error(opened.error());
        return opened.value();
    }();
    auto tensor = file->load(name);
    if (!tensor)
        throw std::runtime_error("reference tensor missing: " + tensor.error());
    return tensor.value();
}

std::shared_ptr<StableDiffusionModel> model()
{
    static const auto loaded = test::loadModelOnCpu(test::fixturePath("tiny-sd15"));
    return loaded;
}

GenerateRequest requestOf(const nlohmann::json& c)
{
    GenerateRequest r;
    r.prompt = c.at("prompt").get<std::string>();
    r.negative = c.at("negative_prompt").get<std::string>();
    r.width = c.at("width").get<int>();
    r.height = c.at("height").get<int>();
    r.steps = c.at("steps").get<int>();
    r.cfg = c.at("cfg").get<float>();
    r.seed = c.at("seed").get<std::uint64_t>();
    r.timestepSpacing = c.at("spacing").get<std::string>();
    const auto sampler = samplerFromName(c.at("sampler").get<std::string>());
    if (!sampler)
        throw std::runtime_error("unknown sampler in live-cases.json");
    r.sampler = *sampler;
    return r;
}

} // namespace

TEST(LiveParity, FewStepSchedulesMatchDiffusers)
{
    ASSERT_FALSE(cases().at("cases").empty());
    for (const auto& c : cases().at("cases")) {
        const auto name = c.at("name").get<std::string>();
        SCOPED_TRACE(name);
        const auto request = requestOf(c);
        ModelSession session(model());
        DiffusionPipeline pipeline(session);
        auto result = pipeline.run(request);
        ASSERT_TRUE(result.isOk()) << result.error();
        // cfg <= 1: the conditional path only (half the UNet work), as diffusers.
        EXPECT_EQ(result->plan.guided, request.cfg > 1.0f);

        const auto refSteps = reference(name + ".timesteps");
        ASSERT_EQ(static_cast<int64_t>(result->timesteps.size()), refSteps.numel());
        for (int64_t i = 0; i < refSteps.numel(); ++i)
            EXPECT_NEAR(result->timesteps[static_cast<size_t>(i)], refSteps[i].item<double>(), 1e-3)
                << "step " << i;

        const auto refLatents = reference(name + ".latents");
        const double diff = test::maxAbsDiff(result->latents, refLatents);
        const double refMax = refLatents.abs().max().item<double>();
        EXPECT_LE(diff, 1e-3 * refMax);
        const auto image = test::imageTensor(result->image);
        const double psnr = test::psnrU8(image, reference(name + ".image"));
        EXPECT_GE(psnr, 40.0);
        std::printf("%-24s latents max|diff| %.3g (%.3g of max|ref|), image %.1f dB\n",
                    name.c_str(), diff, diff / refMax, psnr);
    }
}

TEST(LiveParity, LcmRefusesMoreStepsThanItsSchedule)
{
    ModelSession session(model());
    DiffusionPipeline pipeline(session);
    GenerateRequest r;
    r.prompt = "a red apple";
    r.width = r.height = 64;
    r.sampler = SamplerKind::Lcm;
    r.steps = 60;
    auto result = pipeline.run(r);
    ASSERT_FALSE(result.isOk());
    EXPECT_NE(result.error().find("at most 50 steps"), std::string::npos) << result.error();
    r.steps = 4;
    r.timestepSpacing = "sideways";
    result = pipeline.run(r);
    ASSERT_FALSE(result.isOk());
    EXPECT_NE(result.error().find("timestep spacing"), std::string::npos) << result.error();
}
