#pragma once

// region-adherence-bench's command line.

#include "engine/Status.h"

#include <cstdint>
#include <optional>
#include <set>
#include <string>

namespace md::test {

struct BenchOptions
{
    std::string model;      // the model folder or checkpoint
    std::string modelLabel; // as shown in the report (relative to the source tree if inside)
    std::string device = "cpu";
    int seeds = 2;
    uint64_t firstSeed = 1;
    int layouts = 0; // 0: all
    int steps = 20;
    int bootstrap = 4;
    int threads = 0; // 0: all cores
    int size = 512;
    int figureCell = 160;
    std::set<std::string> figureLayouts;
    std::string doc;
    std::string grid;
    std::string cache; // keep generated images here (reused when the weights match)
    std::optional<double> floor;
    std::string command; // the command line, for the report
    // --lora FILE: the LoRA-in-one-region measurement (LoraRegionBench) instead of the
    // standard one; its trigger word and the index of the region that carries it.
    std::string lora;
    std::string loraTrigger = "pvx";
    int loraRegion = 0;

    static Result<BenchOptions> parse(int argc, char** argv);
};

} // namespace md::test
