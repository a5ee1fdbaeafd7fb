// A v-prediction SDXL fine-tune as NoobAI-v-pred ships it: the fixture's single file with
// `v_pred` and `ztsnr` marker tensors added. It loads as v_prediction on the zero-terminal-
// SNR schedule with trailing spacing (sampling starts at t = 999, pure noise), and a whole
// run with every sampler stays finite.

#include "engine/common/Fixtures.h"
#include "engine/io/SafetensorsFile.h"
#include "engine/io/SafetensorsWriter.h"
#include "engine/pipeline/DiffusionPipeline.h"
#include "engine/pipeline/ModelSession.h"
#include "engine/sampling/Sampler.h"
#include "engine/sdxl/SdxlFixtures.h"

#include <filesystem>
#include <gtest/gtest.h>
#include <torch/torch.h>

using namespace md;
using namespace md::test;

namespace {

std::shared_ptr<StableDiffusionModel> vPredModel()
{
    static auto model = [] {
        auto file = SafetensorsFile::open(fixturePath("sdxl/tiny-sdxl.safetensors"));
        if (!file)
            throw std::runtime_error(file.error());
        std::vector<std::pair<std::string, torch::Tensor>> tensors;
        for (const auto& t : (*file)->tensors())
            tensors.emplace_back(t.name, (*file)->load(t.name).value());
        tensors.emplace_back("v_pred", torch::zeros({0}));
        tensors.emplace_back("ztsnr", torch::zeros({0}));
        const std::string dir = tempPath("sdxl-vpred");
        std::filesystem::create_directories(dir);
        const std::string path = dir + "/noob-vpred-like.safetensors";
        if (Status s = writeSafetensors(path, tensors, {}); !s)
            throw std::runtime_error(s.message());
        // The tokenizers alone (the fixture folder's configs would say epsilon).
        namespace fs = std::filesystem;
        for (const char* t : {"tokenizer", "tokenizer_2"}) {
            fs::remove_all(dir + "/tokenizers/" + t);
            fs::create_directories(dir + "/tokenizers");
            fs::copy(fixturePath(std::string("sdxl/tiny-sdxl/") + t), dir + "/tokenizers/" + t,
                     fs::copy_options::recursive);
        }
        ModelOptions o;
        o.path = path;
        o.tokenizerDir = dir + "/tokenizers/tokenizer"; // tokenizer_2 beside it
        o.device = "cpu";
        auto model = StableDiffusionModel::load(o);
        if (!model)
            throw std::runtime_error(model.error());
        return model.value();
    }();
    return model;
}

} // namespace

TEST(SdxlVPrediction, MarkersSelectVPredictionOnAZeroSnrTrailingSchedule)
{
    auto model = vPredModel();
    EXPECT_EQ(model->info().family, "SDXL");
    EXPECT_EQ(model->prediction(), PredictionType::VPrediction);
    const auto& scheduler = model->config().scheduler;
    EXPECT_TRUE(scheduler.rescaleBetasZeroSnr);
    EXPECT_EQ(scheduler.timestepSpacing, "trailing");
    auto euler = makeSampler(SamplerKind::Euler, scheduler, model->prediction());
    euler->setTimesteps(20);
    EXPECT_DOUBLE_EQ(euler->timesteps().front(), 999.0);
}

TEST(SdxlVPrediction, EverySamplerRunsFinite)
{
    ModelSession session(vPredModel());
    DiffusionPipeline pipeline(session);
    for (SamplerKind kind : {SamplerKind::Euler, SamplerKind::EulerAncestral, SamplerKind::Ddim,
                             SamplerKind::DpmPp2m, SamplerKind::DpmPp2mKarras}) {
        auto request = sdxlTxt2ImgRequest(kind);
        request.steps = 6;
        auto result = pipeline.run(request);
        ASSERT_TRUE(result.isOk()) << result.error();
        EXPECT_TRUE(torch::isfinite(result->latents).all().item<bool>())
            << samplerName(kind);
        EXPECT_LT(result->latents.abs().max().item<double>(), 1e3) << samplerName(kind);
    }
}
