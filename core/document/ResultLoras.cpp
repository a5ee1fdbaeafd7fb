#include "document/ResultLoras.h"

#include "document/JsonFields.h"
#include "document/LoraHash.h"

#include <cmath>
#include <set>

namespace md {

namespace {

bool isLowerHex(const std::string& s)
{
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    return true;
}

} // namespace

Status checkResultLoras(const std::vector<ResultLora>& loras, const std::string& label)
{
    if (loras.size() > kMaxResultLoras)
        return Status::error(label + " records " + std::to_string(loras.size()) +
                             " LoRAs; the limit is " + std::to_string(kMaxResultLoras));
    std::set<std::string> names;
    for (const ResultLora& l : loras) {
        if (l.name.empty())
            return Status::error(label + " records a LoRA without a name");
        if (!names.insert(l.name).second)
            return Status::error(label + " records the LoRA \"" + l.name + "\" twice");
        if (!std::isfinite(l.unetWeight) || !std::isfinite(l.textWeight))
            return Status::error(label + ": the LoRA \"" + l.name +
                                 "\" has a weight that is "
                                 "not a finite number");
        if (l.hash.size() > 64 || !isLowerHex(l.hash))
            return Status::error(label + ": the LoRA \"" + l.name + "\" has the hash \"" + l.hash +
                                 "\"; expected up to 64 lower-case hex digits");
    }
    return Status::ok();
}

nlohmann::ordered_json resultLorasJson(const std::vector<ResultLora>& loras)
{
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const ResultLora& l : loras) {
        nlohmann::ordered_json j{
            {"name", l.name}, {"unetWeight", l.unetWeight}, {"textWeight", l.textWeight}};
        if (!l.hash.empty())
            j["hash"] = l.hash;
        list.push_back(std::move(j));
    }
    return list;
}

std::vector<ResultLora> readResultLoras(const nlohmann::json& result, const std::string& path,
                                        const std::string& what, Status* error)
{
    std::vector<ResultLora> out;
    JsonFields f(result, path, what, error);
    const nlohmann::json* list = f.array("loras");
    if (!list)
        return out;
    if (list->size() > kMaxResultLoras) {
        f.fail("loras", std::to_string(list->size()) + " LoRAs; the limit is " +
                            std::to_string(kMaxResultLoras));
        return out;
    }
    for (std::size_t i = 0; i < list->size() && f.ok(); ++i) {
        JsonFields l((*list)[i], path + ".loras[" + std::to_string(i) + "]", what, error);
        ResultLora lora;
        lora.name = l.string("name", "", true);
        lora.unetWeight = float(l.number("unetWeight", 1.0));
        lora.textWeight = float(l.number("textWeight", double(lora.unetWeight)));
        lora.hash = l.string("hash", "");
        out.push_back(std::move(lora));
    }
    return out;
}

std::string loraHashesField(const std::vector<ResultLora>& loras)
{
    std::string text;
    for (const ResultLora& l : loras) {
        if (l.hash.empty())
            continue;
        std::string alias;
        for (char c : l.name)
            if (c != ':' && c != ',')
                alias += c;
        if (alias.empty())
            continue;
        text += (text.empty() ? "" : ", ") + alias + ": " + loraShortHash(l.hash);
    }
    return text;
}

} // namespace md
