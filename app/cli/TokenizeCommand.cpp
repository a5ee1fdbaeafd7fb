// mdstudio-cli tokenize: the 77 ids of a prompt's first chunk, as a JSON array on stdout
// (exactly what Hugging Face's CLIPTokenizer(padding="max_length", truncation=True) gives).

#include "CommandLine.h"

#include <cstdio>

namespace md::cli {

int runTokenize(const std::vector<std::string>& args)
{
    CommandLine cl("tokenize",
                   "Prints the token ids of the first 77-token chunk of TEXT as a JSON array.");
    cl.addModelOptions();
    std::vector<std::string> words;
    cl.positionals("TEXT", words, "the prompt (several arguments are joined with spaces)");
    if (auto exit = cl.parse(args))
        return *exit;
    std::string text;
    for (const auto& w : words)
        text += (text.empty() ? "" : " ") + w;
    auto options = cl.modelOptions();
    if (!options)
        return cl.usageError(options.error());
    // No weights are loaded: the checkpoint's headers and tokenizer files are enough.
    auto ids = Engine::tokenizeFile(options.value(), text);
    if (!ids)
        return cl.fail(ids.error());
    std::string json = "[";
    for (size_t i = 0; i < ids->size(); ++i)
        json += (i ? ", " : "") + std::to_string((*ids)[i]);
    json += "]";
    std::printf("%s\n", json.c_str());
    return kExitOk;
}

} // namespace md::cli
