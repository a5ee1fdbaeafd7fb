#pragma once

// Finds the embedded default model: resources/models/<name>/ in the source tree, or
// share/mdstudio/models/<name>/ next to an installed executable, or $MDSTUDIO_MODELS.

#include <QString>
#include <QStringList>

namespace md {

class ModelLocator
{
public:
    // Folders searched, most specific first.
    static QStringList searchRoots();
    // Every model found under the roots: diffusers folders (model_index.json) or
    // .safetensors checkpoints, one level deep.
    static QStringList embeddedModels();
    // The first embedded model, or an empty string when none is shipped.
    static QString defaultModel();
    // A short name for a model path ("tiny-sd15", "dreamshaper.safetensors").
    static QString displayName(const QString& path);
    static bool looksLikeModel(const QString& path);
};

} // namespace md
