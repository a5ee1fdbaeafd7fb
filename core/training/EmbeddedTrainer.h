#pragma once

// `mdtrain train`: stage A (VAE) then stage B (UNet + text encoder), resumable. The full
// state (fp32 weights, optimiser moments, EMA, step counters) goes to stateDir every few
// minutes and on exit; a compact fp16 export (weights, state summary, loss log, sample
// grid) goes to exportDir on exit, and a later run can resume from it (resumeFrom) on
// another machine with fresh optimiser moments.

#include "engine/Status.h"
#include "training/TrainOptions.h"

#include <functional>
#include <memory>
#include <string>

namespace md {

class EmbeddedTrainer
{
public:
    using LogFn = std::function<void(const std::string&)>;

    EmbeddedTrainer(TrainOptions options, LogFn log);
    ~EmbeddedTrainer();

    // Runs until both stages are done or maxSeconds have passed (then it checkpoints and
    // returns ok; finished() tells which).
    Status run();
    bool finished() const;

    // The sample prompts of the grids.
    static std::vector<std::string> samplePrompts();

private:
    class Impl;
    std::unique_ptr<Impl> d;
};

} // namespace md
