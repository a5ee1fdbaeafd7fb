#pragma once

// The engine's public value types. Plain C++ only (no libtorch, no Qt), so the document
// layer, the GUI and the CLI can include them without pulling libtorch's headers in.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace md {

// ---- Limits ---------------------------------------------------------------------------------
// Written once: Engine::validate() enforces them, the document layer checks projects against
// them and the apps size their controls with them.
constexpr int kMaxCanvasSize = 16384; // canvas side in pixels
constexpr int kCanvasMultiple = 8;    // canvas sides are multiples of the VAE factor (8 for all)
// The smallest canvas side a project holds (the engine itself takes any positive multiple).
constexpr int kMinCanvasSize = 64;
constexpr std::size_t kMaxRegions = 64;
constexpr int kMaxSteps = 1000; // and never more than the model's training timesteps
constexpr int kMaxBootstrapSteps = kMaxSteps;
constexpr int kMaxCfg = 100;                                 // CFG scale in [0, kMaxCfg]
constexpr int kMinWindow = 8;                                // view side, latent pixels (0: native)
constexpr int kMaxWindow = kMaxCanvasSize / kCanvasMultiple; // latent pixels
constexpr int kMinStride = 1;                                // view stride, latent pixels
constexpr int kMaxStride = kMaxCanvasSize / kCanvasMultiple; // latent pixels
constexpr int kMaxFeatherPx = 512;                           // soft region edges, canvas pixels
constexpr int kMaxRegionStrength = 10;                       // region strength in [0, 10]
// Upscaling a result (hires fix): factors in [kMinUpscale, kMaxUpscale].
constexpr double kMinUpscale = 1.0;
constexpr double kMaxUpscale = 4.0;
// Prompt work is bounded before any encoding (a 30 kB prompt once took 400 s and 5.6 GB):
// bytes per prompt (as the document layer's kMaxPromptBytes), 75-token chunks per prompt,
// and chunks over all the prompts and negatives of one generation. BREAK and empty chunks
// cost nothing.
constexpr std::size_t kMaxPromptTextBytes = 64 * 1024;
constexpr int kMaxPromptChunks = 32;      // 32 x 75 = 2400 tokens per prompt
constexpr int kMaxGenerationChunks = 256; // every prompt and negative together

// 8-bit RGB, row-major, 3 bytes per pixel, no padding.
struct RgbImage
{
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> pixels;
    bool empty() const { return width <= 0 || height <= 0; }
};

// A painted region mask at canvas size, values in [0, 1] (soft edges allowed).
struct MaskImage
{
    int width = 0;
    int height = 0;
    std::vector<float> values;
    bool empty() const { return width <= 0 || height <= 0; }
};

enum class SamplerKind { Ddim, Euler, EulerAncestral, DpmPp2m, DpmPp2mKarras, Lcm };
// "ddim", "euler", "euler_a", "dpmpp_2m", "dpmpp_2m_karras", "lcm" (the CLI's names). LCM is
// for few-step models (LCM-LoRA, LCM-distilled): at most 50 steps, typically 2-8 at CFG 1-2.
std::optional<SamplerKind> samplerFromName(const std::string& name);
std::string samplerName(SamplerKind kind);
std::string samplerDisplayName(SamplerKind kind); // "DPM++ 2M Karras" (A1111's names)
std::vector<SamplerKind> allSamplers();

enum class PredictionType { Auto, Epsilon, VPrediction };
std::optional<PredictionType> predictionFromName(const std::string& name);
std::string predictionName(PredictionType type); // "epsilon", "v_prediction", "auto"

struct ModelOptions
{
    std::string path;         // a diffusers folder or a single-file .safetensors checkpoint
    std::string tokenizerDir; // optional: tokenizer files when the checkpoint has none
    PredictionType prediction = PredictionType::Auto; // Auto: config or detection
    int clipSkip = 0;            // A1111 meaning (1 = last layer, 2 = penultimate); 0: default
    std::string device = "auto"; // "cpu", "cuda", "cuda:N" or "auto"
    std::string dtype = "auto";  // "float32", "float16", "bfloat16" or "auto"
    // A diffusers weight variant (diffusers' `variant=`): in a folder, each component's
    // `<name>.<variant>.safetensors` is read where present, the plain file elsewhere. The
    // embedded model's few-step UNet is its "lcm" variant. Empty: the plain weights.
    std::string variant;
    // The tiny autoencoder (TAESD / TAESDXL decoder) for fast previews and live frames:
    // "" = look beside the model and in the app's resources, "none" = the linear preview
    // only, or the path of a decoder (a folder or a .safetensors file).
    std::string previewDecoder;
    // On a CUDA device: replay the UNet calls of small batches (launch-bound: txt2img, a few
    // regions, live mode) as CUDA graphs (engine/cuda/CudaGraphCache.h). false: plain calls.
    bool cudaGraphs = true;
};

struct ModelInfo
{
    std::string path;
    std::string layout;      // "diffusers folder" or "single-file (LDM)"
    std::string family;      // "SD 1.x", "SD 2.x", "SDXL", ...
    std::string prediction;  // "epsilon" or "v_prediction"
    std::string tokenizer;   // "CLIP BPE" or "sentencepiece"
    std::string storedDtype; // dtype of the file's weights, e.g. "F16"
    std::string dtype;       // working dtype
    std::string device;
    int threads = 0; // libtorch intra-op threads (CPU work), read by Engine::info()
    int clipSkip = 1;
    int nativeWidth = 512; // the UNet's sample_size times the VAE factor
    int nativeHeight = 512;
    int latentChannels = 4;
    int vaeScaleFactor = 8;
    // The UNet's input channels: latentChannels for a text-to-image model, 2 *
    // latentChannels + 1 (9) for an inpainting model (SD 1.5 / SDXL inpainting), whose UNet
    // also takes the reroll mask and the VAE latents of the masked image.
    int unetInChannels = 4;
    bool inpainting = false;
    std::int64_t unetParameters = 0;
    std::int64_t vaeParameters = 0;
    std::int64_t textEncoderParameters = 0;
    // SDXL: the second text encoder (0 when there is none).
    std::int64_t textEncoder2Parameters = 0;
    std::string textEncoders; // e.g. "CLIP ViT-L (12 layers, 768)" or "CLIP-L + OpenCLIP bigG"
    std::string vae;          // e.g. "scale 8, scaling factor 0.13025, decoded in float32"
    std::string variant;      // the weight variant loaded ("" = plain weights)
    std::vector<std::string> variants; // variants the model folder offers, e.g. {"lcm"}
    std::string previewDecoder;        // the tiny decoder loaded (its path); "" = linear only
    // Why a tiny decoder that was found or named is not used (corrupt, another family), or
    // what was skipped before the one loaded; "" when there is nothing to say.
    std::string previewDecoderNote;
    // CUDA graphs of the UNet calls: "off", "not in this build", "not on the CPU", or "on: N
    // captured, M calls replayed, F not capturable" (counts since loading).
    std::string cudaGraphs;
};

// ---- LoRA ------------------------------------------------------------------------------------
// A LoRA named in a prompt, as AUTOMATIC1111 writes it: <lora:NAME:WEIGHT> (the same weight for
// the UNet and the text encoder) or <lora:NAME:UNET_WEIGHT:TEXT_WEIGHT>; <lora:NAME> is weight 1.
// In the background prompt it acts on every pass; in a region's prompt only on that region's
// UNet passes and on the encoding of that region's prompt (core/engine/LoraTags.h parses them).
struct LoraUse
{
    std::string name; // NAME: resolves to NAME.safetensors in GenerateRequest::loraDirs
    float unetWeight = 1.0f;
    float textWeight = 1.0f;
    bool operator==(const LoraUse& o) const
    {
        return name == o.name && unetWeight == o.unetWeight && textWeight == o.textWeight;
    }
};

// A LoRA file named by a request, found on disk (Engine::lorasOf).
struct LoraFileUse
{
    std::string name; // as in the prompt
    std::string path; // the file it resolved to
};

// What a LoRA file is, read from its header alone (Engine::inspectLora): for the LoRA browser.
struct LoraInfo
{
    std::string path;
    std::string name;   // the file name without ".safetensors": what <lora:NAME:W> names
    std::string family; // "SD 1.x", "SD 2.x", "SDXL" or "unknown"
    std::string format; // "kohya", "PEFT/diffusers", "LoCon/LyCORIS"; ", DoRA" appended when so
    int rank = 0;       // the largest rank of its modules
    int unetModules = 0;
    int textEncoderModules = 0;
    int unknownKeys = 0; // tensors that match no module of the family (reported, not applied)
    // Most frequent tags of the kohya metadata ss_tag_frequency, most frequent first (at most
    // 10); empty when the file has none.
    std::vector<std::string> triggerWords;
    std::string baseModel; // ss_base_model_version / ss_sd_model_name / modelspec when present
};

// A box region in canvas pixels, origin top-left.
struct Box
{
    int x = 0;
    int y = 0;
    int width = 0;
    int height = 0;
};

struct Region
{
    std::string prompt;
    std::string negative;
    float strength = 1.0f;  // weight multiplier in the fusion
    std::optional<Box> box; // a box region, or else:
    MaskImage mask;         // a painted mask at canvas size (white = inside)
    // The region's own seed: its start noise (inside the region, at latent size) is drawn
    // from this seed instead of the request's, so a reroll can change one region only.
    std::optional<std::uint64_t> seed;
};

struct GenerateRequest
{
    std::string prompt;   // the background prompt
    std::string negative; // and its negative
    std::vector<Region> regions;
    int width = 512;
    int height = 512;
    int steps = 20;
    float cfg = 7.5f;
    std::uint64_t seed = 0;
    SamplerKind sampler = SamplerKind::DpmPp2mKarras;
    // The spacing of the steps over the training timesteps: "leading", "trailing" (what
    // few-step models such as SD-Turbo and Lightning are sampled with), "linspace"; empty:
    // the model's scheduler config. The LCM sampler has its own schedule and ignores it.
    std::string timestepSpacing;
    int bootstrapSteps = 0;   // MultiDiffusion bootstrapping (first B steps)
    int window = 0;           // view size in latent pixels; 0: the model's native size
    int stride = 8;           // view stride in latent pixels
    bool circular = false;    // wrap horizontally (360-degree panoramas)
    float featherPx = 0.f;    // soft region edges, in canvas pixels
    int fullDecodeEvery = 0;  // full VAE preview every N steps (0: never)
    bool cheapPreview = true; // cheap preview every step (the tiny decoder, else linear)
    // Decode the final image with the tiny autoencoder when one is loaded (live frames: fast,
    // slightly soft); the VAE otherwise.
    bool fastDecode = false;
    int maxBatch = 0; // UNet batch limit per call (0: chosen from memory budget)
    // Folders where <lora:NAME:...> tags in the prompts find NAME.safetensors (the first folder
    // that has it wins). A tag whose file is in none of them is an error naming the folders.
    std::vector<std::string> loraDirs;

    // ---- Image conditioning ----------------------------------------------------------------
    // Start from an image instead of noise (img2img, as diffusers' StableDiffusionImg2Img-
    // Pipeline): canvas-sized. The schedule keeps its last int(steps * strength) steps and
    // the image's latents (VAE posterior sample, the seed's first draw) are noised to the
    // first of them. Empty: text-to-image.
    RgbImage initImage;
    float strength = 0.75f; // denoising strength in (0, 1]; only with initImage
    // Reroll (inpainting, as diffusers' StableDiffusionInpaintPipeline): regenerate only
    // where rerollMask > 0 (canvas-sized, values in [0, 1], edges softened by featherPx).
    // Outside it the latents are initImage's noised to each step, and the final pixels are
    // initImage's exactly. Needs initImage. A 9-channel inpainting model gets the mask and
    // the masked image as extra UNet input. Empty: the whole canvas is generated.
    MaskImage rerollMask;
};

// How generate() would run a request (Engine::plan): the path it takes and what a step costs.
struct GenerationPlan
{
    bool fused = false;  // MultiDiffusion (regions, a canvas beyond one view, circular)
    int latentWidth = 0; // the canvas in latent pixels
    int latentHeight = 0;
    int viewWidth = 0; // one view in latent pixels (plain: the whole canvas)
    int viewHeight = 0;
    int stride = 0; // between views, latent pixels (fused only)
    int views = 1;
    int prompts = 1;            // the background prompt and one per region
    bool guided = true;         // cfg > 1: every (view, prompt) path takes 2 samples (uncond, cond)
    int batchLimit = 2;         // UNet samples one call may take
    std::string batchReason;    // why that many
    int unetSamplesPerStep = 2; // views x prompts x (2 when guided, else 1)
    int unetBatchesPerStep = 1; // UNet calls per step (a call may mix LoRA sets)
    // Distinct sets of UNet LoRA weights among the passes (<lora:...> tags: the background's
    // act on every pass, a region's on its own passes too); 0: no LoRA acts on the UNet.
    int loraSets = 0;
    bool tiledDecode = false;   // the final VAE decode runs in overlapping tiles
    bool wrappedDecode = false; // ... and wraps around horizontally (circular)
};

struct Progress
{
    int step = 0; // steps finished
    int totalSteps = 0;
    int batch = 0; // UNet batches finished in this step
    int totalBatches = 0;
};

struct PreviewFrame
{
    int step = 0;
    int totalSteps = 0;
    bool fullDecode = false; // true: a full VAE decode, false: the cheap linear preview
    RgbImage image;
};

struct GenerateCallbacks
{
    std::function<void(const Progress&)> onProgress;
    std::function<void(const PreviewFrame&)> onPreview;
    const std::atomic<bool>* cancel = nullptr; // checked between UNet calls
};

using LoadProgressFn = std::function<void(const std::string& stage, float fraction)>;

} // namespace md
