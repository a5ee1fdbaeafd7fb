#include "document/OutputPng.h"

#include "document/ModelHash.h"
#include "document/PaintLayers.h"

#include <chrono>
#include <cstdlib>

namespace md {

std::int64_t resultTimestamp()
{
    if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH")) {
        char* end = nullptr;
        const long long v = std::strtoll(epoch, &end, 10);
        if (end && *end == '\0' && end != epoch)
            return v;
    }
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Result<Project> projectFromGenerated(const GenerateRequest& request, const std::string& modelPath,
                                     RgbImage image)
{
    auto model = describeModel(modelPath);
    if (!model)
        return model.status();
    Project project = projectFromRequest(request, model.value());
    if (!request.initImage.empty() && request.rerollMask.empty()) {
        project.paintLayers.push_back(imagePaintLayer(project, request.initImage, "Start image"));
        project.settings.start = StartImage::Layers;
        project.settings.strength = request.strength;
    }
    ProjectResult result = makeResult(project, std::move(image), request);
    result.timestamp = resultTimestamp();
    project.results.push_back(std::move(result));
    return project;
}

} // namespace md
