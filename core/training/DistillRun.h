#pragma once

// `mdtrain distil`: a ConsistencyDistiller run from start to files. Trains until
// options.steps or options.maxSeconds (checked before every step, so a device call with a
// hard limit still exports), then writes into options.out:
//   unet/diffusion_pytorch_model.lcm.safetensors + unet/config.json  (copy them into the model
//                                                                     folder's unet/)
//   distil.json      the options, steps done, seconds, last loss, command
//   distil-log.tsv   step, mean loss since the last line, lr, seconds
//   preview.png      EmbeddedTrainer::samplePrompts(): the student (LCM, CFG 1) above the
//                    teacher (DDIM, CFG guidance), same seeds

#include "engine/Status.h"
#include "training/ConsistencyDistillOptions.h"

#include <functional>
#include <string>

namespace md {

class DistillRun
{
public:
    using Log = std::function<void(const std::string&)>;

    static Status run(const ConsistencyDistillOptions& options, const Log& log);
};

} // namespace md
