#pragma once

// The text side of the CLIP tokenizer, before BPE: normalisation and the split into
// pieces. It reproduces Hugging Face's CLIPTokenizer (transformers 5, a `tokenizers`
// pipeline): NFC, whitespace runs to one space, per-character lowercase, then a split by
//   <|startoftext|> | <|endoftext|> | 's|'t|'re|'ve|'m|'ll|'d | \p{L}+ | \p{N} | [^\s\p{L}\p{N}]+
// taking the first alternative that matches at each position (whitespace is dropped).
// Written by hand on our own Unicode tables: std::regex has no \p{L}.

#include <string>
#include <vector>

namespace md {

class ClipPreTokenizer
{
public:
    // NFC, then per-character full lowercasing. (Collapsing whitespace is not needed:
    // split() drops every whitespace character.)
    static std::u32string normalize(const std::string& utf8);

    // The pieces (UTF-8) of normalised text, in order.
    static std::vector<std::string> split(const std::u32string& normalized);

    // Decodes the common HTML entities (&amp; &lt; &gt; &quot; &apos; &#39; &nbsp; and
    // numeric &#N; / &#xH;). The original OpenAI tokenizer does this (twice) before
    // tokenizing; Hugging Face's does not, so ClipTokenizer applies it only on request.
    static std::string htmlUnescape(const std::string& text);
};

} // namespace md
