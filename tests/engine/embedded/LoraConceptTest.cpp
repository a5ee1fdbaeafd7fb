// The LoRA `mdtrain lora` trained on the embedded model (tests/engine/embedded/data/
// pvx-stripes.safetensors: magenta/yellow diagonal stripes under the trigger word "pvx";
// recipe in docs/embedded-model.md), applied through the nn layers' run-time adapters at 512²:
// with it "pvx" draws the stripes, without it the model has no meaning for the word, and an
// ordinary word still draws its own concept. The per-region measurement through the engine is
// region-adherence-bench --lora (docs/region-adherence.md).

#include "engine/Engine.h"
#include "engine/common/Fixtures.h"
#include "engine/embedded/PatchClassifier.h"
#include "engine/embedded/StandardLayouts.h"
#include "engine/io/CheckpointLoader.h"
#include "engine/lora/LoraAttachment.h"
#include "engine/nn/LowRankAdapter.h"
#include "engine/nn/ModelFactory.h"
#include "training/LoraTargets.h"
#include "training/PreviewSampler.h"

#include <gtest/gtest.h>
#include <iostream>

namespace md {
namespace {

using test::PatchClassifier;
using test::SceneConcept;

TEST(LoraConcept, TheShippedLoraDrawsItsConceptOnlyWhenEnabled)
{
    auto ck = loadCheckpoint(test::sourcePath("resources/models/mds-tiny"));
    ASSERT_TRUE(ck.isOk()) << ck.error();
    auto unet = nn::loadUNet(ck->config.unet, ck->unet, torch::kFloat32);
    auto text = nn::loadTextEncoder(ck->config.textEncoder, ck->textEncoder, torch::kFloat32);
    auto vae = nn::loadVae(ck->config.vae, ck->vae, torch::kFloat32);
    ASSERT_TRUE(unet.isOk() && text.isOk() && vae.isOk());
    auto tokenizer = CaptionTokenizer::load(ck->tokenizer.sentencePieceModel);
    ASSERT_TRUE(tokenizer.isOk()) << tokenizer.error();
    auto targets = LoraTargets::find(**unet, "lora_unet", LoraTargetSet());
    const Status loaded = LoraTargets::load(
        targets, test::sourcePath("tests/engine/embedded/data/pvx-stripes.safetensors"), 0);
    ASSERT_TRUE(loaded.isOk()) << loaded.message();
    NoisingProcess noising(ck->config.scheduler);
    PreviewModel model;
    model.unet = *unet;
    model.text = *text;
    model.vae = *vae;
    model.tokenizer = &*tokenizer;
    model.noising = &noising;
    model.scalingFactor = ck->config.vae.scalingFactor;
    model.latentSize = 64; // 512 x 512, the size the stripes were drawn for
    const std::vector<std::string> prompts = {"pvx", "red"};
    torch::Tensor with, without;
    {
        nn::AdapterScales on({1.0f});
        with = (PreviewSampler::sample(model, prompts, 20, 7.5, 1) + 1.0) / 2.0;
    }
    {
        nn::AdapterScales off({0.0f});
        without = (PreviewSampler::sample(model, prompts, 20, 7.5, 1) + 1.0) / 2.0;
    }
    const PatchClassifier classifier;
    // The candidates: the words of the region-adherence layouts (the concepts the stripes
    // compete with there) and the stripes. (Against all 25 words a patch inside one yellow
    // or magenta stripe is as much "yellow" or "pink" as stripes.)
    auto words = test::StandardLayouts::words();
    words.push_back(SceneConcept::stripes());
    const int64_t stripes = int64_t(words.size() - 1);
    auto share = [&](const torch::Tensor& image, int64_t id) {
        return (classifier.classify(image, words) == id).to(torch::kDouble).mean().item<double>();
    };
    int64_t red = -1;
    for (size_t i = 0; i < words.size(); ++i)
        if (words[i] == SceneConcept::of(Colour::Red))
            red = int64_t(i);
    ASSERT_GE(red, 0);
    const double withShare = share(with[0], stripes), withoutShare = share(without[0], stripes);
    const double redShare = share(with[1], red);
    std::cout << "[lora] 'pvx' labelled stripes: " << withShare << " with the LoRA, "
              << withoutShare << " without; 'red' with the LoRA labelled red: " << redShare
              << std::endl;
    // Measured (seed 1): 0.32 with, 0 without. The model draws the yellow stripes well but
    // its magenta comes out a pale lilac, which the classifier often takes for gray, stone,
    // sunset or purple; the stripes are what wins most, and never without the LoRA.
    EXPECT_GT(withShare, 0.25);
    EXPECT_LT(withoutShare, 0.05);
    EXPECT_GT(redShare, 0.8);
}

// The engine reads the trainer's file like any artist's: a kohya file with one module per
// adapted layer and nothing unknown, the trigger word first among its tags, and attached by
// the engine's loader it gives the UNet the same output as the trainer's own adapters.
TEST(LoraConcept, TheEngineReadsTheTrainersFile)
{
    const std::string path = test::sourcePath("tests/engine/embedded/data/pvx-stripes.safetensors");
    auto info = Engine::inspectLora(path);
    ASSERT_TRUE(info.isOk()) << info.error();
    EXPECT_EQ(info->format, "kohya");
    EXPECT_EQ(info->rank, 8);
    // inspectLora reads against SD's layers (no model at hand): the 8 adapted layers of
    // mds-tiny's down_blocks.3, which SD 1.x has without attention, are unknown there (24
    // tensors); against the loaded embedded model below all 56 resolve.
    EXPECT_EQ(info->unetModules + info->unknownKeys / 3, 56);
    ASSERT_FALSE(info->triggerWords.empty());
    EXPECT_EQ(info->triggerWords.front(), "pvx");

    auto ck = loadCheckpoint(test::sourcePath("resources/models/mds-tiny"));
    ASSERT_TRUE(ck.isOk()) << ck.error();
    auto unet = nn::loadUNet(ck->config.unet, ck->unet, torch::kFloat32);
    auto text = nn::loadTextEncoder(ck->config.textEncoder, ck->textEncoder, torch::kFloat32);
    ASSERT_TRUE(unet.isOk() && text.isOk());
    lora::LoraTargets model;
    model.unet = *unet;
    model.text = *text;
    model.family = ck->config.family;
    auto file = lora::LoraFile::read(path, model.moduleTable());
    ASSERT_TRUE(file.isOk()) << file.error();
    EXPECT_TRUE(file->unknownKeys().empty()) << file->unknownKeysNote();
    EXPECT_EQ(file->modules().size(), 56u);
    ASSERT_TRUE(lora::attachLora(model, *file, 1).isOk());
    auto own = LoraTargets::find(**unet, "lora_unet", LoraTargetSet());
    ASSERT_TRUE(LoraTargets::load(own, path, 0).isOk());

    torch::NoGradGuard noGrad;
    torch::manual_seed(5);
    auto x = torch::randn({1, 4, 32, 32});
    auto t = torch::full({1}, 500, torch::kLong);
    auto context = (*text)->forward(
        CaptionTokenizer::load(ck->tokenizer.sentencePieceModel)->encode({"pvx"}, torch::kCPU));
    torch::Tensor base, engine, trainer;
    {
        nn::AdapterScales none({0.0f, 0.0f});
        base = (*unet)->forward(x, t, context);
    }
    {
        nn::AdapterScales engineSlot({0.0f, 1.0f});
        engine = (*unet)->forward(x, t, context);
    }
    {
        nn::AdapterScales trainerSlot({1.0f, 0.0f});
        trainer = (*unet)->forward(x, t, context);
    }
    EXPECT_GT((engine - base).abs().max().item<double>(), 1e-3) << "the LoRA changes nothing";
    EXPECT_LT((engine - trainer).abs().max().item<double>(), 1e-5);
}

} // namespace
} // namespace md
