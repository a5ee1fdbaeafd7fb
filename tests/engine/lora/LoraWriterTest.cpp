#include "engine/lora/LoraWriter.h"

#include "engine/common/Fixtures.h"
#include "engine/common/TestLoraFile.h"
#include "engine/lora/LoraTestSupport.h"
#include "engine/pipeline/ModelLoras.h"

#include <gtest/gtest.h>
#include <map>
#include <torch/torch.h>

// saveLora writes a slot's adapters as a kohya file that reads back to the same weights.

namespace {

void expectSameWeights(const md::lora::LoraFile& a, const md::lora::LoraFile& b)
{
    ASSERT_EQ(a.modules().size(), b.modules().size());
    std::map<std::string, const md::lora::LoraModuleWeights*> byPath;
    for (const auto& m : b.modules())
        byPath[m.path] = &m;
    for (const auto& m : a.modules()) {
        auto it = byPath.find(m.path);
        ASSERT_NE(it, byPath.end()) << m.path;
        const auto& n = *it->second;
        EXPECT_TRUE(torch::equal(m.down.reshape({-1}), n.down.reshape({-1}))) << m.path;
        EXPECT_TRUE(torch::equal(m.up.reshape({-1}), n.up.reshape({-1}))) << m.path;
        EXPECT_EQ(m.mid.defined(), n.mid.defined()) << m.path;
        if (m.mid.defined()) {
            EXPECT_TRUE(torch::equal(m.mid, n.mid)) << m.path;
        }
        EXPECT_EQ(m.doraScale.defined(), n.doraScale.defined()) << m.path;
        if (m.doraScale.defined()) {
            EXPECT_TRUE(torch::equal(m.doraScale.reshape({-1}), n.doraScale.reshape({-1})));
        }
        EXPECT_NEAR(m.alphaOverRank, n.alphaOverRank, 1e-7) << m.path;
    }
}

void roundTrip(const std::string& fixture, const md::test::TestLoraOptions& options)
{
    SCOPED_TRACE(fixture);
    auto model = md::test::freshFixtureModel(fixture);
    const std::string path = md::test::tempPath("writer-in.safetensors");
    ASSERT_TRUE(md::test::writeTestLora(path, md::test::loraTargetsOf(*model), options));
    auto original = md::readLoraFor(*model, path);
    ASSERT_TRUE(original) << original.error();
    ASSERT_TRUE(md::attachLora(*model, *original, 2));

    const std::string saved = md::test::tempPath("writer-out.safetensors");
    ASSERT_TRUE(md::lora::saveLora(md::loraTargets(*model), 2, saved, {{"ss_output_name", "x"}}));
    auto back = md::readLoraFor(*model, saved);
    ASSERT_TRUE(back) << back.error();
    EXPECT_TRUE(back->unknownKeys().empty()) << back->unknownKeysNote();
    EXPECT_EQ(back->family(), original->family());
    EXPECT_EQ(back->metadata().at("ss_output_name"), "x");
    expectSameWeights(*original, *back);
    // The standard table (no model) reads the same modules.
    auto standard = md::lora::LoraFile::read(saved);
    ASSERT_TRUE(standard) << standard.error();
    expectSameWeights(*original, *standard);
}

} // namespace

TEST(LoraWriter, Sd15RoundTrip)
{
    md::test::TestLoraOptions options;
    options.resnetConvs = true;
    options.cp = true;
    options.dora = true;
    options.alpha = 3.0f;
    roundTrip("tiny-sd15", options);
    options.naming = md::test::TestLoraNaming::Peft; // saved as kohya all the same
    options.cp = false;
    roundTrip("tiny-sd15", options);
}

TEST(LoraWriter, SdxlRoundTripWithBothTextEncoders)
{
    md::test::TestLoraOptions options;
    options.naming = md::test::TestLoraNaming::Peft;
    roundTrip("sdxl/tiny-sdxl", options);
}

TEST(LoraWriter, AnEmptySlotIsAnError)
{
    auto model = md::test::freshFixtureModel("tiny-sd15");
    const auto status =
        md::lora::saveLora(md::loraTargets(*model), 0, md::test::tempPath("empty.safetensors"));
    ASSERT_FALSE(status);
    EXPECT_NE(status.message().find("slot 0"), std::string::npos) << status.message();
}
