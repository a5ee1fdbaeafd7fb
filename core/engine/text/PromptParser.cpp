#include "engine/text/PromptParser.h"

#include "engine/text/Unicode.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace md {

namespace {

constexpr double kRoundFactor = 1.1;
constexpr double kSquareFactor = 1 / 1.1;
constexpr double kMaxWeight = PromptParser::kMaxWeight;

struct Span
{
    std::string text;
    double weight = 1.0; // weights multiply in double precision, as in Python
    bool isBreak = false;
};

// One of `set`'s characters (never the NUL byte: strchr would find the terminator, and a
// prompt may hold NULs, e.g. from an escaped NUL in a project's JSON).
bool isOneOf(char c, const char* set)
{
    return c != '\0' && std::strchr(set, c) != nullptr;
}

bool isWordChar(char32_t c)
{
    return c == U'_' || Unicode::isLetter(c) || Unicode::isNumber(c);
}

// One lexeme of text, split at each BREAK (a whole upper-case word; the whitespace around
// it goes with it).
void appendText(std::vector<Span>& spans, const std::string& text)
{
    static const std::u32string kBreak = U"BREAK";
    const std::u32string u = Unicode::decodeUtf8(text);
    const std::size_t n = u.size();
    std::size_t partStart = 0;
    std::size_t searchFrom = 0;
    for (std::size_t p = u.find(kBreak, searchFrom); p != std::u32string::npos;
         p = u.find(kBreak, searchFrom)) {
        const std::size_t end = p + kBreak.size();
        const bool boundaryBefore = p == 0 || !isWordChar(u[p - 1]);
        const bool boundaryAfter = end == n || !isWordChar(u[end]);
        if (!boundaryBefore || !boundaryAfter) {
            searchFrom = p + 1;
            continue;
        }
        std::size_t left = p;
        while (left > partStart && Unicode::isWhitespace(u[left - 1]))
            --left;
        std::size_t right = end;
        while (right < n && Unicode::isWhitespace(u[right]))
            ++right;
        spans.push_back({Unicode::encodeUtf8(u.substr(partStart, left - partStart)), 1.0, false});
        spans.push_back({"", 1.0, true});
        partStart = searchFrom = right;
    }
    spans.push_back({Unicode::encodeUtf8(u.substr(partStart)), 1.0, false});
}

void multiplyFrom(std::vector<Span>& spans, std::size_t start, double factor)
{
    for (std::size_t i = start; i < spans.size(); ++i) {
        if (!spans[i].isBreak)
            spans[i].weight = std::clamp(spans[i].weight * factor, -kMaxWeight, kMaxWeight);
    }
}

// Whitespace (as a regex's \s) at byte offset i, and its length in bytes (0: none).
std::size_t whitespaceAt(const std::string& s, std::size_t i)
{
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80)
        return Unicode::isWhitespace(c) ? 1 : 0;
    const std::size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    const std::u32string cp = Unicode::decodeUtf8(s.substr(i, length));
    return (cp.size() == 1 && Unicode::isWhitespace(cp[0])) ? length : 0;
}

// ":" [ws] [+-]? [.0-9]+ [ws] ")" at i. On a match, `end` is one past the ")" and `number`
// the text of the number (its value may still fail to parse, as "1.2.3").
bool matchWeight(const std::string& s, std::size_t i, std::size_t& end, std::string& number)
{
    std::size_t j = i + 1;
    while (j < s.size() && whitespaceAt(s, j))
        j += whitespaceAt(s, j);
    const std::size_t numberStart = j;
    if (j < s.size() && (s[j] == '+' || s[j] == '-'))
        ++j;
    const std::size_t digitsStart = j;
    while (j < s.size() && (s[j] == '.' || (s[j] >= '0' && s[j] <= '9')))
        ++j;
    if (j == digitsStart)
        return false;
    number = s.substr(numberStart, j - numberStart);
    while (j < s.size() && whitespaceAt(s, j))
        j += whitespaceAt(s, j);
    if (j >= s.size() || s[j] != ')')
        return false;
    end = j + 1;
    return true;
}

bool parseNumber(const std::string& text, double& value)
{
    std::size_t start = 0;
    double sign = 1.0;
    if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
        sign = text[0] == '-' ? -1.0 : 1.0;
        start = 1;
    }
    if (text.find_first_of("0123456789", start) == std::string::npos)
        return false; // "." alone
    const char* first = text.data() + start;
    const char* last = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(first, last, value);
    if (ec != std::errc() || ptr != last)
        return false;
    value *= sign;
    return true;
}

} // namespace

std::vector<PromptSpan> PromptParser::parse(const std::string& prompt)
{
    std::vector<Span> spans;
    std::vector<std::size_t> round, square; // span index where each open bracket began
    const std::size_t n = prompt.size();
    std::size_t i = 0;
    while (i < n) {
        const char c = prompt[i];
        if (c == '\\') {
            if (i + 1 < n && isOneOf(prompt[i + 1], "()[]\\")) {
                spans.push_back({std::string(1, prompt[i + 1]), 1.0, false});
                i += 2;
            } else {
                ++i; // a lone backslash is dropped
            }
        } else if (c == '(') {
            round.push_back(spans.size());
            ++i;
        } else if (c == '[') {
            square.push_back(spans.size());
            ++i;
        } else if (c == ':') {
            std::size_t end = 0;
            std::string number;
            double weight = 0;
            if (matchWeight(prompt, i, end, number) && parseNumber(number, weight)) {
                if (!round.empty()) {
                    multiplyFrom(spans, round.back(), weight);
                    round.pop_back();
                } else {
                    appendText(spans, prompt.substr(i, end - i)); // ":1.3)" outside "("
                }
                i = end;
            } else {
                appendText(spans, ":");
                ++i;
            }
        } else if (c == ')' && !round.empty()) {
            multiplyFrom(spans, round.back(), kRoundFactor);
            round.pop_back();
            ++i;
        } else if (c == ']' && !square.empty()) {
            multiplyFrom(spans, square.back(), kSquareFactor);
            square.pop_back();
            ++i;
        } else if (c == ')' || c == ']') {
            appendText(spans, std::string(1, c));
            ++i;
        } else {
            std::size_t j = i;
            while (j < n && !isOneOf(prompt[j], "\\()[]:"))
                ++j;
            appendText(spans, prompt.substr(i, j - i));
            i = j;
        }
    }
    // Unclosed brackets reach to the end.
    for (std::size_t start : round)
        multiplyFrom(spans, start, kRoundFactor);
    for (std::size_t start : square)
        multiplyFrom(spans, start, kSquareFactor);

    // Merge neighbours of equal weight (compared in double, as A1111 compares floats).
    std::vector<Span> merged;
    for (Span& span : spans) {
        if (!merged.empty() && !span.isBreak && !merged.back().isBreak &&
            merged.back().weight == span.weight)
            merged.back().text += span.text;
        else
            merged.push_back(std::move(span));
    }
    std::vector<PromptSpan> out;
    for (const Span& span : merged)
        out.push_back({span.text, float(span.weight), span.isBreak});
    if (out.empty())
        out.push_back({"", 1.0f, false});
    return out;
}

} // namespace md
