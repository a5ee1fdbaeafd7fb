#pragma once

// A LoRA .safetensors file read into per-module low-rank weights under our module paths (see
// LoraKeys.h for the formats and LoraModuleTable.h for the paths). Tensors are float32 on the
// CPU; attaching them to a model (LoraAttachment.h) moves them to its device and dtype.

#include "engine/Status.h"
#include "engine/lora/LoraModuleTable.h"

#include <map>
#include <string>
#include <torch/types.h>
#include <vector>

namespace md::lora {

struct LoraModuleWeights
{
    std::string path;           // "unet.down_blocks.0.attentions.0.proj_in", "text_encoder.…"
    torch::Tensor down;         // [r, in] or [r, in, k, k] (with mid: [r, in, 1, 1]) as stored
    torch::Tensor mid;          // LyCORIS CP [r, r, k, k]; undefined otherwise
    torch::Tensor up;           // [out, r] or [out, r, 1, 1]
    double alphaOverRank = 1.0; // alpha / r; 1 when the file has no alpha (PEFT)
    torch::Tensor doraScale;    // DoRA magnitude, as stored; undefined otherwise
    int rank() const { return static_cast<int>(down.size(0)); }
    bool isTextEncoder() const { return path.compare(0, 5, "unet.") != 0; }
};

class LoraFile
{
public:
    // Reads every module the table resolves; the rest goes to unknownKeys(). `table`: the
    // loaded model's layers (LoraModuleTable::of) when at hand, else the standard one.
    static Result<LoraFile> read(const std::string& path,
                                 const LoraModuleTable& table = LoraModuleTable::standard());

    const std::string& path() const { return m_path; }
    const std::string& family() const { return m_family; } // "SD 1.x", "SD 2.x", "SDXL", ...
    const std::string& format() const { return m_format; }
    int rank() const { return m_rank; }
    const std::vector<LoraModuleWeights>& modules() const { return m_modules; }
    const std::vector<std::string>& unknownKeys() const { return m_unknownKeys; }
    const std::map<std::string, std::string>& metadata() const { return m_metadata; }
    // "" or "N unknown tensors (not applied): a, b, c, …" for logs and the user.
    std::string unknownKeysNote() const;

private:
    std::string m_path;
    std::string m_family;
    std::string m_format;
    int m_rank = 0;
    std::vector<LoraModuleWeights> m_modules;
    std::vector<std::string> m_unknownKeys;
    std::map<std::string, std::string> m_metadata;
};

// "a, b, c and 12 more" of the first `count` names.
std::string someNames(const std::vector<std::string>& names, size_t count = 5);

} // namespace md::lora
