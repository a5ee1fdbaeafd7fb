#include "engine/common/FixtureCases.h"

#include "engine/common/Fixtures.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace md::test {

GenerateRequest txt2ImgCase(const std::string& casesFile, SamplerKind sampler)
{
    const std::string path = fixturePath(casesFile);
    std::ifstream in(path);
    if (!in)
        throw std::runtime_error("cannot read " + path);
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
