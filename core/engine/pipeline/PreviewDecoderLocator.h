#pragma once

// Where a model's tiny preview decoder (TAESD / TAESDXL) is looked for when
// ModelOptions::previewDecoder is "", in this order:
//   1. a diffusers model folder's "taesd" or "vae_tiny" sub-folder (an AutoencoderTiny
//      folder, or one holding the family's decoder file);
//   2. the family's decoder file beside a single-file model or inside the model folder:
//      taesd_decoder.safetensors (SD 1.x / 2.x), taesdxl_decoder.safetensors (SDXL);
//   3. the app's decoder folders (defaultPreviewDecoderDirs): the family's decoder file, or
//      an AutoencoderTiny folder named "taesd" / "taesdxl". Only for a model whose VAE is
//      Stable Diffusion's own (4 latent channels, scaling factor 0.18215 or SDXL's 0.13025):
//      TAESD was distilled from that VAE and draws nonsense from any other latent space (the
//      embedded model's, for one).
// Nothing is downloaded and no weights ship with the app.

#include <string>
#include <vector>

namespace md {

struct PreviewDecoderQuery
{
    std::string modelPath; // a diffusers folder or a .safetensors file
    bool sdxl = false;
    int latentChannels = 4;
    double vaeScalingFactor = 0.18215;
};

// The existing candidates, best first (at most one per place above).
std::vector<std::string> findPreviewDecoders(const PreviewDecoderQuery& query,
                                             const std::vector<std::string>& appDirs);

// <exe>/../share/mdstudio/taesd (installed), <exe>/../resources/taesd and
// <exe>/../../resources/taesd (build trees), then `extra`; duplicates removed.
std::vector<std::string> defaultPreviewDecoderDirs(const std::vector<std::string>& extra = {});

// "taesdxl_decoder.safetensors" or "taesd_decoder.safetensors".
std::string previewDecoderFileName(bool sdxl);

} // namespace md
