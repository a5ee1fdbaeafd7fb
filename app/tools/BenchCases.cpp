#include "BenchCases.h"

#include <algorithm>

namespace md::bench {

namespace {

const char* const kBackground = "a wide landscape with mountains, a lake and a forest, golden hour";
const char* const kNegative = "blurry, low quality";
const char* const kRegionPrompts[] = {"a red house",
                                      "a white boat on the water",
                                      "a tall green tree",
                                      "a yellow hot air balloon",
                                      "a flock of white birds",
                                      "a small wooden bridge"};

// `count` boxes in rows of 3 on a side x side canvas: with 3, side by side in the lower two
// thirds (MultiDiffusion's region figure); with 6, two rows filling the canvas.
void addBoxes(GenerateRequest& r, int count, int side)
{
    const int w = side / 3;
    for (int i = 0; i < count; ++i) {
        Region region;
        region.prompt = kRegionPrompts[i];
        region.negative = kNegative;
        if (count <= 3) {
            region.box = Box{i * w + side / 32, side / 3, w - side / 16, side / 2};
        } else {
            const int h = side / 2;
            region.box =
                Box{(i % 3) * w + side / 32, (i / 3) * h + side / 16, w - side / 16, h - side / 8};
        }
        r.regions.push_back(region);
    }
}

} // namespace

Result<GenerateRequest> makeCase(const std::string& name, const CaseOptions& a)
{
    GenerateRequest r;
    r.prompt = kBackground;
    r.negative = kNegative;
    r.cfg = a.cfg.value_or(7.5f);
    r.seed = 7;
    r.sampler = a.sampler;
    r.steps = a.steps;
    r.cheapPreview = false;
    r.fullDecodeEvery = 0;
    r.fastDecode = a.fastDecode;
    r.maxBatch = a.maxBatch;
    r.width = a.size;
    r.height = a.size;
    if (name == "txt2img")
        return r;
    if (name == "pano") {
        r.width = 4 * a.size;
        return r;
    }
    if (name == "regions" || name == "regions6") {
        const bool six = name == "regions6";
        if (six) {
            r.width = 2 * a.size;
            r.height = 2 * a.size;
        }
        addBoxes(r, six ? 6 : 3, r.width);
        r.bootstrapSteps = std::min(a.bootstrap, a.steps);
        return r;
    }
    if (name == "live") {
        // Live mode's update: LCM, cfg 1, no bootstrapping, the regions case's boxes.
        addBoxes(r, 3, r.width);
        r.sampler = SamplerKind::Lcm;
        r.cfg = a.cfg.value_or(1.0f);
        r.bootstrapSteps = 0;
        return r;
    }
    return Status::error("unknown case " + name + " (txt2img, regions, pano, regions6, live)");
}

} // namespace md::bench
