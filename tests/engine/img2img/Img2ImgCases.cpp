#include "engine/img2img/Img2ImgCases.h"

#include "document/ImageIo.h"
#include "engine/common/CpuModel.h"
#include "engine/common/Fixtures.h"
#include "engine/io/SafetensorsFile.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace md::test {

namespace {

std::string dataPath(const std::string& name)
{
    return sourcePath("tests/engine/img2img/data/" + name);
}

const nlohmann::json& cases()
{
    static const nlohmann::json json = [] {
        std::ifstream in(dataPath("img2img-cases.json"));
        if (!in)
            throw std::runtime_error("cannot read " + dataPath("img2img-cases.json"));
        return nlohmann::json::parse(in);
    }();
    return json;
}

const nlohmann::json& caseNamed(const std::string& name)
{
    for (const auto& c : cases().at("cases"))
        if (c.at("name").get<std::string>() == name)
            return c;
    throw std::runtime_error("no case " + name + " in img2img-cases.json");
}

std::shared_ptr<const SafetensorsFile> references()
{
    static const auto file = [] {
        auto opened = SafetensorsFile::open(dataPath("img2img-reference.safetensors"));
        if (!opened)
            throw std::runtime_error(opened.error());
        return opened.value();
    }();
    return file;
}

} // namespace

std::vector<std::string> img2imgCaseNames(const std::string& prefix)
{
    std::vector<std::string> names;
    for (const auto& c : cases().at("cases")) {
        const auto name = c.at("name").get<std::string>();
        if (name.rfind(prefix, 0) == 0)
            names.push_back(name);
    }
    return names;
}

GenerateRequest img2imgCase(const std::string& name)
{
    const auto& c = caseNamed(name);
    GenerateRequest r;
    r.prompt = c.at("prompt").get<std::string>();
    r.negative = c.at("negative_prompt").get<std::string>();
    r.width = c.at("width").get<int>();
    r.height = c.at("height").get<int>();
    r.steps = c.at("num_inference_steps").get<int>();
    r.cfg = c.at("guidance_scale").get<float>();
    r.seed = c.at("seed").get<std::uint64_t>();
    r.strength = c.at("strength").get<float>();
    const auto sampler = samplerFromName(c.at("sampler").get<std::string>());
    if (!sampler)
        throw std::runtime_error(name + ": unknown sampler");
    r.sampler = *sampler;
    auto image = readRgbPng(dataPath(cases().at("init_image").get<std::string>()));
    if (!image)
        throw std::runtime_error(image.error());
    r.initImage = image.value();
    if (name.rfind("inpaint", 0) == 0) {
        auto mask = readMaskPng(dataPath(cases().at("mask_image").get<std::string>()));
        if (!mask)
            throw std::runtime_error(mask.error());
        r.rerollMask = mask.value();
    }
    return r;
}

torch::Tensor img2imgReference(const std::string& name)
{
    auto tensor = references()->load(name);
    if (!tensor)
        throw std::runtime_error("reference tensor missing: " + tensor.error());
    return tensor.value();
}

bool hasImg2imgReference(const std::string& name)
{
    return references()->find(name) != nullptr;
}

std::shared_ptr<StableDiffusionModel> img2imgSd15Model()
{
    static const auto model = loadModelOnCpu(fixturePath("tiny-sd15"));
    return model;
}

std::shared_ptr<StableDiffusionModel> img2imgSdxlModel()
{
    static const auto model = loadModelOnCpu(fixturePath("sdxl/tiny-sdxl"));
    return model;
}

} // namespace md::test
