// The tiny decoder module on its own: parameter names and shapes (the layout both file forms
// map to), output sizes, the latent clamp, and its forward pass against the same
// computation written out with plain torch ops.

#include "engine/nn/TinyAutoencoderDecoder.h"

#include "engine/io/TinyDecoderConfig.h"
#include "engine/taesd/TinyDecoderFiles.h"

#include <gtest/gtest.h>
#include <map>
#include <set>
#include <torch/torch.h>

namespace md {
namespace {

std::map<std::string, std::vector<int64_t>> shapesOf(nn::TinyAutoencoderDecoder& decoder)
{
    std::map<std::string, std::vector<int64_t>> shapes;
    for (const auto& p : decoder->named_parameters())
        shapes[p.key()] = p.value().sizes().vec();
    return shapes;
}

TinyDecoderConfig smallConfig()
{
    TinyDecoderConfig c; // diffusers' test config of AutoencoderTiny
    c.blockOutChannels = {32, 32};
    c.numBlocks = {1, 1};
    return c;
}

TEST(TinyAutoencoderDecoder, TaesdLayoutNamesAndShapes)
{
    auto decoder = test::randomTinyDecoder(TinyDecoderConfig{}, 1);
    const auto shapes = shapesOf(decoder);
    // conv_in (2) + 10 blocks (6 each) + 3 level convs without bias + conv_out (2).
    EXPECT_EQ(shapes.size(), 67u);
    EXPECT_EQ(shapes.at("layers.0.weight"), (std::vector<int64_t>{64, 4, 3, 3}));
    EXPECT_EQ(shapes.at("layers.2.conv.0.weight"), (std::vector<int64_t>{64, 64, 3, 3}));
    EXPECT_EQ(shapes.at("layers.4.conv.4.bias"), (std::vector<int64_t>{64}));
    EXPECT_EQ(shapes.at("layers.6.weight"), (std::vector<int64_t>{64, 64, 3, 3})); // after up 5
    EXPECT_FALSE(shapes.count("layers.6.bias"));
    EXPECT_FALSE(shapes.count("layers.1.weight")); // ReLU
    EXPECT_FALSE(shapes.count("layers.5.weight")); // upsampling
    EXPECT_TRUE(shapes.count("layers.17.conv.2.weight"));
    EXPECT_EQ(shapes.at("layers.18.weight"), (std::vector<int64_t>{3, 64, 3, 3}));
    EXPECT_EQ(shapes.at("layers.18.bias"), (std::vector<int64_t>{3}));
    int64_t count = 0;
    for (const auto& p : decoder->parameters())
        count += p.numel();
    EXPECT_EQ(count, 1222531); // TAESD's decoder: 1.22 M parameters
}

TEST(TinyAutoencoderDecoder, ConfigFromShapesRoundTrips)
{
    TinyDecoderConfig odd;
    odd.latentChannels = 16; // TAESD3 / TAEF1-like
    odd.blockOutChannels = {8, 8, 8};
    odd.numBlocks = {2, 0, 1};
    for (const TinyDecoderConfig& c : {TinyDecoderConfig{}, smallConfig(), odd}) {
        auto decoder = test::randomTinyDecoder(c, 2);
        auto found = tinyDecoderConfigFromShapes(shapesOf(decoder), "test");
        ASSERT_TRUE(found) << found.error();
        EXPECT_TRUE(found.value() == c);
    }
}

TEST(TinyAutoencoderDecoder, ConfigFromShapesRefusesOtherLayouts)
{
    auto decoder = test::randomTinyDecoder(TinyDecoderConfig{}, 3);
    const auto shapes = shapesOf(decoder);
    auto missing = shapes;
    missing.erase("layers.9.conv.2.weight");
    auto r = tinyDecoderConfigFromShapes(missing, "x.safetensors");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().find("x.safetensors: not a tiny (TAESD) decoder"), std::string::npos);
    EXPECT_NE(r.error().find("layers.9"), std::string::npos) << r.error();

    auto widened = shapes;
    widened["layers.6.weight"] = {32, 64, 3, 3};
    EXPECT_FALSE(tinyDecoderConfigFromShapes(widened, "x"));
    auto stray = shapes;
    stray["first_stage_model.decoder.conv_in.weight"] = {512, 4, 3, 3};
    EXPECT_FALSE(tinyDecoderConfigFromShapes(stray, "x"));
}

TEST(TinyAutoencoderDecoder, UpsamplesByItsScaleFactor)
{
    torch::NoGradGuard noGrad;
    auto taesd = test::randomTinyDecoder({}, 4);
    EXPECT_EQ(taesd->forward(torch::randn({2, 4, 5, 7})).sizes(),
              (std::vector<int64_t>{2, 3, 40, 56}));
    auto small = test::randomTinyDecoder(smallConfig(), 4);
    EXPECT_EQ(small->config().scaleFactor(), 2);
    EXPECT_EQ(small->forward(torch::randn({1, 4, 6, 10})).sizes(),
              (std::vector<int64_t>{1, 3, 12, 20}));
}

TEST(TinyAutoencoderDecoder, ClampsLatentsSoftlyToThree)
{
    torch::NoGradGuard noGrad;
    auto decoder = test::randomTinyDecoder(smallConfig(), 5);
    auto sign = torch::randn({1, 4, 6, 6}).sign();
    // 3 tanh(x / 3): far-out latents all land on +-3 (tanh(50 / 3) is 1 in float32) ...
    auto huge = decoder->forward(sign * 1000);
    EXPECT_TRUE(torch::equal(huge, decoder->forward(sign * 50)));
    // ... but it is soft: latents beyond 3 still differ (a hard clamp would make these equal).
    EXPECT_FALSE(
        torch::allclose(decoder->forward(sign * 4), decoder->forward(sign * 6), 1e-4, 1e-5));
}

// The same network, written out from the parameters by name.
torch::Tensor byHand(nn::TinyAutoencoderDecoder& decoder, torch::Tensor x)
{
    std::map<std::string, torch::Tensor> p;
    for (const auto& item : decoder->named_parameters())
        p[item.key()] = item.value();
    const auto conv = [&p](const torch::Tensor& in, const std::string& name, bool bias) {
        return torch::conv2d(in, p.at(name + ".weight"),
                             bias ? p.at(name + ".bias") : torch::Tensor(), 1, 1);
    };
    const auto block = [&](const torch::Tensor& in, const std::string& name) {
        auto y = torch::relu(conv(in, name + ".conv.0", true));
        y = torch::relu(conv(y, name + ".conv.2", true));
        return torch::relu(conv(y, name + ".conv.4", true) + in);
    };
    x = torch::relu(conv(3 * torch::tanh(x / 3), "layers.0", true));
    x = block(x, "layers.2");
    x = torch::nn::functional::interpolate(x, torch::nn::functional::InterpolateFuncOptions()
                                                  .scale_factor(std::vector<double>{2, 2})
                                                  .mode(torch::kNearest));
    x = conv(x, "layers.4", false);
    x = block(x, "layers.5");
    return conv(x, "layers.6", true);
}

TEST(TinyAutoencoderDecoder, ForwardMatchesTheLayersWrittenOut)
{
    torch::NoGradGuard noGrad;
    auto decoder = test::randomTinyDecoder(smallConfig(), 6);
    auto latents = torch::randn({1, 4, 6, 9}) * 2;
    auto expected = byHand(decoder, latents);
    auto got = decoder->forward(latents);
    EXPECT_TRUE(torch::allclose(got, expected, 1e-5, 1e-6))
        << (got - expected).abs().max().item<float>();
}

} // namespace
} // namespace md
