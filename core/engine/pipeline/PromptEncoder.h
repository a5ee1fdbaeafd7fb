#pragma once

// Prompt text -> the UNet's context, the way artists' tools (A1111) do it:
//   1. the prompt is parsed for emphasis ((word:1.2), (word), [word]) and cut into chunks of
//      the tokenizer's capacity (75 CLIP tokens), each framed to 77 ids (BOS ... EOS pad);
//   2. every chunk runs through the text encoder (with the model's clip skip);
//   3. "Original" emphasis: token vectors are multiplied by their weights, then the chunk is
//      rescaled so its mean equals the unweighted mean (skipped when all weights are 1, so
//      plain prompts give exactly diffusers' embeddings);
//   4. chunks are concatenated along the sequence: a 120-token prompt gives [1, 154, D].
// Prompts of different lengths (cond / uncond, or several regions) are padded to the same
// length with repeats of the empty prompt's encoding.

#include "engine/text/PromptChunker.h"

#include <map>
#include <string>
#include <torch/types.h>
#include <vector>

namespace md {

class StableDiffusionModel;

class PromptEncoder
{
public:
    explicit PromptEncoder(StableDiffusionModel& model);

    // [1, 77 * chunks, D], float32 on the model's device. Results are cached per text.
    torch::Tensor encode(const std::string& prompt);
    // Already chunked tokens (e.g. from PromptChunker::chunk with custom spans); not cached.
    torch::Tensor encode(const std::vector<TokenChunk>& chunks) { return encodeChunks(chunks); }
    // Several prompts, all padded to the longest (see padTo).
    std::vector<torch::Tensor> encodeAll(const std::vector<std::string>& prompts);
    // Appends repeats of the empty prompt's encoding up to `length` tokens (a multiple of
    // the chunk length above the current one).
    torch::Tensor padTo(const torch::Tensor& states, int64_t length);
    // The encoding of "" (one chunk).
    torch::Tensor emptyChunk();

    // A1111 "Original" emphasis on z [k, L, D] with weights [k, L].
    static torch::Tensor applyEmphasis(const torch::Tensor& z, const torch::Tensor& weights);

private:
    torch::Tensor encodeUncached(const std::string& prompt);
    torch::Tensor encodeChunks(const std::vector<TokenChunk>& chunks);

    StableDiffusionModel& m_model;
    std::map<std::string, torch::Tensor> m_cache;
};

} // namespace md
