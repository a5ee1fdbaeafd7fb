#include "ui/Settings.h"

#include <QDir>
#include <algorithm>

namespace md {

Settings::Settings() : m_settings(QStringLiteral("mdstudio"), QStringLiteral("mdstudio")) {}

Settings::Settings(const QString& iniPath) : m_settings(iniPath, QSettings::IniFormat) {}

QByteArray Settings::windowGeometry() const
{
    return m_settings.value("window/geometry").toByteArray();
}

void Settings::setWindowGeometry(const QByteArray& geometry)
{
    m_settings.setValue("window/geometry", geometry);
}

QByteArray Settings::windowState() const
{
    return m_settings.value("window/state").toByteArray();
}

void Settings::setWindowState(const QByteArray& state)
{
    m_settings.setValue("window/state", state);
}

QString Settings::lastModel() const
{
    return m_settings.value("model/last").toString();
}

void Settings::setLastModel(const QString& path)
{
    m_settings.setValue("model/last", path);
    addRecentModel(path);
}

QStringList Settings::recentModels() const
{
    return m_settings.value("model/recent").toStringList();
}

void Settings::addRecentModel(const QString& path)
{
    if (!path.isEmpty())
        m_settings.setValue("model/recent", pushFront(recentModels(), path));
}

QStringList Settings::recentFiles() const
{
    return m_settings.value("files/recent").toStringList();
}

void Settings::addRecentFile(const QString& path)
{
    if (!path.isEmpty())
        m_settings.setValue("files/recent", pushFront(recentFiles(), path));
}

void Settings::removeRecentFile(const QString& path)
{
    QStringList list = recentFiles();
    list.removeAll(path);
    m_settings.setValue("files/recent", list);
}

QString Settings::lastProjectFolder() const
{
    return folder("folders/projects");
}
void Settings::setLastProjectFolder(const QString& f)
{
    setFolder("folders/projects", f);
}
QString Settings::lastExportFolder() const
{
    return folder("folders/export");
}
void Settings::setLastExportFolder(const QString& f)
{
    setFolder("folders/export", f);
}
QString Settings::lastModelFolder() const
{
    const QString preferred = defaultModelFolder();
    if (!preferred.isEmpty() && QDir(preferred).exists())
        return preferred;
    return folder("folders/models");
}
void Settings::setLastModelFolder(const QString& f)
{
    setFolder("folders/models", f);
}
QString Settings::lastMaskFolder() const
{
    return folder("folders/masks");
}
void Settings::setLastMaskFolder(const QString& f)
{
    setFolder("folders/masks", f);
}

PreviewMode Settings::previewMode() const
{
    const QString mode = m_settings.value("view/preview", "both").toString();
    if (mode == "masks")
        return PreviewMode::MasksOnly;
    if (mode == "result")
        return PreviewMode::ResultOnly;
    return PreviewMode::Both;
}

void Settings::setPreviewMode(PreviewMode mode)
{
    const char* name = mode == PreviewMode::MasksOnly    ? "masks"
                       : mode == PreviewMode::ResultOnly ? "result"
                                                         : "both";
    m_settings.setValue("view/preview", QString::fromLatin1(name));
}

double Settings::overlayOpacity() const
{
    return std::clamp(m_settings.value("view/overlayOpacity", 0.3).toDouble(), 0.0, 1.0);
}

void Settings::setOverlayOpacity(double opacity)
{
    m_settings.setValue("view/overlayOpacity", opacity);
}

int Settings::brushSize() const
{
    return std::clamp(m_settings.value("brush/size", 48).toInt(), 1, 1000);
}

void Settings::setBrushSize(int size)
{
    m_settings.setValue("brush/size", size);
}

double Settings::brushHardness() const
{
    return std::clamp(m_settings.value("brush/hardness", 0.7).toDouble(), 0.0, 1.0);
}

void Settings::setBrushHardness(double hardness)
{
    m_settings.setValue("brush/hardness", hardness);
}

int Settings::autosaveSeconds() const
{
    return m_settings.value("files/autosaveSeconds", 60).toInt();
}

void Settings::setAutosaveSeconds(int seconds)
{
    m_settings.setValue("files/autosaveSeconds", std::max(0, seconds));
}

ThemeChoice Settings::theme() const
{
    return m_settings.value("view/theme", "dark").toString() == "light" ? ThemeChoice::Light
                                                                        : ThemeChoice::Dark;
}

void Settings::setTheme(ThemeChoice theme)
{
    m_settings.setValue("view/theme", theme == ThemeChoice::Light ? "light" : "dark");
}

QString Settings::defaultModelFolder() const
{
    return m_settings.value("folders/defaultModels").toString();
}

void Settings::setDefaultModelFolder(const QString& folder)
{
    m_settings.setValue("folders/defaultModels", folder);
}

QString Settings::loraFolder() const
{
    return m_settings.value("folders/lora").toString();
}

void Settings::setLoraFolder(const QString& folder)
{
    m_settings.setValue("folders/lora", folder);
}

int Settings::imagesPerClick() const
{
    return std::clamp(m_settings.value("generate/imagesPerClick", 1).toInt(), 1, 64);
}

void Settings::setImagesPerClick(int count)
{
    m_settings.setValue("generate/imagesPerClick", std::clamp(count, 1, 64));
}

qint64 Settings::undoMemoryBytes() const
{
    return m_settings.value("edit/undoMemoryMiB", 512).toLongLong() * 1024 * 1024;
}

QString Settings::folder(const char* key) const
{
    const QString f = m_settings.value(key).toString();
    return f.isEmpty() || !QDir(f).exists() ? QDir::homePath() : f;
}

void Settings::setFolder(const char* key, const QString& folder)
{
    m_settings.setValue(key, folder);
}

QStringList Settings::pushFront(QStringList list, const QString& item)
{
    list.removeAll(item);
    list.prepend(item);
    while (list.size() > maxRecent)
        list.removeLast();
    return list;
}

} // namespace md
