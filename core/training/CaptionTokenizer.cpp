#include "training/CaptionTokenizer.h"

#include "engine/text/SentencePieceTokenizer.h"
#include "engine/text/Tokenizer.h"

namespace md {

Result<CaptionTokenizer> CaptionTokenizer::load(const std::string& modelPath)
{
    auto tok = SentencePieceTokenizer::load(modelPath);
    if (!tok)
        return tok.status();
    CaptionTokenizer out;
    out.m_tokenizer = *tok;
    return out;
}

std::vector<int> CaptionTokenizer::encodeOne(const std::string& caption) const
{
    return encodeChunk(*m_tokenizer, caption);
}

torch::Tensor CaptionTokenizer::encode(const std::vector<std::string>& captions,
                                       torch::Device device) const
{
    const int64_t length = m_tokenizer->maxLength();
    std::vector<int64_t> ids;
    ids.reserve(captions.size() * size_t(length));
    for (const auto& c : captions) {
        auto chunk = encodeOne(c);
        chunk.resize(size_t(length), m_tokenizer->padId());
        ids.insert(ids.end(), chunk.begin(), chunk.end());
    }
    return torch::tensor(ids, torch::kLong).view({int64_t(captions.size()), length}).to(device);
}

int CaptionTokenizer::vocabSize() const
{
    return m_tokenizer->vocabSize();
}

int CaptionTokenizer::maxLength() const
{
    return m_tokenizer->maxLength();
}

} // namespace md
