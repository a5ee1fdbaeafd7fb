// The one model locator of the CLI and the app: the folders it searches and the order in
// which it lists what it finds there.

#include "engine/pipeline/ModelLocator.h"

#include "engine/common/Fixtures.h"

#include <cstdlib>
#include <filesystem>
#include <gtest/gtest.h>
#include <optional>

using namespace md;
namespace fs = std::filesystem;

namespace {

using test::touch;

// Sets an environment variable for the scope of a test.
class ScopedEnv
{
public:
    ScopedEnv(const char* name, const std::string& value) : m_name(name)
    {
        if (const char* old = std::getenv(name))
            m_old = old;
        ::setenv(name, value.c_str(), 1);
    }
    ~ScopedEnv()
    {
        if (m_old)
            ::setenv(m_name, m_old->c_str(), 1);
        else
            ::unsetenv(m_name);
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    const char* m_name;
    std::optional<std::string> m_old;
};

} // namespace

TEST(ModelLocator, SearchesTheEnvironmentThenTheInstallThenTheBuildTreeThenExtra)
{
    const ScopedEnv env("MDSTUDIO_MODELS", "/opt/models");
    const fs::path exe = executableDir();
    ASSERT_FALSE(exe.empty());
    const auto dirs = defaultModelSearchDirs({"/src/resources/models", "/opt/models"});
    const std::vector<std::string> expected = {
        "/opt/models",
        (exe / ".." / "share" / "mdstudio" / "models").lexically_normal().string(),
        (exe / ".." / "resources" / "models").lexically_normal().string(),
        (exe / ".." / ".." / "resources" / "models").lexically_normal().string(),
        "/src/resources/models", // "/opt/models" again is left out
    };
    EXPECT_EQ(dirs, expected);
}

TEST(ModelLocator, WithoutTheEnvironmentVariableStartsAtTheInstall)
{
    const ScopedEnv env("MDSTUDIO_MODELS", "");
    const auto dirs = defaultModelSearchDirs();
    ASSERT_FALSE(dirs.empty());
    EXPECT_NE(dirs.front().find("share/mdstudio/models"), std::string::npos) << dirs.front();
}

TEST(ModelLocator, ListsFoldersFirstThenFilesInNameOrderFolderByFolder)
{
    const fs::path root = test::tempPath("model-locator-order");
    fs::remove_all(root);
    // First folder: a checkpoint file, a folder of checkpoints, a diffusers folder (by its
    // unet/ folder alone), a folder with no model.
    touch(root / "first" / "a-single.safetensors");
    touch(root / "first" / "c-folder" / "z.safetensors");
    touch(root / "first" / "c-folder" / "b.SafeTensors");
    fs::create_directories(root / "first" / "d-diffusers" / "unet");
    touch(root / "first" / "b-notes" / "readme.txt");
    touch(root / "first" / "notes.txt");
    // Second folder: a diffusers folder by its model_index.json.
    touch(root / "second" / "e-model" / "model_index.json");

    const auto models = findModels(
        {(root / "missing").string(), (root / "first").string(), (root / "second").string()});
    const std::vector<std::string> expected = {
        (root / "first" / "c-folder" / "b.SafeTensors").string(),
        (root / "first" / "d-diffusers").string(),
        (root / "first" / "a-single.safetensors").string(),
        (root / "second" / "e-model").string(),
    };
    EXPECT_EQ(models, expected);
    ASSERT_TRUE(findDefaultModel({(root / "second").string(), (root / "first").string()}));
    EXPECT_EQ(*findDefaultModel({(root / "second").string(), (root / "first").string()}),
              (root / "second" / "e-model").string());
    EXPECT_FALSE(findDefaultModel({(root / "first" / "b-notes").string()}).has_value());
}

TEST(ModelLocator, DisplayNameIsTheLastPathPart)
{
    EXPECT_EQ(modelDisplayName("/models/tiny-sd15"), "tiny-sd15");
    EXPECT_EQ(modelDisplayName("/models/tiny-sd15/"), "tiny-sd15");
    EXPECT_EQ(modelDisplayName("/m/dreamshaper.safetensors"), "dreamshaper.safetensors");
    EXPECT_EQ(modelDisplayName("model"), "model");
}
