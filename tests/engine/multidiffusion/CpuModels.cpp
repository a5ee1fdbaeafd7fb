#include "engine/multidiffusion/CpuModels.h"

#include "engine/common/Fixtures.h"

namespace md::test {

std::shared_ptr<StableDiffusionModel> embeddedModel()
{
    static std::shared_ptr<StableDiffusionModel> model =
        loadModelOnCpu(sourcePath("resources/models/mds-tiny"));
    return model;
}

} // namespace md::test
