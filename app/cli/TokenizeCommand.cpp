// mdstudio-cli tokenize: the 77 ids of a prompt's first chunk, as a JSON array on stdout
// (exactly what Hugging Face's CLIPTokenizer(padding="max_length", truncation=True) gives).

#include "ArgParser.h"
#include "Command.h"
#include "ModelArgs.h"

#include <cstdio>

namespace md::cli {

int runTokenize(const std::vector<std::string>& args)
{
    const std::string cmd = "tokenize";
    ArgParser p(cmd, "Prints the token ids of the first 77-token chunk of TEXT as a JSON array.");
    addModelOptions(p);
    p.positional("TEXT", "the prompt (several arguments are joined with spaces)", true);
    if (auto s = p.parse(args); !s)
        return fail(cmd, s.message(), kExitUsage);
    if (p.helpRequested()) {
        std::printf("%s", p.usage().c_str());
        return kExitOk;
    }
    std::string text;
    for (const auto& a : p.positionals())
        text += (text.empty() ? "" : " ") + a;
    auto options = modelOptionsFrom(p);
    if (!options)
        return fail(cmd, options.error(), kExitUsage);
    // No weights are loaded: the checkpoint's headers and tokenizer files are enough.
    auto ids = Engine::tokenizeFile(options.value(), text);
    if (!ids)
        return fail(cmd, ids.error());
    std::string json = "[";
    for (size_t i = 0; i < ids->size(); ++i)
        json += (i ? ", " : "") + std::to_string((*ids)[i]);
    json += "]";
    std::printf("%s\n", json.c_str());
    return kExitOk;
}

} // namespace md::cli
