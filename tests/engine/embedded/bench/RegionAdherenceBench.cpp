// region-adherence-bench: region adherence of a model through md::Engine (issue 4), in the
// spirit of the MultiDiffusion paper's Table 2. For a fixed, seeded set of region layouts it
// generates each layout with and without bootstrapping (and, as a baseline, from one prompt
// listing the layout's words with no layout), classifies every patch with the tests' own
// PatchClassifier restricted to the layout's concepts, and reports the IoU between each
// region's mask and the patches given its concept. Not a test: it takes minutes.
//
//   region-adherence-bench [--model DIR] [--seeds N] [--layouts N] [--steps N]
//       [--bootstrap N] [--threads N (default: all cores)] [--device cpu] [--doc FILE]
//       [--grid PNG] [--figure 'layout;...'] [--cache DIR] [--floor X]
//       [--lora FILE [--lora-trigger WORD] [--lora-region N]]
//
// --doc replaces the results between the markers in FILE (docs/region-adherence.md);
// --floor X exits with status 2 unless both region modes beat the no-layout baseline's mean
// region IoU by at least X. --lora FILE measures a LoRA in one region instead
// (LoraRegionBench, issue 14).

#include "engine/Engine.h"
#include "engine/embedded/PatchClassifier.h"
#include "engine/embedded/RegionAdherence.h"
#include "engine/embedded/StandardLayouts.h"
#include "engine/embedded/bench/AdherenceFigure.h"
#include "engine/embedded/bench/AdherenceTable.h"
#include "engine/embedded/bench/BenchOptions.h"
#include "engine/embedded/bench/CachedGenerator.h"
#include "engine/embedded/bench/LoraRegionBench.h"
#include "engine/embedded/bench/ReportFiles.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <set>
#include <thread>
#include <torch/torch.h>

namespace md::test {
namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point since)
{
    return std::chrono::duration<double>(Clock::now() - since).count();
}

std::string ious(const std::vector<AreaScore>& scores)
{
    std::string out;
    for (const AreaScore& s : scores) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%s%.2f", s.area.background ? "bg " : "", s.iou);
        out += (out.empty() ? "" : " ") + std::string(buf);
    }
    return out;
}

std::string fileName(std::string name)
{
    for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)))
            c = '-';
    return name;
}

int run(const BenchOptions& opt)
{
    const auto start = Clock::now();
    // libtorch's OpenMP default can be 1 thread in containers; use every core unless told.
    const int cores = static_cast<int>(std::thread::hardware_concurrency());
    torch::set_num_threads(opt.threads > 0 ? opt.threads : std::max(1, cores));
    Engine engine;
    ModelOptions model;
    model.path = opt.model;
    model.device = opt.device;
    if (Status s = engine.load(model); !s) {
        std::cerr << "region-adherence-bench: could not load the model " << opt.model << ": "
                  << s.message() << "\n";
        return 1;
    }
    auto t = Clock::now();
    const PatchClassifier classifier;
    std::cout << "[adherence] classifier prototypes in " << seconds(t) << " s" << std::endl;
    if (!opt.lora.empty())
        return LoraRegionBench(opt, engine, classifier).run();

    auto layouts = StandardLayouts::build(opt.size);
    if (opt.layouts > 0 && opt.layouts < static_cast<int>(layouts.size()))
        layouts.resize(opt.layouts);
    for (const std::string& name : opt.figureLayouts) {
        const bool known = std::any_of(layouts.begin(), layouts.end(),
                                       [&](const RegionLayout& l) { return l.name == name; });
        if (!known)
            std::cerr << "region-adherence-bench: --figure: no layout named '" << name
                      << "' (or it is beyond --layouts)\n";
    }
    AdherenceTable table;
    AdherenceFigure figure(classifier, opt.figureCell);
    const std::string hash = ReportFiles::modelHash(opt.model);
    CachedGenerator generator(engine, opt.cache, hash);
    for (size_t li = 0; li < layouts.size(); ++li) {
        const RegionLayout& layout = layouts[li];
        for (int si = 0; si < opt.seeds; ++si) {
            const uint64_t seed = opt.firstSeed + uint64_t(si);
            std::vector<AreaScore> chance;
            for (const LayoutArea& a : layout.areas())
                chance.push_back({a, RegionAdherence::chanceIou(a.fraction)});
            table.add(layout.name, seed, AdherenceMode::Chance, chance);
            const auto renders = RegionAdherence::score(
                classifier, RegionAdherence::generatorComposite(layout, 100 + seed), layout);
            table.add(layout.name, seed, AdherenceMode::Renders, renders.scores);

            char print[20];
            std::snprintf(print, sizeof print, "%08llx",
                          static_cast<unsigned long long>(layout.fingerprint() & 0xffffffffu));
            const std::string key =
                fileName(layout.name) + "-" + print + "-" + std::to_string(seed);
            auto noLayout =
                generator.generate(layout.withoutLayout(seed, opt.steps), key + "-nolayout");
            auto plain = generator.generate(layout.request(seed, opt.steps, 0), key + "-b0");
            auto boot = generator.generate(layout.request(seed, opt.steps, opt.bootstrap),
                                           key + "-b" + std::to_string(opt.bootstrap));
            for (const auto* r : {&noLayout, &plain, &boot}) {
                if (!*r) {
                    std::cerr << "region-adherence-bench: layout '" << layout.name << "', seed "
                              << seed << ": " << r->error() << "\n";
                    return 1;
                }
            }
            const auto n = RegionAdherence::score(classifier, *noLayout, layout);
            const auto p = RegionAdherence::score(classifier, *plain, layout);
            const auto b = RegionAdherence::score(classifier, *boot, layout);
            table.add(layout.name, seed, AdherenceMode::NoLayout, n.scores);
            table.add(layout.name, seed, AdherenceMode::Regions, p.scores);
            table.add(layout.name, seed, AdherenceMode::Bootstrap, b.scores);
            if (si == 0 && opt.figureLayouts.count(layout.name))
                figure.addRow(layout, *plain, p, *boot, b);
            std::cout << "[adherence] " << layout.name << ", seed " << seed << ": no layout "
                      << ious(n.scores) << " | regions " << ious(p.scores) << " | bootstrap "
                      << ious(b.scores) << " | renders " << ious(renders.scores)
                      << " | mean |bootstrap - without| "
                      << (*boot - *plain).abs().mean().item<double>() << "  (" << seconds(start)
                      << " s)" << std::endl;
        }
    }

    AdherenceRun info;
    info.command = opt.command;
    info.model = opt.modelLabel;
    info.modelHash = hash;
    info.machine = ReportFiles::machineDescription();
    info.date = ReportFiles::utcDate();
    info.layouts = static_cast<int>(layouts.size());
    info.seeds = opt.seeds;
    info.size = opt.size;
    info.steps = opt.steps;
    info.bootstrapSteps = opt.bootstrap;
    info.threads = torch::get_num_threads();
    info.cell = classifier.options().cell;
    info.wallSeconds = seconds(start);
    info.secondsPerImage = generator.secondsPerImage();
    const std::string markdown = table.markdown(info);
    std::cout << "\n" << markdown << std::endl;

    if (!opt.doc.empty()) {
        if (Status s = ReportFiles::updateDoc(opt.doc, markdown); !s) {
            std::cerr << "region-adherence-bench: " << s.message() << "\n";
            return 1;
        }
        std::cout << "[adherence] wrote the results into " << opt.doc << std::endl;
    }
    if (!opt.grid.empty() && !figure.empty()) {
        if (Status s = figure.write(opt.grid); !s) {
            std::cerr << "region-adherence-bench: " << s.message() << "\n";
            return 1;
        }
        std::cout << "[adherence] wrote " << opt.grid << std::endl;
    }
    if (opt.floor) {
        const double base = table.summary(AdherenceMode::NoLayout, false).mean;
        const double plainMean = table.summary(AdherenceMode::Regions, false).mean;
        const double bootMean = table.summary(AdherenceMode::Bootstrap, false).mean;
        if (plainMean < base + *opt.floor || bootMean < base + *opt.floor) {
            std::cerr << "region-adherence-bench: below the floor: region IoU " << plainMean
                      << " (without bootstrapping) and " << bootMean
                      << " (with) must both exceed the no-layout baseline " << base << " by "
                      << *opt.floor << "\n";
            return 2;
        }
    }
    return 0;
}

} // namespace
} // namespace md::test

int main(int argc, char** argv)
{
    auto options = md::test::BenchOptions::parse(argc, argv);
    if (!options) {
        std::cerr << "region-adherence-bench: " << options.error() << "\n";
        return 1;
    }
    try {
        return md::test::run(*options);
    } catch (const c10::Error& e) {
        std::cerr << "region-adherence-bench: " << e.what_without_backtrace() << "\n";
    } catch (const std::exception& e) {
        std::cerr << "region-adherence-bench: " << e.what() << "\n";
    }
    return 1;
}
