#include "ui/generation/ModelLocator.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace md {

QStringList ModelLocator::searchRoots()
{
    QStringList roots;
    const QString env = qEnvironmentVariable("MDSTUDIO_MODELS");
    if (!env.isEmpty())
        roots << env;
    const QString appDir = QCoreApplication::applicationDirPath();
    if (!appDir.isEmpty()) {
        roots << QDir(appDir).absoluteFilePath("../share/mdstudio/models");
        roots << QDir(appDir).absoluteFilePath("../resources/models");
        roots << QDir(appDir).absoluteFilePath("../../resources/models");
    }
#ifdef MD_RESOURCES_SOURCE_DIR
    roots << QStringLiteral(MD_RESOURCES_SOURCE_DIR "/models");
#endif
    QStringList unique;
    for (const QString& r : roots) {
        const QString clean = QDir::cleanPath(r);
        if (!unique.contains(clean))
            unique << clean;
    }
    return unique;
}

bool ModelLocator::looksLikeModel(const QString& path)
{
    const QFileInfo info(path);
    if (info.isFile())
        return info.suffix().compare("safetensors", Qt::CaseInsensitive) == 0;
    if (!info.isDir())
        return false;
    const QDir dir(path);
    return dir.exists("model_index.json") || dir.exists("unet");
}

QStringList ModelLocator::embeddedModels()
{
    QStringList models;
    for (const QString& root : searchRoots()) {
        const QDir dir(root);
        if (!dir.exists())
            continue;
        const QFileInfoList entries =
            dir.entryInfoList(QDir::Dirs | QDir::Files | QDir::NoDotAndDotDot, QDir::Name);
        for (const QFileInfo& entry : entries) {
            const QString path = entry.absoluteFilePath();
            if (looksLikeModel(path)) {
                models << path;
                continue;
            }
            // resources/models/<name>/<name>.safetensors
            if (entry.isDir()) {
                const QFileInfoList files =
                    QDir(path).entryInfoList({"*.safetensors"}, QDir::Files, QDir::Name);
                if (!files.isEmpty())
                    models << files.first().absoluteFilePath();
            }
        }
    }
    return models;
}

QString ModelLocator::defaultModel()
{
    const QStringList models = embeddedModels();
    return models.isEmpty() ? QString() : models.first();
}

QString ModelLocator::displayName(const QString& path)
{
    const QFileInfo info(path);
    return info.fileName().isEmpty() ? path : info.fileName();
}

} // namespace md
