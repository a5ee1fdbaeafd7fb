#include "engine/text/BytePairEncoder.h"

#include "engine/text/Unicode.h"

#include <algorithm>
#include <limits>

namespace md {

namespace {

constexpr std::size_t kCacheLimit = 20000; // pieces; the cache is cleared when full

} // namespace

const std::vector<std::string>& BytePairEncoder::byteToUnicode()
{
    // Printable bytes ('!'..'~', U+00A1..U+00AC, U+00AE..U+00FF) stand for themselves;
    // the other 68 bytes map, in increasing order, to U+0100, U+0101, ...
    static const std::vector<std::string> table = [] {
        std::vector<std::string> t(256);
        char32_t next = 256;
        for (int b = 0; b < 256; ++b) {
            const bool printable =
                (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            Unicode::appendUtf8(t[b], printable ? char32_t(b) : next++);
        }
        return t;
    }();
    return table;
}

BytePairEncoder::BytePairEncoder(std::unordered_map<std::string, int> vocab,
                                 const std::vector<std::pair<std::string, std::string>>& merges,
                                 int unkId, std::string endOfWord)
    : m_vocab(std::move(vocab)), m_unkId(unkId), m_endOfWord(std::move(endOfWord))
{
    int maxId = -1;
    for (const auto& [token, id] : m_vocab)
        maxId = std::max(maxId, id);
    m_idToToken.resize(std::size_t(maxId + 1));
    for (const auto& [token, id] : m_vocab) {
        if (id >= 0)
            m_idToToken[std::size_t(id)] = token;
    }

    int rank = 0;
    m_merges.reserve(merges.size());
    for (const auto& [left, right] : merges) {
        const int a = tokenId(left), b = tokenId(right), merged = tokenId(left + right);
        if (a < 0 || b < 0 || merged < 0) {
            ++m_skippedMerges;
            continue;
        }
        // The first occurrence of a pair keeps its (lower) rank.
        m_merges.emplace(pairKey(a, b), Merge{rank++, merged});
    }

    const auto& bytes = byteToUnicode();
    for (int b = 0; b < 256; ++b)
        m_unicodeToByte.emplace(bytes[std::size_t(b)], char(b));
}

int BytePairEncoder::tokenId(const std::string& token) const
{
    auto it = m_vocab.find(token);
    return it == m_vocab.end() ? -1 : it->second;
}

const std::string& BytePairEncoder::tokenText(int id) const
{
    static const std::string empty;
    if (id < 0 || std::size_t(id) >= m_idToToken.size())
        return empty;
    return m_idToToken[std::size_t(id)];
}

std::string BytePairEncoder::tokenBytes(int id) const
{
    std::string text = tokenText(id);
    bool endOfWord = false;
    if (!m_endOfWord.empty() && text.size() >= m_endOfWord.size() &&
        text.compare(text.size() - m_endOfWord.size(), m_endOfWord.size(), m_endOfWord) == 0) {
        text.resize(text.size() - m_endOfWord.size());
        endOfWord = true;
    }
    std::string out;
    std::string utf8;
    for (char32_t cp : Unicode::decodeUtf8(text)) {
        utf8.clear();
        Unicode::appendUtf8(utf8, cp);
        auto it = m_unicodeToByte.find(utf8);
        if (it != m_unicodeToByte.end())
            out.push_back(it->second);
        else
            out += utf8; // not a byte-table character (e.g. a special token)
    }
    if (endOfWord)
        out.push_back(' ');
    return out;
}

std::vector<int> BytePairEncoder::encodePiece(const std::string& piece) const
{
    if (piece.empty())
        return {};
    {
        std::lock_guard<std::mutex> lock(m_cacheMutex);
        auto it = m_cache.find(piece);
        if (it != m_cache.end())
            return it->second;
    }
    std::vector<int> ids = merge(piece);
    std::lock_guard<std::mutex> lock(m_cacheMutex);
    if (m_cache.size() >= kCacheLimit)
        m_cache.clear();
    m_cache.emplace(piece, ids);
    return ids;
}

std::vector<int> BytePairEncoder::merge(const std::string& piece) const
{
    const auto& bytes = byteToUnicode();
    std::vector<int> symbols;
    symbols.reserve(piece.size());
    for (std::size_t i = 0; i < piece.size(); ++i) {
        std::string symbol = bytes[static_cast<unsigned char>(piece[i])];
        if (i + 1 == piece.size())
            symbol += m_endOfWord;
        const int id = tokenId(symbol);
        symbols.push_back(id >= 0 ? id : m_unkId);
    }

    // Merge the lowest-ranked adjacent pair (the leftmost one on ties) until none is left.
    while (symbols.size() > 1) {
        int bestRank = std::numeric_limits<int>::max();
        std::size_t bestAt = 0;
        int bestId = -1;
        for (std::size_t i = 0; i + 1 < symbols.size(); ++i) {
            auto it = m_merges.find(pairKey(symbols[i], symbols[i + 1]));
            if (it != m_merges.end() && it->second.rank < bestRank) {
                bestRank = it->second.rank;
                bestAt = i;
                bestId = it->second.id;
            }
        }
        if (bestId < 0)
            break;
        symbols[bestAt] = bestId;
        symbols.erase(symbols.begin() + std::ptrdiff_t(bestAt) + 1);
    }
    if (m_unkId < 0) // no unknown token: characters outside the vocabulary are dropped
        symbols.erase(std::remove(symbols.begin(), symbols.end(), -1), symbols.end());
    return symbols;
}

} // namespace md
