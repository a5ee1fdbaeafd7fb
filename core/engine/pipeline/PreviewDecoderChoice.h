#pragma once

// Picks and loads a model's tiny preview decoder from ModelOptions::previewDecoder: "none"
// (the linear preview only), a path (that decoder), or "" (PreviewDecoderLocator.h's places,
// the first that loads). A decoder that cannot be used (corrupt, another family, not a
// decoder) never fails the model's loading: the choice then holds no decoder and a note that
// says why, for ModelInfo and `mdstudio-cli info`.

#include "engine/EngineTypes.h"
#include "engine/pipeline/TinyPreviewDecoder.h"

#include <memory>
#include <string>
#include <vector>

namespace md {

class StableDiffusionModel;

struct PreviewDecoderChoice
{
    std::shared_ptr<TinyPreviewDecoder> decoder; // null: the linear preview
    std::string note; // why none is loaded (or what was skipped); "" when nothing to say
};

// `appDirs`: the app's decoder folders (defaultPreviewDecoderDirs()).
PreviewDecoderChoice choosePreviewDecoder(const ModelOptions& options,
                                          const StableDiffusionModel& model,
                                          const std::vector<std::string>& appDirs);

} // namespace md
