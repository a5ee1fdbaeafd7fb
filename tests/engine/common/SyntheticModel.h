#pragma once

// Random-weight Stable-Diffusion-shaped models of any small architecture, written in both
// checkpoint layouts, for loader / network / pipeline tests that must not depend on one
// fixture:
//   - a diffusers folder: model_index.json, unet/ vae/ text_encoder/ (config.json + weights),
//     tokenizer/ (copied from the fixture tiny-sd15/tokenizer), scheduler/;
//   - a single-file LDM .safetensors: model.diffusion_model.*, first_stage_model.* (VAE
//     attention as 1x1 convs, decoder levels reversed), and the text encoder as SD 1.x CLIP
//     (cond_stage_model.transformer.text_model.*) or SD 2.x OpenCLIP
//     (cond_stage_model.model.*: fused in_proj, transposed text_projection, and one more
//     resblock than the diffusers model has, which the loader must drop).
//
// The tensors are generated here from the diffusers architecture (not from the engine's
// modules), so a network that disagrees with diffusers' state-dict shapes fails to load them.
// Every value is exactly representable in fp16, so an F16 single file and an F32 folder hold
// the same numbers. Errors throw std::runtime_error (test code).

#include <cstdint>
#include <map>
#include <string>
#include <torch/types.h>
#include <utility>
#include <vector>

namespace md::test {

struct SyntheticModelSpec
{
    std::string name = "synthetic";
    uint64_t seed = 1;

    // UNet (diffusers UNet2DConditionModel fields). Up blocks mirror the down blocks.
    std::vector<int> blockOutChannels{32, 64};
    std::vector<bool> downBlockHasAttention{true, false};
    int layersPerBlock = 1;
    std::vector<int> unetHeads{8, 8}; // head COUNTS per level (config "attention_head_dim")
    bool useLinearProjection = false; // SD 2.x: proj_in / proj_out are Linear
    bool upcastAttention = false;
    int sampleSize = 32; // latent pixels
    int inChannels = 4;
    int outChannels = 4;

    // VAE (AutoencoderKL)
    std::vector<int> vaeBlockOutChannels{32, 32, 32, 32}; // 4 levels: scale factor 8
    int vaeLayersPerBlock = 1;
    int latentChannels = 4;
    double scalingFactor = 0.18215;

    // Text encoder (CLIPTextModel); its width is the UNet's cross-attention dim.
    int textHiddenSize = 32;
    int textLayers = 2;
    int textHeads = 4;
    int textIntermediateSize = 64;
    int vocabSize = 1102;                 // the fixture tokenizer's vocabulary
    std::string hiddenAct = "quick_gelu"; // "gelu" for SD 2.x
    bool openClipLayout = false; // single file: OpenCLIP text keys (SD 2.x) instead of CLIP
    std::string openClipPrefix = "cond_stage_model.model."; // or "conditioner.embedders.0.model."
    // The OpenCLIP file holds one resblock more than the diffusers model (as the original SD
    // 2.x files do). Off: a file converted from diffusers (23 blocks for SD 2.x).
    bool openClipExtraBlock = true;
    bool textProjection = false; // text_projection.weight [projectionDim, width] in both layouts
    int projectionDim = 32;

    // Scheduler
    std::string predictionType = "epsilon"; // or "v_prediction"

    // Storage
    torch::Dtype folderDtype = torch::kFloat32;
    torch::Dtype singleFileDtype = torch::kFloat16;
    std::map<std::string, std::string> singleFileMetadata; // e.g. modelspec.prediction_type
};

// SD 1.x-style: 3 levels [32, 64, 64] (attention in the first two), 2 layers per block, 1x1
// conv proj, 8 heads, a 768-wide quick_gelu CLIP (12 heads, as the head rule says), 4-level
// VAE with 2 layers per block, latent sample_size 40 (non-default), epsilon.
SyntheticModelSpec sd1StyleSpec();
// SD 1.x layout at the fixture's scale: 4 levels [32, 32, 64, 64], 1 layer per block, a
// 32-wide CLIP (4 heads), epsilon.
SyntheticModelSpec sd1SmallSpec();
// SD 2.x-style: linear proj, upcast attention, 1024-wide gelu text encoder (16 heads) in the
// OpenCLIP single-file layout with text_projection, 3 levels [64, 64, 128] with the head_dim
// 64 rule ([1, 1, 2] heads), 1 layer per block, sample_size 96 (768 px), v-prediction.
SyntheticModelSpec sd2StyleSpec();
// A tiny SD 2.x-style model as diffusers' conversion script writes it: linear proj and a
// 32-wide gelu text encoder, but CLIP text keys in the single file (no OpenCLIP layout),
// 2 levels, 8 heads, v-prediction.
SyntheticModelSpec sd2TinySpec();

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

struct SyntheticModel
{
    SyntheticModelSpec spec;
    NamedTensors unet;        // diffusers names, float32
    NamedTensors vae;         // diffusers names (attention to_q etc. as Linear [C, C])
    NamedTensors textEncoder; // transformers names ("text_model.*", "text_projection.weight")
    NamedTensors extraOpenClipBlock; // the last OpenCLIP resblock (single file only), LDM names
};

SyntheticModel makeSyntheticModel(const SyntheticModelSpec& spec);

// The diffusers folder at `dir` (created; replaced if it exists).
void writeDiffusersFolder(const SyntheticModel& model, const std::string& dir);
// The same model as one LDM .safetensors file.
void writeLdmSingleFile(const SyntheticModel& model, const std::string& path);
// The LDM tensors that writeLdmSingleFile stores (before the dtype conversion).
NamedTensors ldmTensors(const SyntheticModel& model);

// The inverse key maps (diffusers -> LDM, without the component prefix). UNet:
// `upBlockHasAttention` tells where an up block's upsampler sits (output_blocks.N.2.conv
// after an attention, .1.conv without). VAE: `levels` decoder levels.
std::string ldmUNetName(const std::string& name, int layersPerBlock,
                        const std::vector<bool>& upBlockHasAttention);
std::string ldmVaeName(const std::string& name, int levels);

// One tensor by name (throws when absent).
const torch::Tensor& findTensor(const NamedTensors& tensors, const std::string& name);

} // namespace md::test
