#pragma once

// Which LoRA weights act on each prompt of a request (issue 14), from its <lora:NAME:W> tags
// alone (no file is read, so plan() can use it):
//   - the background prompt's LoRAs act on every pass (its own and every region's);
//   - a region's LoRAs act on that region's passes only: its UNet passes run with the
//     background's LoRAs plus its own (the weights of one name add), and its prompt and
//     negative are encoded with that set's text weights;
//   - the negatives carry no tags (validation refuses them there).
// Weights are indexed by name, in the order of loraNamesOf(request) (background first); the
// pipeline maps names to the session's adapter slots with toSlots(). A vector of weights has
// its trailing zeros trimmed, so "no LoRA" is the empty vector whatever the names.

#include "engine/EngineTypes.h"

#include <string>
#include <vector>

namespace md {

struct LoraSets
{
    std::vector<std::string> names; // loraNamesOf(request)
    // Per prompt, background first then each region: the texts the encoder sees (tags taken
    // out) and the weights of each name.
    std::vector<std::string> prompts;
    std::vector<std::string> negatives;
    std::vector<std::vector<float>> unetWeights;
    std::vector<std::vector<float>> textWeights;
    // The distinct UNet weight vectors (the sets a UNet batch must not mix), in order of the
    // first prompt using each; unetSetOf[prompt] indexes them.
    std::vector<std::vector<float>> unetSets;
    std::vector<int> unetSetOf;

    static LoraSets of(const GenerateRequest& request);

    // Whether any prompt has a non-zero UNet or text weight.
    bool any() const;
    // Distinct UNet sets that carry a LoRA (the empty set does not count).
    int loraUnetSets() const;
    // Weights by name -> weights by slot (slotOfName[i]: the slot of names[i]), trimmed.
    static std::vector<float> toSlots(const std::vector<float>& byName,
                                      const std::vector<int>& slotOfName);
};

} // namespace md
