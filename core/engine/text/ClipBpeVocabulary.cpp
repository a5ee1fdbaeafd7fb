#include "engine/text/ClipBpeVocabulary.h"

#include "engine/text/BytePairEncoder.h"
#include "engine/text/EmbeddedClipBpe.h"
#include "engine/text/GzipInflate.h"

#include <map>
#include <mutex>

namespace md {

namespace {

// The 256 byte-table symbols in the order of the GPT-2 table: the bytes that stand for
// themselves ('!'..'~', U+00A1..U+00AC, U+00AE..U+00FF) in increasing order, then the other
// 68 bytes in increasing order.
std::vector<std::string> byteSymbolsInTableOrder()
{
    const auto& table = BytePairEncoder::byteToUnicode();
    const auto standsForItself = [](int b) {
        return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    };
    std::vector<std::string> symbols;
    symbols.reserve(256);
    for (const bool firstPass : {true, false}) {
        for (int b = 0; b < 256; ++b) {
            if (standsForItself(b) == firstPass)
                symbols.push_back(table[std::size_t(b)]);
        }
    }
    return symbols;
}

Status checkVocabSize(int vocabSize)
{
    if (vocabSize < ClipBpeVocabulary::kSmallestSize || vocabSize > ClipBpeVocabulary::kFullSize)
        return Status::error(
            "a CLIP tokenizer built from the CLIP BPE merges has between " +
            std::to_string(ClipBpeVocabulary::kSmallestSize) + " and " +
            std::to_string(ClipBpeVocabulary::kFullSize) + " tokens, but the text encoder has " +
            std::to_string(vocabSize) +
            " (pass --tokenizer DIR with the model's own vocab.json and merges.txt)");
    return Status::ok();
}

} // namespace

Result<ClipBpeVocabulary::Merges> ClipBpeVocabulary::parseMerges(std::string_view text,
                                                                 const std::string& source,
                                                                 std::size_t limit,
                                                                 bool firstLineIsHeader)
{
    Merges merges;
    std::size_t lineStart = 0;
    for (int lineNo = 1; lineStart < text.size() && merges.size() < limit; ++lineNo) {
        std::size_t lineEnd = text.find('\n', lineStart);
        if (lineEnd == std::string_view::npos)
            lineEnd = text.size();
        std::string_view line = text.substr(lineStart, lineEnd - lineStart);
        lineStart = lineEnd + 1;
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (line.empty() || (lineNo == 1 && (firstLineIsHeader || line.rfind("#version", 0) == 0)))
            continue;
        const auto space = line.find(' ');
        if (space == std::string_view::npos || space == 0 || space + 1 == line.size() ||
            line.find(' ', space + 1) != std::string_view::npos)
            return Status::error(source + ": line " + std::to_string(lineNo) +
                                 " is not two symbols separated by one space");
        merges.emplace_back(std::string(line.substr(0, space)),
                            std::string(line.substr(space + 1)));
    }
    return merges;
}

Result<ClipBpeVocabulary> ClipBpeVocabulary::fromMergesText(std::string_view text, int vocabSize,
                                                            const std::string& source)
{
    if (Status status = checkVocabSize(vocabSize); !status)
        return status;
    const std::size_t mergeCount = std::size_t(vocabSize - kSmallestSize);
    auto merges = parseMerges(text, source, mergeCount, /*firstLineIsHeader=*/true);
    if (!merges)
        return merges.status();
    if (merges->size() < mergeCount)
        return Status::error(source + " has " + std::to_string(merges->size()) +
                             " merges, a vocabulary of " + std::to_string(vocabSize) +
                             " tokens needs " + std::to_string(mergeCount));

    ClipBpeVocabulary result;
    result.merges = std::move(*merges);
    result.vocab.reserve(std::size_t(vocabSize));
    // A token listed twice keeps its later id, as a Python dict built from the list does
    // (the real merges have no such repeat).
    int id = 0;
    const std::vector<std::string> symbols = byteSymbolsInTableOrder();
    for (const std::string& symbol : symbols)
        result.vocab[symbol] = id++;
    for (const std::string& symbol : symbols)
        result.vocab[symbol + "</w>"] = id++;
    for (const auto& [left, right] : result.merges)
        result.vocab[left + right] = id++;
    result.vocab[kStartOfText] = id++;
    result.vocab[kEndOfText] = id++;
    return result;
}

Result<ClipBpeVocabulary> ClipBpeVocabulary::builtin(int vocabSize)
{
    if (Status status = checkVocabSize(vocabSize); !status)
        return status;
    const std::string source = "the shipped CLIP BPE merges (bpe_simple_vocab_16e6)";
    // The version line and the merges needed, plus one line of slack.
    auto text = inflateGzip(embeddedClipBpeGz(), std::size_t(vocabSize - kSmallestSize) + 2);
    if (!text)
        return text.status().withContext("reading " + source);
    return fromMergesText(*text, vocabSize, source);
}

Result<std::shared_ptr<const BytePairEncoder>> ClipBpeVocabulary::builtinEncoder(int vocabSize)
{
    static std::mutex mutex;
    static std::map<int, std::weak_ptr<const BytePairEncoder>> cache;
    std::lock_guard<std::mutex> lock(mutex);
    if (auto it = cache.find(vocabSize); it != cache.end()) {
        if (auto shared = it->second.lock())
            return shared;
    }
    auto built = builtin(vocabSize);
    if (!built)
        return built.status();
    const int unkId = built->vocab.at(kEndOfText);
    std::shared_ptr<const BytePairEncoder> encoder =
        std::make_shared<const BytePairEncoder>(std::move(built->vocab), built->merges, unkId);
    cache[vocabSize] = encoder;
    return encoder;
}

} // namespace md
