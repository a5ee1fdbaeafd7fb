#pragma once

// The attention (emphasis) syntax that artists know from AUTOMATIC1111's web UI:
//   (text)        weight x 1.1            [text]       weight / 1.1
//   (text:1.3)    weight x 1.3            nesting multiplies: ((text)) = x 1.21
//   \( \) \[ \] \\   literal brackets / backslash (a lone backslash is dropped, as there)
//   an unclosed ( or [ applies to the end of the prompt; an unmatched ) or ] is text
//   BREAK         (upper case, a whole word) ends the current 75-token chunk
//   (text:w) where w is not a number, or ":w)" outside any "(", is plain text.
// Adjacent spans of equal weight are merged. Prompt scheduling ([a:b:step]), alternation
// ([a|b]) and AND are not interpreted: their characters stay text. One difference from
// A1111: a BREAK inside brackets still breaks (there it silently becomes the word "BREAK").

#include <string>
#include <vector>

namespace md {

struct PromptSpan
{
    std::string text; // UTF-8, exactly as written (escapes resolved)
    float weight = 1.0f;
    bool isBreak = false; // a BREAK marker (text empty, weight 1)

    bool operator==(const PromptSpan& o) const
    {
        return text == o.text && weight == o.weight && isBreak == o.isBreak;
    }
};

class PromptParser
{
public:
    // Never fails: any text is a prompt. An empty prompt gives one empty span.
    static std::vector<PromptSpan> parse(const std::string& prompt);

    // Weights are clamped to +-kMaxWeight after every factor, so no nesting depth or number
    // makes one infinite (or NaN later); request validation refuses a prompt that reaches it.
    static constexpr double kMaxWeight = 1000.0;
};

} // namespace md
