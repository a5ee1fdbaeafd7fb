#include "RegionArgs.h"

#include "document/ImageIo.h"

#include <cstdlib>
#include <sstream>

namespace md::cli {

namespace {

// "--name value" or "--name=value" at args[i]; advances i past the value.
bool takeOption(const std::vector<std::string>& args, size_t& i, const std::string& name,
                std::string& value, Status& error)
{
    const std::string& a = args[i];
    if (a == name) {
        if (i + 1 >= args.size()) {
            error = Status::error(name + " expects a value");
            return true;
        }
        value = args[++i];
        return true;
    }
    if (a.rfind(name + "=", 0) == 0) {
        value = a.substr(name.size() + 1);
        return true;
    }
    return false;
}

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

} // namespace

void addRegionOptions(ArgParser& p)
{
    p.option("--region", "MASK.png=TEXT", "a painted region (canvas-sized mask, white = inside)",
             true)
        .option("--box", "X,Y,W,H=TEXT", "a box region in canvas pixels, origin top-left", true)
        .option("--region-negative", "TEXT", "negative prompt of the region given just before",
                true)
        .option("--region-strength", "F", "strength of the region given just before (default 1)",
                true)
        .option("--bootstrap-steps", "N", "MultiDiffusion bootstrapping steps (default 0)")
        .option("--window", "N", "view size in latent pixels (default: the model's native size)")
        .option("--stride", "N", "view stride in latent pixels (default 8)")
        .flag("--circular", "wrap horizontally (360-degree panoramas)")
        .option("--feather", "PX", "soft region edges, in canvas pixels (default 0)")
        .option("--max-batch", "N", "UNet samples per call (default: 4 on CPU for 64x64 views, 16 on GPU)")
        .option("--preview-dir", "DIR", "write the per-step previews there as PNGs");
}

Result<std::vector<Region>> parseRegions(const std::vector<std::string>& args)
{
    std::vector<Region> regions;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--")
            break;
        std::string value;
        Status error;
        if (takeOption(args, i, "--region", value, error)) {
            if (!error)
                return error;
            const auto eq = value.find('=');
            if (eq == std::string::npos || eq == 0)
                return Status::error("--region expects MASK.png=TEXT, got '" + value + "'");
            auto mask = readMaskPng(value.substr(0, eq));
            if (!mask)
                return mask.status().withContext("--region " + value.substr(0, eq));
            Region r;
            r.mask = std::move(mask.value());
            r.prompt = value.substr(eq + 1);
            regions.push_back(std::move(r));
        } else if (takeOption(args, i, "--box", value, error)) {
            if (!error)
                return error;
            const auto eq = value.find('=');
            if (eq == std::string::npos)
                return Status::error("--box expects X,Y,W,H=TEXT, got '" + value + "'");
            auto box = parseBox(value.substr(0, eq));
            if (!box)
                return box.status();
            Region r;
            r.box = box.value();
            r.prompt = value.substr(eq + 1);
            regions.push_back(std::move(r));
        } else if (takeOption(args, i, "--region-negative", value, error)) {
            if (!error)
                return error;
            if (regions.empty())
                return Status::error("--region-negative must follow a --region or --box");
            regions.back().negative = value;
        } else if (takeOption(args, i, "--region-strength", value, error)) {
            if (!error)
                return error;
            if (regions.empty())
                return Status::error("--region-strength must follow a --region or --box");
            char* end = nullptr;
            const double s = std::strtod(value.c_str(), &end);
            if (end == value.c_str() || *end != '\0' || !(s >= 0.0 && s <= 10.0))
                return Status::error("--region-strength expects a number from 0 to 10, got '" +
                                     value + "'");
            regions.back().strength = static_cast<float>(s);
        }
    }
    return regions;
}

Status applyFusionOptions(const ArgParser& p, GenerateRequest& r)
{
    auto boot = p.getInt("--bootstrap-steps", 0, 0, 1000);
    auto window = p.getInt("--window", 0, 8, 4096);
    auto stride = p.getInt("--stride", 8, 1, 4096);
    auto feather = p.getDouble("--feather", 0.0, 0.0, 512.0);
    auto batch = p.getInt("--max-batch", 0, 2, 1024);
    if (!boot)
        return boot.status();
    if (!window)
        return window.status();
    if (!stride)
        return stride.status();
    if (!feather)
        return feather.status();
    if (!batch)
        return batch.status();
    r.bootstrapSteps = boot.value();
    r.window = window.value();
    r.stride = stride.value();
    r.featherPx = static_cast<float>(feather.value());
    r.maxBatch = batch.value();
    r.circular = p.has("--circular");
    return Status::ok();
}

} // namespace md::cli
