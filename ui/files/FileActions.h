#pragma once

// New, Open, Save, Save As, recent files, mask import and PNG export, with their dialogs.
// The document layer does the reading and writing (mdcore's ProjectFile); this class asks
// the questions (where, overwrite, save changes?) and reports errors in words.

#include <QObject>
#include <QStringList>
#include <cstdint>

class QMenu;
class QWidget;

namespace md {

class DocumentController;
class Settings;

class FileActions : public QObject
{
    Q_OBJECT
public:
    FileActions(DocumentController* document, Settings* settings, QWidget* dialogParent,
                QObject* parent = nullptr);

    void newProject();
    void open();
    // Opens a .mdsp project or an exported PNG. Returns false (after telling the user) on error.
    bool openPath(const QString& path, bool askToSave = true);
    bool save();
    bool saveAs();
    bool saveTo(const QString& path);
    // When there are unsaved changes: asks Save / Discard / Cancel. False: cancelled.
    bool maybeSave();
    void importMask();
    bool importMaskFile(const QString& path);
    void exportResult(std::uint32_t resultId);
    bool exportResultTo(std::uint32_t resultId, const QString& path);
    // Opens what was dropped: projects and exported PNGs open, other images become masks.
    void openDropped(const QStringList& paths);
    static bool isProjectFile(const QString& path); // .mdsp, or a PNG carrying a project

    void fillRecentMenu(QMenu* menu);

    // Quiet mode for tests: errors go to lastError() instead of a message box.
    void setInteractive(bool interactive) { m_interactive = interactive; }
    QString lastError() const { return m_lastError; }

Q_SIGNALS:
    void message(const QString& text, int timeoutMs);
    void recentFilesChanged();

private:
    void fail(const QString& title, const QString& text);

    DocumentController* m_document;
    Settings* m_settings;
    QWidget* m_parent;
    bool m_interactive = true;
    QString m_lastError;
};

} // namespace md
