// md::Unicode against facts from the Unicode Character Database (categories, case mappings,
// canonical decompositions, composition exclusions).

#include "engine/text/Unicode.h"

#include <gtest/gtest.h>

namespace md {
namespace {

TEST(Unicode, Categories)
{
    for (char32_t c : {U'a', U'Z', U'\u00E9', U'\u00AA', U'\u0416', U'\u65E5', U'\u3042', U'\u05D0',
                       U'\U00010400'})
        EXPECT_TRUE(Unicode::isLetter(c)) << std::hex << unsigned(c);
    for (char32_t c : {U'1', U'!', U'_', U' ', U'\u0301', U'\u00B2', U'\U0001F600', U'\u2014'})
        EXPECT_FALSE(Unicode::isLetter(c)) << std::hex << unsigned(c);

    for (char32_t c : {U'0', U'9', U'\u00B2', U'\u00BD', U'\u0663', U'\u216B', U'\U0001D7CE'})
        EXPECT_TRUE(Unicode::isNumber(c)) << std::hex << unsigned(c);
    for (char32_t c : {U'a', U'.', U'\u00E9', U'\u65E5'})
        EXPECT_FALSE(Unicode::isNumber(c)) << std::hex << unsigned(c);

    for (char32_t c : {U' ', U'\t', U'\n', U'\r', U'\u000B', U'\u0085', U'\u00A0', U'\u2003',
                       U'\u2028', U'\u3000'})
        EXPECT_TRUE(Unicode::isWhitespace(c)) << std::hex << unsigned(c);
    for (char32_t c : {U'a', U'\u200B', U'\u180E', U'\u0000'})
        EXPECT_FALSE(Unicode::isWhitespace(c)) << std::hex << unsigned(c);
}

TEST(Unicode, FullLowercase)
{
    EXPECT_EQ(Unicode::toLower(U"ABC xyz 123"), U"abc xyz 123");
    EXPECT_EQ(Unicode::toLower(U"\u00C9\u00C0\u00DE"), U"\u00E9\u00E0\u00FE"); // ÉÀÞ
    EXPECT_EQ(Unicode::toLower(U"\u03A3\u03A9\u0416"), U"\u03C3\u03C9\u0436"); // ΣΩЖ
    EXPECT_EQ(Unicode::toLower(U"\u0130"), U"i\u0307");                    // İ: two code points
    EXPECT_EQ(Unicode::toLower(U"\u212A\u2126"), U"k\u03C9");              // Kelvin, Ohm signs
    EXPECT_EQ(Unicode::toLower(U"\u01C5\u0178"), U"\u01C6\u00FF");         // Dž, Ÿ
    EXPECT_EQ(Unicode::toLower(U"\uFF21\U00010400"), U"\uFF41\U00010428"); // fullwidth, Deseret
    EXPECT_EQ(Unicode::toLower(U"\u0100\u0101\u0102"), U"\u0101\u0101\u0103"); // alternating
    EXPECT_EQ(Unicode::toLower(U"\u00DF\u00E9\u65E5"), U"\u00DF\u00E9\u65E5"); // unchanged
}

TEST(Unicode, Nfc)
{
    EXPECT_EQ(Unicode::nfc(U"cafe\u0301"), U"caf\u00E9");
    EXPECT_EQ(Unicode::nfc(U"A\u030A"), U"\u00C5");
    EXPECT_EQ(Unicode::nfc(U"\u212B"), U"\u00C5");             // ANGSTROM SIGN, a singleton
    EXPECT_EQ(Unicode::nfc(U"\u1100\u1161"), U"\uAC00");       // Hangul L+V
    EXPECT_EQ(Unicode::nfc(U"\u1100\u1161\u11A8"), U"\uAC01"); // L+V+T
    EXPECT_EQ(Unicode::nfc(U"\uAC00\u11A8"), U"\uAC01");       // LV+T
    // canonical ordering: dot below (220) before circumflex (230), either way round
    EXPECT_EQ(Unicode::nfc(U"a\u0302\u0323"), U"\u1EAD");
    EXPECT_EQ(Unicode::nfc(U"a\u0323\u0302"), U"\u1EAD");
    // a second acute is blocked by the first
    EXPECT_EQ(Unicode::nfc(U"a\u0301\u0301"), U"\u00E1\u0301");
    // composition exclusion: U+0958 stays decomposed
    EXPECT_EQ(Unicode::nfc(U"\u0958"), U"\u0915\u093C");
    // a leading combining mark has nothing to join
    EXPECT_EQ(Unicode::nfc(U"\u0301a"), U"\u0301a");
    // already NFC: unchanged, including precomposed letters
    EXPECT_EQ(Unicode::nfc(U"na\u00EFve \u1EAD \U0001F600"), U"na\u00EFve \u1EAD \U0001F600");
}

TEST(Unicode, Utf8)
{
    const std::string text = "a\xC3\xA9\xE6\x97\xA5\xF0\x9F\x98\x80";
    EXPECT_EQ(Unicode::decodeUtf8(text), U"a\u00E9\u65E5\U0001F600");
    EXPECT_EQ(Unicode::encodeUtf8(Unicode::decodeUtf8(text)), text);
    EXPECT_EQ(Unicode::decodeUtf8("\xC3"), U"\uFFFD");                     // truncated
    EXPECT_EQ(Unicode::decodeUtf8("\xC0\x80"), U"\uFFFD\uFFFD");           // overlong
    EXPECT_EQ(Unicode::decodeUtf8("\xED\xA0\x80"), U"\uFFFD\uFFFD\uFFFD"); // surrogate
    EXPECT_EQ(Unicode::decodeUtf8("\xF4\x90\x80\x80x").back(), U'x');      // > U+10FFFF
    EXPECT_STRNE(Unicode::tablesVersion(), "");
}

} // namespace
} // namespace md
