#pragma once

// The project document: everything an artist saves in a .mdsp file. Plain values, no Qt, so
// the GUI (QUndoStack commands over these structs), the CLI and the tests share it.
// File formats: docs/project-format.md.

#include "engine/EngineTypes.h"
#include "engine/Status.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace md {

// Limits that validate() and the loaders enforce: the engine's (kMaxCanvasSize, kMaxRegions,
// kMaxSteps, ... in engine/EngineTypes.h) and these of the document's own.
constexpr std::size_t kMaxResults = 4096;
constexpr std::size_t kMaxPromptBytes = 64 * 1024;
constexpr std::size_t kMaxPaintLayers = 64;

enum class RegionKind { Mask, Box };
enum class SeedMode { Random, Fixed };
// What a generation starts from (GenerationSettings::start).
enum class StartImage {
    Noise,      // text-to-image
    LastResult, // the newest result in the history (img2img)
    Layers,     // the visible paint layers (colour sketch, imported images) over white
};

// 8-bit RGBA, row-major, 4 bytes per pixel, straight (not premultiplied) alpha.
struct RgbaImage
{
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> pixels;
    bool empty() const { return width <= 0 || height <= 0; }
};

struct Colour
{
    std::uint8_t r = 255;
    std::uint8_t g = 64;
    std::uint8_t b = 64;
};
inline bool operator==(const Colour& a, const Colour& b)
{
    return a.r == b.r && a.g == b.g && a.b == b.b;
}

// Which model made (or should make) the images. The hashes let the app notice a model that
// moved or changed on disk (see ModelHash.h for how they are computed).
struct ModelReference
{
    std::string path;        // a .safetensors file or a diffusers folder; empty: embedded default
    std::string contentHash; // "fast-sha256:<64 hex>" (size + first and last MiB), or empty
    std::string shortHash;   // A1111's legacy 8-hex "Model hash" (single files only), or empty
    std::string displayName; // what the UI and the A1111 "Model:" field show
    std::string sha256;      // SHA-256 of the whole file (single files only; A1111's "Model
                             // hash" is its first 10 hex digits), or empty
};

struct GenerationSettings
{
    SamplerKind sampler = SamplerKind::DpmPp2mKarras;
    int steps = 20;
    float cfg = 7.5f;
    std::uint64_t seed = 0;
    SeedMode seedMode = SeedMode::Random; // Random: a new seed per run (the UI picks it)
    int bootstrapSteps = 0;
    int window = 0; // latent pixels; 0: the model's native size
    int stride = 8; // latent pixels
    bool circular = false;
    float feather = 0.f; // canvas pixels
    StartImage start = StartImage::Noise;
    float strength = 0.75f; // denoising strength in (0, 1] when starting from an image
};

struct ProjectRegion
{
    std::uint32_t id = 0; // stable, unique within the project, never 0
    std::string name;
    Colour colour;
    std::string prompt;
    std::string negative;
    float strength = 1.f;
    RegionKind kind = RegionKind::Mask;
    MaskImage mask; // kind Mask: canvas-sized, values in [0, 1] (stored as 8-bit in files)
    Box box;        // kind Box: canvas pixels
    bool visible = true;
    // The region's own seed for its start noise (a reroll changes only this); unset: the
    // generation's seed.
    std::optional<std::uint64_t> seed;
};

// A layer of paint under the region masks: the artist's colour sketch, or an imported image
// (File > Import, drag and drop, paste). Composited bottom first over white, they are the
// start image when GenerationSettings::start is Layers. They never act as masks.
struct PaintLayer
{
    std::uint32_t id = 0; // stable, unique among the project's paint layers, never 0
    std::string name;
    RgbaImage pixels; // canvas-sized; transparent where nothing is painted
    bool visible = true;
    float opacity = 1.f; // in [0, 1]
};

// A region's prompt as it was when a result was made.
struct UsedRegionPrompt
{
    std::uint32_t regionId = 0;
    std::string name;
    std::string prompt;
    std::string negative;
    float strength = 1.f;
};

// A LoRA a result was made with (the <lora:NAME:W> tags of its prompts, resolved in the LoRA
// folders). The prompts keep every tag; this records which file each name was.
struct ResultLora
{
    std::string name;       // as in the prompts
    float unetWeight = 1.f; // the weights of its first use (background prompt, then regions)
    float textWeight = 1.f;
    std::string hash; // A1111's hash of the file (LoraHash.h), lower-case hex; "" unknown
    bool operator==(const ResultLora& o) const
    {
        return name == o.name && unetWeight == o.unetWeight && textWeight == o.textWeight &&
               hash == o.hash;
    }
};
constexpr std::size_t kMaxResultLoras = 256;

// A region as it was when a result was made. `region.mask` is left empty: the mask is
// shared (between results, and between the entries of a .mdsp) while it is unchanged.
struct LayoutRegion
{
    ProjectRegion region;
    std::shared_ptr<const MaskImage> mask; // kind Mask only
};
// Every region of the project when a result was made (hidden ones included), in drawing
// order: the masks and boxes that made it.
using RegionLayout = std::vector<LayoutRegion>;

struct ProjectResult
{
    std::uint32_t id = 0;        // stable, unique within the project, never 0
    RgbImage image;              // canvas-sized
    GenerationSettings settings; // the settings used (settings.seed == seed)
    std::uint64_t seed = 0;
    std::int64_t timestamp = 0; // seconds since the Unix epoch, UTC
    std::string prompt;         // the background prompt used
    std::string negative;
    std::vector<UsedRegionPrompt> regions; // the visible regions used, in order
    ModelReference model;                  // the model used
    std::vector<ResultLora> loras;         // the LoRAs used, in order of first use
    // The regions that made it; unset for results saved before layouts were stored (their
    // exports and "Use settings" fall back to the project's current regions).
    std::optional<RegionLayout> layout;
    // Image conditioning that made it: the start image (img2img, reroll; null: from noise;
    // settings.strength says how much was redrawn), the rerolled selection (null: the whole
    // canvas), and, for an upscale, the result it was made from and the factor (its image is
    // then the canvas times the factor, rounded to multiples of 8).
    std::shared_ptr<const RgbImage> startImage;
    std::shared_ptr<const MaskImage> rerollMask;
    std::uint32_t sourceResultId = 0; // 0: none
    double upscale = 1.0;
};

struct Project
{
    int width = 512;
    int height = 512;
    ModelReference model;
    std::string prompt; // background prompt
    std::string negative;
    std::vector<ProjectRegion> regions;  // drawing order; later regions on top
    std::vector<PaintLayer> paintLayers; // bottom first, all under the region masks
    GenerationSettings settings;
    std::vector<ProjectResult> results; // oldest first
};

// The request that renders the project with `settings.seed`: only visible regions; mask
// regions pass their mask, box regions their box, each its own seed when it has one. The
// start image follows settings.start: LastResult the newest canvas-sized result (none yet:
// from noise), Layers composeLayers() (PaintLayers.h), Noise none; with a start image the
// request takes settings.strength.
GenerateRequest toGenerateRequest(const Project& project);
// The same with another seed (batch runs, random seed mode).
GenerateRequest toGenerateRequest(const Project& project, std::uint64_t seed);
// The same with the LoRA folders where the prompts' <lora:NAME:W> tags find their files (an
// app preference or a CLI option: not part of the project).
GenerateRequest toGenerateRequest(const Project& project, std::uint64_t seed,
                                  const std::vector<std::string>& loraDirs);

// The project a plain request describes (the CLI's `generate --save-project`): the canvas,
// prompts and settings (seed mode fixed), and each region as "Region N" with id N, the
// palette colour its prompt names (else the first one still free: RegionPalette::forPrompt),
// its box or its mask.
Project projectFromRequest(const GenerateRequest& request, const ModelReference& model);

// Everything the file format and the engine require: canvas sides multiples of 8 in
// [64, 16384], masks at canvas size with values in [0, 1], boxes inside the canvas, unique
// non-zero ids, at most 64 regions, sane steps/cfg/stride/strength; at most 64 paint layers,
// canvas-sized, opacity in [0, 1]; results canvas-sized (upscales: the canvas times their
// factor, see Upscale.h) with start images and reroll masks of their image's size. The
// first problem, precisely.
Status validate(const Project& project);

// A new result holding `image`, the project's current settings with `seed`, the prompts of
// the visible regions, the layout (sharing masks with earlier results) and the model;
// id = nextResultId(project), timestamp = now.
ProjectResult makeResult(const Project& project, RgbImage image, std::uint64_t seed);
// The same for the request that made `image` (toGenerateRequest, rerollRequest,
// upscaleRequest): its seed, its start image and strength, its reroll mask and the region
// seeds it used (in the layout), shared with earlier results when equal; an upscale names
// its source result and factor.
ProjectResult makeResult(const Project& project, RgbImage image, const GenerateRequest& made,
                         std::uint32_t sourceResultId = 0, double upscale = 1.0);

// The newest result at canvas size (upscales are skipped), or nullptr.
const ProjectResult* newestCanvasResult(const Project& project);
const ProjectResult* findResult(const Project& project, std::uint32_t id);

// The project's regions now, as a layout (masks copied once, then shared).
RegionLayout captureLayout(const Project& project);
// Replaces the masks of `result`'s layout by equal ones that `project`'s other results
// already hold, so a history of unchanged masks keeps one copy of each in memory.
void shareLayoutMasks(ProjectResult& result, const Project& project);
// The regions of a layout as project regions (masks copied).
std::vector<ProjectRegion> layoutRegions(const RegionLayout& layout);
bool sameMask(const MaskImage& a, const MaskImage& b);
bool sameImage(const RgbImage& a, const RgbImage& b);

std::uint32_t nextRegionId(const Project& project); // max id + 1
std::uint32_t nextResultId(const Project& project);
ProjectRegion* findRegion(Project& project, std::uint32_t id);
const ProjectRegion* findRegion(const Project& project, std::uint32_t id);

// The index-th colour of the region palette (RegionPalette.h), repeating.
Colour defaultRegionColour(std::size_t index);

// An empty (all-zero) canvas-sized mask.
MaskImage blankMask(int width, int height);

std::string regionKindName(RegionKind kind);  // "mask", "box"
std::string seedModeName(SeedMode mode);      // "random", "fixed"
std::string startImageName(StartImage start); // "noise", "last-result", "layers"
std::optional<StartImage> startImageFromName(const std::string& name);

} // namespace md
