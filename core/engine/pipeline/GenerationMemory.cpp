#include "engine/pipeline/GenerationMemory.h"

#include "engine/io/MemoryEstimate.h"
#include "engine/pipeline/StableDiffusionModel.h"
#include "engine/pipeline/StartLatents.h"
#include "engine/preview/TiledVaeEncoder.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <sys/resource.h>
#include <torch/torch.h>

namespace md {

namespace {

constexpr std::int64_t kRuntimeBytes = std::int64_t(512) << 20;
constexpr std::int64_t kCanvasLatentMaps = 12;
constexpr std::int64_t kCpuScoreBudget = std::int64_t(2) << 20; // nn/Attention's chunks
constexpr std::int64_t kDeviceScoreBudget = std::int64_t(256) << 20;

std::int64_t moduleBytes(const torch::nn::Module& module)
{
    std::int64_t total = 0;
    for (const auto& p : module.parameters())
        total += p.numel() * static_cast<std::int64_t>(p.element_size());
    for (const auto& b : module.buffers())
        total += b.numel() * static_cast<std::int64_t>(b.element_size());
    return total;
}

int headsAt(const UNetConfig& u, size_t level)
{
    if (u.numHeads.empty())
        return 1;
    return std::max(1, u.numHeads.size() == 1 ? u.numHeads[0]
                                              : u.numHeads[std::min(level, u.numHeads.size() - 1)]);
}

std::string readFile(const char* path)
{
    std::ifstream file(path);
    std::stringstream text;
    if (file)
        text << file.rdbuf();
    return text.str();
}

// The largest part of an estimate, for the message.
std::string largestPart(const GenerationEstimate& e)
{
    std::pair<std::int64_t, std::string> parts[] = {
        {e.canvasBytes, "the canvas latents and region maps"},
        {e.unetBytes + e.attentionBytes, "the UNet's view batch"},
        {e.maskBytes, "the region masks at canvas size"},
        {e.decodeBytes, "the VAE decode"},
        {e.encodeBytes, "the VAE encode"},
    };
    return std::max_element(std::begin(parts), std::end(parts))->second;
}

std::int64_t roundTo8(double v)
{
    return std::max<std::int64_t>(8, static_cast<std::int64_t>(v / 8.0) * 8);
}

} // namespace

GenerationMemory::GenerationMemory(ModelFacts facts) : m_facts(std::move(facts)) {}

GenerationMemory::ModelFacts GenerationMemory::factsOf(StableDiffusionModel& model)
{
    ModelFacts f;
    f.unet = model.config().unet;
    f.vae = model.config().vae;
    f.weightBytes = moduleBytes(*model.unetModule()) + moduleBytes(*model.vaeModule()) +
                    moduleBytes(*model.textModule());
    if (!model.text2Module().is_empty())
        f.weightBytes += moduleBytes(*model.text2Module());
    f.elementBytes = static_cast<int>(torch::elementSize(model.dtype()));
    f.vaeElementBytes = static_cast<int>(torch::elementSize(model.vaeDtype()));
    f.cuda = model.device().is_cuda();
    return f;
}

std::int64_t GenerationMemory::unetBytes(int batch, int viewH, int viewW) const
{
    const UNetConfig& u = m_facts.unet;
    std::int64_t skips = 0, largest = 0, feedForward = 0;
    for (size_t l = 0; l < u.blockOutChannels.size(); ++l) {
        const std::int64_t map =
            std::max(1, viewH >> l) * std::int64_t{std::max(1, viewW >> l)} * u.blockOutChannels[l];
        skips += (u.layersPerBlock + 1) * map;
        largest = std::max(largest, map);
        if (l < u.downBlockHasAttention.size() && u.downBlockHasAttention[l])
            feedForward = std::max(feedForward, 12 * map);
    }
    return std::int64_t{batch} * (skips + 8 * largest + feedForward) * m_facts.elementBytes;
}

std::int64_t GenerationMemory::attentionBytes(int batch, int viewH, int viewW) const
{
    const UNetConfig& u = m_facts.unet;
    for (size_t l = 0; l < u.blockOutChannels.size(); ++l) {
        if (l >= u.downBlockHasAttention.size() || !u.downBlockHasAttention[l])
            continue;
        const std::int64_t tokens = std::max(1, viewH >> l) * std::int64_t{std::max(1, viewW >> l)};
        const std::int64_t bytes = u.upcastAttention ? 4 : m_facts.elementBytes;
        // Saturating: batch x heads x tokens^2 overflows for huge views.
        const double full = double(batch) * headsAt(u, l) * double(tokens) * double(tokens) * bytes;
        const std::int64_t budget = m_facts.cuda ? kDeviceScoreBudget : kCpuScoreBudget;
        return full < double(budget) ? static_cast<std::int64_t>(full) : budget;
    }
    return 0;
}

std::int64_t GenerationMemory::vaeDecodeBytes(int latentH, int latentW) const
{
    const VaeConfig& v = m_facts.vae;
    const std::int64_t f = v.scaleFactor();
    const auto& widths = v.blockOutChannels;
    const std::int64_t entering =
        widths.empty() ? 0 : widths[std::min<size_t>(1, widths.size() - 1)];
    const std::int64_t pixels = latentH * f * latentW * f;
    std::int64_t bytes = 3 * pixels * entering * m_facts.vaeElementBytes;
    if (v.midBlockAddAttention) {
        const double tokens = double(latentH) * latentW;
        const double full = tokens * tokens * m_facts.vaeElementBytes;
        const std::int64_t budget = m_facts.cuda ? kDeviceScoreBudget : kCpuScoreBudget;
        bytes += full < double(budget) ? static_cast<std::int64_t>(full) : budget;
    }
    return bytes;
}

std::int64_t GenerationMemory::vaeEncodeBytes(int latentH, int latentW, bool attention) const
{
    const VaeConfig& v = m_facts.vae;
    if (v.blockOutChannels.empty())
        return 0;
    const std::int64_t f = v.scaleFactor();
    std::int64_t bytes =
        4 * (latentH * f) * (latentW * f) * v.blockOutChannels.front() * m_facts.vaeElementBytes;
    if (attention && v.midBlockAddAttention) {
        const double tokens = double(latentH) * latentW;
        const double full = tokens * tokens * m_facts.vaeElementBytes;
        const std::int64_t budget = m_facts.cuda ? kDeviceScoreBudget : kCpuScoreBudget;
        bytes += full < double(budget) ? static_cast<std::int64_t>(full) : budget;
    }
    return bytes;
}

std::int64_t GenerationMemory::decodeBytes(const GenerateRequest& r, const GenerationPlan& p) const
{
    const std::int64_t image = std::int64_t{r.width} * r.height * 3;
    std::int64_t bytes = 2 * image * 4 + 2 * image; // float32 output, 8-bit RGB (twice each)
    if (p.tiledDecode) {
        const int tile = std::max(m_facts.unet.sampleSize, 32);
        bytes += vaeDecodeBytes(std::min(tile, p.latentHeight), std::min(tile, p.latentWidth));
        bytes += 3 * image * 4; // the cross-faded sums and their weights
    } else {
        bytes += vaeDecodeBytes(p.latentHeight, p.latentWidth);
    }
    if (r.circular)
        bytes += 2 * image * 4;
    if (!r.rerollMask.empty())
        bytes += 4 * image * 4; // the composite: start image, decoded image, mask, sum (float)
    return bytes;
}

bool GenerationMemory::encodesTiled(int heightPx, int widthPx) const
{
    return TiledVaeEncoder::wanted(heightPx, widthPx,
                                   m_facts.unet.sampleSize * m_facts.vae.scaleFactor());
}

std::int64_t GenerationMemory::imageEncodeBytes(int heightPx, int widthPx) const
{
    const VaeConfig& v = m_facts.vae;
    const std::int64_t f = v.scaleFactor();
    const std::int64_t image = std::int64_t{heightPx} * widthPx * 3;
    std::int64_t bytes = image + image * 4; // 8-bit and float32 copies of the image
    std::int64_t h = heightPx, w = widthPx;
    if (encodesTiled(heightPx, widthPx)) {
        const std::int64_t tile = TiledVaeEncoder::tileFor(m_facts.unet.sampleSize * int(f));
        h = std::min(h, tile);
        w = std::min(w, tile);
        // mean, std and their weights at latent size
        bytes += 3 * std::int64_t{heightPx / f} * (widthPx / f) * v.latentChannels * 4;
    }
    const std::int64_t first = v.blockOutChannels.empty() ? 0 : v.blockOutChannels.front();
    // 5 full-resolution maps of the first width (conv_in, the resnets' temporaries); measured
    // with the embedded VAE, whole: +1.28 GiB at 2048^2, +5.0 GiB at 4096^2 (the estimate:
    // 1.3 and 5.2 GiB with the images).
    bytes += 5 * h * w * first * m_facts.vaeElementBytes;
    if (v.midBlockAddAttention) {
        const double tokens = double(h / f) * double(w / f);
        const double full = tokens * tokens * m_facts.vaeElementBytes;
        const std::int64_t budget = m_facts.cuda ? kDeviceScoreBudget : kCpuScoreBudget;
        bytes += full < double(budget) ? static_cast<std::int64_t>(full) : budget;
    }
    return bytes;
}

GenerationEstimate GenerationMemory::estimate(const GenerateRequest& r,
                                              const GenerationPlan& p) const
{
    GenerationEstimate e;
    e.weightBytes = m_facts.weightBytes;
    e.runtimeBytes = kRuntimeBytes;
    const std::int64_t latentPixels = std::int64_t{p.latentHeight} * p.latentWidth;
    const bool fromImage = !r.initImage.empty();
    // From a start image: its latents, the noise kept for the reroll blend and the latent mask;
    // a 9-channel inpainting UNet also takes the mask and masked-image latents.
    const std::int64_t imageMaps = fromImage ? 3 * m_facts.vae.latentChannels + 1 : 0;
    const std::int64_t extraMaps =
        std::max(0, m_facts.unet.inChannels - m_facts.vae.latentChannels);
    e.canvasBytes =
        4 * latentPixels *
        (kCanvasLatentMaps * m_facts.vae.latentChannels + 2 * p.prompts + imageMaps + extraMaps);
    const int paths = p.views * p.prompts;
    const int perPath = p.guided ? 2 : 1; // uncond + cond, or cond alone at cfg <= 1
    const int batch =
        p.fused ? perPath * std::min(std::max(1, p.batchLimit / perPath), paths) : p.batchLimit;
    e.unetBytes = unetBytes(batch, p.viewHeight, p.viewWidth);
    e.attentionBytes = attentionBytes(batch, p.viewHeight, p.viewWidth);
    if (!r.regions.empty() || !r.rerollMask.empty())
        e.maskBytes = 3 * std::int64_t{r.width} * r.height * 4;
    if (r.bootstrapSteps > 0 && !r.regions.empty())
        e.encodeBytes = vaeEncodeBytes(p.viewHeight, p.viewWidth, false);
    if (fromImage) // the start image on the whole canvas, whole or tiled
        e.encodeBytes = std::max(e.encodeBytes, imageEncodeBytes(r.height, r.width));
    e.decodeBytes = decodeBytes(r, p);
    const std::int64_t preview = r.fullDecodeEvery > 0 ? e.decodeBytes : 0;
    const std::int64_t setup = e.maskBytes + e.encodeBytes;
    const std::int64_t steps = std::max(e.unetBytes + e.attentionBytes, preview);
    e.workBytes = e.canvasBytes + std::max({setup, steps, e.decodeBytes});
    const std::int64_t run = r.steps - StartLatents::firstStep(r); // the steps run
    e.unetEvaluations = run * p.unetSamplesPerStep;
    e.unetCalls = run * p.unetBatchesPerStep;
    return e;
}

GenerationEstimate GenerationMemory::check(const GenerateRequest& request,
                                           const PlanFunction& planFor, const Budget& budget) const
{
    GenerationEstimate e = estimate(request, planFor(request));
    e.availableBytes = budget.bytes;
    e.availableSource = budget.source;
    if (!budget.bytes || e.workBytes <= *budget.bytes)
        return e;
    e.fits = false;
    // The largest size of the same shape that fits: long sides from the request's down, in
    // steps of about 1/64 of it (a multiple of 8). Memory is not monotonic in the size (the
    // decode turns tiled from 4x the native area), so every candidate is estimated.
    const int longSide = std::max(request.width, request.height);
    const std::int64_t step = roundTo8(longSide / 64.0);
    GenerateRequest smaller = request;
    for (std::int64_t side = longSide - step; side >= 8; side -= step) {
        const double scale = double(side) / longSide;
        smaller.width = static_cast<int>(roundTo8(request.width * scale));
        smaller.height = static_cast<int>(roundTo8(request.height * scale));
        if (estimate(smaller, planFor(smaller)).workBytes <= *budget.bytes) {
            e.fitWidth = smaller.width;
            e.fitHeight = smaller.height;
            break;
        }
    }
    std::ostringstream s;
    s << "this " << request.width << "x" << request.height << " generation needs about "
      << gibText(e.workBytes) << " of memory on top of the loaded model (peak about "
      << gibText(e.peakBytes()) << ", most of it for " << largestPart(e) << ") and "
      << gibText(*budget.bytes) << " are available (" << budget.source << "); ";
    if (e.fitWidth > 0)
        s << "the largest size of this shape that fits is " << e.fitWidth << "x" << e.fitHeight
          << "; or use fewer regions, a smaller view batch, or close other programs";
    else
        s << "no size of this shape fits: close other programs or use a computer with more "
             "memory";
    e.message = s.str();
    return e;
}

std::optional<std::int64_t> GenerationMemory::statusField(const std::string& status,
                                                          const std::string& name)
{
    std::istringstream in(status);
    std::string line;
    const std::string prefix = name + ":";
    while (std::getline(in, line)) {
        if (line.compare(0, prefix.size(), prefix) != 0)
            continue;
        long long kb = 0;
        if (std::sscanf(line.c_str() + prefix.size(), " %lld", &kb) == 1 && kb >= 0)
            return static_cast<std::int64_t>(kb) * 1024;
    }
    return std::nullopt;
}

GenerationMemory::Budget GenerationMemory::machineBudget()
{
    Budget b;
    if (auto available = availableMemoryBytes()) {
        b.bytes = *available;
        b.source = "MemAvailable";
    }
    const std::string status = readFile("/proc/self/status");
    const auto limit = [&](int resource, const char* field, const char* name) {
        rlimit rl{};
        if (getrlimit(resource, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
            return;
        const auto used = statusField(status, field).value_or(0);
        const std::int64_t left =
            std::max<std::int64_t>(0, static_cast<std::int64_t>(rl.rlim_cur) - used);
        if (!b.bytes || left < *b.bytes) {
            b.bytes = left;
            b.source = name;
        }
    };
    limit(RLIMIT_AS, "VmSize", "RLIMIT_AS, the address-space limit");
    limit(RLIMIT_DATA, "VmData", "RLIMIT_DATA, the data-size limit");
    return b;
}

} // namespace md
