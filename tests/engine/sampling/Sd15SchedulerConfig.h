#pragma once

// SD 1.5's scheduler settings that differ from SchedulerConfig's defaults (scaled_linear
// betas, "leading" spacing, steps_offset 1), for the sampler tests of this folder.

#include "engine/io/ModelConfig.h"

namespace md::test {

inline SchedulerConfig sd15SchedulerConfig()
{
    SchedulerConfig c;
    c.betaSchedule = "scaled_linear";
    c.timestepSpacing = "leading";
    c.stepsOffset = 1;
    return c;
}

} // namespace md::test
