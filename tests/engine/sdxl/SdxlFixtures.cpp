#include "engine/sdxl/SdxlFixtures.h"

#include "engine/common/CpuModel.h"
#include "engine/common/FixtureCases.h"
#include "engine/common/Fixtures.h"
#include "engine/common/ReferenceTensors.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

namespace md::test {

std::shared_ptr<StableDiffusionModel> sdxlFolderModel()
{
    static auto model = loadModelOnCpu(fixturePath("sdxl/tiny-sdxl"));
    return model;
}

std::shared_ptr<StableDiffusionModel> sdxlSingleFileModel()
{
    static auto model = loadModelOnCpu(fixturePath("sdxl/tiny-sdxl.safetensors"));
    return model;
}

torch::Tensor sdxlReference(const std::string& name)
{
    return referenceTensorIn("sdxl/tiny-sdxl-reference.safetensors", name);
}

GenerateRequest sdxlTxt2ImgRequest(SamplerKind sampler)
{
    return txt2ImgCase("sdxl/tiny-sdxl-cases.json", sampler);
}

double componentTolerance(const torch::Tensor& reference)
{
    return 1e-4 * std::max(1.0, reference.abs().max().item<double>());
}

} // namespace md::test
