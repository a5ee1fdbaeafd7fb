#include "engine/embedded/bench/BenchOptions.h"

#include "TestConfig.h"

#include <cstdlib>
#include <sstream>

namespace md::test {

namespace {

const char* kUsage =
    "usage: region-adherence-bench [--model DIR] [--seeds N] [--first-seed N] [--layouts N]\n"
    "    [--steps N] [--bootstrap N] [--threads N] [--device cpu|cuda|auto] [--doc FILE]\n"
    "    [--grid PNG] [--figure 'layout;layout;...'] [--cache DIR] [--floor X]\n"
    "    [--lora FILE.safetensors [--lora-trigger WORD] [--lora-region N]]";

std::optional<int> toInt(const std::string& s)
{
    char* end = nullptr;
    const long v = std::strtol(s.c_str(), &end, 10);
    if (s.empty() || *end != '\0' || v < 0 || v > 1000000)
        return std::nullopt;
    return static_cast<int>(v);
}

} // namespace

Result<BenchOptions> BenchOptions::parse(int argc, char** argv)
{
    BenchOptions o;
    const std::string source = MD_SOURCE_DIR;
    o.modelLabel = "resources/models/mds-tiny";
    o.model = source + "/" + o.modelLabel;
    o.figureLayouts = {"halves",        "boxes on sky",       "ellipses on grass",
                       "blobs on snow", "bands over the sea", "night over snow"};
    for (int i = 0; i < argc; ++i)
        o.command += (i ? " " : "") + std::string(argv[i]);
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--help" || arg == "-h")
            return Status::error(kUsage);
        if (i + 1 >= argc)
            return Status::error(arg + " needs a value (or is unknown)\n" + kUsage);
        const std::string value = argv[++i];
        auto number = [&](int& out, int min) -> Status {
            auto v = toInt(value);
            if (!v || *v < min)
                return Status::error(arg + " expects a whole number >= " + std::to_string(min) +
                                     ", got '" + value + "'");
            out = *v;
            return Status::ok();
        };
        Status s;
        if (arg == "--model") {
            o.model = value;
            o.modelLabel = value;
            if (value.rfind(source + "/", 0) == 0)
                o.modelLabel = value.substr(source.size() + 1);
        } else if (arg == "--seeds") {
            s = number(o.seeds, 1);
        } else if (arg == "--first-seed") {
            int v = 0;
            s = number(v, 0);
            o.firstSeed = uint64_t(v);
        } else if (arg == "--layouts") {
            s = number(o.layouts, 1);
        } else if (arg == "--steps") {
            s = number(o.steps, 1);
        } else if (arg == "--bootstrap") {
            s = number(o.bootstrap, 0);
        } else if (arg == "--threads") {
            s = number(o.threads, 1);
        } else if (arg == "--device") {
            o.device = value;
        } else if (arg == "--doc") {
            o.doc = value;
        } else if (arg == "--cache") {
            o.cache = value;
        } else if (arg == "--grid") {
            o.grid = value;
        } else if (arg == "--figure") {
            o.figureLayouts.clear();
            std::istringstream in(value);
            for (std::string name; std::getline(in, name, ';');)
                o.figureLayouts.insert(name);
        } else if (arg == "--lora") {
            o.lora = value;
        } else if (arg == "--lora-trigger") {
            o.loraTrigger = value;
        } else if (arg == "--lora-region") {
            s = number(o.loraRegion, 0);
        } else if (arg == "--floor") {
            char* end = nullptr;
            const double v = std::strtod(value.c_str(), &end);
            if (value.empty() || *end != '\0')
                return Status::error("--floor expects a number, got '" + value + "'");
            o.floor = v;
        } else {
            return Status::error("unknown option " + arg + "\n" + kUsage);
        }
        if (!s)
            return s;
    }
    if (o.bootstrap >= o.steps)
        return Status::error("--bootstrap (" + std::to_string(o.bootstrap) +
                             ") must be fewer than --steps (" + std::to_string(o.steps) + ")");
    return o;
}

} // namespace md::test
