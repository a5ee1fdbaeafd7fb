#include "engine/lora/LoraTestSupport.h"

#include "engine/common/Fixtures.h"

#include <stdexcept>

namespace md::test {

std::shared_ptr<StableDiffusionModel> freshFixtureModel(const std::string& relative)
{
    ModelOptions o;
    o.path = relative.rfind("/", 0) == 0 ? relative : fixturePath(relative);
    o.device = "cpu";
    o.dtype = "float32";
    auto model = StableDiffusionModel::load(o);
    if (!model)
        throw std::runtime_error("cannot load " + o.path + ": " + model.error());
    return model.value();
}

} // namespace md::test
