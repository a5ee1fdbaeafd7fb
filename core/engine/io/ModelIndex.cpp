#include "engine/io/ModelIndex.h"

#include <array>
#include <utility>
#include <vector>

namespace md {

namespace {

using json = nlohmann::json;

const std::array<const char*, 2> kPipelines = {"StableDiffusionPipeline",
                                               "StableDiffusionXLPipeline"};

struct Component
{
    const char* name;
    std::vector<const char*> classes; // the classes the engine builds for it
};

const std::vector<Component>& components()
{
    static const std::vector<Component> all = {
        {"unet", {"UNet2DConditionModel"}},
        {"vae", {"AutoencoderKL"}},
        {"text_encoder", {"CLIPTextModel", "CLIPTextModelWithProjection"}},
        {"text_encoder_2", {"CLIPTextModelWithProjection", "CLIPTextModel"}}};
    return all;
}

std::string joined(const std::vector<const char*>& names)
{
    std::string out;
    for (const char* n : names)
        out += (out.empty() ? "" : " or ") + std::string(n);
    return out;
}

// The class of a [library, class] entry; "" for an absent or [null, null] entry.
Result<std::string> componentClass(const json& j, const char* key, const std::string& source)
{
    if (!j.contains(key) || j.at(key).is_null())
        return std::string();
    const json& v = j.at(key);
    if (!v.is_array() || v.size() != 2)
        return Status::error(source + ": \"" + key + "\" should be a [library, class] pair, got " +
                             v.dump().substr(0, 200));
    if (v[1].is_null())
        return std::string();
    if (!v[1].is_string())
        return Status::error(source + ": the class of \"" + key + "\" should be a string, got " +
                             v[1].dump().substr(0, 200));
    return v[1].get<std::string>();
}

} // namespace

std::string supportedPipelineClasses()
{
    std::string out;
    for (const char* c : kPipelines)
        out += (out.empty() ? "" : ", ") + std::string(c);
    return out;
}

Result<ModelIndex> modelIndexFromJson(const nlohmann::json& j, const std::string& source)
{
    if (!j.is_object())
        return Status::error(source + ": not a JSON object (a diffusers model_index.json is an "
                                      "object such as {\"_class_name\": "
                                      "\"StableDiffusionPipeline\", \"unet\": [\"diffusers\", "
                                      "\"UNet2DConditionModel\"], ...})");
    ModelIndex index;
    if (j.contains("_class_name") && !j.at("_class_name").is_null()) {
        if (!j.at("_class_name").is_string())
            return Status::error(source + ": \"_class_name\" should be a string, got " +
                                 j.at("_class_name").dump().substr(0, 200));
        index.pipelineClass = j.at("_class_name").get<std::string>();
        bool known = false;
        for (const char* c : kPipelines)
            known = known || index.pipelineClass == c;
        if (!known)
            return Status::error(
                source + ": the pipeline class \"" + index.pipelineClass.substr(0, 200) +
                "\" is not supported; this engine runs " + supportedPipelineClasses());
    }
    const bool sdxl = index.pipelineClass == "StableDiffusionXLPipeline";
    for (const Component& c : components()) {
        auto cls = componentClass(j, c.name, source);
        if (!cls)
            return cls.status();
        const bool optional = std::string(c.name) == "text_encoder_2" && !sdxl;
        if (cls->empty()) {
            if (optional)
                continue;
            return Status::error(source + ": the \"" + c.name + "\" component is not listed (" +
                                 (index.pipelineClass.empty() ? std::string("a Stable Diffusion")
                                                              : "a " + index.pipelineClass) +
                                 " needs unet, vae and text_encoder" +
                                 (sdxl ? ", text_encoder_2" : "") + ")");
        }
        bool known = false;
        for (const char* k : c.classes)
            known = known || *cls == k;
        if (!known)
            return Status::error(source + ": \"" + c.name + "\" is a " + cls->substr(0, 200) +
                                 ", which is not supported (expected " + joined(c.classes) + ")");
        if (std::string(c.name) == "text_encoder_2")
            index.textEncoder2 = true;
    }
    if (j.contains("force_zeros_for_empty_prompt") &&
        j.at("force_zeros_for_empty_prompt").is_boolean()) {
        index.forceZerosForEmptyPrompt = j.at("force_zeros_for_empty_prompt").get<bool>();
        index.forceZerosGiven = true;
    }
    return index;
}

} // namespace md
