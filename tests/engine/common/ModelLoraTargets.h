#pragma once

// The networks of a loaded model as writeTestLora targets: the UNet, the text encoder and,
// for SDXL, the second text encoder. Header only: md_test_common does not link the pipeline.

#include "engine/common/TestLoraFile.h"
#include "engine/pipeline/StableDiffusionModel.h"

namespace md::test {

inline TestLoraTargets loraTargetsOf(StableDiffusionModel& model)
{
    TestLoraTargets t;
    t.unet = model.unetModule().get();
    t.textEncoder = model.textModule().get();
    if (model.isSdxl())
        t.textEncoder2 = model.text2Module().get();
    return t;
}

} // namespace md::test
