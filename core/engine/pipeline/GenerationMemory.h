#pragma once

// What a generation will take before it starts: its peak memory and its UNet work, and the
// refusal (with the largest size of the same shape that fits) when the memory is beyond what
// the process may still allocate. Arithmetic on the plan and the model's configs only: no
// tensor is allocated, so the app can show it before Generate.
//
// The memory model (deliberately simple, in the style of io/MemoryEstimate; validated
// against peak RSS in docs/reliability-soak.md). Bytes on top of what is loaded:
//  - canvas: the latents and the sampler's state (x, the prediction, its fusion sums,
//    multistep history, the initial noise, previews: 12 latent maps of C channels, float32)
//    and the region weights and coverage (2 one-channel maps per prompt);
//  - phases, whichever is largest:
//      setup: the region masks (and a reroll mask) at canvas size while they are built (3
//             canvas maps) and the VAE encodes: bootstrapping colours at the view's size (4
//             maps of the encoder's first width, at full resolution), or the start image
//             (imageEncodeBytes: whole or tiled, the image as 8-bit and float);
//      steps: one UNet call on the largest view batch, the activations of io/MemoryEstimate's
//             model at the view's size (skips, 8 maps of the largest level, feed-forward
//             temporaries) times the batch, plus the attention scores of the first attention
//             level: batch x heads x tokens^2, at most nn/Attention's chunk budget (2 MB on
//             the CPU, 256 MB elsewhere) since scores are computed in chunks; and a full VAE
//             preview decode when the request asks for one;
//      decode: the VAE decode (3 full-resolution maps of the width entering the last decoder
//             level, plus its mid-block attention scores) of the whole canvas or of one tile
//             (preview/TiledVaeDecoder), the tiled decoder's float32 accumulators (3 images)
//             and the output (a float32 image and 8-bit RGB, twice); circular canvases add
//             2 images for the wrap.
//  - weights (parameters and buffers of the loaded modules) and 512 MiB of runtime are
//    already in the process: they count in the peak, not against what is available.
//  - from a start image the canvas holds 3 more latent maps and a latent mask; a reroll's
//    composite adds 4 float images to the decode phase.
// UNet work: evaluations = steps run (all, or the strength's share from a start image) x
// samples per step (views x prompts x 2 when guided).

#include "engine/EngineTypes.h"
#include "engine/GenerationEstimate.h"
#include "engine/io/ModelConfig.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace md {

class StableDiffusionModel;

class GenerationMemory
{
public:
    // What the estimate needs to know of the loaded model.
    struct ModelFacts
    {
        UNetConfig unet;
        VaeConfig vae;
        std::int64_t weightBytes = 0;
        int elementBytes = 4;    // the UNet's working dtype
        int vaeElementBytes = 4; // the VAE's
        bool cuda = false;
    };
    // What the process may still allocate, and which limit says so.
    struct Budget
    {
        std::optional<std::int64_t> bytes;
        std::string source;
    };
    using PlanFunction = std::function<GenerationPlan(const GenerateRequest&)>;

    explicit GenerationMemory(ModelFacts facts);
    static ModelFacts factsOf(StableDiffusionModel& model);

    // Bytes and evaluations of `request` run as `plan` (fits, no availability).
    GenerationEstimate estimate(const GenerateRequest& request, const GenerationPlan& plan) const;
    // The same against `budget`: when it does not fit, the largest size of the request's
    // shape that does (`planFor` plans the resized requests) and the refusal message.
    GenerationEstimate check(const GenerateRequest& request, const PlanFunction& planFor,
                             const Budget& budget) const;

    // The VAE encode of a start image of H x W pixels (img2img, reroll, upscaling), as
    // ModelSession::encodeImage runs it: whole, the encoder's full-resolution activations
    // (5 maps of its first width) and mid-block attention scores, the image twice (8-bit
    // and float32 in [-1, 1]); tiled (TiledVaeEncoder::wanted), the same for one tile plus the
    // latent-size accumulators -- bounded by the tile, whatever the image.
    std::int64_t imageEncodeBytes(int heightPx, int widthPx) const;
    bool encodesTiled(int heightPx, int widthPx) const;

    // The smallest of MemAvailable (/proc/meminfo), RLIMIT_AS minus the address space in use
    // (VmSize) and RLIMIT_DATA minus the data in use (VmData); unknown when none is known.
    static Budget machineBudget();
    // A "Name:   N kB" field of /proc/self/status, in bytes.
    static std::optional<std::int64_t> statusField(const std::string& status,
                                                   const std::string& name);

private:
    std::int64_t unetBytes(int batch, int viewH, int viewW) const;
    std::int64_t attentionBytes(int batch, int viewH, int viewW) const;
    std::int64_t vaeDecodeBytes(int latentH, int latentW) const;
    // The encoder's first level at full resolution (4 maps), with its mid-block attention
    // scores when asked.
    std::int64_t vaeEncodeBytes(int latentH, int latentW, bool attention) const;
    std::int64_t decodeBytes(const GenerateRequest& request, const GenerationPlan& plan) const;

    ModelFacts m_facts;
};

} // namespace md
