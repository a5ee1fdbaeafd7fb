#include "engine/text/Tokenizer.h"

#include <algorithm>

namespace md {

std::vector<int> Tokenizer::commaIds() const
{
    std::vector<int> ids = encode(",");
    if (ids.size() == 1)
        return ids;
    return {};
}

int Tokenizer::chunkCapacity() const
{
    return std::max(0, maxLength() - (bosId() >= 0 ? 1 : 0) - 1);
}

std::vector<int> encodeChunk(const Tokenizer& tokenizer, const std::string& utf8)
{
    const std::vector<int> tokens = tokenizer.encode(utf8);
    const std::size_t capacity = std::size_t(tokenizer.chunkCapacity());
    const std::size_t length = std::size_t(std::max(0, tokenizer.maxLength()));

    std::vector<int> ids;
    ids.reserve(length);
    if (tokenizer.bosId() >= 0)
        ids.push_back(tokenizer.bosId());
    ids.insert(ids.end(), tokens.begin(), tokens.begin() + std::min(capacity, tokens.size()));
    ids.push_back(tokenizer.eosId());
    if (ids.size() < length)
        ids.resize(length, tokenizer.padId());
    return ids;
}

} // namespace md
