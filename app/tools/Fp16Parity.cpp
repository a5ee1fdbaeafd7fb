#include "Fp16Parity.h"

#include "engine/Engine.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <torch/cuda.h>

namespace md {

namespace {

ImageDifference compare(const std::string& name, const RgbImage& a, const RgbImage& b)
{
    ImageDifference d;
    d.name = name;
    if (a.width != b.width || a.height != b.height || a.pixels.size() != b.pixels.size() ||
        a.pixels.empty()) {
        d.psnr = 0;
        d.maxAbs = 255;
        d.meanAbs = 255;
        d.fractionOver = 1;
        return d;
    }
    double squares = 0, sum = 0;
    size_t over = 0;
    for (size_t i = 0; i < a.pixels.size(); ++i) {
        const int diff = std::abs(int{a.pixels[i]} - int{b.pixels[i]});
        squares += double(diff) * diff;
        sum += diff;
        d.maxAbs = std::max(d.maxAbs, diff);
        over += diff > 16 ? 1 : 0;
    }
    const double n = static_cast<double>(a.pixels.size());
    const double mse = squares / n;
    d.psnr =
        mse == 0 ? std::numeric_limits<double>::infinity() : 10.0 * std::log10(255.0 * 255.0 / mse);
    d.meanAbs = sum / n;
    d.fractionOver = static_cast<double>(over) / n;
    return d;
}

GenerateRequest txt2img()
{
    GenerateRequest r;
    r.prompt = "a red house by a lake";
    r.negative = "blurry";
    r.width = 512;
    r.height = 512;
    r.steps = 8;
    r.cfg = 7.5f;
    r.seed = 7;
    r.sampler = SamplerKind::Ddim;
    r.cheapPreview = false;
    return r;
}

GenerateRequest regions()
{
    GenerateRequest r = txt2img();
    r.width = 768;
    r.stride = 16;
    r.bootstrapSteps = 2;
    Region house;
    house.prompt = "a red house";
    house.negative = "blurry";
    house.box = Box{64, 128, 256, 320};
    Region tree;
    tree.prompt = "a tall green tree";
    tree.negative = "blurry";
    tree.box = Box{448, 64, 256, 384};
    r.regions = {house, tree};
    return r;
}

GenerateRequest squareRegions()
{
    GenerateRequest r = regions();
    r.width = 512;
    r.regions[1].box = Box{320, 64, 160, 384};
    return r;
}

Result<RgbImage> generate(Engine& engine, const GenerateRequest& r)
{
    return engine.generate(r, GenerateCallbacks{});
}

} // namespace

Result<ParityReport> checkFp16Parity(const std::string& modelPath)
{
    if (!torch::cuda::is_available())
        return Status::error("no CUDA device: the fp16 CUDA path cannot be checked here");
    Engine cpu, cuda, plain;
    ModelOptions options;
    options.path = modelPath;
    options.device = "cpu";
    options.dtype = "float32";
    if (Status s = cpu.load(options); !s)
        return s;
    options.device = "cuda";
    options.dtype = "float16";
    if (Status s = cuda.load(options); !s)
        return s;
    options.cudaGraphs = false;
    if (Status s = plain.load(options); !s)
        return s;
    ParityReport report;
    report.device = cuda.info().device + " " + cuda.info().dtype + ", vae " + cuda.info().vae;
    const std::pair<const char*, GenerateRequest> cases[] = {
        {"txt2img 512x512", txt2img()},
        {"bg + 2 regions 512x512", squareRegions()},
        {"bg + 2 regions 768x512", regions()}};
    RgbImage firstCpu;
    for (const auto& [name, request] : cases) {
        auto reference = generate(cpu, request);
        if (!reference)
            return reference.status().withContext(std::string(name) + " on the CPU");
        auto half = generate(cuda, request);
        if (!half)
            return half.status().withContext(std::string(name) + " on CUDA");
        report.cases.push_back(compare(name, reference.value(), half.value()));
        auto ungraphed = generate(plain, request);
        if (!ungraphed)
            return ungraphed.status().withContext(std::string(name) + " on CUDA, no graphs");
        report.graphCases.push_back(compare(std::string(name) + ": graphs vs plain calls",
                                            half.value(), ungraphed.value()));
        if (firstCpu.empty())
            firstCpu = reference.value();
    }
    GenerateRequest other = txt2img();
    other.seed = 8;
    auto different = generate(cpu, other);
    if (!different)
        return different.status().withContext("the control image on the CPU");
    report.control = compare("control: CPU seed 7 vs seed 8", firstCpu, different.value());
    report.graphs = cuda.info().cudaGraphs;
    return report;
}

bool parityHolds(const ParityReport& report)
{
    const auto within = [](const ImageDifference& d) {
        return d.psnr >= kParityMinPsnr && d.fractionOver <= kParityMaxOverFraction;
    };
    if (report.cases.empty() || within(report.control))
        return false;
    if (!std::all_of(report.cases.begin(), report.cases.end(), within))
        return false;
    if (report.graphs == "not in this build")
        return true;
    const bool captured =
        report.graphs.rfind("on: ", 0) == 0 && report.graphs.rfind("on: 0 captured", 0) != 0;
    return captured &&
           std::all_of(report.graphCases.begin(), report.graphCases.end(),
                       [](const ImageDifference& d) { return d.psnr >= kGraphMinPsnr; });
}

} // namespace md
