#pragma once

// What mdstudio-cli writes: every PNG carries the whole project (as an export does, see
// ProjectFile.h), so any output can be rendered again (`mdstudio-cli batch that.png`), as
// ComfyUI embeds its workflow in every image.

#include "document/Project.h"
#include "engine/EngineTypes.h"
#include "engine/Status.h"

#include <cstdint>
#include <string>

namespace md {

// Seconds since the epoch for a new result: $SOURCE_DATE_EPOCH when it is set (reproducible
// outputs, reproducible-builds.org), else now.
std::int64_t resultTimestamp();

// The project a `generate` request describes (model referenced by path and hash; see
// projectFromRequest), with `image` as its only result (recording the request's start image
// and reroll mask). An img2img request (a start image, no reroll mask) keeps its start image
// as an opaque paint layer "Start image" with settings.start = Layers and the request's
// strength, so `batch` renders it again.
Result<Project> projectFromGenerated(const GenerateRequest& request, const std::string& modelPath,
                                     RgbImage image);

} // namespace md
