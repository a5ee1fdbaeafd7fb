#pragma once

// The region-adherence benchmark's numbers: one record per (layout, seed, mode) with the
// IoU of each scored area, summarised as markdown tables (overall, per concept, per layout).

#include "engine/embedded/RegionAdherence.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace md::test {

enum class AdherenceMode { Chance, NoLayout, Regions, Bootstrap, Renders };
constexpr int kAdherenceModes = 5;

// What the run was, for the report's header.
struct AdherenceRun
{
    std::string command;
    std::string model;     // the model folder as given
    std::string modelHash; // FNV-1a of the UNet weights
    std::string machine;
    std::string date;
    int layouts = 0;
    int seeds = 0;
    int size = 512;
    int steps = 20;
    int bootstrapSteps = 4;
    int threads = 0;
    int cell = 16;
    double wallSeconds = 0;
    double secondsPerImage = 0;
};

class AdherenceTable
{
public:
    void add(const std::string& layout, uint64_t seed, AdherenceMode mode,
             const std::vector<AreaScore>& scores);

    struct Summary
    {
        double mean = 0;
        double std = 0;
        int count = 0;
    };
    // Regions only (background == false) or the background areas only.
    Summary summary(AdherenceMode mode, bool background) const;

    // The tables, in markdown.
    std::string markdown(const AdherenceRun& run) const;

    static std::string modeName(AdherenceMode mode);

private:
    struct Record
    {
        std::string layout;
        uint64_t seed = 0;
        AdherenceMode mode = AdherenceMode::Chance;
        AreaScore score;
    };
    static Summary summarise(const std::vector<double>& values);
    std::vector<double> values(AdherenceMode mode, bool background, const std::string& layout,
                               int conceptId) const;
    std::string overallTable() const;
    std::string bootstrapEffect() const; // paired: with minus without, per region
    std::string conceptTable() const;
    std::string layoutTable() const;

    std::vector<Record> m_records;
    std::vector<std::string> m_layouts; // in first-seen order
};

} // namespace md::test
