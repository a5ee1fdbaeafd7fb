#pragma once

// The MultiDiffusion options of `generate`. The region options' meaning depends on their order:
//   --region MASK.png=TEXT   a painted region (MASK canvas-sized, white = inside)
//   --box X,Y,W,H=TEXT       a box region in canvas pixels, origin top-left
//   --region-negative TEXT   negative prompt of the region or box given just before
//   --region-strength F      strength of the region or box given just before
// plus --bootstrap-steps, --window, --stride, --circular, --feather, --max-batch and
// --preview-dir.

#include "engine/EngineTypes.h"
#include "engine/Status.h"

#include <string>
#include <vector>

namespace md::cli {

class CommandLine;

class RegionArgs
{
public:
    void addTo(CommandLine& commandLine);
    // After parsing: the regions in the order given (masks read from their files), and the
    // fusion settings, into `request`.
    Status apply(const CommandLine& commandLine, GenerateRequest& request) const;
    const std::string& previewDir() const { return m_previewDir; }

private:
    Result<std::vector<Region>> regions(const CommandLine& commandLine) const;

    std::vector<std::string> m_regions;
    std::vector<std::string> m_boxes;
    std::vector<std::string> m_negatives;
    std::vector<std::string> m_strengths;
    int m_bootstrapSteps = 0;
    int m_window = 0;
    int m_stride = 8;
    bool m_circular = false;
    double m_feather = 0.0;
    int m_maxBatch = 0;
    std::string m_previewDir;
};

} // namespace md::cli
