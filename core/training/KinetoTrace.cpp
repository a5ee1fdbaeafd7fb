#include "training/KinetoTrace.h"

#include <set>
#include <torch/csrc/autograd/profiler_kineto.h>
#include <torch/cuda.h>

namespace md {

Status traceToFile(const std::function<void()>& fn, const std::string& path, bool cuda)
{
    namespace profiler = torch::autograd::profiler;
    using torch::profiler::impl::ActivityType;
    using torch::profiler::impl::ProfilerConfig;
    using torch::profiler::impl::ProfilerState;
    try {
        const ProfilerConfig config(ProfilerState::KINETO);
        std::set<ActivityType> activities{ActivityType::CPU};
        if (cuda)
            activities.insert(ActivityType::CUDA);
        profiler::prepareProfiler(config, activities);
        profiler::enableProfiler(config, activities);
        fn();
        if (cuda)
            torch::cuda::synchronize();
        profiler::disableProfiler()->save(path);
        return Status::ok();
    } catch (const std::exception& e) {
        return Status::error("profiler trace " + path + ": " + e.what());
    }
}

} // namespace md
