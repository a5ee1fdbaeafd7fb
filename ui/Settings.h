#pragma once

// Every persistent preference of the app, with its key and default, in one place.
// Widgets never touch QSettings directly.

#include <QByteArray>
#include <QSettings>
#include <QString>
#include <QStringList>

namespace md {

enum class PreviewMode { Both, MasksOnly, ResultOnly };
enum class ThemeChoice { Dark, Light };

class Settings
{
public:
    Settings();
    // For tests: settings stored in an INI file at `path` instead of the user's config.
    explicit Settings(const QString& iniPath);

    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray& geometry);
    QByteArray windowState() const;
    void setWindowState(const QByteArray& state);

    QString lastModel() const;
    void setLastModel(const QString& path);
    QStringList recentModels() const;
    void addRecentModel(const QString& path);

    QStringList recentFiles() const;
    void addRecentFile(const QString& path);
    void removeRecentFile(const QString& path);

    QString lastProjectFolder() const;
    void setLastProjectFolder(const QString& folder);
    QString lastExportFolder() const;
    void setLastExportFolder(const QString& folder);
    QString lastModelFolder() const;
    void setLastModelFolder(const QString& folder);
    QString lastMaskFolder() const;
    void setLastMaskFolder(const QString& folder);

    PreviewMode previewMode() const;
    void setPreviewMode(PreviewMode mode);
    double overlayOpacity() const; // region overlay opacity, 0..1
    void setOverlayOpacity(double opacity);

    int brushSize() const; // diameter in canvas pixels
    void setBrushSize(int size);
    double brushHardness() const;
    void setBrushHardness(double hardness);

    int autosaveSeconds() const; // 0: off
    void setAutosaveSeconds(int seconds);
    qint64 undoMemoryBytes() const;

    ThemeChoice theme() const;
    void setTheme(ThemeChoice theme);
    // Where model dialogs start (lastModelFolder() returns it when set); LoRA files live in
    // loraFolder() (the prompts' <lora:NAME:W> tags find NAME.safetensors there; "" unset).
    QString defaultModelFolder() const;
    void setDefaultModelFolder(const QString& folder);
    QString loraFolder() const;
    void setLoraFolder(const QString& folder);
    int imagesPerClick() const; // "Generate more": 1..64
    void setImagesPerClick(int count);

    static constexpr int maxRecent = 8;

private:
    QString folder(const char* key) const;
    void setFolder(const char* key, const QString& folder);
    static QStringList pushFront(QStringList list, const QString& item);

    mutable QSettings m_settings;
};

} // namespace md
