#pragma once

// The "parameters" text that AUTOMATIC1111's web UI writes into PNGs (and that Civitai, image
// browsers and A1111's "PNG Info" read):
//
//   <prompt>
//   Negative prompt: <negative>
//   Steps: 20, Sampler: DPM++ 2M Karras, CFG scale: 7.5, Seed: 1, Size: 512x512,
//   Model hash: abcd1234, Model: name, Lora hashes: "style: 0123456789ab",
//   MultiDiffusion regions: "[...]", ...
//
// (the last part is one line). Values holding ',', ':' or a newline are written as JSON
// strings, as A1111 does. "Lora hashes" (when the result records LoRAs with known hashes) is
// A1111's: each LoRA's name and short hash (ResultLoras.h). Region prompts go in "MultiDiffusion
// regions" as a JSON array, in the way the Tiled Diffusion extension stores its region control in
// one quoted field.

#include "document/Project.h"

#include <string>
#include <utility>
#include <vector>

namespace md {

std::string a1111Parameters(const ProjectResult& result, int width, int height);
// The same text for a plain request (regions named "Region N"), e.g. for `generate`, with the
// LoRAs it used (recordLoras, LoraFiles.h).
std::string a1111Parameters(const GenerateRequest& request, const ModelReference& model,
                            const std::vector<ResultLora>& loras = {});

struct A1111Info
{
    std::string prompt;
    std::string negative;
    std::vector<std::pair<std::string, std::string>> fields; // in order, values unquoted
    const std::string* field(const std::string& key) const;
};

// Reads the text back (the inverse of a1111Parameters, and tolerant of A1111's own output).
A1111Info parseA1111Parameters(const std::string& text);

// A1111's quoting: the value as is, or as a JSON string when it holds ',', ':' or '\n'.
std::string a1111Quote(const std::string& value);

} // namespace md
