#include "engine/text/Unicode.h"

#include "engine/text/UnicodeTables.h"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace md {

namespace tables = unicode_tables;

namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Hangul syllables compose and decompose algorithmically (Unicode §3.12).
constexpr char32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr char32_t kLCount = 19, kVCount = 21, kTCount = 28;
constexpr char32_t kNCount = kVCount * kTCount, kSCount = kLCount * kNCount;

template <typename Range> const Range* findRange(const Range* begin, std::size_t count, char32_t cp)
{
    const Range* end = begin + count;
    // The last range whose lo <= cp.
    const Range* it =
        std::upper_bound(begin, end, cp, [](char32_t c, const Range& r) { return c < r.lo; });
    if (it == begin)
        return nullptr;
    --it;
    return cp <= it->hi ? it : nullptr;
}

const tables::Decomposition* findDecomposition(char32_t cp)
{
    const auto* begin = tables::kDecompositions;
    const auto* end = begin + tables::kDecompositionsCount;
    const auto* it = std::lower_bound(
        begin, end, cp, [](const tables::Decomposition& d, char32_t c) { return d.cp < c; });
    return (it != end && it->cp == cp) ? it : nullptr;
}

// (first << 32 | second) -> composite, for the primary composites; sorted by key.
const std::vector<std::pair<std::uint64_t, char32_t>>& compositions()
{
    static const auto table = [] {
        std::vector<std::pair<std::uint64_t, char32_t>> t;
        for (std::size_t i = 0; i < tables::kDecompositionsCount; ++i) {
            const auto& d = tables::kDecompositions[i];
            if (d.composes)
                t.emplace_back((std::uint64_t(d.first) << 32) | d.second, d.cp);
        }
        std::sort(t.begin(), t.end());
        return t;
    }();
    return table;
}

void decomposeInto(std::u32string& out, char32_t cp)
{
    if (cp >= kSBase && cp < kSBase + kSCount) {
        const char32_t s = cp - kSBase;
        out.push_back(kLBase + s / kNCount);
        out.push_back(kVBase + (s % kNCount) / kTCount);
        if (s % kTCount != 0)
            out.push_back(kTBase + s % kTCount);
        return;
    }
    if (cp < 0xC0) { // nothing below U+00C0 has a canonical decomposition
        out.push_back(cp);
        return;
    }
    const auto* d = findDecomposition(cp);
    if (!d) {
        out.push_back(cp);
        return;
    }
    decomposeInto(out, d->first);
    if (d->second)
        decomposeInto(out, d->second);
}

// The primary composite of a + b, or 0.
char32_t compose(char32_t a, char32_t b)
{
    if (a >= kLBase && a < kLBase + kLCount && b >= kVBase && b < kVBase + kVCount)
        return kSBase + ((a - kLBase) * kVCount + (b - kVBase)) * kTCount;
    if (a >= kSBase && a < kSBase + kSCount && (a - kSBase) % kTCount == 0 && b > kTBase &&
        b < kTBase + kTCount)
        return a + (b - kTBase);
    const auto& table = compositions();
    const std::uint64_t key = (std::uint64_t(a) << 32) | b;
    auto it = std::lower_bound(table.begin(), table.end(), key,
                               [](const auto& entry, std::uint64_t k) { return entry.first < k; });
    return (it != table.end() && it->first == key) ? it->second : 0;
}

} // namespace

std::u32string Unicode::decodeUtf8(const std::string& utf8)
{
    std::u32string out;
    out.reserve(utf8.size());
    const auto* s = reinterpret_cast<const unsigned char*>(utf8.data());
    const std::size_t n = utf8.size();
    std::size_t i = 0;
    while (i < n) {
        const unsigned char b0 = s[i];
        if (b0 < 0x80) {
            out.push_back(b0);
            ++i;
            continue;
        }
        int length = 0;
        char32_t cp = 0;
        unsigned char lo = 0x80, hi = 0xBF; // allowed range of the second byte
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            length = 2;
            cp = b0 & 0x1F;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            length = 3;
            cp = b0 & 0x0F;
            if (b0 == 0xE0)
                lo = 0xA0; // overlong
            if (b0 == 0xED)
                hi = 0x9F; // surrogates
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            length = 4;
            cp = b0 & 0x07;
            if (b0 == 0xF0)
                lo = 0x90; // overlong
            if (b0 == 0xF4)
                hi = 0x8F; // above U+10FFFF
        }
        bool valid = length > 0 && i + length <= n;
        for (int k = 1; valid && k < length; ++k) {
            const unsigned char b = s[i + k];
            const unsigned char kLo = k == 1 ? lo : 0x80, kHi = k == 1 ? hi : 0xBF;
            if (b < kLo || b > kHi)
                valid = false;
            else
                cp = (cp << 6) | (b & 0x3F);
        }
        if (!valid) {
            out.push_back(kReplacement);
            ++i;
            continue;
        }
        out.push_back(cp);
        i += length;
    }
    return out;
}

void Unicode::appendUtf8(std::string& out, char32_t cp)
{
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = kReplacement;
    if (cp < 0x80) {
        out.push_back(char(cp));
    } else if (cp < 0x800) {
        out.push_back(char(0xC0 | (cp >> 6)));
        out.push_back(char(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(char(0xE0 | (cp >> 12)));
        out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(char(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(char(0xF0 | (cp >> 18)));
        out.push_back(char(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(char(0x80 | (cp & 0x3F)));
    }
}

std::string Unicode::encodeUtf8(const std::u32string& text)
{
    std::string out;
    out.reserve(text.size());
    for (char32_t cp : text)
        appendUtf8(out, cp);
    return out;
}

bool Unicode::isLetter(char32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
    return findRange(tables::kLetters, tables::kLettersCount, cp) != nullptr;
}

bool Unicode::isNumber(char32_t cp)
{
    if (cp < 0x80)
        return cp >= '0' && cp <= '9';
    return findRange(tables::kNumbers, tables::kNumbersCount, cp) != nullptr;
}

bool Unicode::isWhitespace(char32_t cp)
{
    // The White_Space property of PropList.txt (what Oniguruma's and Rust's \s match).
    // Python's unicodedata has no accessor for it; the list is short and stable.
    if (cp < 0x80)
        return cp == ' ' || (cp >= 0x09 && cp <= 0x0D);
    return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
           cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

void Unicode::appendLower(std::u32string& out, char32_t cp)
{
    if (cp < 0x80) {
        out.push_back((cp >= 'A' && cp <= 'Z') ? cp + 32 : cp);
        return;
    }
    if (cp == 0x130) { // the one character whose lowercase is two code points
        out.push_back(U'i');
        out.push_back(0x307);
        return;
    }
    const auto* run = findRange(tables::kLowercase, tables::kLowercaseCount, cp);
    if (run && (cp - run->lo) % char32_t(run->stride) == 0)
        out.push_back(char32_t(std::int64_t(cp) + run->delta));
    else
        out.push_back(cp);
}

std::u32string Unicode::toLower(const std::u32string& text)
{
    std::u32string out;
    out.reserve(text.size());
    for (char32_t cp : text)
        appendLower(out, cp);
    return out;
}

int Unicode::combiningClass(char32_t cp)
{
    if (cp < 0x300)
        return 0;
    const auto* r = findRange(tables::kCombiningClasses, tables::kCombiningClassesCount, cp);
    return r ? r->combiningClass : 0;
}

std::u32string Unicode::nfc(const std::u32string& text)
{
    // Nothing below U+0300 changes under NFC, and nothing below it combines with what
    // precedes it: the common case returns at once.
    if (std::all_of(text.begin(), text.end(), [](char32_t c) { return c < 0x300; }))
        return text;

    std::u32string decomposed;
    decomposed.reserve(text.size() + 8);
    for (char32_t cp : text)
        decomposeInto(decomposed, cp);

    // Canonical ordering: a stable sort of each run of non-starters by combining class.
    for (std::size_t i = 0; i < decomposed.size();) {
        if (combiningClass(decomposed[i]) == 0) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < decomposed.size() && combiningClass(decomposed[j]) != 0)
            ++j;
        std::stable_sort(
            decomposed.begin() + i, decomposed.begin() + j,
            [](char32_t a, char32_t b) { return combiningClass(a) < combiningClass(b); });
        i = j;
    }

    // Canonical composition: each character joins the last starter unless blocked (a
    // character between them with class 0 or with a class >= its own).
    std::u32string out;
    out.reserve(decomposed.size());
    std::size_t starter = std::u32string::npos;
    int lastClass = 0; // class of the last character kept after the starter
    for (char32_t cp : decomposed) {
        const int cc = combiningClass(cp);
        if (starter != std::u32string::npos) {
            const bool adjacent = out.size() == starter + 1;
            if (adjacent || (lastClass != 0 && lastClass < cc)) {
                if (char32_t composed = compose(out[starter], cp)) {
                    out[starter] = composed;
                    continue;
                }
            }
        }
        if (cc == 0)
            starter = out.size();
        lastClass = cc;
        out.push_back(cp);
    }
    return out;
}

const char* Unicode::tablesVersion()
{
    return tables::kUnicodeVersion;
}

} // namespace md
