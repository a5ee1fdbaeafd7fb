#include "engine/pipeline/PipelineTestSupport.h"

#include "engine/common/Fixtures.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <torch/torch.h>

namespace md::test {

namespace {

std::shared_ptr<StableDiffusionModel> loadOrThrow(const ModelOptions& options)
{
    auto model = StableDiffusionModel::load(options);
    if (!model)
        throw std::runtime_error("cannot load " + options.path + ": " + model.error());
    return model.value();
}

} // namespace

std::shared_ptr<StableDiffusionModel> fixtureFolderModel()
{
    static std::shared_ptr<StableDiffusionModel> model = [] {
        ModelOptions o;
        o.path = fixturePath("tiny-sd15");
        o.device = "cpu";
        return loadOrThrow(o);
    }();
    return model;
}

std::shared_ptr<StableDiffusionModel> fixtureSingleFileModel()
{
    static std::shared_ptr<StableDiffusionModel> model = [] {
        ModelOptions o;
        o.path = fixturePath("tiny-sd15.safetensors");
        o.tokenizerDir = fixturePath("tiny-sd15/tokenizer");
        o.device = "cpu";
        return loadOrThrow(o);
    }();
    return model;
}

GenerateRequest fixtureTxt2ImgRequest(SamplerKind sampler)
{
    std::ifstream in(fixturePath("tiny-sd15-cases.json"));
    if (!in)
        throw std::runtime_error("cannot read " + fixturePath("tiny-sd15-cases.json"));
    const auto cases = nlohmann::json::parse(in);
    const auto& t = cases.at("txt2img");
    GenerateRequest r;
    r.prompt = t.at("prompt").get<std::string>();
    r.negative = t.at("negative_prompt").get<std::string>();
    r.width = t.at("width").get<int>();
    r.height = t.at("height").get<int>();
    r.steps = t.at("steps").get<int>();
    r.cfg = t.at("cfg").get<float>();
    r.seed = t.at("seed").get<std::uint64_t>();
    r.sampler = sampler;
    return r;
}

} // namespace md::test
