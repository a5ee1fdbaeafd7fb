#pragma once

// Loads a model on the CPU in the working dtype ModelOptions picks by default ("auto"; the
// fixtures' weights give float32); throws "cannot load PATH: <the loader's message>". Header
// only: md_test_common does not link the pipeline.

#include "engine/pipeline/StableDiffusionModel.h"

#include <memory>
#include <stdexcept>
#include <string>

namespace md::test {

inline std::shared_ptr<StableDiffusionModel> loadModelOnCpu(const std::string& path)
{
    ModelOptions o;
    o.path = path;
    o.device = "cpu";
    auto model = StableDiffusionModel::load(o);
    if (!model)
        throw std::runtime_error("cannot load " + path + ": " + model.error());
    return model.value();
}

} // namespace md::test
