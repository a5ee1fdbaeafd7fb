#include "engine/pipeline/LoraSets.h"

#include "engine/LoraTags.h"

#include <algorithm>

namespace md {

namespace {

void trim(std::vector<float>& weights)
{
    while (!weights.empty() && weights.back() == 0.0f)
        weights.pop_back();
}

size_t indexOf(const std::vector<std::string>& names, const std::string& name)
{
    return static_cast<size_t>(std::find(names.begin(), names.end(), name) - names.begin());
}

} // namespace

LoraSets LoraSets::of(const GenerateRequest& request)
{
    LoraSets sets;
    sets.names = loraNamesOf(request);
    const size_t n = sets.names.size();
    const LoraTagged background = extractLoraTags(request.prompt);
    std::vector<float> bgUnet(n, 0.0f), bgText(n, 0.0f);
    for (const LoraUse& use : background.loras) {
        bgUnet[indexOf(sets.names, use.name)] += use.unetWeight;
        bgText[indexOf(sets.names, use.name)] += use.textWeight;
    }
    const auto add = [&](const LoraTagged& tagged, const std::string& negative, bool isRegion) {
        std::vector<float> unet = bgUnet, text = bgText;
        if (isRegion) {
            for (const LoraUse& use : tagged.loras) {
                unet[indexOf(sets.names, use.name)] += use.unetWeight;
                text[indexOf(sets.names, use.name)] += use.textWeight;
            }
        }
        trim(unet);
        trim(text);
        sets.prompts.push_back(tagged.text);
        sets.negatives.push_back(extractLoraTags(negative).text);
        auto known = std::find(sets.unetSets.begin(), sets.unetSets.end(), unet);
        if (known == sets.unetSets.end())
            known = sets.unetSets.insert(sets.unetSets.end(), unet);
        sets.unetSetOf.push_back(static_cast<int>(known - sets.unetSets.begin()));
        sets.unetWeights.push_back(std::move(unet));
        sets.textWeights.push_back(std::move(text));
    };
    add(background, request.negative, false);
    for (const Region& region : request.regions)
        add(extractLoraTags(region.prompt), region.negative, true);
    return sets;
}

bool LoraSets::any() const
{
    const auto nonEmpty = [](const std::vector<float>& w) { return !w.empty(); };
    return std::any_of(unetWeights.begin(), unetWeights.end(), nonEmpty) ||
           std::any_of(textWeights.begin(), textWeights.end(), nonEmpty);
}

int LoraSets::loraUnetSets() const
{
    return static_cast<int>(std::count_if(unetSets.begin(), unetSets.end(),
                                          [](const std::vector<float>& w) { return !w.empty(); }));
}

std::vector<float> LoraSets::toSlots(const std::vector<float>& byName,
                                     const std::vector<int>& slotOfName)
{
    std::vector<float> bySlot;
    for (size_t i = 0; i < byName.size() && i < slotOfName.size(); ++i) {
        const auto slot = static_cast<size_t>(slotOfName[i]);
        if (bySlot.size() <= slot)
            bySlot.resize(slot + 1, 0.0f);
        bySlot[slot] += byName[i];
    }
    trim(bySlot);
    return bySlot;
}

} // namespace md
