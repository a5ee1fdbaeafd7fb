#include "engine/sampling/SamplingLoop.h"

#include "engine/sampling/Denoiser.h"
#include "engine/sampling/FiniteCheck.h"
#include "engine/sampling/Rng.h"
#include "engine/sampling/Sampler.h"

#include <exception>
#include <torch/torch.h>

namespace md {

namespace {

bool cancelled(const LoopCallbacks& callbacks)
{
    return callbacks.cancel != nullptr && callbacks.cancel->load(std::memory_order_relaxed);
}

} // namespace

Result<torch::Tensor> runSampling(Sampler& sampler, Denoiser& denoiser, torch::Tensor x, Rng& rng,
                                  const LoopCallbacks& callbacks, int firstStep)
{
    try {
        torch::NoGradGuard noGrad;
        const int steps = sampler.numSteps();
        if (steps <= 0)
            return Status::error("sampling: no timesteps (setTimesteps was not called)");
        if (firstStep < 0 || firstStep >= steps)
            return Status::error("sampling: the first step " + std::to_string(firstStep) +
                                 " is outside 0.." + std::to_string(steps - 1));
        for (int i = firstStep; i < steps; ++i) {
            if (cancelled(callbacks))
                return Status::cancelled();
            const auto out = denoiser.predict(x, i);
            if (!out.defined() || cancelled(callbacks))
                return Status::cancelled();
            torch::Tensor x0;
            if (callbacks.onStep)
                x0 = sampler.predictOriginal(out, i, x);
            x = sampler.step(out, i, x, rng);
            if (callbacks.afterStep)
                x = callbacks.afterStep(i, x);
            // Once per step: NaN / Inf weights would otherwise end as a black image.
            if (!allFinite(x)) {
                const std::string at =
                    "at step " + std::to_string(i + 1) + " of " + std::to_string(steps);
                return Status::error(allFinite(out) ? nonFiniteMessage("the sampler", at)
                                                    : nonFiniteMessage("the UNet", at));
            }
            if (callbacks.onStep)
                callbacks.onStep(i, x, x0);
        }
        return x;
    } catch (const c10::Error& e) {
        return Status::error(std::string("sampling failed: ") + e.what_without_backtrace());
    } catch (const std::exception& e) {
        return Status::error(std::string("sampling failed: ") + e.what());
    }
}

} // namespace md
