#pragma once

// The few Unicode facts the tokenizers need, from our own generated tables
// (UnicodeTables.cpp, made by scripts/gen-unicode-tables.py): no ICU, no <cctype>, no
// std::regex, so the answers are the same for every code point on every platform.

#include <string>

namespace md {

class Unicode
{
public:
    // UTF-8 <-> code points. Invalid or truncated UTF-8 sequences, overlong forms and
    // surrogates decode as U+FFFD (one per bad byte), never an error.
    static std::u32string decodeUtf8(const std::string& utf8);
    static std::string encodeUtf8(const std::u32string& text);
    static void appendUtf8(std::string& out, char32_t cp);

    static bool isLetter(char32_t cp);     // general category L* (\p{L})
    static bool isNumber(char32_t cp);     // general category N* (\p{N})
    static bool isWhitespace(char32_t cp); // the White_Space property (\s)

    // Full per-character lowercasing (what Python's str.lower() and Rust's
    // char::to_lowercase give for one character; U+0130 becomes "i" + U+0307).
    static void appendLower(std::u32string& out, char32_t cp);
    static std::u32string toLower(const std::u32string& text);

    // Canonical combining class (0 for starters).
    static int combiningClass(char32_t cp);
    // Unicode Normalization Form C (canonical decomposition, canonical ordering,
    // canonical composition, Hangul included).
    static std::u32string nfc(const std::u32string& text);

    static const char* tablesVersion(); // the Unicode version of the generated tables
};

} // namespace md
