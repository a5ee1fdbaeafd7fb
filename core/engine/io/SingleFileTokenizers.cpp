#include "engine/io/SingleFileTokenizers.h"

#include "engine/io/CheckpointLayouts.h"
#include "engine/io/CheckpointLoader.h"

namespace md {

namespace {

// The shipped CLIP BPE for an encoder with the real CLIP vocabulary; Kind::None otherwise.
TokenizerFiles builtinFor(const TextEncoderConfig& encoder, const std::string& padToken)
{
    TokenizerFiles files;
    if (encoder.vocabSize == kClipVocabularySize) {
        files.kind = TokenizerFiles::Kind::BuiltinClip;
        files.builtinPadToken = padToken;
    }
    return files;
}

// The first of `dirs` that holds usable tokenizer files, or Kind::None.
TokenizerFiles firstFound(const std::vector<std::string>& dirs, std::vector<std::string>& notes)
{
    for (const auto& candidate : dirs) {
        if (!isDirectory(candidate))
            continue;
        auto tok = findTokenizerFiles(candidate);
        if (tok) {
            notes.push_back("tokenizer from " + candidate);
            return tok.value();
        }
    }
    return TokenizerFiles();
}

} // namespace

Status findSingleFileTokenizers(Checkpoint& ckpt, const std::string& path,
                                const CheckpointOptions& options)
{
    const ModelConfig& config = ckpt.config;
    const bool sdxl = config.hasTextEncoder2;
    const std::string pad1 = familyOf(config) == ModelFamily::SD2 ? "!" : "<|endoftext|>";
    const std::string name = fileName(path);
    using Kind = TokenizerFiles::Kind;

    if (!options.tokenizerDir.empty()) {
        auto tok = findTokenizerFiles(options.tokenizerDir);
        if (!tok)
            return tok.status();
        ckpt.tokenizer = tok.value();
        if (!sdxl)
            return Status::ok();
        // A pipeline folder's tokenizer_2/, or the one beside a given tokenizer/ folder.
        std::string second = joinPath(options.tokenizerDir, "tokenizer_2");
        if (!isDirectory(second) && fileName(options.tokenizerDir) == "tokenizer")
            second = joinPath(parentPath(options.tokenizerDir), "tokenizer_2");
        if (isDirectory(second)) {
            auto tok2 = findTokenizerFiles(second);
            if (!tok2)
                return tok2.status();
            ckpt.tokenizer2 = tok2.value();
            return Status::ok();
        }
        ckpt.tokenizer2 = builtinFor(config.textEncoder2, "!");
        if (ckpt.tokenizer2.kind == Kind::None)
            ckpt.tokenizerMessage =
                options.tokenizerDir + " has no tokenizer_2/ folder for " + name +
                "'s second text encoder. Pass --tokenizer with the model's diffusers folder "
                "(holding tokenizer/ and tokenizer_2/).";
        else
            ckpt.notes.push_back("tokenizer_2: the built-in CLIP BPE (pads with \"!\"); " +
                                 options.tokenizerDir + " has no tokenizer_2/");
        return Status::ok();
    }

    const std::string dir = parentPath(path);
    const std::string stemDir = joinPath(dir, fileStem(path));
    const std::vector<std::string> dirs1 = {joinPath(dir, "tokenizer"),
                                            joinPath(stemDir, "tokenizer")};
    const std::vector<std::string> dirs2 = {joinPath(dir, "tokenizer_2"),
                                            joinPath(stemDir, "tokenizer_2")};
    ckpt.tokenizer = firstFound(dirs1, ckpt.notes);
    if (sdxl)
        ckpt.tokenizer2 = firstFound(dirs2, ckpt.notes);

    if (ckpt.tokenizer.kind == Kind::None) {
        ckpt.tokenizer = builtinFor(config.textEncoder, pad1);
        if (ckpt.tokenizer.kind == Kind::BuiltinClip)
            ckpt.notes.push_back("tokenizer: the built-in CLIP BPE (pads with \"" + pad1 +
                                 "\"); no tokenizer files beside the file");
    }
    if (sdxl && ckpt.tokenizer2.kind == Kind::None) {
        ckpt.tokenizer2 = builtinFor(config.textEncoder2, "!");
        if (ckpt.tokenizer2.kind == Kind::BuiltinClip)
            ckpt.notes.push_back("tokenizer_2: the built-in CLIP BPE (pads with \"!\"); no "
                                 "tokenizer files beside the file");
    }
    const bool missing1 = ckpt.tokenizer.kind == Kind::None;
    const bool missing2 = sdxl && ckpt.tokenizer2.kind == Kind::None;
    if (!missing1 && !missing2)
        return Status::ok();
    if (!sdxl) {
        ckpt.tokenizerMessage =
            name + " holds no tokenizer, and none was found beside it (looked in " + dirs1[0] +
            " and " + dirs1[1] +
            "). Pass --tokenizer DIR with the model's tokenizer files: vocab.json + "
            "merges.txt (CLIP BPE, as in a diffusers folder's tokenizer/; SD 1.x and 2.x "
            "both use the CLIP tokenizer) or a sentencepiece .model file.";
        return Status::ok();
    }
    const std::string which = missing1 && missing2 ? "either of its text encoders"
                              : missing1           ? "its first text encoder"
                                                   : "its second text encoder";
    ckpt.tokenizerMessage =
        name + " holds no tokenizer, and none was found beside it for " + which + " (looked in " +
        dirs1[0] + ", " + dirs2[0] + " and " + stemDir +
        "/tokenizer*). Its vocabulary is not CLIP's 49408 tokens, so the built-in CLIP "
        "tokenizer does not fit: pass --tokenizer DIR with the model's diffusers folder "
        "(holding tokenizer/ and tokenizer_2/ with vocab.json + merges.txt).";
    return Status::ok();
}

} // namespace md
