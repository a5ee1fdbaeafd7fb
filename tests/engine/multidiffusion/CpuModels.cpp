#include "engine/multidiffusion/CpuModels.h"

#include "engine/common/Fixtures.h"

#include <stdexcept>

namespace md::test {

std::shared_ptr<StableDiffusionModel> loadCpuModel(const std::string& path)
{
    ModelOptions options;
    options.path = path;
    options.device = "cpu";
    auto loaded = StableDiffusionModel::load(options);
    if (!loaded)
        throw std::runtime_error("cannot load " + path + ": " + loaded.error());
    return loaded.value();
}

std::shared_ptr<StableDiffusionModel> embeddedModel()
{
    static std::shared_ptr<StableDiffusionModel> model =
        loadCpuModel(sourcePath("resources/models/mds-tiny"));
    return model;
}

} // namespace md::test
