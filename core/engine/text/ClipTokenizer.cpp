#include "engine/text/ClipTokenizer.h"

#include "engine/text/ClipBpeVocabulary.h"
#include "engine/text/ClipPreTokenizer.h"
#include "engine/text/Unicode.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

namespace md {

namespace {

using Json = nlohmann::json;

Result<std::string> readFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Status::error("cannot open " + path);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad())
        return Status::error("cannot read " + path);
    return buffer.str();
}

Result<Json> readJson(const std::string& path)
{
    auto text = readFile(path);
    if (!text)
        return text.status();
    Json json = Json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded())
        return Status::error(path + ": not valid JSON");
    return json;
}

// A special-token entry is either "text" or {"content": "text", ...}.
std::optional<std::string> tokenContent(const Json& value)
{
    if (value.is_string())
        return value.get<std::string>();
    if (value.is_object() && value.contains("content") && value["content"].is_string())
        return value["content"].get<std::string>();
    return std::nullopt;
}

// Reads the four role names (and extra tokens) from one of the two JSON files.
void readSpecialNames(const Json& json, ClipTokenizer::TokenNames& names)
{
    if (!json.is_object())
        return;
    const std::pair<const char*, std::string*> roles[] = {
        {"bos_token", &names.bos},
        {"eos_token", &names.eos},
        {"unk_token", &names.unk},
        {"pad_token", &names.pad},
    };
    for (const auto& [key, target] : roles) {
        if (json.contains(key)) {
            if (auto content = tokenContent(json[key]))
                *target = *content;
        }
    }
    if (json.contains("additional_special_tokens") &&
        json["additional_special_tokens"].is_array()) {
        for (const auto& entry : json["additional_special_tokens"]) {
            if (auto content = tokenContent(entry))
                names.extra.push_back(*content);
        }
    }
    if (json.contains("added_tokens_decoder") && json["added_tokens_decoder"].is_object()) {
        for (const auto& [key, entry] : json["added_tokens_decoder"].items()) {
            auto content = tokenContent(entry);
            char* end = nullptr;
            const long id = std::strtol(key.c_str(), &end, 10);
            if (content && end && *end == '\0' && id >= 0)
                names.added.emplace_back(*content, int(id));
        }
    }
    if (json.contains("model_max_length") && json["model_max_length"].is_number_integer()) {
        const auto length = json["model_max_length"].get<long long>();
        if (length >= 3 && length <= 4096) // "no limit" is written as a huge number
            names.maxLength = int(length);
    }
}

} // namespace

Result<std::shared_ptr<ClipTokenizer>> ClipTokenizer::load(const std::string& vocabJson,
                                                           const std::string& mergesTxt,
                                                           const std::string& specialTokensMapJson,
                                                           const std::string& tokenizerConfigJson,
                                                           const ClipTokenizerOptions& options)
{
    try {
        auto vocabFile = readJson(vocabJson);
        if (!vocabFile)
            return vocabFile.status().withContext("loading the CLIP vocabulary");
        if (!vocabFile->is_object() || vocabFile->empty())
            return Status::error(vocabJson + ": expected a JSON object of token -> id");
        std::unordered_map<std::string, int> vocab;
        vocab.reserve(vocabFile->size());
        for (const auto& [token, id] : vocabFile->items()) {
            if (!id.is_number_integer() || id.get<long long>() < 0 ||
                id.get<long long>() > 10'000'000)
                return Status::error(vocabJson + ": token \"" + token +
                                     "\" has no valid integer id");
            vocab.emplace(token, id.get<int>());
        }

        auto mergesFile = readFile(mergesTxt);
        if (!mergesFile)
            return mergesFile.status().withContext("loading the CLIP merges");
        auto merges = ClipBpeVocabulary::parseMerges(*mergesFile, mergesTxt);
        if (!merges)
            return merges.status();

        TokenNames names;
        for (const std::string& path : {tokenizerConfigJson, specialTokensMapJson}) {
            if (path.empty())
                continue; // special_tokens_map.json, read last, wins (as in transformers)
            auto json = readJson(path);
            if (!json)
                return json.status().withContext("loading the tokenizer's special tokens");
            readSpecialNames(*json, names);
        }
        // The encoder needs the unknown token's id; create() checks every role's token.
        int unkId = -1;
        if (auto it = vocab.find(names.unk); it != vocab.end())
            unkId = it->second;
        for (const auto& [added, id] : names.added) {
            if (unkId < 0 && added == names.unk)
                unkId = id;
        }
        auto bpe = std::make_shared<const BytePairEncoder>(std::move(vocab), *merges, unkId);
        return create(std::move(bpe), names, options, vocabJson);
    } catch (const std::exception& e) {
        return Status::error("loading the CLIP tokenizer from " + vocabJson + ": " + e.what());
    }
}

Result<std::shared_ptr<ClipTokenizer>>
ClipTokenizer::fromBuiltinBpe(int vocabSize, const std::string& padToken,
                              const ClipTokenizerOptions& options)
{
    try {
        auto bpe = ClipBpeVocabulary::builtinEncoder(vocabSize);
        if (!bpe)
            return bpe.status().withContext("building the CLIP tokenizer");
        TokenNames names;
        names.pad = padToken;
        auto tokenizer = create(*bpe, names, options, "the shipped CLIP BPE vocabulary");
        if (tokenizer)
            (*tokenizer)->m_kindName = "CLIP BPE (shipped with the app)";
        return tokenizer;
    } catch (const std::exception& e) {
        return Status::error(std::string("building the CLIP tokenizer: ") + e.what());
    }
}

Result<std::shared_ptr<ClipTokenizer>>
ClipTokenizer::create(std::shared_ptr<const BytePairEncoder> bpe, const TokenNames& names,
                      const ClipTokenizerOptions& options, const std::string& source)
{
    std::shared_ptr<ClipTokenizer> tokenizer(new ClipTokenizer());
    tokenizer->m_options = options;
    tokenizer->m_maxLength = names.maxLength;

    auto idOf = [&](const std::string& text) -> int {
        if (const int id = bpe->tokenId(text); id >= 0)
            return id;
        for (const auto& [added, id] : names.added) {
            if (added == text)
                return id;
        }
        return -1;
    };
    const std::pair<const char*, std::pair<const std::string*, int*>> roles[] = {
        {"BOS", {&names.bos, &tokenizer->m_bosId}},
        {"EOS", {&names.eos, &tokenizer->m_eosId}},
        {"unknown", {&names.unk, &tokenizer->m_unkId}},
        {"pad", {&names.pad, &tokenizer->m_padId}},
    };
    for (const auto& [role, target] : roles) {
        *target.second = idOf(*target.first);
        if (*target.second < 0)
            return Status::error(std::string("the ") + role + " token \"" + *target.first +
                                 "\" is not in " + source);
    }

    std::vector<std::string> specialTexts = {names.bos, names.eos, names.unk, names.pad};
    specialTexts.insert(specialTexts.end(), names.extra.begin(), names.extra.end());
    for (const auto& [text, id] : names.added)
        specialTexts.push_back(text);
    for (const std::string& text : specialTexts) {
        const int id = idOf(text);
        const bool known =
            std::any_of(tokenizer->m_specialTokens.begin(), tokenizer->m_specialTokens.end(),
                        [&](const SpecialToken& s) { return s.text == text; });
        if (id >= 0 && !text.empty() && !known)
            tokenizer->m_specialTokens.push_back({text, id});
    }
    std::stable_sort(
        tokenizer->m_specialTokens.begin(), tokenizer->m_specialTokens.end(),
        [](const SpecialToken& a, const SpecialToken& b) { return a.text.size() > b.text.size(); });

    tokenizer->m_bpe = std::move(bpe);
    return tokenizer;
}

Result<std::shared_ptr<ClipTokenizer>>
ClipTokenizer::loadFolder(const std::string& dir, const ClipTokenizerOptions& options)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path base(dir);
    if (!fs::is_directory(base, ec))
        return Status::error("tokenizer folder " + dir + " does not exist");
    for (const char* required : {"vocab.json", "merges.txt"}) {
        if (!fs::exists(base / required, ec))
            return Status::error("tokenizer folder " + dir + " has no " + required +
                                 " (a CLIP tokenizer needs vocab.json and merges.txt)");
    }
    auto optional = [&](const char* name) {
        return fs::exists(base / name, ec) ? (base / name).string() : std::string();
    };
    return load((base / "vocab.json").string(), (base / "merges.txt").string(),
                optional("special_tokens_map.json"), optional("tokenizer_config.json"), options);
}

void ClipTokenizer::encodeText(const std::string& text, std::vector<int>& ids) const
{
    if (text.empty())
        return;
    for (const std::string& piece : ClipPreTokenizer::split(ClipPreTokenizer::normalize(text))) {
        const std::vector<int> pieceIds = m_bpe->encodePiece(piece);
        ids.insert(ids.end(), pieceIds.begin(), pieceIds.end());
    }
}

std::vector<int> ClipTokenizer::encode(const std::string& utf8) const
{
    const std::string text =
        m_options.htmlUnescape
            ? ClipPreTokenizer::htmlUnescape(ClipPreTokenizer::htmlUnescape(utf8))
            : utf8;
    std::vector<int> ids;
    std::size_t segmentStart = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const SpecialToken* match = nullptr;
        for (const SpecialToken& special : m_specialTokens) { // longest first
            if (text.compare(pos, special.text.size(), special.text) == 0) {
                match = &special;
                break;
            }
        }
        if (!match) {
            ++pos;
            continue;
        }
        encodeText(text.substr(segmentStart, pos - segmentStart), ids);
        ids.push_back(match->id);
        pos += match->text.size();
        segmentStart = pos;
    }
    encodeText(text.substr(segmentStart), ids);
    return ids;
}

bool ClipTokenizer::isSpecial(int id) const
{
    return std::any_of(m_specialTokens.begin(), m_specialTokens.end(),
                       [id](const SpecialToken& s) { return s.id == id; });
}

std::string ClipTokenizer::decode(const std::vector<int>& ids) const
{
    std::string bytes;
    for (int id : ids) {
        if (!isSpecial(id))
            bytes += m_bpe->tokenBytes(id);
    }
    while (!bytes.empty() && bytes.back() == ' ')
        bytes.pop_back();
    return Unicode::encodeUtf8(Unicode::decodeUtf8(bytes)); // cut tokens -> U+FFFD
}

} // namespace md
