#pragma once

// Captions -> token id batches for training, framed exactly as the engine frames a prompt
// chunk at inference (encodeChunk: BOS, the pieces, EOS, padding to maxLength).

#include "engine/Status.h"

#include <memory>
#include <string>
#include <torch/torch.h>
#include <vector>

namespace md {

class Tokenizer;

class CaptionTokenizer
{
public:
    // A sentencepiece .model file.
    static Result<CaptionTokenizer> load(const std::string& modelPath);

    // [B, maxLength] int64 on `device`.
    torch::Tensor encode(const std::vector<std::string>& captions, torch::Device device) const;
    std::vector<int> encodeOne(const std::string& caption) const;
    int vocabSize() const;
    int maxLength() const;

private:
    std::shared_ptr<const Tokenizer> m_tokenizer;
};

} // namespace md
