#include "engine/embedded/bench/LoraRegionBench.h"

#include "engine/embedded/RegionAdherence.h"
#include "engine/embedded/SceneClassifier.h"
#include "engine/embedded/StandardLayouts.h"
#include "engine/embedded/bench/CachedGenerator.h"
#include "engine/embedded/bench/ReportFiles.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

namespace md::test {

namespace {

using Clock = std::chrono::steady_clock;
namespace F = torch::nn::functional;

double seconds(Clock::time_point since)
{
    return std::chrono::duration<double>(Clock::now() - since).count();
}

std::string fixed(double v, int digits = 2)
{
    if (std::isinf(v))
        return "identical";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

struct Stat
{
    std::vector<double> values;
    void add(double v) { values.push_back(v); }
    double mean() const
    {
        double s = 0;
        for (double v : values)
            s += v;
        return values.empty() ? 0 : s / double(values.size());
    }
    std::string text() const
    {
        double s = 0;
        const double m = mean();
        for (double v : values)
            s += (v - m) * (v - m);
        const double sd = values.size() > 1 ? std::sqrt(s / double(values.size() - 1)) : 0;
        return fixed(m) + " ± " + fixed(sd);
    }
};

// [H, W] int64 labels at pixel resolution from the classifier's patch labels.
torch::Tensor pixelLabels(const AdherenceResult& r, int cell, int height, int width)
{
    return r.labels.repeat_interleave(cell, 0)
        .repeat_interleave(cell, 1)
        .slice(0, 0, height)
        .slice(1, 0, width);
}

double share(const torch::Tensor& where, const torch::Tensor& of)
{
    const double n = of.sum().item<double>();
    return n > 0 ? (where & of).sum().item<double>() / n : 0.0;
}

// PSNR (dB) of two [3, H, W] images in [0, 1] over the pixels of `mask`; inf when equal.
double psnr(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& mask)
{
    const double n = mask.sum().item<double>() * 3.0;
    if (n == 0)
        return 0;
    const double mse = ((a - b).pow(2) * mask.unsqueeze(0)).sum().item<double>() / n;
    return mse > 0 ? 10.0 * std::log10(1.0 / mse) : INFINITY;
}

// Pixels at least `distance` pixels from the mask (square neighbourhood).
torch::Tensor farFrom(const torch::Tensor& mask, int distance)
{
    auto grown =
        F::max_pool2d(mask.to(torch::kFloat32).unsqueeze(0).unsqueeze(0),
                      F::MaxPool2dFuncOptions(2 * distance + 1).stride(1).padding(distance))
            .squeeze(0)
            .squeeze(0);
    return grown < 0.5;
}

} // namespace

int LoraRegionBench::run()
{
    const auto start = Clock::now();
    const std::filesystem::path file(m_opt.lora);
    if (!std::filesystem::is_regular_file(file)) {
        std::cerr << "region-adherence-bench: --lora: no file " << m_opt.lora << "\n";
        return 1;
    }
    const std::string name = file.stem().string();
    const std::string dir = std::filesystem::absolute(file).parent_path().string();
    const std::string tag = "<lora:" + name + ":1> ";
    const std::string trigger = m_opt.loraTrigger;
    // The cache's images are keyed by the model and the LoRA file.
    CachedGenerator generator(m_engine, m_opt.cache,
                              ReportFiles::modelHash(m_opt.model) + "-" +
                                  ReportFiles::modelHash(m_opt.lora));
    const int cell = m_classifier.options().cell;
    const SceneConcept stripes = SceneConcept::stripes();

    auto layouts = StandardLayouts::build(m_opt.size);
    if (m_opt.layouts > 0 && m_opt.layouts < static_cast<int>(layouts.size()))
        layouts.resize(size_t(m_opt.layouts));
    Stat iouWith, iouWithout, insideWith, insideWithout, leakWith, leakWithout, othersWith,
        othersWithout, psnrFar;
    std::ostringstream rows;
    for (const RegionLayout& base : layouts) {
        const size_t r = size_t(m_opt.loraRegion);
        if (r >= base.regions.size())
            continue;
        const RegionLayout withLora = base.withRegion(r, tag + trigger, stripes);
        const RegionLayout without = base.withRegion(r, trigger, stripes);
        for (int si = 0; si < m_opt.seeds; ++si) {
            const uint64_t seed = m_opt.firstSeed + uint64_t(si);
            char print[24];
            std::snprintf(print, sizeof print, "%08llx-%llu",
                          static_cast<unsigned long long>(withLora.fingerprint() & 0xffffffffu),
                          static_cast<unsigned long long>(seed));
            GenerateRequest request = withLora.request(seed, m_opt.steps, m_opt.bootstrap);
            request.loraDirs = {dir};
            auto a = generator.generate(request, std::string("lora-") + print);
            auto b = generator.generate(without.request(seed, m_opt.steps, m_opt.bootstrap),
                                        std::string("nolora-") + print);
            for (const auto* img : {&a, &b})
                if (!*img) {
                    std::cerr << "region-adherence-bench: layout '" << base.name << "', seed "
                              << seed << ": " << img->error() << "\n";
                    return 1;
                }
            const auto sa = RegionAdherence::score(m_classifier, *a, withLora);
            const auto sb = RegionAdherence::score(m_classifier, *b, without);
            const auto areas = withLora.areas();
            const torch::Tensor region = areas[r].mask;
            const torch::Tensor outside = ~region;
            const auto la = pixelLabels(sa, cell, withLora.height, withLora.width) == int64_t(r);
            const auto lb = pixelLabels(sb, cell, without.height, without.width) == int64_t(r);
            double oa = 0, ob = 0;
            for (size_t i = 0; i < areas.size(); ++i)
                if (i != r) {
                    oa += sa.scores[i].iou;
                    ob += sb.scores[i].iou;
                }
            const double others = double(areas.size() - 1);
            const double far = psnr(*a, *b, farFrom(region, 32).to(torch::kFloat32));
            iouWith.add(sa.scores[r].iou);
            iouWithout.add(sb.scores[r].iou);
            insideWith.add(share(la, region));
            insideWithout.add(share(lb, region));
            leakWith.add(share(la, outside));
            leakWithout.add(share(lb, outside));
            othersWith.add(oa / others);
            othersWithout.add(ob / others);
            if (!std::isinf(far))
                psnrFar.add(far);
            rows << "| " << base.name << " | " << areas[r].shape << " (" << fixed(areas[r].fraction)
                 << ") | " << seed << " | " << fixed(sa.scores[r].iou) << " | "
                 << fixed(sb.scores[r].iou) << " | " << fixed(share(la, outside)) << " | "
                 << fixed(share(lb, outside)) << " | " << fixed(oa / others) << " | "
                 << fixed(ob / others) << " | " << fixed(far, 1) << " |\n";
            std::cout << "[lora] " << base.name << ", seed " << seed << ": region IoU "
                      << fixed(sa.scores[r].iou) << " (without the LoRA " << fixed(sb.scores[r].iou)
                      << "), stripes outside " << fixed(share(la, outside)) << ", other areas "
                      << fixed(oa / others) << " / " << fixed(ob / others) << ", PSNR far "
                      << fixed(far, 1) << " dB  (" << seconds(start) << " s)" << std::endl;
        }
    }

    // The LoRA as a global LoRA: the share of the canvas labelled stripes among the layouts'
    // words and the stripes.
    std::vector<SceneConcept> everything = StandardLayouts::words();
    everything.push_back(stripes);
    Stat globalWith, globalWithout;
    for (int si = 0; si < m_opt.seeds; ++si) {
        const uint64_t seed = m_opt.firstSeed + uint64_t(si);
        GenerateRequest request;
        request.prompt = tag + trigger;
        request.width = m_opt.size;
        request.height = m_opt.size;
        request.steps = m_opt.steps;
        request.cfg = 7.5f;
        request.seed = seed;
        request.loraDirs = {dir};
        auto a = generator.generate(request, "global-lora-" + std::to_string(seed));
        request.prompt = trigger;
        auto b = generator.generate(request, "global-nolora-" + std::to_string(seed));
        if (!a || !b) {
            std::cerr << "region-adherence-bench: global LoRA, seed " << seed << ": "
                      << (!a ? a.error() : b.error()) << "\n";
            return 1;
        }
        const int64_t id = int64_t(everything.size() - 1);
        globalWith.add(
            (m_classifier.classify(*a, everything) == id).to(torch::kDouble).mean().item<double>());
        globalWithout.add(
            (m_classifier.classify(*b, everything) == id).to(torch::kDouble).mean().item<double>());
    }

    std::ostringstream md;
    md << "Command: `" << m_opt.command << "`  \n"
       << "LoRA `" << m_opt.lora << "` (prompt `" << tag << trigger << "` in region "
       << m_opt.loraRegion << " of each layout; without it: `" << trigger << "`), model `"
       << m_opt.modelLabel << "`, " << m_opt.size << "², " << m_opt.steps << " steps, "
       << m_opt.bootstrap << " bootstrapping steps, seeds " << m_opt.firstSeed << "–"
       << m_opt.firstSeed + uint64_t(m_opt.seeds) - 1 << ", " << ReportFiles::machineDescription()
       << ", " << torch::get_num_threads() << " threads, " << ReportFiles::utcDate() << "; "
       << generator.images() << " images generated, " << fixed(generator.secondsPerImage(), 1)
       << " s each; " << fixed(seconds(start), 0) << " s in all.\n\n"
       << "| (mean ± std over layouts and seeds) | LoRA in the region | same prompt, no LoRA |\n"
       << "|---|---|---|\n"
       << "| region IoU with the stripes | " << iouWith.text() << " | " << iouWithout.text()
       << " |\n"
       << "| share of the region labelled stripes | " << insideWith.text() << " | "
       << insideWithout.text() << " |\n"
       << "| share of the rest of the canvas labelled stripes | " << leakWith.text() << " | "
       << leakWithout.text() << " |\n"
       << "| other areas' IoU (mean per image) | " << othersWith.text() << " | "
       << othersWithout.text() << " |\n"
       << "| PSNR with vs without, ≥ 32 px from the region (dB) | " << psnrFar.text() << " ("
       << psnrFar.values.size() << " images not identical) | |\n"
       << "| global LoRA: share of the canvas labelled stripes (among the layouts' "
       << everything.size() - 1 << " words and the stripes) | " << globalWith.text() << " | "
       << globalWithout.text() << " |\n\n"
       << "| layout | LoRA region (share of canvas) | seed | IoU with | IoU without | stripes "
          "outside, with | without | other areas' IoU, with | without | PSNR far (dB) |\n"
       << "|---|---|---|---|---|---|---|---|---|---|\n"
       << rows.str();
    std::cout << "\n" << md.str() << std::endl;
    if (!m_opt.doc.empty()) {
        Status s = ReportFiles::updateDoc(m_opt.doc, md.str(), ReportFiles::kLoraBegin,
                                          ReportFiles::kLoraEnd);
        if (!s) {
            std::cerr << "region-adherence-bench: " << s.message() << "\n";
            return 1;
        }
        std::cout << "[lora] wrote the results into " << m_opt.doc << std::endl;
    }
    return 0;
}

} // namespace md::test
