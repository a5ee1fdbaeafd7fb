#include "engine/pipeline/RequestValidation.h"

#include "engine/LoraTags.h"
#include "engine/fusion/RegionWeights.h"
#include "engine/pipeline/LoraFiles.h"
#include "engine/pipeline/StableDiffusionModel.h"
#include "engine/pipeline/StartLatents.h"
#include "engine/sampling/LcmSampler.h"
#include "engine/text/PromptChunker.h"
#include "engine/text/PromptParser.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace md {

namespace {

Status checkImage(const GenerateRequest& r, const StableDiffusionModel& model)
{
    const int f = model.vaeScaleFactor();
    const std::string size = std::to_string(r.width) + "x" + std::to_string(r.height);
    if (r.width <= 0 || r.height <= 0 || r.width % f != 0 || r.height % f != 0)
        return Status::error("image size " + size + " must be positive multiples of " +
                             std::to_string(f));
    if (r.width > kMaxCanvasSize || r.height > kMaxCanvasSize)
        return Status::error("image size " + size + " is too large (at most " +
                             std::to_string(kMaxCanvasSize) + " a side)");
    const int maxSteps = std::min(kMaxSteps, model.config().scheduler.numTrainTimesteps);
    if (r.steps < 1 || r.steps > maxSteps)
        return Status::error("steps must be between 1 and " + std::to_string(maxSteps) + ", got " +
                             std::to_string(r.steps));
    if (r.sampler == SamplerKind::Lcm && r.steps > LcmSampler::kOriginalSteps)
        return Status::error("the LCM sampler runs at most " +
                             std::to_string(LcmSampler::kOriginalSteps) +
                             " steps (it is made for 2-8), got " + std::to_string(r.steps));
    const auto& spacing = r.timestepSpacing;
    if (!spacing.empty() && spacing != "leading" && spacing != "trailing" && spacing != "linspace")
        return Status::error("timestep spacing \"" + spacing +
                             "\" is not one of leading, trailing, linspace");
    if (!std::isfinite(r.cfg) || r.cfg < 0.0f || r.cfg > float(kMaxCfg))
        return Status::error("cfg must be between 0 and " + std::to_string(kMaxCfg) + ", got " +
                             std::to_string(r.cfg));
    return Status::ok();
}

Status checkFusion(const GenerateRequest& r)
{
    if (r.regions.size() > kMaxRegions)
        return Status::error(std::to_string(r.regions.size()) + " regions; at most " +
                             std::to_string(kMaxRegions) + " are supported");
    if (r.stride < kMinStride || r.stride > kMaxStride)
        return Status::error("the view stride must be between " + std::to_string(kMinStride) +
                             " and " + std::to_string(kMaxStride) + " latent pixels, got " +
                             std::to_string(r.stride));
    if (r.window < 0 || (r.window > 0 && r.window < kMinWindow) || r.window > kMaxWindow)
        return Status::error("the view window must be 0 (the model's native size) or between " +
                             std::to_string(kMinWindow) + " and " + std::to_string(kMaxWindow) +
                             " latent pixels (" + std::to_string(kMinWindow * kCanvasMultiple) +
                             " to " + std::to_string(kMaxCanvasSize) + " px), got " +
                             std::to_string(r.window));
    if (r.bootstrapSteps < 0 || r.bootstrapSteps > kMaxBootstrapSteps)
        return Status::error("bootstrap steps must be between 0 and " +
                             std::to_string(kMaxBootstrapSteps));
    if (!(r.featherPx >= 0.f && r.featherPx <= float(kMaxFeatherPx)))
        return Status::error("feather must be between 0 and " + std::to_string(kMaxFeatherPx) +
                             " pixels");
    for (size_t i = 0; i < r.regions.size(); ++i) {
        const Region& region = r.regions[i];
        const std::string label = "region " + std::to_string(i + 1);
        if (!(region.strength >= 0.f && region.strength <= float(kMaxRegionStrength)))
            return Status::error(label + ": strength must be between 0 and " +
                                 std::to_string(kMaxRegionStrength));
        auto mask = RegionWeights::canvasMask(region, r.width, r.height);
        if (!mask)
            return mask.status().withContext(label);
    }
    return Status::ok();
}

std::string sizeText(int width, int height)
{
    return std::to_string(width) + "x" + std::to_string(height);
}

// 0.05, 1.5, nan (not 0.050000).
std::string numberText(double value)
{
    std::ostringstream s;
    s << value;
    return s.str();
}

// The start image, the strength and the reroll mask (GenerateRequest's image conditioning).
Status checkImageConditioning(const GenerateRequest& r)
{
    const std::string canvas = sizeText(r.width, r.height);
    if (r.initImage.empty()) {
        if (!r.rerollMask.empty())
            return Status::error("a reroll needs the image to keep outside the selection: set the "
                                 "start image (initImage) along with the reroll mask");
        return Status::ok();
    }
    const RgbImage& image = r.initImage;
    if (image.width != r.width || image.height != r.height)
        return Status::error("the start image is " + sizeText(image.width, image.height) +
                             " but the canvas is " + canvas +
                             "; resize the image or the canvas so that they match");
    if (image.pixels.size() != static_cast<size_t>(image.width) * image.height * 3)
        return Status::error("the start image holds " + std::to_string(image.pixels.size()) +
                             " bytes, expected " +
                             std::to_string(static_cast<size_t>(image.width) * image.height * 3) +
                             " (8-bit RGB, " + sizeText(image.width, image.height) + ")");
    if (!(r.strength > 0.f && r.strength <= 1.f))
        return Status::error("the denoising strength must be above 0 and at most 1, got " +
                             numberText(r.strength));
    if (StartLatents::firstStep(r) >= r.steps)
        return Status::error("a denoising strength of " + numberText(r.strength) + " with " +
                             std::to_string(r.steps) +
                             " steps runs no step (int(steps x strength) is 0); raise the "
                             "strength to at least " +
                             numberText(1.0 / r.steps) + " or use more steps");
    if (r.rerollMask.empty())
        return Status::ok();
    const MaskImage& mask = r.rerollMask;
    if (mask.width != r.width || mask.height != r.height)
        return Status::error("the reroll mask is " + sizeText(mask.width, mask.height) +
                             " but the canvas is " + canvas + "; masks must be canvas-sized");
    if (mask.values.size() != static_cast<size_t>(mask.width) * mask.height)
        return Status::error("the reroll mask holds " + std::to_string(mask.values.size()) +
                             " values, expected " +
                             std::to_string(static_cast<size_t>(mask.width) * mask.height));
    bool any = false;
    for (float v : mask.values) {
        if (!std::isfinite(v))
            return Status::error("the reroll mask holds a value that is not a number; mask "
                                 "values must be between 0 and 1");
        any = any || v > 0.f;
    }
    if (!any)
        return Status::error("the reroll mask selects nothing (every value is 0); paint the area "
                             "to regenerate");
    return Status::ok();
}

// The chunks one prompt costs: its spans chunked by each tokenizer (SDXL: the larger count).
Result<int> promptChunks(const std::string& label, const std::string& text,
                         const StableDiffusionModel& model)
{
    if (text.size() > kMaxPromptTextBytes)
        return Status::error(label + " is " + std::to_string(text.size()) +
                             " bytes long; at most " + std::to_string(kMaxPromptTextBytes) +
                             " bytes are allowed");
    // What the text encoder sees: the prompt without its <lora:...> tags.
    const std::vector<PromptSpan> spans = PromptParser::parse(extractLoraTags(text).text);
    for (const PromptSpan& span : spans)
        if (!(std::abs(span.weight) < PromptParser::kMaxWeight))
            return Status::error(label + " has an emphasis weight of " +
                                 std::to_string(int(PromptParser::kMaxWeight)) +
                                 " or more (brackets nested too deeply, or a huge "
                                 "(text:weight)); weights must stay below " +
                                 std::to_string(int(PromptParser::kMaxWeight)));
    int chunks = int(PromptChunker::chunk(model.tokenizer(), spans).size());
    if (const Tokenizer* second = model.tokenizer2())
        chunks = std::max(chunks, int(PromptChunker::chunk(*second, spans).size()));
    const int capacity = model.tokenizer().chunkCapacity();
    if (chunks > kMaxPromptChunks)
        return Status::error(
            label + " needs " + std::to_string(chunks) + " chunks of " + std::to_string(capacity) +
            " tokens; at most " + std::to_string(kMaxPromptChunks) + " (" +
            std::to_string(kMaxPromptChunks * capacity) + " tokens) are allowed per prompt");
    return chunks;
}

// Every prompt and negative: bytes and chunks each, and the chunks of all of them together
// (a text used twice is encoded once). Checked before any encoding.
Status checkPrompts(const GenerateRequest& r, const StableDiffusionModel& model)
{
    std::vector<std::pair<std::string, const std::string*>> texts{
        {"the prompt", &r.prompt}, {"the negative prompt", &r.negative}};
    for (size_t i = 0; i < r.regions.size(); ++i) {
        const std::string region = "region " + std::to_string(i + 1);
        texts.push_back({region + "'s prompt", &r.regions[i].prompt});
        texts.push_back({region + "'s negative prompt", &r.regions[i].negative});
    }
    std::set<std::string> seen;
    int total = 0;
    for (const auto& [label, text] : texts) {
        if (!seen.insert(*text).second)
            continue;
        auto chunks = promptChunks(label, *text, model);
        if (!chunks)
            return chunks.status();
        total += chunks.value();
    }
    if (total > kMaxGenerationChunks)
        return Status::error("the prompts of this generation need " + std::to_string(total) +
                             " chunks of " + std::to_string(model.tokenizer().chunkCapacity()) +
                             " tokens together; at most " + std::to_string(kMaxGenerationChunks) +
                             " are allowed (shorten the prompts or use fewer regions)");
    return Status::ok();
}

} // namespace

Status validateRequest(const GenerateRequest& request, const StableDiffusionModel& model)
{
    auto image = checkImage(request, model);
    if (!image)
        return image;
    if (Status fusion = checkFusion(request); !fusion)
        return fusion;
    if (Status conditioning = checkImageConditioning(request); !conditioning)
        return conditioning;
    if (Status tags = checkLoraTags(request); !tags)
        return tags;
    if (Status prompts = checkPrompts(request, model); !prompts)
        return prompts;
    auto loras = resolveLoraFiles(request);
    return loras ? Status::ok() : loras.status();
}

} // namespace md
