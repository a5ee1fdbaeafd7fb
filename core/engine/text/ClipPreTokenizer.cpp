#include "engine/text/ClipPreTokenizer.h"

#include "engine/text/Unicode.h"

#include <array>
#include <cstdlib>

namespace md {

namespace {

bool matchesAt(const std::u32string& text, std::size_t pos, const char32_t* literal)
{
    for (std::size_t k = 0; literal[k]; ++k) {
        if (pos + k >= text.size() || text[pos + k] != literal[k])
            return false;
    }
    return true;
}

std::size_t literalLength(const char32_t* literal)
{
    std::size_t n = 0;
    while (literal[n])
        ++n;
    return n;
}

// The fixed alternatives of the pattern, in the pattern's order.
constexpr std::array<const char32_t*, 9> kLiterals = {
    U"<|startoftext|>", U"<|endoftext|>", U"'s", U"'t", U"'re", U"'ve", U"'m", U"'ll", U"'d"};

bool isHexDigit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool isOther(char32_t cp)
{
    return !Unicode::isWhitespace(cp) && !Unicode::isLetter(cp) && !Unicode::isNumber(cp);
}

} // namespace

std::u32string ClipPreTokenizer::normalize(const std::string& utf8)
{
    return Unicode::toLower(Unicode::nfc(Unicode::decodeUtf8(utf8)));
}

std::vector<std::string> ClipPreTokenizer::split(const std::u32string& text)
{
    std::vector<std::string> pieces;
    std::size_t pos = 0;
    const std::size_t n = text.size();
    while (pos < n) {
        const char32_t cp = text[pos];
        if (Unicode::isWhitespace(cp)) {
            ++pos;
            continue;
        }
        std::size_t end = pos;
        for (const char32_t* literal : kLiterals) {
            if (matchesAt(text, pos, literal)) {
                end = pos + literalLength(literal);
                break;
            }
        }
        if (end == pos) {
            if (Unicode::isLetter(cp)) {
                while (end < n && Unicode::isLetter(text[end]))
                    ++end;
            } else if (Unicode::isNumber(cp)) {
                end = pos + 1; // digits are split one by one
            } else {
                while (end < n && isOther(text[end]))
                    ++end;
            }
        }
        pieces.push_back(Unicode::encodeUtf8(text.substr(pos, end - pos)));
        pos = end;
    }
    return pieces;
}

std::string ClipPreTokenizer::htmlUnescape(const std::string& text)
{
    static const std::array<std::pair<const char*, const char*>, 6> named = {{
        {"amp;", "&"},
        {"lt;", "<"},
        {"gt;", ">"},
        {"quot;", "\""},
        {"apos;", "'"},
        {"nbsp;", "\xC2\xA0"},
    }};
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        if (text[i] != '&') {
            out.push_back(text[i++]);
            continue;
        }
        bool replaced = false;
        for (const auto& [name, value] : named) {
            if (text.compare(i + 1, std::char_traits<char>::length(name), name) == 0) {
                out += value;
                i += 1 + std::char_traits<char>::length(name);
                replaced = true;
                break;
            }
        }
        if (!replaced && i + 2 < text.size() && text[i + 1] == '#') {
            const bool hex = text[i + 2] == 'x' || text[i + 2] == 'X';
            const std::size_t digitsAt = i + (hex ? 3 : 2);
            std::size_t j = digitsAt;
            while (j < text.size() && j - digitsAt < 8 &&
                   (hex ? isHexDigit(text[j]) : (text[j] >= '0' && text[j] <= '9')))
                ++j;
            if (j > digitsAt && j < text.size() && text[j] == ';') {
                const unsigned long cp = std::strtoul(text.substr(digitsAt, j - digitsAt).c_str(),
                                                      nullptr, hex ? 16 : 10);
                if (cp > 0 && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF)) {
                    Unicode::appendUtf8(out, char32_t(cp));
                    i = j + 1;
                    replaced = true;
                }
            }
        }
        if (!replaced)
            out.push_back(text[i++]);
    }
    return out;
}

} // namespace md
