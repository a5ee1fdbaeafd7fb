#include "BenchLoras.h"

#include <cstdio>
#include <sys/resource.h>

namespace md::bench {

namespace {

std::string tag(const std::string& name, float weight)
{
    char number[32];
    std::snprintf(number, sizeof number, "%g", static_cast<double>(weight));
    return " <lora:" + name + ":" + number + ">";
}

} // namespace

Status addLoras(GenerateRequest& r, const LoraOptions& o)
{
    if (o.mode == "none")
        return Status::ok();
    if (o.mode != "global" && o.mode != "regions")
        return Status::error("--lora " + o.mode + ": use none, global or regions");
    if (o.dir.empty() || o.names.empty())
        return Status::error("--lora " + o.mode + " needs --lora-dir and --lora-names");
    r.loraDirs = {o.dir};
    if (o.mode == "global") {
        r.prompt += tag(o.names.front(), o.weight);
        return Status::ok();
    }
    if (r.regions.empty())
        return Status::error("--lora regions needs a case with regions (regions, regions6)");
    for (size_t i = 0; i < r.regions.size(); ++i)
        r.regions[i].prompt += tag(o.names[i % o.names.size()], o.weight);
    return Status::ok();
}

double peakRssMiB()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0; // Linux: KiB
}

} // namespace md::bench
