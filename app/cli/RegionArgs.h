#pragma once

// The MultiDiffusion options of `generate`, whose meaning depends on their order:
//   --region MASK.png=TEXT   a painted region (MASK canvas-sized, white = inside)
//   --box X,Y,W,H=TEXT       a box region in canvas pixels, origin top-left
//   --region-negative TEXT   negative prompt of the region or box given just before
//   --region-strength F      strength of the region or box given just before

#include "ArgParser.h"
#include "engine/EngineTypes.h"
#include "engine/Status.h"

#include <string>
#include <vector>

namespace md::cli {

void addRegionOptions(ArgParser& parser);

// Reads the region options from the raw arguments, in order.
Result<std::vector<Region>> parseRegions(const std::vector<std::string>& args);

// --bootstrap-steps, --window, --stride, --circular, --feather, --max-batch.
Status applyFusionOptions(const ArgParser& parser, GenerateRequest& request);

} // namespace md::cli
