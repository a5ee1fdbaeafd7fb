#pragma once

// One interface for the text tokenizers of the supported models: CLIP byte-level BPE
// (ClipTokenizer: SD 1.x / 2.x) and sentencepiece (SentencePieceTokenizer: the embedded
// model). Implementations are immutable after loading and safe to use from several threads
// at once.

#include <string>
#include <vector>

namespace md {

class Tokenizer
{
public:
    virtual ~Tokenizer() = default;

    // The token ids of a UTF-8 text: no BOS/EOS, no padding, no truncation.
    virtual std::vector<int> encode(const std::string& utf8) const = 0;
    // Text of token ids (special tokens are dropped); for display and debugging.
    virtual std::string decode(const std::vector<int>& ids) const = 0;

    virtual int bosId() const = 0; // -1: the model uses no BOS token
    virtual int eosId() const = 0;
    virtual int padId() const = 0;
    virtual int maxLength() const { return 77; } // ids per encoder call, BOS/EOS included
    virtual std::string kindName() const = 0;    // "CLIP BPE" or "sentencepiece"
    virtual int vocabSize() const = 0;
    // Ids of a comma token: the places where long prompts prefer to be cut (A1111's
    // "comma padding backtrack"). The default is encode(",") when that is one token.
    virtual std::vector<int> commaIds() const;

    // Prompt tokens that fit one chunk: maxLength() minus BOS (if any) and EOS (75 for CLIP).
    int chunkCapacity() const;
};

// One chunk exactly as Hugging Face's CLIPTokenizer(text, padding="max_length",
// max_length=77, truncation=True) gives it: BOS, the first chunkCapacity() tokens of
// encode(utf8), EOS, then padId() up to maxLength().
std::vector<int> encodeChunk(const Tokenizer& tokenizer, const std::string& utf8);

} // namespace md
