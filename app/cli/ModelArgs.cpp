#include "ModelArgs.h"

#include "CommandLine.h"
#include "OptionChecks.h"
#include "engine/pipeline/ModelLocator.h"

#ifndef MD_SOURCE_MODELS_DIR
#define MD_SOURCE_MODELS_DIR ""
#endif

namespace md::cli {

void ModelArgs::addTo(CommandLine& cl)
{
    cl.text("--model", m_model, "PATH",
            "a diffusers folder or a .safetensors checkpoint (default: the embedded model)");
    cl.text("--tokenizer", m_tokenizer, "DIR",
            "tokenizer files (vocab.json + merges.txt, or a .model)");
    cl.checked(cl.text("--prediction", m_prediction, "TYPE",
                       "epsilon or v_prediction (default: from the model)"),
               checkPrediction);
    cl.integer("--clip-skip", m_clipSkip, 0, 64, "N",
               "1 = last text-encoder layer, 2 = penultimate (default: model's)");
    cl.text("--variant", m_variant, "NAME",
            "a diffusers folder's weight variant, e.g. lcm or fp16 (<file>.NAME.safetensors "
            "where a component has one; default: the plain weights)");
    cl.text("--device", m_device, "DEV", "auto, cpu, cuda or cuda:N (default auto)");
    cl.text("--dtype", m_dtype, "TYPE", "auto, float32, float16 or bfloat16 (default auto)");
    cl.text("--preview-decoder", m_previewDecoder, "PATH|none",
            "the tiny decoder (TAESD) for previews: a .safetensors file or AutoencoderTiny "
            "folder, or none for the linear preview (default: found beside the model)");
}

Result<ModelOptions> ModelArgs::options(const std::string& fallbackPath) const
{
    ModelOptions o;
    if (!m_model.empty()) {
        o.path = m_model;
    } else if (!fallbackPath.empty()) {
        o.path = fallbackPath;
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
    o.tokenizerDir = m_tokenizer;
    if (!m_prediction.empty())
        o.prediction = *predictionFromName(m_prediction);
    o.clipSkip = m_clipSkip;
    o.variant = m_variant;
    o.device = m_device;
    o.dtype = m_dtype;
    o.previewDecoder = m_previewDecoder;
    return o;
}

} // namespace md::cli
