// image-conditioning-bench (issue 12): what image conditioning does on the embedded model.
//
//   image-conditioning-bench reroll [--layouts N] [--seeds N] [--steps N]
//       For each standard layout and seed: a regions image, then its first region rerolled
//       (a new seed for that region) (a) keeping the rest (the previous image as start image,
//       the region's mask as reroll mask, strength 1) and (b) regenerated whole with only that
//       region's seed changed. Reports the region-adherence IoU of the rerolled region in the
//       original, (a) and (b); pixels changed outside the region in (a) (must be 0); and the
//       mean change inside it.
//   image-conditioning-bench upscale --factor F [--layout NAME] [--strength S] [--out PPM]
//       A 512x512 regions image of the layout (default "night over snow": a background and two
//       regions), then the upscale request of the document layer (Lanczos, masks scaled,
//       MultiDiffusion img2img at the native window): time, process peak RSS, the regions'
//       IoU (the result area-downsampled back to 512 and scored against the layout), and a
//       seam score: the largest column-to-column (row-to-row) change of any one column (row)
//       over the median one, of what the pass added to its Lanczos start.
//
// Not a test: it takes minutes.

#include "TestConfig.h"
#include "document/Upscale.h"
#include "engine/Engine.h"
#include "engine/embedded/MaskShapes.h"
#include "engine/embedded/PatchClassifier.h"
#include "engine/embedded/RegionAdherence.h"
#include "engine/embedded/SceneClassifier.h"
#include "engine/embedded/StandardLayouts.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <sys/resource.h>
#include <thread>
#include <torch/torch.h>

namespace md::test {
namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point since)
{
    return std::chrono::duration<double>(Clock::now() - since).count();
}

double peakRssMiB()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0; // kilobytes on Linux
}

struct Options
{
    std::string model = std::string(MD_SOURCE_DIR) + "/resources/models/mds-tiny";
    int layouts = 0; // 0: all
    int seeds = 2;
    int steps = 20;
    double factor = 2.0;
    float strength = 0.35f;
    std::string layout = "night over snow";
    std::string out;
    int threads = 0;
};

RgbImage toRgb(const torch::Tensor& image) // [3, H, W] in [0, 1]
{
    auto hwc = (image.clamp(0, 1) * 255).round().to(torch::kUInt8).permute({1, 2, 0}).contiguous();
    RgbImage out;
    out.height = static_cast<int>(hwc.size(0));
    out.width = static_cast<int>(hwc.size(1));
    out.pixels.assign(hwc.data_ptr<std::uint8_t>(), hwc.data_ptr<std::uint8_t>() + hwc.numel());
    return out;
}

// The largest mean |change| between neighbouring columns (dim 2) or rows (dim 1) of a
// [3, H, W] image over the median one: a seam is one column or row that steps.
double seamScore(const torch::Tensor& image, int dim)
{
    const int64_t n = image.size(dim);
    auto d = (image.narrow(dim, 1, n - 1) - image.narrow(dim, 0, n - 1)).abs();
    auto profile = d.mean(dim == 2 ? std::vector<int64_t>{0, 1} : std::vector<int64_t>{0, 2});
    return profile.max().item<double>() / std::max(1e-9, profile.median().item<double>());
}

Engine& loadEngine(Engine& engine, const Options& opt)
{
    const int cores = static_cast<int>(std::thread::hardware_concurrency());
    torch::set_num_threads(opt.threads > 0 ? opt.threads : std::max(1, cores));
    ModelOptions model;
    model.path = opt.model;
    if (Status s = engine.load(model); !s)
        throw std::runtime_error("could not load the model " + opt.model + ": " + s.message());
    return engine;
}

torch::Tensor generate(Engine& engine, const GenerateRequest& request)
{
    auto image = engine.generate(request);
    if (!image)
        throw std::runtime_error(image.error());
    return SceneClassifier::toTensor(*image);
}

int reroll(const Options& opt)
{
    Engine engine;
    loadEngine(engine, opt);
    const PatchClassifier classifier;
    auto layouts = StandardLayouts::build(512);
    if (opt.layouts > 0 && opt.layouts < static_cast<int>(layouts.size()))
        layouts.resize(opt.layouts);
    double sumBase = 0, sumKeep = 0, sumWhole = 0, sumInside = 0;
    long changedOutside = 0;
    int n = 0;
    std::printf("| layout | seed | IoU before | rerolled, rest kept | regenerated whole | "
                "pixels changed outside | mean change inside |\n|---|---|---|---|---|---|---|\n");
    for (const RegionLayout& layout : layouts) {
        for (int si = 0; si < opt.seeds; ++si) {
            const std::uint64_t seed = 1 + static_cast<std::uint64_t>(si);
            GenerateRequest base = layout.request(seed, opt.steps, 0);
            auto before = generate(engine, base);

            GenerateRequest whole = base;
            whole.regions[0].seed = seed + 1000;
            GenerateRequest keep = whole;
            keep.initImage = toRgb(before);
            keep.strength = 1.0f;
            keep.rerollMask = MaskShapes::toMaskImage(layout.regions[0].mask);
            auto kept = generate(engine, keep);
            auto regenerated = generate(engine, whole);

            const auto iou0 = [&](const torch::Tensor& image) {
                return RegionAdherence::score(classifier, image, layout).scores[0].iou;
            };
            const double a = iou0(before), b = iou0(kept), c = iou0(regenerated);
            auto inside = layout.regions[0].mask > 0.5;
            auto diff = (kept - before).abs().amax(0); // [H, W]; both are uint8 / 255
            const long outside = (diff.masked_select(~inside) > 0).sum().item<long>();
            const double meanInside =
                (kept - before).abs().mean(0).masked_select(inside).mean().item<double>();
            std::printf("| %s | %llu | %.2f | %.2f | %.2f | %ld | %.3f |\n", layout.name.c_str(),
                        static_cast<unsigned long long>(seed), a, b, c, outside, meanInside);
            std::fflush(stdout);
            sumBase += a;
            sumKeep += b;
            sumWhole += c;
            sumInside += meanInside;
            changedOutside += outside;
            ++n;
        }
    }
    std::printf("| **mean over %d** | | **%.2f** | **%.2f** | **%.2f** | %ld in all | %.3f |\n", n,
                sumBase / n, sumKeep / n, sumWhole / n, changedOutside, sumInside / n);
    return changedOutside == 0 ? 0 : 2;
}

int upscale(const Options& opt)
{
    Engine engine;
    loadEngine(engine, opt);
    const PatchClassifier classifier;
    const auto layouts = StandardLayouts::build(512);
    auto it = std::find_if(layouts.begin(), layouts.end(),
                           [&](const RegionLayout& l) { return l.name == opt.layout; });
    if (it == layouts.end())
        throw std::runtime_error("no layout named '" + opt.layout + "'");
    const RegionLayout& layout = *it;
    GenerateRequest base = layout.request(1, opt.steps, 0);
    auto t0 = Clock::now();
    auto before = generate(engine, base);
    const double baseSeconds = seconds(t0);
    const double baseRss = peakRssMiB();
    auto request = upscaleRequest(base, toRgb(before), opt.factor, opt.strength);
    if (!request)
        throw std::runtime_error(request.error());
    auto resized = SceneClassifier::toTensor(request->initImage);
    t0 = Clock::now();
    auto after = generate(engine, *request);
    const double upSeconds = seconds(t0);
    auto down = torch::nn::functional::interpolate(after.unsqueeze(0),
                                                   torch::nn::functional::InterpolateFuncOptions()
                                                       .size(std::vector<int64_t>{512, 512})
                                                       .mode(torch::kArea))
                    .squeeze(0);
    const auto scoresBefore = RegionAdherence::score(classifier, before, layout).scores;
    const auto scoresAfter = RegionAdherence::score(classifier, down, layout).scores;
    std::printf("layout '%s', 512x512 -> %dx%d (x%.2f), strength %.2f, %d steps, %d threads\n",
                layout.name.c_str(), request->width, request->height, opt.factor, opt.strength,
                opt.steps, torch::get_num_threads());
    std::printf("base image: %.1f s, peak RSS so far %.0f MiB\n", baseSeconds, baseRss);
    std::printf("upscale: %.1f s, process peak RSS %.0f MiB\n", upSeconds, peakRssMiB());
    for (size_t i = 0; i < scoresAfter.size(); ++i)
        std::printf("  IoU %s'%s': %.2f before, %.2f after the upscale\n",
                    scoresAfter[i].area.background ? "(background) " : "",
                    scoresAfter[i].area.prompt.c_str(), scoresBefore[i].iou, scoresAfter[i].iou);
    // The image's own edges (a horizon) dominate a seam score of the image itself; what the
    // upscaling pass added (the result less the Lanczos resize it started from) has no such
    // edge, so a tile or window seam stands out there.
    std::printf("seam score (max/median neighbour change) of the result less its Lanczos start: "
                "columns %.2f rows %.2f (of the result itself: columns %.2f rows %.2f)\n",
                seamScore(after - resized, 2), seamScore(after - resized, 1), seamScore(after, 2),
                seamScore(after, 1));
    if (!opt.out.empty()) {
        // Binary PPM (the document layer's PNG writer drags in a clashing md::Colour).
        const RgbImage rgb = toRgb(after);
        std::FILE* f = std::fopen(opt.out.c_str(), "wb");
        if (f == nullptr)
            throw std::runtime_error("cannot write " + opt.out);
        std::fprintf(f, "P6\n%d %d\n255\n", rgb.width, rgb.height);
        const bool ok =
            std::fwrite(rgb.pixels.data(), 1, rgb.pixels.size(), f) == rgb.pixels.size();
        if (std::fclose(f) != 0 || !ok)
            throw std::runtime_error("cannot write " + opt.out);
        std::printf("wrote %s\n", opt.out.c_str());
    }
    return 0;
}

} // namespace
} // namespace md::test

int main(int argc, char** argv)
{
    md::test::Options opt;
    CLI::App app{"image-conditioning-bench: reroll and upscale on the embedded model"};
    app.require_subcommand(1);
    app.add_option("--model", opt.model, "model folder or .safetensors");
    app.add_option("--steps", opt.steps, "sampling steps")->check(CLI::Range(1, 1000));
    app.add_option("--threads", opt.threads, "libtorch threads (default: all cores)");
    auto* reroll = app.add_subcommand("reroll", "reroll the first region of each layout");
    reroll->add_option("--layouts", opt.layouts, "the first N layouts only");
    reroll->add_option("--seeds", opt.seeds, "seeds per layout")->check(CLI::Range(1, 100));
    auto* upscale = app.add_subcommand("upscale", "upscale a three-prompt regions image");
    upscale->add_option("--factor", opt.factor, "upscale factor")->check(CLI::Range(1.0, 4.0));
    upscale->add_option("--strength", opt.strength, "denoising strength")
        ->check(CLI::Range(0.01, 1.0));
    upscale->add_option("--layout", opt.layout, "a standard layout's name");
    upscale->add_option("--out", opt.out, "write the upscaled image here (binary PPM)");
    CLI11_PARSE(app, argc, argv);
    try {
        return *reroll ? md::test::reroll(opt) : md::test::upscale(opt);
    } catch (const c10::Error& e) {
        std::cerr << "image-conditioning-bench: " << e.what_without_backtrace() << "\n";
    } catch (const std::exception& e) {
        std::cerr << "image-conditioning-bench: " << e.what() << "\n";
    }
    return 1;
}
