#include "RegionArgs.h"

#include "CommandLine.h"
#include "OptionChecks.h"
#include "document/ImageIo.h"
#include "engine/EngineTypes.h"

#include <map>
#include <sstream>

namespace md::cli {

namespace {

Result<Box> parseBox(const std::string& spec)
{
    Box box;
    std::istringstream in(spec);
    char c1 = 0, c2 = 0, c3 = 0;
    if (!(in >> box.x >> c1 >> box.y >> c2 >> box.width >> c3 >> box.height) || c1 != ',' ||
        c2 != ',' || c3 != ',' || !in.eof())
        return Status::error("--box expects X,Y,W,H=TEXT in canvas pixels, got '" + spec + "'");
    if (box.width <= 0 || box.height <= 0)
        return Status::error("--box " + spec + ": width and height must be positive");
    return box;
}

Result<Region> maskRegion(const std::string& value)
{
    const auto eq = value.find('=');
    if (eq == std::string::npos || eq == 0)
        return Status::error("--region expects MASK.png=TEXT, got '" + value + "'");
    auto mask = readMaskPng(value.substr(0, eq));
    if (!mask)
        return mask.status().withContext("--region " + value.substr(0, eq));
    Region r;
    r.mask = std::move(mask.value());
    r.prompt = value.substr(eq + 1);
    return r;
}

Result<Region> boxRegion(const std::string& value)
{
    const auto eq = value.find('=');
    if (eq == std::string::npos)
        return Status::error("--box expects X,Y,W,H=TEXT, got '" + value + "'");
    auto box = parseBox(value.substr(0, eq));
    if (!box)
        return box.status();
    Region r;
    r.box = box.value();
    r.prompt = value.substr(eq + 1);
    return r;
}

} // namespace

void RegionArgs::addTo(CommandLine& cl)
{
    cl.repeatable("--region", m_regions, "MASK.png=TEXT",
                  "a painted region (canvas-sized mask, white = inside)");
    cl.repeatable("--box", m_boxes, "X,Y,W,H=TEXT",
                  "a box region in canvas pixels, origin top-left");
    cl.repeatable("--region-negative", m_negatives, "TEXT",
                  "negative prompt of the region given just before");
    cl.checked(cl.repeatable("--region-strength", m_strengths, "F",
                             "strength of the region given just before (default 1)"),
               checkStrength);
    cl.integer("--bootstrap-steps", m_bootstrapSteps, 0, 1000, "N",
               "MultiDiffusion bootstrapping steps (default 0)");
    cl.integer("--window", m_window, kMinWindow, kMaxWindow, "N",
               "view size in latent pixels (default: the model's native size)");
    cl.integer("--stride", m_stride, kMinStride, kMaxStride, "N",
               "view stride in latent pixels (default 8)");
    cl.flag("--circular", m_circular, "wrap horizontally (360-degree panoramas)");
    cl.number("--feather", m_feather, 0.0, 512.0, "PX",
              "soft region edges, in canvas pixels (default 0)");
    cl.integer("--max-batch", m_maxBatch, 2, 1024, "N",
               "UNet samples per call (default: 4 on CPU for 64x64 views, 16 on GPU)");
    cl.text("--preview-dir", m_previewDir, "DIR", "write the per-step previews there as PNGs");
}

Result<std::vector<Region>> RegionArgs::regions(const CommandLine& cl) const
{
    // CLI11 records every occurrence in parse_order(): walk it to pair each
    // --region-negative / --region-strength with the region given just before it.
    const CLI::App& app = cl.app();
    const CLI::Option* region = app.get_option("--region");
    const CLI::Option* box = app.get_option("--box");
    const CLI::Option* negative = app.get_option("--region-negative");
    const CLI::Option* strength = app.get_option("--region-strength");
    std::map<const CLI::Option*, std::size_t> next;
    std::vector<Region> regions;
    for (const CLI::Option* option : app.parse_order()) {
        if (option != region && option != box && option != negative && option != strength)
            continue;
        const std::string& value = option->results().at(next[option]++);
        if (option == region || option == box) {
            auto r = option == region ? maskRegion(value) : boxRegion(value);
            if (!r)
                return r.status();
            regions.push_back(std::move(r.value()));
        } else if (regions.empty()) {
            return Status::error(option->get_name() + " must follow a --region or --box");
        } else if (option == negative) {
            regions.back().negative = value;
        } else {
            regions.back().strength = static_cast<float>(std::stod(value));
        }
    }
    return regions;
}

Status RegionArgs::apply(const CommandLine& cl, GenerateRequest& r) const
{
    auto list = regions(cl);
    if (!list)
        return list.status();
    r.regions = std::move(list.value());
    r.bootstrapSteps = m_bootstrapSteps;
    r.window = m_window;
    r.stride = m_stride;
    r.featherPx = static_cast<float>(m_feather);
    r.maxBatch = m_maxBatch;
    r.circular = m_circular;
    return Status::ok();
}

} // namespace md::cli
