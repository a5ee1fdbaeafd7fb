// The LoRA `mdtrain lora` trained on the embedded model (tests/engine/embedded/data/
// pvx-stripes.safetensors: magenta/yellow diagonal stripes under the trigger word "pvx";
// recipe in docs/embedded-model.md), applied through the nn layers' run-time adapters at 512²:
// with it "pvx" draws the stripes, without it the model has no meaning for the word, and an
// ordinary word still draws its own concept. The per-region measurement through the engine is
// region-adherence-bench --lora (docs/region-adherence.md).

#include "engine/common/Fixtures.h"
#include "engine/embedded/PatchClassifier.h"
#include "engine/embedded/StandardLayouts.h"
#include "engine/io/CheckpointLoader.h"
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

} // namespace
} // namespace md
