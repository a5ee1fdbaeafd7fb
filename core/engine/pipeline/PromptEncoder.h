#pragma once

// Prompt text -> the UNet's context, the way artists' tools (A1111) do it:
//   1. the prompt is parsed for emphasis ((word:1.2), (word), [word]) and cut into chunks of
//      the tokenizer's capacity (75 CLIP tokens), each framed to 77 ids (BOS ... EOS pad);
//   2. every chunk runs through the text encoder (with the model's clip skip);
//   3. "Original" emphasis: token vectors are multiplied by their weights, then the chunk is
//      rescaled so its mean equals the unweighted mean (skipped when all weights are 1, so
//      plain prompts give exactly diffusers' embeddings);
//   4. chunks are concatenated along the sequence: a 120-token prompt gives [1, 154, D].
// SDXL: steps 1-3 run on each encoder with its own tokenizer, the states are concatenated on
// the feature axis ([1, 77k, 768 + 1280]) and the pooled vector is encoder 2's for the FIRST
// chunk (as A1111 and ComfyUI do); when the tokenizers cut a prompt into different chunk
// counts, the shorter side is padded with its empty prompt's chunk.
// Prompts of different lengths (cond / uncond, or several regions) are padded to the same
// length with repeats of the empty prompt's encoding.
// LoRA (issue 14): `textWeights` are the LoRA weights of the adapter slots while a prompt is
// encoded (nn::AdapterScales; empty: none), so a region's prompt is encoded with its own
// LoRAs; its padding uses the empty prompt encoded with the same weights (as a model with
// the LoRA merged would pad). The cache is keyed by text and weights.

#include "engine/sampling/Conditioning.h"
#include "engine/text/PromptChunker.h"

#include <map>
#include <string>
#include <torch/types.h>
#include <utility>
#include <vector>

namespace md {

class StableDiffusionModel;

class PromptEncoder
{
public:
    explicit PromptEncoder(StableDiffusionModel& model);

    // context [1, 77 * chunks, D] (+ SDXL's pooled [1, P]), float32 on the model's device.
    // Results are cached per text.
    TextEncoding encode(const std::string& prompt, const std::vector<float>& textWeights = {});
    // Several prompts, all padded to the longest (see padTo); textWeights[i] for prompt i
    // (missing: none).
    std::vector<TextEncoding> encodeAll(const std::vector<std::string>& prompts,
                                        const std::vector<std::vector<float>>& textWeights = {});
    // Appends repeats of the empty prompt's encoding up to `length` tokens (a multiple of
    // the chunk length above the current one); the pooled vector is kept.
    TextEncoding padTo(const TextEncoding& encoding, int64_t length,
                       const std::vector<float>& textWeights = {});
    // The encoding of "" (one chunk).
    TextEncoding emptyChunk(const std::vector<float>& textWeights = {});
    // Drops the encodings made with LoRA weights (the session calls it when the LoRA files
    // in the adapter slots change); plain encodings stay.
    void forgetAdapted();
    // SDXL's force_zeros_for_empty_prompt: zeros shaped like `like` (context and pooled).
    static TextEncoding zerosLike(const TextEncoding& like);

    // A1111 "Original" emphasis on z [k, L, D] with weights [k, L].
    static torch::Tensor applyEmphasis(const torch::Tensor& z, const torch::Tensor& weights);

private:
    TextEncoding encodeUncached(const std::string& prompt, const std::vector<float>& textWeights);
    // One encoder's chunks -> [1, 77k, D] (and encoder 2's pooled vector of chunk 0 when
    // `second` is set).
    TextEncoding encodeChunks(const std::vector<TokenChunk>& chunks, bool second);

    StableDiffusionModel& m_model;
    std::map<std::pair<std::vector<float>, std::string>, TextEncoding> m_cache;
};

} // namespace md
