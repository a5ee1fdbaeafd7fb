#include "engine/pipeline/PromptEncoder.h"

#include "engine/nn/LowRankAdapter.h"
#include "engine/pipeline/StableDiffusionModel.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <torch/torch.h>

namespace md {

PromptEncoder::PromptEncoder(StableDiffusionModel& model) : m_model(model) {}

torch::Tensor PromptEncoder::applyEmphasis(const torch::Tensor& z, const torch::Tensor& weights)
{
    auto out = z.clone();
    for (int64_t k = 0; k < z.size(0); ++k) {
        auto chunk = z[k];
        const auto originalMean = chunk.mean();
        auto weighted = chunk * weights[k].to(chunk.device(), chunk.scalar_type()).unsqueeze(-1);
        const auto newMean = weighted.mean();
        out[k] = weighted * (originalMean / newMean);
    }
    return out;
}

TextEncoding PromptEncoder::encodeUncached(const std::string& prompt,
                                           const std::vector<float>& textWeights)
{
    std::optional<nn::AdapterScales> loras;
    if (!textWeights.empty())
        loras.emplace(textWeights);
    auto first = encodeChunks(PromptChunker::chunkPrompt(m_model.tokenizer(), prompt), false);
    if (!m_model.isSdxl())
        return first;
    auto second = encodeChunks(PromptChunker::chunkPrompt(*m_model.tokenizer2(), prompt), true);
    // Different chunk counts (the tokenizers differ on "!"): pad the shorter side with its
    // encoder's part of the (cached) empty prompt's encoding.
    const auto padSide = [&](torch::Tensor states, int64_t length, int64_t offset) {
        if (states.size(1) >= length)
            return states;
        auto empty = emptyChunk(textWeights).context.narrow(2, offset, states.size(2));
        const int64_t repeats = (length - states.size(1)) / empty.size(1);
        return torch::cat({states, empty.repeat({1, repeats, 1})}, 1);
    };
    const int64_t length = std::max(first.context.size(1), second.context.size(1));
    auto context = torch::cat(
        {padSide(first.context, length, 0), padSide(second.context, length, first.context.size(2))},
        -1);
    return TextEncoding(context, second.pooled);
}

TextEncoding PromptEncoder::encodeChunks(const std::vector<TokenChunk>& chunks, bool second)
{
    if (chunks.empty())
        throw std::invalid_argument("prompt encoder: no token chunks");
    const auto k = static_cast<int64_t>(chunks.size());
    const auto length = static_cast<int64_t>(chunks.front().ids.size());
    std::vector<int64_t> ids;
    std::vector<float> weights;
    bool weighted = false;
    for (const auto& c : chunks) {
        if (static_cast<int64_t>(c.ids.size()) != length || c.weights.size() != c.ids.size())
            throw std::logic_error("prompt chunks of unequal length");
        ids.insert(ids.end(), c.ids.begin(), c.ids.end());
        weights.insert(weights.end(), c.weights.begin(), c.weights.end());
        for (float w : c.weights)
            weighted = weighted || w != 1.0f;
    }
    auto idTensor = torch::tensor(ids, torch::kInt64).view({k, length});
    TextEncoding out;
    torch::Tensor z;
    if (second) {
        auto encoded = m_model.encodeTokens2(idTensor, true);
        z = encoded.context;
        out.pooled = encoded.pooled.narrow(0, 0, 1); // the first chunk's
    } else {
        z = m_model.encodeTokens(idTensor); // [k, L, D]
    }
    if (weighted)
        z = applyEmphasis(z, torch::tensor(weights, torch::kFloat32).view({k, length}));
    out.context = z.reshape({1, k * length, z.size(2)});
    return out;
}

TextEncoding PromptEncoder::encode(const std::string& prompt, const std::vector<float>& textWeights)
{
    auto key = std::make_pair(textWeights, prompt);
    auto it = m_cache.find(key);
    if (it != m_cache.end())
        return it->second;
    auto z = encodeUncached(prompt, textWeights);
    if (m_cache.size() > 64)
        m_cache.clear();
    m_cache.emplace(std::move(key), z);
    return z;
}

TextEncoding PromptEncoder::emptyChunk(const std::vector<float>& textWeights)
{
    return encode("", textWeights);
}

void PromptEncoder::forgetAdapted()
{
    for (auto it = m_cache.begin(); it != m_cache.end();)
        it = it->first.first.empty() ? std::next(it) : m_cache.erase(it);
}

TextEncoding PromptEncoder::zerosLike(const TextEncoding& like)
{
    return TextEncoding(torch::zeros_like(like.context),
                        like.pooled.defined() ? torch::zeros_like(like.pooled) : torch::Tensor());
}

TextEncoding PromptEncoder::padTo(const TextEncoding& encoding, int64_t length,
                                  const std::vector<float>& textWeights)
{
    const int64_t have = encoding.context.size(1);
    if (have >= length)
        return encoding;
    const auto empty = emptyChunk(textWeights).context;
    const int64_t chunk = empty.size(1);
    const int64_t repeats = (length - have + chunk - 1) / chunk;
    return TextEncoding(torch::cat({encoding.context, empty.repeat({1, repeats, 1})}, 1),
                        encoding.pooled);
}

std::vector<TextEncoding>
PromptEncoder::encodeAll(const std::vector<std::string>& prompts,
                         const std::vector<std::vector<float>>& textWeights)
{
    static const std::vector<float> none;
    const auto weightsOf = [&](size_t i) -> const std::vector<float>& {
        return i < textWeights.size() ? textWeights[i] : none;
    };
    std::vector<TextEncoding> out;
    int64_t longest = 0;
    for (size_t i = 0; i < prompts.size(); ++i) {
        out.push_back(encode(prompts[i], weightsOf(i)));
        longest = std::max(longest, out.back().context.size(1));
    }
    for (size_t i = 0; i < out.size(); ++i)
        out[i] = padTo(out[i], longest, weightsOf(i));
    return out;
}

} // namespace md
