// Finding a request's LoRA files (Engine::lorasOf, pipeline/LoraFiles.h) and refusing bad
// tags and missing files in validation, with messages that say what to change.

#include "engine/pipeline/LoraFiles.h"

#include "engine/Engine.h"
#include "engine/common/Fixtures.h"

#include <filesystem>
#include <gtest/gtest.h>

namespace md {
namespace {

namespace fs = std::filesystem;

using test::touch;

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

GenerateRequest withRegion(const std::string& prompt, const std::string& regionPrompt)
{
    GenerateRequest r;
    r.prompt = prompt;
    Region region;
    region.prompt = regionPrompt;
    region.box = Box{0, 0, 32, 32};
    r.regions.push_back(region);
    return r;
}

TEST(LoraFiles, FirstFolderThatHasTheFileWins)
{
    const fs::path root = test::tempPath("lora-files-first");
    touch(root / "b" / "style.safetensors");
    touch(root / "c" / "style.safetensors");
    touch(root / "c" / "char.safetensors");
    GenerateRequest r = withRegion("sky <lora:style:0.5>", "cat <lora:char>");
    r.loraDirs = {(root / "a").string(), (root / "b").string(), (root / "c").string()};
    auto files = Engine::lorasOf(r);
    ASSERT_TRUE(files) << files.error();
    ASSERT_EQ(files->size(), 2u);
    EXPECT_EQ((*files)[0].name, "style");
    EXPECT_EQ(fs::path((*files)[0].path), root / "b" / "style.safetensors");
    EXPECT_EQ((*files)[1].name, "char");
    EXPECT_EQ(fs::path((*files)[1].path), root / "c" / "char.safetensors");
    // No tags: no files, no folder needed.
    EXPECT_TRUE(Engine::lorasOf(GenerateRequest{})->empty());
}

TEST(LoraFiles, MissingFileNamesItAndTheFolders)
{
    const fs::path root = test::tempPath("lora-files-missing");
    touch(root / "a" / "style.safetensors");
    GenerateRequest r = withRegion("sky <lora:style>", "cat <lora:kitty:0.8>");
    r.loraDirs = {(root / "a").string(), (root / "b").string()};
    auto files = Engine::lorasOf(r);
    ASSERT_FALSE(files);
    EXPECT_TRUE(contains(files.error(), "\"kitty\"")) << files.error();
    EXPECT_TRUE(contains(files.error(), "kitty.safetensors")) << files.error();
    EXPECT_TRUE(contains(files.error(), (root / "a").string())) << files.error();
    EXPECT_TRUE(contains(files.error(), (root / "b").string())) << files.error();

    r.loraDirs.clear();
    files = Engine::lorasOf(r);
    ASSERT_FALSE(files);
    EXPECT_TRUE(contains(files.error(), "no LoRA folder is set")) << files.error();
}

TEST(LoraFiles, NamesArePlainFileNames)
{
    const fs::path root = test::tempPath("lora-files-names");
    touch(root / "secret.safetensors");
    touch(root / "loras" / "x.safetensors");
    for (const std::string name : {"../secret", "sub/x", "a\\b", ".."}) {
        GenerateRequest r;
        r.prompt = "<lora:" + name + ":1> sky";
        r.loraDirs = {(root / "loras").string()};
        auto files = Engine::lorasOf(r);
        ASSERT_FALSE(files) << name;
        EXPECT_TRUE(contains(files.error(), "not a path")) << files.error();
    }
}

TEST(LoraFiles, BadTagsAreReportedWithTheirPrompt)
{
    GenerateRequest r = withRegion("sky", "cat <lora:style:strong>");
    Status s = checkLoraTags(r);
    ASSERT_FALSE(s);
    EXPECT_TRUE(contains(s.message(), "region 1's prompt")) << s.message();
    EXPECT_TRUE(contains(s.message(), "not a number")) << s.message();

    r = withRegion("sky <lora:a", "cat");
    s = checkLoraTags(r);
    ASSERT_FALSE(s);
    EXPECT_TRUE(contains(s.message(), "the prompt: ")) << s.message();
    EXPECT_TRUE(contains(s.message(), "closing")) << s.message();

    r = withRegion("sky", "cat");
    r.regions[0].negative = "ugly <lora:bad:1>";
    s = checkLoraTags(r);
    ASSERT_FALSE(s);
    EXPECT_TRUE(contains(s.message(), "region 1's negative prompt")) << s.message();
    EXPECT_TRUE(contains(s.message(), "move it to the prompt")) << s.message();
    EXPECT_FALSE(Engine::lorasOf(r));
}

} // namespace
} // namespace md
