#include "engine/pipeline/TokenizerLoading.h"

#include "engine/text/ClipTokenizer.h"
#include "engine/text/SentencePieceTokenizer.h"

namespace md {

Result<std::shared_ptr<const Tokenizer>> loadTokenizer(const TokenizerFiles& files,
                                                       const TextEncoderConfig& config,
                                                       const std::string& checkpointPath,
                                                       const std::string& missingMessage)
{
    switch (files.kind) {
    case TokenizerFiles::Kind::ClipBpe: {
        auto tok = ClipTokenizer::load(files.vocabJson, files.mergesTxt, files.specialTokensMap,
                                       files.tokenizerConfig);
        if (!tok)
            return tok.status();
        return std::shared_ptr<const Tokenizer>(tok.value());
    }
    case TokenizerFiles::Kind::SentencePiece: {
        auto tok =
            SentencePieceTokenizer::load(files.sentencePieceModel, config.maxPositionEmbeddings);
        if (!tok)
            return tok.status();
        return std::shared_ptr<const Tokenizer>(tok.value());
    }
    case TokenizerFiles::Kind::BuiltinClip: {
        auto tok = ClipTokenizer::fromBuiltinBpe(config.vocabSize, files.builtinPadToken);
        if (!tok)
            return tok.status().withContext(checkpointPath);
        return std::shared_ptr<const Tokenizer>(tok.value());
    }
    case TokenizerFiles::Kind::None:
        break;
    }
    std::string message =
        missingMessage.empty() ? checkpointPath + " has no tokenizer files" : missingMessage;
    return Status::error(message + " (pass --tokenizer DIR: a folder with vocab.json + "
                                   "merges.txt or a sentencepiece .model)");
}

} // namespace md
