#include "engine/text/SentencePieceTokenizer.h"

#include "engine/text/SentencePieceLibrary.h"

#include <fstream>
#include <sstream>

namespace md {

SentencePieceTokenizer::~SentencePieceTokenizer()
{
    if (m_lib && m_model)
        m_lib->free(m_model);
}

Status SentencePieceTokenizer::train(const std::string& spmTrainArgs)
{
    auto lib = SentencePieceLibrary::get();
    if (!lib)
        return lib.status();
    std::string error;
    if ((*lib)->train(spmTrainArgs.c_str(), &SentencePieceLibrary::appendBytes, &error) != 0)
        return Status::error("training a sentencepiece model failed: " + error);
    return Status::ok();
}

Result<std::shared_ptr<SentencePieceTokenizer>>
SentencePieceTokenizer::load(const std::string& modelPath, int maxLength)
{
    std::ifstream in(modelPath, std::ios::binary);
    if (!in)
        return Status::error("cannot open the sentencepiece model " + modelPath);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (in.bad())
        return Status::error("cannot read the sentencepiece model " + modelPath);
    return fromBytes(bytes.str(), modelPath, maxLength);
}

Result<std::shared_ptr<SentencePieceTokenizer>>
SentencePieceTokenizer::fromBytes(const std::string& serializedModel, const std::string& origin,
                                  int maxLength)
{
    try {
        auto lib = SentencePieceLibrary::get();
        if (!lib)
            return lib.status().withContext("loading " + origin);
        std::string error;
        void* model = (*lib)->load(serializedModel.data(), serializedModel.size(),
                                   &SentencePieceLibrary::appendBytes, &error);
        if (!model)
            return Status::error(origin + " is not a valid sentencepiece model (" + error + ")");
        std::shared_ptr<SentencePieceTokenizer> tokenizer(new SentencePieceTokenizer());
        tokenizer->m_lib = *lib;
        tokenizer->m_model = model;

        MdSpmInfo info{};
        (*lib)->info(model, &info);
        auto valid = [&](int id) { return id >= 0 && id < info.vocabSize; };
        if (!valid(info.eosId))
            return Status::error(origin +
                                 ": the sentencepiece model has no EOS piece; train it with "
                                 "--eos_id=N (every chunk must end with EOS)");
        const int minLength = (valid(info.bosId) ? 1 : 0) + 2;
        if (maxLength < minLength)
            return Status::error(origin + ": a maximum length of " + std::to_string(maxLength) +
                                 " ids leaves no room for a prompt token");
        tokenizer->m_vocabSize = info.vocabSize;
        tokenizer->m_bosId = valid(info.bosId) ? info.bosId : -1;
        tokenizer->m_eosId = info.eosId;
        tokenizer->m_padId = valid(info.padId) ? info.padId : info.eosId;
        tokenizer->m_unkId = valid(info.unkId) ? info.unkId : -1;
        tokenizer->m_maxLength = maxLength;
        return tokenizer;
    } catch (const std::exception& e) {
        return Status::error("loading the sentencepiece model " + origin + ": " + e.what());
    }
}

std::vector<int> SentencePieceTokenizer::encode(const std::string& utf8) const
{
    std::vector<int> ids;
    if (m_lib->encode(m_model, utf8.data(), utf8.size(), &SentencePieceLibrary::appendIds, &ids) !=
        0)
        ids.clear();
    return ids;
}

std::string SentencePieceTokenizer::decode(const std::vector<int>& ids) const
{
    std::vector<int> valid;
    valid.reserve(ids.size());
    for (int id : ids) {
        if (id >= 0 && id < m_vocabSize)
            valid.push_back(id);
    }
    std::string text;
    if (m_lib->decode(m_model, valid.data(), valid.size(), &SentencePieceLibrary::appendBytes,
                      &text) != 0)
        text.clear();
    return text;
}

int SentencePieceTokenizer::vocabSize() const
{
    return m_vocabSize;
}

std::vector<int> SentencePieceTokenizer::commaIds() const
{
    // A comma is a piece of its own, with or without the word-start marker U+2581.
    std::vector<int> ids;
    for (const std::string text : {",", "\xE2\x96\x81,"}) {
        const int id = m_lib->pieceToId(m_model, text.data(), text.size());
        if (id >= 0 && id != m_unkId)
            ids.push_back(id);
    }
    return ids;
}

std::string SentencePieceTokenizer::piece(int id) const
{
    std::string text;
    if (m_lib->idToPiece(m_model, id, &SentencePieceLibrary::appendBytes, &text) != 0)
        text.clear();
    return text;
}

} // namespace md
