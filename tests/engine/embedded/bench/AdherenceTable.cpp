#include "engine/embedded/bench/AdherenceTable.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

namespace md::test {

namespace {

std::string fixed(double v, int digits = 2)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

constexpr std::array<AdherenceMode, kAdherenceModes> kModes = {
    AdherenceMode::Chance, AdherenceMode::NoLayout, AdherenceMode::Regions,
    AdherenceMode::Bootstrap, AdherenceMode::Renders};

} // namespace

std::string AdherenceTable::modeName(AdherenceMode mode)
{
    switch (mode) {
    case AdherenceMode::Chance:
        return "chance (random labels, each concept by its area)";
    case AdherenceMode::NoLayout:
        return "no layout (one prompt listing the layout's words)";
    case AdherenceMode::Regions:
        return "MultiDiffusion regions, without bootstrapping";
    case AdherenceMode::Bootstrap:
        return "MultiDiffusion regions, with bootstrapping";
    case AdherenceMode::Renders:
        return "generator renders pasted into the masks (classifier ceiling)";
    }
    return "";
}

void AdherenceTable::add(const std::string& layout, uint64_t seed, AdherenceMode mode,
                         const std::vector<AreaScore>& scores)
{
    if (std::find(m_layouts.begin(), m_layouts.end(), layout) == m_layouts.end())
        m_layouts.push_back(layout);
    for (const AreaScore& s : scores)
        m_records.push_back({layout, seed, mode, s});
}

std::vector<double> AdherenceTable::values(AdherenceMode mode, bool background,
                                           const std::string& layout, int conceptId) const
{
    std::vector<double> out;
    for (const Record& r : m_records) {
        if (r.mode != mode || r.score.area.background != background)
            continue;
        if (!layout.empty() && r.layout != layout)
            continue;
        if (conceptId >= 0 && r.score.area.word.id() != conceptId)
            continue;
        out.push_back(r.score.iou);
    }
    return out;
}

AdherenceTable::Summary AdherenceTable::summarise(const std::vector<double>& v)
{
    Summary s;
    s.count = static_cast<int>(v.size());
    if (v.empty())
        return s;
    for (double x : v)
        s.mean += x;
    s.mean /= v.size();
    for (double x : v)
        s.std += (x - s.mean) * (x - s.mean);
    s.std = std::sqrt(s.std / v.size());
    return s;
}

AdherenceTable::Summary AdherenceTable::summary(AdherenceMode mode, bool background) const
{
    return summarise(values(mode, background, "", -1));
}

std::string AdherenceTable::overallTable() const
{
    std::ostringstream out;
    out << "| images | region IoU (mean ± std) | background IoU | regions scored |\n"
        << "|---|---|---|---|\n";
    for (AdherenceMode m : kModes) {
        const Summary r = summary(m, false), b = summary(m, true);
        const bool ours = m == AdherenceMode::Regions || m == AdherenceMode::Bootstrap;
        const std::string value = fixed(r.mean) + " ± " + fixed(r.std);
        out << "| " << modeName(m) << " | " << (ours ? "**" + value + "**" : value) << " | "
            << (b.count > 0 ? fixed(b.mean) : "–") << " | " << r.count << " |\n";
    }
    return out.str();
}

std::string AdherenceTable::bootstrapEffect() const
{
    std::vector<double> diffs;
    for (const Record& with : m_records) {
        if (with.mode != AdherenceMode::Bootstrap || with.score.area.background)
            continue;
        for (const Record& without : m_records) {
            if (without.mode == AdherenceMode::Regions && without.layout == with.layout &&
                without.seed == with.seed && without.score.area.prompt == with.score.area.prompt) {
                diffs.push_back(with.score.iou - without.score.iou);
                break;
            }
        }
    }
    if (diffs.empty())
        return "";
    const Summary d = summarise(diffs);
    const auto better =
        std::count_if(diffs.begin(), diffs.end(), [](double x) { return x > 0.02; });
    const auto worse =
        std::count_if(diffs.begin(), diffs.end(), [](double x) { return x < -0.02; });
    return "Bootstrapping, paired per region (same layout and seed): IoU with minus without " +
           fixed(d.mean, 3) + " ± " + fixed(d.std / std::sqrt(double(d.count)), 3) +
           " (standard error); better by more than 0.02 in " + std::to_string(better) +
           ", worse in " + std::to_string(worse) + " of " + std::to_string(d.count) + " regions.\n";
}

std::string AdherenceTable::conceptTable() const
{
    std::set<int> ids;
    for (const Record& r : m_records)
        if (!r.score.area.background)
            ids.insert(r.score.area.word.id());
    std::ostringstream out;
    out << "| region concept | n | chance | no layout | without bootstrapping "
           "| with bootstrapping | renders |\n|---|---|---|---|---|---|---|\n";
    for (int id : ids) {
        out << "| " << SceneConcept::fromId(id).name() << " | "
            << values(AdherenceMode::Regions, false, "", id).size();
        for (AdherenceMode m : kModes)
            out << " | " << fixed(summarise(values(m, false, "", id)).mean);
        out << " |\n";
    }
    return out.str();
}

std::string AdherenceTable::layoutTable() const
{
    std::ostringstream out;
    out << "| layout | regions (shape: prompt) | background | chance | no layout "
           "| without bootstrapping | with bootstrapping | renders |\n"
        << "|---|---|---|---|---|---|---|---|\n";
    for (const std::string& layout : m_layouts) {
        std::string regions, background = "–";
        std::set<std::string> seen;
        for (const Record& r : m_records) {
            if (r.layout != layout || r.mode != AdherenceMode::Chance ||
                seen.count(r.score.area.prompt))
                continue;
            seen.insert(r.score.area.prompt);
            if (r.score.area.background)
                background = "\"" + r.score.area.prompt + "\"";
            else
                regions += (regions.empty() ? "" : ", ") + r.score.area.shape + ": \"" +
                           r.score.area.prompt + "\"";
        }
        out << "| " << layout << " | " << regions << " | " << background;
        for (AdherenceMode m : kModes)
            out << " | " << fixed(summarise(values(m, false, layout, -1)).mean);
        out << " |\n";
    }
    return out.str();
}

std::string AdherenceTable::markdown(const AdherenceRun& run) const
{
    std::ostringstream out;
    out << "Model `" << run.model << "` (UNet weights FNV-1a `" << run.modelHash << "`); "
        << run.layouts << " layouts × " << run.seeds << " seeds at " << run.size << "×" << run.size
        << ", " << run.steps << " steps DPM++ 2M Karras, CFG 7.5, bootstrapping "
        << run.bootstrapSteps << " steps; labels on " << run.cell << "×" << run.cell
        << " patches.\n\n"
        << "Run on " << run.date << ", " << run.machine << ", " << run.threads
        << " libtorch threads: " << fixed(run.wallSeconds, 0) << " s wall in all, "
        << fixed(run.secondsPerImage, 1) << " s per generated image (mean over all modes).\n\n"
        << "    " << run.command << "\n\n"
        << "Region IoU is over the regions only (each region's mask against the patches given "
           "its concept); the background column scores the background prompt's area where it "
           "covers at least 5 % of the canvas.\n\n"
        << overallTable() << "\n"
        << bootstrapEffect() << "\nPer region concept (mean IoU):\n\n"
        << conceptTable() << "\nPer layout (mean region IoU over the seeds):\n\n"
        << layoutTable();
    return out.str();
}

} // namespace md::test
