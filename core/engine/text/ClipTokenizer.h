#pragma once

// CLIP's byte-level BPE tokenizer (SD 1.x and 2.x), giving the same ids as Hugging Face's
// CLIPTokenizer (transformers 5):
//  1. special tokens (BOS, EOS, UNK, PAD and any other special/added token named in
//     special_tokens_map.json / tokenizer_config.json) are cut out of the raw text first,
//     case-sensitively, longest match first, and map straight to their ids. Note that the
//     SD 2.x tokenizers name "!" as their pad token, so there every "!" becomes id 0;
//  2. the rest goes through ClipPreTokenizer (NFC, lowercase, the CLIP split) and then
//     BytePairEncoder ("</w>" end marker, merges by rank, unknown -> the unk token).
// Thread-safe: encode() may be called from several threads at once.

#include "engine/Status.h"
#include "engine/text/BytePairEncoder.h"
#include "engine/text/Tokenizer.h"

#include <memory>
#include <string>
#include <vector>

namespace md {

struct ClipTokenizerOptions
{
    // Decode common HTML entities (twice) before tokenizing, as the original OpenAI CLIP
    // tokenizer does. Off by default: Hugging Face's CLIPTokenizer (what diffusers and the
    // reference ids use) keeps "&amp;" as text.
    bool htmlUnescape = false;
};

class ClipTokenizer : public Tokenizer
{
public:
    struct SpecialToken
    {
        std::string text;
        int id = -1;
    };

    // vocab.json + merges.txt; special_tokens_map.json and tokenizer_config.json are
    // optional ("" = absent) and give the BOS/EOS/UNK/PAD tokens (defaults:
    // <|startoftext|>, <|endoftext|>, <|endoftext|>, <|endoftext|>) and model_max_length.
    static Result<std::shared_ptr<ClipTokenizer>>
    load(const std::string& vocabJson, const std::string& mergesTxt,
         const std::string& specialTokensMapJson = "", const std::string& tokenizerConfigJson = "",
         const ClipTokenizerOptions& options = ClipTokenizerOptions());
    // The same from a tokenizer folder (vocab.json, merges.txt, and the two JSON files
    // when they exist), e.g. a diffusers model's tokenizer/.
    static Result<std::shared_ptr<ClipTokenizer>>
    loadFolder(const std::string& dir,
               const ClipTokenizerOptions& options = ClipTokenizerOptions());

    std::vector<int> encode(const std::string& utf8) const override;
    std::string decode(const std::vector<int>& ids) const override;
    int bosId() const override { return m_bosId; }
    int eosId() const override { return m_eosId; }
    int padId() const override { return m_padId; }
    int unkId() const { return m_unkId; }
    int maxLength() const override { return m_maxLength; }
    std::string kindName() const override { return "CLIP BPE"; }
    int vocabSize() const override { return m_bpe->vocabSize(); }

    const std::vector<SpecialToken>& specialTokens() const { return m_specialTokens; }
    const BytePairEncoder& bpe() const { return *m_bpe; }

private:
    ClipTokenizer() = default;
    void encodeText(const std::string& text, std::vector<int>& ids) const;
    bool isSpecial(int id) const;

    std::unique_ptr<BytePairEncoder> m_bpe;
    std::vector<SpecialToken> m_specialTokens; // longest first
    ClipTokenizerOptions m_options;
    int m_bosId = -1;
    int m_eosId = -1;
    int m_padId = -1;
    int m_unkId = -1;
    int m_maxLength = 77;
};

} // namespace md
