#pragma once

// CLIP's byte-level BPE tokenizer (SD 1.x, 2.x and SDXL), giving the same ids as Hugging
// Face's CLIPTokenizer (transformers 5):
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
#include <utility>
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
    // The special tokens by role, and what the tokenizer's JSON files add to them.
    struct TokenNames
    {
        std::string bos = "<|startoftext|>";
        std::string eos = "<|endoftext|>";
        std::string unk = "<|endoftext|>";
        std::string pad = "<|endoftext|>";
        std::vector<std::string> extra;                 // additional special tokens
        std::vector<std::pair<std::string, int>> added; // tokenizer_config's added tokens
        int maxLength = 77;
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

    // The tokenizer of a CLIP text encoder with `vocabSize` tokens from the CLIP BPE merges
    // shipped with the engine (ClipBpeVocabulary::builtin), for single-file checkpoints that
    // carry no tokenizer: 49408 for SD 1.x / 2.x / SDXL. `padToken` is "<|endoftext|>" (SD
    // 1.x, SDXL encoder 1) or "!" (OpenCLIP: SD 2.x, SDXL encoder 2); like the pad token of
    // Hugging Face's SD 2.x tokenizers, "!" is then special: every "!" in a text becomes id 0.
    // BOS/EOS/UNK as in the files' defaults, 77 ids per chunk.
    static Result<std::shared_ptr<ClipTokenizer>>
    fromBuiltinBpe(int vocabSize, const std::string& padToken = "<|endoftext|>",
                   const ClipTokenizerOptions& options = ClipTokenizerOptions());

    std::vector<int> encode(const std::string& utf8) const override;
    std::string decode(const std::vector<int>& ids) const override;
    int bosId() const override { return m_bosId; }
    int eosId() const override { return m_eosId; }
    int padId() const override { return m_padId; }
    int unkId() const { return m_unkId; }
    int maxLength() const override { return m_maxLength; }
    // "CLIP BPE", or "CLIP BPE (shipped with the app)" from fromBuiltinBpe().
    std::string kindName() const override { return m_kindName; }
    int vocabSize() const override { return m_bpe->vocabSize(); }

    const std::vector<SpecialToken>& specialTokens() const { return m_specialTokens; }
    const BytePairEncoder& bpe() const { return *m_bpe; }

private:
    ClipTokenizer() = default;
    // `source` names the vocabulary in messages.
    static Result<std::shared_ptr<ClipTokenizer>> create(std::shared_ptr<const BytePairEncoder> bpe,
                                                         const TokenNames& names,
                                                         const ClipTokenizerOptions& options,
                                                         const std::string& source);
    void encodeText(const std::string& text, std::vector<int>& ids) const;
    bool isSpecial(int id) const;

    std::shared_ptr<const BytePairEncoder> m_bpe; // shared by built-in tokenizers
    std::vector<SpecialToken> m_specialTokens;    // longest first
    ClipTokenizerOptions m_options;
    std::string m_kindName = "CLIP BPE";
    int m_bosId = -1;
    int m_eosId = -1;
    int m_padId = -1;
    int m_unkId = -1;
    int m_maxLength = 77;
};

} // namespace md
