// Where a model's tiny decoder is found: the model folder's taesd/ and vae_tiny/ folders,
// the family's file beside a single file or in the folder, then the app's folders, and those
// only for Stable Diffusion's own VAE.

#include "engine/pipeline/PreviewDecoderLocator.h"

#include "engine/common/Fixtures.h"

#include <filesystem>
#include <gtest/gtest.h>

namespace md {
namespace {

namespace fs = std::filesystem;

using test::touch;

TEST(PreviewDecoderLocator, ModelFolderPlacesComeInOrder)
{
    const fs::path root = test::tempPath("locator-folder");
    const fs::path model = root / "model";
    const fs::path app = root / "app";
    touch(model / "unet" / "config.json");
    touch(model / "taesd" / "diffusion_pytorch_model.safetensors");
    touch(model / "vae_tiny" / "taesd_decoder.safetensors");
    touch(model / "taesd_decoder.safetensors");
    touch(model / "taesdxl_decoder.safetensors"); // another family's: not a candidate
    touch(app / "taesd_decoder.safetensors");

    PreviewDecoderQuery q;
    q.modelPath = model.string();
    const auto found = findPreviewDecoders(q, {app.string()});
    ASSERT_EQ(found.size(), 4u);
    EXPECT_EQ(found[0], (model / "taesd").string());
    EXPECT_EQ(found[1], (model / "vae_tiny" / "taesd_decoder.safetensors").string());
    EXPECT_EQ(found[2], (model / "taesd_decoder.safetensors").string());
    EXPECT_EQ(found[3], (app / "taesd_decoder.safetensors").string());

    // An empty taesd/ folder is no candidate.
    fs::remove_all(model / "taesd");
    fs::create_directories(model / "taesd");
    EXPECT_EQ(findPreviewDecoders(q, {}).front(),
              (model / "vae_tiny" / "taesd_decoder.safetensors").string());
}

TEST(PreviewDecoderLocator, SingleFilesAndFamilies)
{
    const fs::path root = test::tempPath("locator-file");
    touch(root / "models" / "sdxl.safetensors");
    touch(root / "models" / "taesd_decoder.safetensors");
    touch(root / "models" / "taesdxl_decoder.safetensors");
    touch(root / "app" / "taesdxl" / "diffusion_pytorch_model.safetensors");

    PreviewDecoderQuery q;
    q.modelPath = (root / "models" / "sdxl.safetensors").string();
    q.sdxl = true;
    q.vaeScalingFactor = 0.13025;
    const auto found = findPreviewDecoders(q, {(root / "app").string()});
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0], (root / "models" / "taesdxl_decoder.safetensors").string());
    EXPECT_EQ(found[1], (root / "app" / "taesdxl").string());

    q.sdxl = false;
    q.vaeScalingFactor = 0.18215;
    const auto sd = findPreviewDecoders(q, {(root / "app").string()});
    ASSERT_EQ(sd.size(), 1u); // no taesd/ in the app folder
    EXPECT_EQ(sd[0], (root / "models" / "taesd_decoder.safetensors").string());
}

TEST(PreviewDecoderLocator, AppFoldersOnlyForStableDiffusionsVae)
{
    const fs::path root = test::tempPath("locator-vae");
    touch(root / "app" / "taesd_decoder.safetensors");
    touch(root / "model" / "unet" / "config.json");
    PreviewDecoderQuery q;
    q.modelPath = (root / "model").string();
    q.vaeScalingFactor = 0.3968041511371768; // the embedded model's own VAE
    EXPECT_TRUE(findPreviewDecoders(q, {(root / "app").string()}).empty());
    q.vaeScalingFactor = 0.18215;
    EXPECT_EQ(findPreviewDecoders(q, {(root / "app").string()}).size(), 1u);
    q.latentChannels = 16;
    EXPECT_TRUE(findPreviewDecoders(q, {(root / "app").string()}).empty());
}

TEST(PreviewDecoderLocator, DefaultFoldersAreTheAppsResources)
{
    const auto dirs = defaultPreviewDecoderDirs({"/opt/extra"});
    ASSERT_GE(dirs.size(), 2u);
    EXPECT_EQ(dirs.back(), "/opt/extra");
    for (size_t i = 0; i + 1 < dirs.size(); ++i)
        EXPECT_EQ(fs::path(dirs[i]).filename(), "taesd") << dirs[i];
    EXPECT_EQ(previewDecoderFileName(true), "taesdxl_decoder.safetensors");
}

} // namespace
} // namespace md
