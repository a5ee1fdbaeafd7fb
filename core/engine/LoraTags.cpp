#include "engine/LoraTags.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace md {

namespace {

bool parseWeight(const std::string& text, float& out)
{
    if (text.empty())
        return false;
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size() || errno != 0 || !std::isfinite(v))
        return false;
    out = static_cast<float>(v);
    return true;
}

std::vector<std::string> splitColons(const std::string& s)
{
    std::vector<std::string> parts;
    std::string::size_type start = 0;
    while (true) {
        const auto colon = s.find(':', start);
        parts.push_back(s.substr(start, colon - start));
        if (colon == std::string::npos)
            return parts;
        start = colon + 1;
    }
}

std::string trimmed(const std::string& s)
{
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string::npos)
        return {};
    const auto last = s.find_last_not_of(" \t");
    return s.substr(first, last - first + 1);
}

bool isSpace(char c)
{
    return c == ' ' || c == '\t';
}

void addUse(std::vector<LoraUse>& uses, const LoraUse& use)
{
    auto same = std::find_if(uses.begin(), uses.end(),
                             [&](const LoraUse& u) { return u.name == use.name; });
    if (same == uses.end()) {
        uses.push_back(use);
        return;
    }
    same->unetWeight += use.unetWeight;
    same->textWeight += use.textWeight;
}

} // namespace

LoraTagged extractLoraTags(const std::string& prompt)
{
    static const std::string open = "<lora:";
    LoraTagged result;
    std::string::size_type pos = 0;
    while (pos < prompt.size()) {
        const auto tag = prompt.find(open, pos);
        if (tag == std::string::npos) {
            result.text += prompt.substr(pos);
            break;
        }
        const auto close = prompt.find('>', tag);
        if (close == std::string::npos) {
            result.text += prompt.substr(pos);
            result.errors.push_back("the LoRA tag \"" + prompt.substr(tag) +
                                    "\" has no closing '>'");
            break;
        }
        const std::string whole = prompt.substr(tag, close - tag + 1);
        const auto parts = splitColons(prompt.substr(tag + open.size(), close - tag - open.size()));
        LoraUse use;
        use.name = trimmed(parts.front());
        std::string problem;
        if (use.name.empty())
            problem = "names no LoRA (write <lora:NAME:WEIGHT>)";
        else if (parts.size() > 3)
            problem = "has more than two weights (write <lora:NAME:WEIGHT> or "
                      "<lora:NAME:UNET_WEIGHT:TEXT_WEIGHT>)";
        else if (parts.size() >= 2 && !parseWeight(trimmed(parts[1]), use.unetWeight))
            problem = "has a weight that is not a number: \"" + parts[1] + "\"";
        else if (parts.size() == 3 && !parseWeight(trimmed(parts[2]), use.textWeight))
            problem = "has a text-encoder weight that is not a number: \"" + parts[2] + "\"";
        else if (parts.size() == 2)
            use.textWeight = use.unetWeight;
        std::string before = prompt.substr(pos, tag - pos);
        if (!problem.empty()) {
            result.errors.push_back("the LoRA tag \"" + whole + "\" " + problem);
            result.text += before + whole;
            pos = close + 1;
            continue;
        }
        addUse(result.loras, use);
        // Collapse the whitespace around the removed tag to one space (none at the ends).
        while (!before.empty() && isSpace(before.back()))
            before.pop_back();
        result.text += before;
        pos = close + 1;
        const bool spaceAfter = pos < prompt.size() && isSpace(prompt[pos]);
        while (pos < prompt.size() && isSpace(prompt[pos]))
            ++pos;
        const bool hadSpaceBefore = tag > 0 && isSpace(prompt[tag - 1]);
        const bool punctuationNext =
            pos < prompt.size() && std::string(",.;:!?)]").find(prompt[pos]) != std::string::npos;
        if (!result.text.empty() && pos < prompt.size() && !punctuationNext &&
            (hadSpaceBefore || spaceAfter))
            result.text += ' ';
    }
    return result;
}

std::vector<std::string> loraNamesOf(const GenerateRequest& request)
{
    std::vector<std::string> names;
    auto add = [&](const std::string& prompt) {
        for (const LoraUse& use : extractLoraTags(prompt).loras)
            if (std::find(names.begin(), names.end(), use.name) == names.end())
                names.push_back(use.name);
    };
    add(request.prompt);
    for (const Region& region : request.regions)
        add(region.prompt);
    return names;
}

} // namespace md
