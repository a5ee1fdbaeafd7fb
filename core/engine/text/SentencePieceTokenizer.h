#pragma once

// A sentencepiece (.model) tokenizer, for models whose text encoder was trained with one
// (the embedded default model). Special ids come from the model itself:
//  - BOS: the model's bos_id; -1 when it was trained without one (--bos_id=-1): chunks
//    then start directly with the prompt's tokens;
//  - EOS: the model's eos_id; required (a chunk must end with EOS);
//  - pad: the model's pad_id, or EOS when it has none (sentencepiece's default
//    --pad_id=-1), as SD 1.x pads CLIP prompts with EOS.
// Text normalisation is the model's own (nmt_nfkc by default); no lowercasing is added.
// Thread-safe: sentencepiece's encoding is const and re-entrant.
// sentencepiece itself lives in a run-time loaded module (SentencePieceLibrary): load()
// fails with a clear message when that module cannot be found.

#include "engine/Status.h"
#include "engine/text/Tokenizer.h"

#include <memory>
#include <string>
#include <vector>

namespace md {

class SentencePieceLibrary;

class SentencePieceTokenizer : public Tokenizer
{
public:
    // maxLength: ids per encoder call (the text encoder's position count), BOS/EOS included.
    static Result<std::shared_ptr<SentencePieceTokenizer>> load(const std::string& modelPath,
                                                                int maxLength = 77);
    // The same from the bytes of a .model file (e.g. a resource compiled into the app);
    // `origin` names it in error messages.
    static Result<std::shared_ptr<SentencePieceTokenizer>>
    fromBytes(const std::string& serializedModel, const std::string& origin, int maxLength = 77);
    ~SentencePieceTokenizer() override;
    SentencePieceTokenizer(const SentencePieceTokenizer&) = delete;
    SentencePieceTokenizer& operator=(const SentencePieceTokenizer&) = delete;

    // Trains a model with spm_train's flags ("--input=... --model_prefix=... ..."), in
    // this process (through the same module). For tests and tools.
    static Status train(const std::string& spmTrainArgs);

    std::vector<int> encode(const std::string& utf8) const override;
    std::string decode(const std::vector<int>& ids) const override;
    int bosId() const override { return m_bosId; }
    int eosId() const override { return m_eosId; }
    int padId() const override { return m_padId; }
    int unkId() const { return m_unkId; }
    int maxLength() const override { return m_maxLength; }
    std::string kindName() const override { return "sentencepiece"; }
    int vocabSize() const override;
    std::vector<int> commaIds() const override;
    std::string piece(int id) const; // the piece text of an id ("" when out of range)

private:
    SentencePieceTokenizer() = default;

    const SentencePieceLibrary* m_lib = nullptr;
    void* m_model = nullptr; // owned, freed through m_lib
    int m_vocabSize = 0;
    int m_bosId = -1;
    int m_eosId = -1;
    int m_padId = -1;
    int m_unkId = -1;
    int m_maxLength = 77;
};

} // namespace md
