#include "engine/pipeline/DeviceSelection.h"

#include <torch/cuda.h>
#include <torch/version.h>

namespace md {

Result<torch::Device> resolveDevice(const std::string& name)
{
    if (name.empty() || name == "auto")
        return torch::cuda::is_available() ? torch::Device(torch::kCUDA, 0)
                                           : torch::Device(torch::kCPU);
    if (name == "cpu")
        return torch::Device(torch::kCPU);
    if (name == "cuda" || name.rfind("cuda:", 0) == 0) {
        if (!torch::cuda::is_available())
            return Status::error("device \"" + name +
                                 "\": this build of libtorch sees no CUDA GPU (use --device cpu)");
        int index = 0;
        if (name.size() > 5) {
            try {
                size_t used = 0;
                index = std::stoi(name.substr(5), &used);
                if (used != name.size() - 5)
                    throw std::invalid_argument(name);
            } catch (const std::exception&) {
                return Status::error("device \"" + name + "\": expected cuda:N");
            }
        }
        const auto count = static_cast<int>(torch::cuda::device_count());
        if (index < 0 || index >= count)
            return Status::error("device \"" + name + "\": there are " + std::to_string(count) +
                                 " CUDA device(s)");
        return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
    }
    return Status::error("device \"" + name +
                         "\" is not known (expected auto, cpu, cuda or cuda:N)");
}

Result<torch::Dtype> resolveDtype(const std::string& name, const torch::Device& device)
{
    if (name.empty() || name == "auto")
        return device.is_cuda() ? torch::kFloat16 : torch::kFloat32;
    if (name == "float32" || name == "fp32" || name == "f32")
        return torch::kFloat32;
    if (name == "bfloat16" || name == "bf16")
        return torch::kBFloat16;
    if (name == "float16" || name == "fp16" || name == "f16") {
#if TORCH_VERSION_MAJOR < 2
        if (!device.is_cuda())
            return Status::error("dtype float16 on the CPU is not supported by this libtorch's CPU "
                                 "kernels; use float32 (or run on a GPU)");
#endif
        return torch::kFloat16;
    }
    return Status::error("dtype \"" + name +
                         "\" is not known (expected auto, float32, float16 or bfloat16)");
}

std::string dtypeName(torch::Dtype dtype)
{
    switch (dtype) {
    case torch::kFloat32:
        return "float32";
    case torch::kFloat16:
        return "float16";
    case torch::kBFloat16:
        return "bfloat16";
    case torch::kFloat64:
        return "float64";
    default:
        break;
    }
    return std::string(c10::toString(dtype));
}

std::string deviceName(const torch::Device& device)
{
    return device.str();
}

} // namespace md
