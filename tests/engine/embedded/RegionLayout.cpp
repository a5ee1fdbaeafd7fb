#include "engine/embedded/RegionLayout.h"

#include "engine/embedded/MaskShapes.h"

namespace md::test {

std::vector<LayoutArea> RegionLayout::areas(double minFraction) const
{
    std::vector<LayoutArea> out;
    auto covered = torch::zeros({height, width}, torch::kBool);
    const double pixels = double(width) * height;
    for (const LayoutRegion& r : regions) {
        LayoutArea a;
        a.prompt = r.prompt;
        a.word = r.word;
        a.shape = r.shape;
        a.mask = r.mask > 0.5;
        a.fraction = a.mask.sum().item<double>() / pixels;
        covered |= a.mask;
        if (a.fraction >= minFraction)
            out.push_back(a);
    }
    if (backgroundWord) {
        LayoutArea a;
        a.prompt = background;
        a.word = *backgroundWord;
        a.shape = "background";
        a.background = true;
        a.mask = covered.logical_not();
        a.fraction = a.mask.sum().item<double>() / pixels;
        if (a.fraction >= minFraction)
            out.push_back(a);
    }
    return out;
}

GenerateRequest RegionLayout::request(uint64_t seed, int steps, int bootstrapSteps) const
{
    GenerateRequest r;
    r.prompt = background;
    r.width = width;
    r.height = height;
    r.steps = steps;
    r.cfg = 7.5f;
    r.seed = seed;
    r.bootstrapSteps = bootstrapSteps;
    for (const LayoutRegion& lr : regions) {
        Region region;
        region.prompt = lr.prompt;
        if (lr.box)
            region.box = lr.box;
        else
            region.mask = MaskShapes::toMaskImage(lr.mask);
        r.regions.push_back(region);
    }
    return r;
}

uint64_t RegionLayout::fingerprint() const
{
    uint64_t h = 1469598103934665603ull;
    auto mix = [&h](const void* data, size_t n) {
        for (size_t i = 0; i < n; ++i) {
            h ^= static_cast<const unsigned char*>(data)[i];
            h *= 1099511628211ull;
        }
    };
    mix(background.data(), background.size());
    for (const LayoutRegion& r : regions) {
        mix(r.prompt.data(), r.prompt.size());
        auto bytes = (r.mask > 0.5).to(torch::kUInt8).contiguous();
        mix(bytes.data_ptr<uint8_t>(), static_cast<size_t>(bytes.numel()));
    }
    return h;
}

RegionLayout RegionLayout::withRegion(size_t index, std::string prompt, SceneConcept word) const
{
    RegionLayout out = *this;
    out.regions.at(index).prompt = std::move(prompt);
    out.regions.at(index).word = word;
    return out;
}

GenerateRequest RegionLayout::withoutLayout(uint64_t seed, int steps) const
{
    GenerateRequest r = request(seed, steps, 0);
    r.regions.clear();
    std::string words;
    for (const LayoutRegion& lr : regions)
        words += (words.empty() ? "" : ", ") + lr.prompt;
    if (!background.empty())
        words += ", " + background;
    r.prompt = words;
    return r;
}

} // namespace md::test
