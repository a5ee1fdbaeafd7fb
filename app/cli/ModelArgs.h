#pragma once

// The model options every command shares: --model, --tokenizer, --prediction, --clip-skip,
// --device, --dtype, --preview-decoder; and the embedded default model when no --model is given.

#include "engine/EngineTypes.h"
#include "engine/Status.h"

#include <string>

namespace md::cli {

class CommandLine;

class ModelArgs
{
public:
    void addTo(CommandLine& commandLine);
    // --model, else `fallbackPath`, else the embedded default model when it is installed (an
    // error says where we looked).
    Result<ModelOptions> options(const std::string& fallbackPath = "") const;

private:
    std::string m_model;
    std::string m_tokenizer;
    std::string m_prediction;
    int m_clipSkip = 0;
    std::string m_variant;
    std::string m_device = "auto";
    std::string m_dtype = "auto";
    std::string m_previewDecoder;
};

} // namespace md::cli
