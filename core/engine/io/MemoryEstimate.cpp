#include "engine/io/MemoryEstimate.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace md {

namespace {

constexpr int64_t kRuntimeBytes = int64_t(512) << 20;

bool isFloatingName(const std::string& dtype)
{
    return dtype == "F16" || dtype == "BF16" || dtype == "F32" || dtype == "F64";
}

int64_t weightBytes(const WeightSet& set, int64_t working)
{
    int64_t total = 0;
    for (const auto& name : set.names()) {
        const WeightSet::Entry* e = set.entry(name);
        int64_t n = 1;
        for (int64_t d : e->shape)
            n *= d;
        const auto* info = e->file ? e->file->find(e->key) : nullptr;
        const bool floating = !info || isFloatingName(info->dtype);
        const int64_t stored =
            info ? static_cast<int64_t>(SafetensorsFile::dtypeSize(info->dtype).value_or(4)) : 4;
        total += n * (floating ? working : stored);
    }
    return total;
}

// The names the --dtype option takes.
std::string dtypeText(torch::Dtype dtype)
{
    return dtype == torch::kFloat      ? "float32"
           : dtype == torch::kHalf     ? "float16"
           : dtype == torch::kBFloat16 ? "bfloat16"
                                       : std::string(c10::toString(dtype));
}

// Elements of the UNet's working memory for one batch of 2 at its native latent size.
int64_t unetWorkElements(const UNetConfig& u)
{
    const int64_t side = std::max(1, u.sampleSize);
    int64_t skips = 0, largest = 0, feedForward = 0;
    for (size_t l = 0; l < u.blockOutChannels.size(); ++l) {
        const int64_t s = std::max<int64_t>(1, side >> l);
        const int64_t map = s * s * u.blockOutChannels[l];
        skips += (u.layersPerBlock + 1) * map;
        largest = std::max(largest, map);
        if (l < u.downBlockHasAttention.size() && u.downBlockHasAttention[l])
            feedForward = std::max(feedForward, 12 * map);
    }
    return 2 * (skips + 8 * largest + feedForward);
}

} // namespace

MemoryEstimate estimateModelMemory(const Checkpoint& checkpoint, torch::Dtype dtype,
                                   std::optional<torch::Dtype> vaeDtype)
{
    const ModelConfig& c = checkpoint.config;
    const int64_t working = static_cast<int64_t>(torch::elementSize(dtype));
    const torch::Dtype vaeType =
        vaeDtype ? *vaeDtype : (c.vae.forceUpcast && dtype == torch::kHalf ? torch::kFloat : dtype);
    const int64_t vaeBytes = static_cast<int64_t>(torch::elementSize(vaeType));
    MemoryEstimate e;
    e.family = familyName(c.family);
    e.dtype = dtypeText(dtype);
    e.weightBytes = weightBytes(checkpoint.unet, working) + weightBytes(checkpoint.vae, vaeBytes) +
                    weightBytes(checkpoint.textEncoder, working) +
                    weightBytes(checkpoint.textEncoder2, working);
    e.unetWorkBytes = unetWorkElements(c.unet) * working;
    e.nativeSize = std::max(1, c.unet.sampleSize) * c.vae.scaleFactor();
    const auto& vaeWidths = c.vae.blockOutChannels;
    const int64_t entering =
        vaeWidths.empty() ? 0 : vaeWidths[std::min<size_t>(1, vaeWidths.size() - 1)];
    e.vaeWorkBytes = 3 * int64_t(e.nativeSize) * e.nativeSize * entering * vaeBytes;
    e.runtimeBytes = kRuntimeBytes;
    return e;
}

Result<MemoryEstimate> estimateLoadMemory(const Checkpoint& checkpoint, torch::Dtype dtype,
                                          std::optional<int64_t> availableBytes,
                                          std::optional<torch::Dtype> vaeDtype)
{
    MemoryEstimate e = estimateModelMemory(checkpoint, dtype, vaeDtype);
    e.availableBytes = availableBytes ? availableBytes : availableMemoryBytes();
    if (e.fits())
        return e;
    std::ostringstream s;
    s << "this " << e.family << " model needs about " << gibText(e.totalBytes()) << " of memory in "
      << e.dtype << " (" << gibText(e.weightBytes) << " of weights, "
      << gibText(e.workBytes() + e.runtimeBytes) << " to work at " << e.nativeSize << "x"
      << e.nativeSize << ") and " << gibText(*e.availableBytes) << " are available; ";
    if (dtype == torch::kFloat || dtype == torch::kDouble) {
        const MemoryEstimate half = estimateModelMemory(checkpoint, torch::kBFloat16, vaeDtype);
        s << "close other programs or load it in bfloat16 (--dtype bf16, about "
          << gibText(half.totalBytes()) << ")";
    } else {
        s << "close other programs or use a computer with more memory";
    }
    return Status::error(s.str());
}

std::optional<int64_t> parseMemAvailable(const std::string& meminfo)
{
    std::istringstream in(meminfo);
    std::string line;
    while (std::getline(in, line)) {
        long long kb = 0;
        char unit[8] = {0};
        if (std::sscanf(line.c_str(), "MemAvailable: %lld %7s", &kb, unit) >= 1 && kb >= 0)
            return static_cast<int64_t>(kb) * 1024;
    }
    return std::nullopt;
}

std::optional<int64_t> availableMemoryBytes()
{
    std::ifstream file("/proc/meminfo");
    if (!file)
        return std::nullopt;
    std::stringstream text;
    text << file.rdbuf();
    return parseMemAvailable(text.str());
}

std::string gibText(int64_t bytes)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.1f GiB", static_cast<double>(bytes) / double(1 << 30));
    return text;
}

} // namespace md
