// The reported model family: the released SD 1.x / 2.x shapes keep their names, the embedded
// model (resources/models/mds-tiny, which has SD 2.x-like linear projections and a gelu text
// encoder but a sentencepiece tokenizer) is not called "SD 2.x", and other models with a
// sentencepiece tokenizer are "custom SD-shaped".

#include "engine/common/Fixtures.h"
#include "engine/common/SyntheticModel.h"
#include "engine/io/CheckpointLayouts.h"
#include "engine/io/CheckpointLoader.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace md {
namespace {

namespace fs = std::filesystem;

ModelFamily familyOfFolder(const std::string& dir)
{
    auto ckpt = loadCheckpoint(dir);
    EXPECT_TRUE(ckpt) << dir << ": " << ckpt.error();
    return ckpt ? ckpt->config.family : ModelFamily::SD1;
}

std::string writeSynthetic(test::SyntheticModelSpec spec, const std::string& name)
{
    spec.name = name;
    const std::string dir = test::tempPath("family-" + name);
    test::writeDiffusersFolder(test::makeSyntheticModel(spec), dir);
    return dir;
}

// Replaces the folder's CLIP tokenizer by the embedded model's sentencepiece one.
void useSentencePieceTokenizer(const std::string& dir)
{
    const fs::path tok = fs::path(dir) / "tokenizer";
    fs::remove_all(tok);
    fs::create_directories(tok);
    fs::copy_file(test::sourcePath("resources/models/mds-tiny/tokenizer/spiece.model"),
                  tok / "spiece.model");
}

void addMarker(const std::string& dir)
{
    const fs::path path = fs::path(dir) / "model_index.json";
    std::ifstream in(path);
    auto index = nlohmann::json::parse(in);
    in.close();
    index["_md_model"] = "test-model";
    std::ofstream(path) << index.dump(2);
}

} // namespace

TEST(FamilyDetection, EmbeddedModelIsNotCalledSd2)
{
    auto ckpt = loadCheckpoint(test::sourcePath("resources/models/mds-tiny"));
    ASSERT_TRUE(ckpt) << ckpt.error();
    EXPECT_EQ(ckpt->tokenizer.kind, TokenizerFiles::Kind::SentencePiece);
    // Its layers alone look like SD 2.x (linear projections, gelu text encoder) ...
    EXPECT_EQ(familyOf(ckpt->config), ModelFamily::SD2);
    // ... but it says what it is.
    EXPECT_EQ(ckpt->config.family, ModelFamily::Embedded);
    EXPECT_EQ(familyName(ckpt->config.family), "embedded (SD-shaped, sentencepiece tokenizer)");
}

TEST(FamilyDetection, ReleasedShapesKeepTheirNames)
{
    EXPECT_EQ(familyOfFolder(test::fixturePath("tiny-sd15")), ModelFamily::SD1);
    EXPECT_EQ(familyOfFolder(writeSynthetic(test::sd1SmallSpec(), "sd1")), ModelFamily::SD1);
    EXPECT_EQ(familyOfFolder(writeSynthetic(test::sd2TinySpec(), "sd2")), ModelFamily::SD2);
    EXPECT_EQ(familyName(ModelFamily::SD2), "SD 2.x");
}

TEST(FamilyDetection, SentencePieceTokenizerMeansCustom)
{
    for (auto [spec, name] : {std::pair{test::sd2TinySpec(), std::string("sd2-spm")},
                              std::pair{test::sd1SmallSpec(), std::string("sd1-spm")}}) {
        const std::string dir = writeSynthetic(spec, name);
        useSentencePieceTokenizer(dir);
        EXPECT_EQ(familyOfFolder(dir), ModelFamily::Unknown) << name;
    }
    EXPECT_EQ(familyName(ModelFamily::Unknown), "custom SD-shaped");
}

TEST(FamilyDetection, MarkerMeansEmbeddedWhateverTheTokenizer)
{
    const std::string dir = writeSynthetic(test::sd2TinySpec(), "marked");
    addMarker(dir);
    EXPECT_EQ(familyOfFolder(dir), ModelFamily::Embedded);
}

} // namespace md
