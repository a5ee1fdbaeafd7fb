#pragma once

// The vocabulary of a CLIP BPE tokenizer built from its merge list alone, by the rule of
// OpenAI's CLIP tokenizer (the vocab.json of every SD 1.x / 2.x / SDXL tokenizer follows it):
//   ids 0..255      the 256 byte-table symbols, printable bytes first (BytePairEncoder's
//                   byte table, in the order the GPT-2 table lists them),
//   ids 256..511    the same 256 symbols with the end-of-word marker "</w>",
//   ids 512..V-3    one token per merge, its two symbols joined, in merge order,
//   ids V-2, V-1    "<|startoftext|>" and "<|endoftext|>".
// Real CLIP has V = 49408 (48894 merges); a text encoder with a smaller vocabulary uses the
// first V - 514 merges.

#include "engine/Status.h"

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace md {

class BytePairEncoder;

struct ClipBpeVocabulary
{
    using Merges = std::vector<std::pair<std::string, std::string>>;

    static constexpr int kFullSize = 49408;   // OpenAI CLIP, SD 1.x / 2.x / SDXL
    static constexpr int kSmallestSize = 514; // the 512 byte symbols and the two specials
    static constexpr const char* kStartOfText = "<|startoftext|>";
    static constexpr const char* kEndOfText = "<|endoftext|>";

    std::unordered_map<std::string, int> vocab; // token -> id
    Merges merges;                              // in rank order

    // The merge lines of a merges.txt, at most `limit` of them; empty lines are skipped, and
    // the first line when it starts with "#version" or `firstLineIsHeader` (OpenAI's file
    // starts with `"bpe_simple_vocab_16e6.txt#version: 0.2`). `source` names the text in
    // messages.
    static Result<Merges> parseMerges(std::string_view text, const std::string& source,
                                      std::size_t limit = std::size_t(-1),
                                      bool firstLineIsHeader = false);
    // The vocabulary of `vocabSize` tokens from a merges text whose first line is a header
    // (skipped, whatever it says, as OpenAI's tokenizer does) and which has at least
    // vocabSize - 514 merges after it.
    static Result<ClipBpeVocabulary> fromMergesText(std::string_view text, int vocabSize,
                                                    const std::string& source);
    // The same from the merges shipped with the engine (resources/clip, EmbeddedClipBpe).
    static Result<ClipBpeVocabulary> builtin(int vocabSize);
    // The encoder of builtin(vocabSize) (unknown token: "<|endoftext|>"), built once and
    // shared while anything holds it: SDXL's two tokenizers, a model loaded again while the
    // last one is alive. Thread-safe.
    static Result<std::shared_ptr<const BytePairEncoder>> builtinEncoder(int vocabSize);
};

} // namespace md
