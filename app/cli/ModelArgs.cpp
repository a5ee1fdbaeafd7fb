#include "ModelArgs.h"

#include "engine/pipeline/ModelLocator.h"

#include <cstdio>

#ifndef MD_SOURCE_MODELS_DIR
#define MD_SOURCE_MODELS_DIR ""
#endif

namespace md::cli {

void addModelOptions(ArgParser& parser)
{
    parser
        .option("--model", "PATH",
                "a diffusers folder or a .safetensors checkpoint (default: the embedded model)")
        .option("--tokenizer", "DIR", "tokenizer files (vocab.json + merges.txt, or a .model)")
        .option("--prediction", "TYPE", "epsilon or v_prediction (default: from the model)")
        .option("--clip-skip", "N",
                "1 = last text-encoder layer, 2 = penultimate (default: model's)")
        .option("--device", "DEV", "auto, cpu, cuda or cuda:N (default auto)")
        .option("--dtype", "TYPE", "auto, float32, float16 or bfloat16 (default auto)");
}

Result<ModelOptions> modelOptionsFrom(const ArgParser& parser)
{
    ModelOptions o;
    if (parser.has("--model")) {
        o.path = parser.get("--model");
    } else {
        std::vector<std::string> extra;
        if (std::string(MD_SOURCE_MODELS_DIR).size() > 0)
            extra.emplace_back(MD_SOURCE_MODELS_DIR);
        const auto dirs = defaultModelSearchDirs(extra);
        const auto found = findDefaultModel(dirs);
        if (!found) {
            std::string where;
            for (const auto& d : dirs)
                where += (where.empty() ? "" : ", ") + d;
            return Status::error("no --model given and no embedded model found (looked in " +
                                 where + ")");
        }
        o.path = *found;
    }
    o.tokenizerDir = parser.get("--tokenizer");
    if (parser.has("--prediction")) {
        const auto p = predictionFromName(parser.get("--prediction"));
        if (!p)
            return Status::error("--prediction must be epsilon or v_prediction, got '" +
                                 parser.get("--prediction") + "'");
        o.prediction = *p;
    }
    auto clipSkip = parser.getInt("--clip-skip", 0, 0, 64);
    if (!clipSkip)
        return clipSkip.status();
    o.clipSkip = clipSkip.value();
    o.device = parser.get("--device", "auto");
    o.dtype = parser.get("--dtype", "auto");
    return o;
}

Status loadEngine(Engine& engine, const ModelOptions& options, bool verbose)
{
    LoadProgressFn progress;
    if (verbose) {
        progress = [](const std::string& stage, float fraction) {
            std::fprintf(stderr, "loading: %s (%d%%)\n", stage.c_str(),
                         static_cast<int>(fraction * 100.0f + 0.5f));
        };
    }
    return engine.load(options, progress);
}

} // namespace md::cli
