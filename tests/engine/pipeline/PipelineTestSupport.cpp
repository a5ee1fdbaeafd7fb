#include "engine/pipeline/PipelineTestSupport.h"

#include "engine/common/FixtureCases.h"
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
    return txt2ImgCase("tiny-sd15-cases.json", sampler);
}

GenerateRequest smallEulerRequest(const std::string& prompt, int steps, std::uint64_t seed)
{
    GenerateRequest r;
    r.prompt = prompt;
    r.width = 64;
    r.height = 64;
    r.steps = steps;
    r.seed = seed;
    r.sampler = SamplerKind::Euler;
    return r;
}

} // namespace md::test
