#pragma once

// Byte-level BPE as CLIP uses it: a piece's UTF-8 bytes become printable characters
// through the GPT-2 byte table, the last one gets the end-of-word marker "</w>", and the
// adjacent pair with the lowest merge rank is merged until no pair is in the merge table.
// Results are cached per piece; the cache is behind a mutex, so encodePiece() may be
// called from several threads at once.

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace md {

class BytePairEncoder
{
public:
    // vocab: token text -> id; merges: symbol pairs in rank order. Merges whose parts or
    // result are not in the vocabulary are skipped (see skippedMerges()).
    BytePairEncoder(std::unordered_map<std::string, int> vocab,
                    const std::vector<std::pair<std::string, std::string>>& merges, int unkId,
                    std::string endOfWord = "</w>");
    BytePairEncoder(const BytePairEncoder&) = delete;
    BytePairEncoder& operator=(const BytePairEncoder&) = delete;

    // Token ids of one pre-tokenised piece (UTF-8, never empty for a useful result).
    std::vector<int> encodePiece(const std::string& piece) const;

    int tokenId(const std::string& token) const; // -1 when absent
    // The token's text in byte-table characters (UTF-8), "" for an unknown id.
    const std::string& tokenText(int id) const;
    // The raw bytes a token stands for ("</w>" becomes a trailing space).
    std::string tokenBytes(int id) const;
    int vocabSize() const { return int(m_vocab.size()); }
    int mergeCount() const { return int(m_merges.size()); }
    int skippedMerges() const { return m_skippedMerges; }

    // The GPT-2/CLIP byte table: byte -> the UTF-8 of the character that stands for it.
    static const std::vector<std::string>& byteToUnicode();

private:
    struct Merge
    {
        int rank;
        int id;
    };
    static std::uint64_t pairKey(int a, int b)
    {
        return (std::uint64_t(std::uint32_t(a)) << 32) | std::uint32_t(b);
    }
    std::vector<int> merge(const std::string& piece) const;

    std::unordered_map<std::string, int> m_vocab;
    std::vector<std::string> m_idToToken;
    std::unordered_map<std::uint64_t, Merge> m_merges;
    std::unordered_map<std::string, char> m_unicodeToByte; // byte-table char -> byte
    int m_unkId = -1;
    std::string m_endOfWord;
    int m_skippedMerges = 0;

    mutable std::mutex m_cacheMutex;
    mutable std::unordered_map<std::string, std::vector<int>> m_cache;
};

} // namespace md
