#pragma once

// The LoRA tags of a prompt, as AUTOMATIC1111 writes them:
//   <lora:NAME>                    unet and text weight 1
//   <lora:NAME:WEIGHT>             the same weight for the UNet and the text encoder
//   <lora:NAME:UNET_W:TEXT_W>      separate weights
// The tags are taken out of the prompt text (what the text encoder sees); the rest of the
// text is kept byte for byte, with the whitespace a tag leaves behind collapsed to one space
// (none before punctuation or at the ends).
// A name used twice adds its weights (A1111 applies the network twice). A malformed tag (no
// name, a weight that is not a number, more than two weights) stays in the text and is
// reported in `errors`, so validation can refuse it with a message. Other <...> tags
// (<hypernet:...>) are plain text. Plain C++: the document and the UI use it too.

#include "engine/EngineTypes.h"

#include <string>
#include <vector>

namespace md {

struct LoraTagged
{
    std::string text;                // the prompt without its LoRA tags
    std::vector<LoraUse> loras;      // in order of first use
    std::vector<std::string> errors; // one line per malformed tag, quoting it
};

LoraTagged extractLoraTags(const std::string& prompt);

// The LoRAs of a request, background prompt first then each region's, names de-duplicated
// (first use wins the position).
std::vector<std::string> loraNamesOf(const GenerateRequest& request);

} // namespace md
