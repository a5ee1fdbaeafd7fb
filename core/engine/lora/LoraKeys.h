#pragma once

// A LoRA file's tensor names, grouped by the module they update, from the header alone:
//   kohya / A1111   lora_unet_<module>, lora_te_<module> (SDXL lora_te1_ / lora_te2_) with
//                   .lora_down.weight, .lora_up.weight, .alpha; LoCon adds kxk conv downs and
//                   LyCORIS' CP .lora_mid.weight; .dora_scale (DoRA)
//   PEFT/diffusers  [base_model.model.][unet.|text_encoder.|text_encoder_2.]<module path>
//                   .lora_A.weight / .lora_B.weight (.lora_magnitude_vector: DoRA), the older
//                   diffusers .lora.down/.lora.up and .lora_linear_layer.down/.up, and the
//                   attention-processor form <attn>.processor.to_q_lora.down.weight
// Anything else (LoHa, LoKr, full diffs, a module the table does not know, a down without its
// up) is an unknown key: counted and named, never applied.

#include "engine/Status.h"
#include "engine/io/SafetensorsFile.h"
#include "engine/lora/LoraModuleTable.h"

#include <string>
#include <vector>

namespace md::lora {

struct LoraModuleKeys
{
    std::string path; // our module path ("unet.…", "text_encoder.…", "text_encoder_2.…")
    std::string down, up, mid, alpha, dora; // tensor names; "" when absent
};

struct LoraKeyLayout
{
    std::vector<LoraModuleKeys> modules; // sorted by path
    std::vector<std::string> unknownKeys;
    bool kohya = false; // lora_unet_ / lora_te names
    bool peft = false;  // dotted module paths
    bool locon = false; // kxk conv downs or CP mids
    bool dora = false;
    int rank = 0;       // the largest
    int contextDim = 0; // from attn2.to_k / to_v downs (0: none)
    std::string family; // "SD 1.x", "SD 2.x", "SDXL", "embedded" or "unknown"
    std::string format; // "kohya", "PEFT/diffusers", "LoCon/LyCORIS", + ", DoRA"
    int unetModules() const;
    int textEncoderModules() const;
};

// Errors: a file with no LoRA module at all (names the file and what it holds instead).
Result<LoraKeyLayout> parseLoraKeys(const SafetensorsFile& file, const LoraModuleTable& table);

} // namespace md::lora
