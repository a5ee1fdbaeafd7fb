#pragma once

// The image-conditioning options of `generate` (issue 12):
//   --init-image IMG --strength S      img2img: start from IMG (canvas-sized; without --width
//                                      and --height it sets the canvas), S in (0, 1]
//   --keep-image IMG --reroll MASK.png reroll: regenerate where MASK is white, keep IMG
//                                      elsewhere (S default 1)
//   --project P.mdsp                   render a saved project (its prompts, regions and
//                                      settings); with it:
//     --reroll-region ID               reroll that region of the project's newest result
//                                      (repeatable; --keep-image: another image to keep)
//     --upscale F                      upscale the project's newest result
//   --region-seed N=SEED               region N's own seed (N: the N-th --region/--box, or a
//                                      region id of --project; repeatable)
//   --upscale F                        upscale --init-image by F in [1, 4] (S default 0.35)
//   --fast-decode                      decode the result with the tiny decoder (TAESD) when
//                                      one is loaded (a live frame: fast, slightly soft)
// Everything is checked before the model loads, with the option named in the message.

#include "document/Project.h"
#include "engine/EngineTypes.h"
#include "engine/Status.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace md::cli {

class CommandLine;

class ImageArgs
{
public:
    void addTo(CommandLine& commandLine);

    // After parsing, before reading anything: which options go together.
    Status checkCombinations(const CommandLine& commandLine);
    // Reads --init-image, --keep-image and --reroll (and --project): errors name the option.
    Status readFiles();

    bool fromProject() const { return m_project.has_value(); }
    bool fastDecode() const { return m_fastDecode; }
    Project& project() { return *m_project; }
    const std::string& projectPath() const { return m_projectPath; }
    // The canvas the images imply (--init-image or --keep-image), if any.
    std::optional<std::pair<int, int>> imageSize() const;

    // Without --project: conditions `request` (prompts, regions and canvas set): region
    // seeds, the start image or reroll, and for --upscale the request of the upscaling pass.
    Status apply(GenerateRequest& request);

    // With --project: the request that renders it (`override` applies --steps, --cfg,
    // --sampler and --seed where given), and the project updated with the region seeds used.
    // `newSeed`: the rerolled regions' seed.
    struct ProjectRequest
    {
        GenerateRequest request;
        std::uint32_t sourceResultId = 0; // an upscale's source
        double upscale = 1.0;
    };
    Result<ProjectRequest> projectRequest(const std::function<void(GenerateRequest&)>& override,
                                          std::uint64_t newSeed);

private:
    Status applySeeds(GenerateRequest& request);

    std::string m_initImage;
    std::string m_keepImage;
    std::string m_reroll;
    std::vector<std::string> m_rerollRegions;
    std::vector<std::string> m_regionSeeds;
    std::string m_projectPath;
    double m_strength = 0;
    double m_upscale = 0;
    bool m_strengthGiven = false;
    bool m_upscaleGiven = false;
    bool m_fastDecode = false;

    RgbImage m_init;
    RgbImage m_keep;
    MaskImage m_rerollMask;
    std::optional<Project> m_project;
};

// "N=SEED" with N >= 1 and SEED an unsigned 64-bit integer ("" when acceptable).
std::string checkRegionSeed(const std::string& option, const std::string& text);

} // namespace md::cli
