// loadTokenizer() for each kind of TokenizerFiles, above all the shipped CLIP BPE used for
// single-file checkpoints that carry no tokenizer.

#include "engine/pipeline/TokenizerLoading.h"

#include "engine/common/Fixtures.h"

#include <gtest/gtest.h>

namespace md {
namespace {

TEST(TokenizerLoading, BuiltinClipForEachEncoder)
{
    TokenizerFiles files;
    files.kind = TokenizerFiles::Kind::BuiltinClip;
    TextEncoderConfig config; // vocabSize 49408: SD 1.x / 2.x / SDXL

    auto sd15 = loadTokenizer(files, config, "model.safetensors");
    ASSERT_TRUE(sd15.isOk()) << sd15.error();
    EXPECT_EQ((*sd15)->vocabSize(), 49408);
    EXPECT_EQ((*sd15)->padId(), 49407);
    EXPECT_NE((*sd15)->kindName().find("shipped"), std::string::npos);
    EXPECT_EQ(encodeChunk(**sd15, "a photo of a cat")[5], 2368);

    files.builtinPadToken = "!";
    auto openClip = loadTokenizer(files, config, "model.safetensors");
    ASSERT_TRUE(openClip.isOk()) << openClip.error();
    EXPECT_EQ((*openClip)->padId(), 0);
    EXPECT_EQ(encodeChunk(**openClip, "a photo of a cat")[7], 0);

    config.vocabSize = 1102; // a small test encoder: the vocabulary is cut to fit
    auto small = loadTokenizer(files, config, "tiny.safetensors");
    ASSERT_TRUE(small.isOk()) << small.error();
    EXPECT_EQ((*small)->vocabSize(), 1102);
    EXPECT_EQ((*small)->bosId(), 1100);
    EXPECT_EQ((*small)->eosId(), 1101);

    config.vocabSize = 100;
    auto tooSmall = loadTokenizer(files, config, "odd.safetensors");
    ASSERT_FALSE(tooSmall.isOk());
    EXPECT_NE(tooSmall.error().find("odd.safetensors"), std::string::npos) << tooSmall.error();
    EXPECT_NE(tooSmall.error().find("100"), std::string::npos) << tooSmall.error();
}

TEST(TokenizerLoading, FilesAndMissingFiles)
{
    TokenizerFiles files;
    files.kind = TokenizerFiles::Kind::ClipBpe;
    const std::string dir = test::fixturePath("sdxl/tiny-sdxl/tokenizer_2/");
    files.vocabJson = dir + "vocab.json";
    files.mergesTxt = dir + "merges.txt";
    files.specialTokensMap = dir + "special_tokens_map.json";
    auto tok = loadTokenizer(files, TextEncoderConfig(), "tiny-sdxl");
    ASSERT_TRUE(tok.isOk()) << tok.error();
    EXPECT_EQ((*tok)->kindName(), "CLIP BPE");
    EXPECT_EQ((*tok)->padId(), 0);

    auto none = loadTokenizer(TokenizerFiles(), TextEncoderConfig(), "x.safetensors");
    ASSERT_FALSE(none.isOk());
    EXPECT_NE(none.error().find("--tokenizer"), std::string::npos) << none.error();
}

} // namespace
} // namespace md
