#pragma once

// New, Open, Save, Save As, recent files, mask import and PNG export, with their dialogs.
// The document layer does the reading and writing (mdcore's ProjectFile); this class asks
// the questions (where, overwrite, save changes?) and reports errors in words.
// Saves and exports return at once: a snapshot of the project is written on a background
// thread (ProjectWriter). A save marks the document clean only if nothing changed since its
// snapshot; a failed one leaves the document as it was (and dirty) and says why.

#include "ui/files/ProjectWriter.h"

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
    // Save, Save As and saveTo start a write and return; false: nothing was started.
    bool save();
    bool saveAs();
    bool saveTo(const QString& path);
    // Finishes the writes in flight, then, when there are unsaved changes, asks
    // Save / Discard / Cancel and waits for that save. False: cancelled or the save failed.
    bool maybeSave();
    void importMask();
    bool importMaskFile(const QString& path);
    void exportResult(std::uint32_t resultId);
    bool exportResultTo(std::uint32_t resultId, const QString& path); // starts the write
    // Opens what was dropped: projects and exported PNGs open, other images become masks.
    void openDropped(const QStringList& paths);
    static bool isProjectFile(const QString& path); // .mdsp, or a PNG carrying a project

    void fillRecentMenu(QMenu* menu);

    // Quiet mode for tests: errors go to lastError() instead of a message box.
    void setInteractive(bool interactive) { m_interactive = interactive; }
    QString lastError() const { return m_lastError; }
    ProjectWriter* writer() const { return m_writer; }
    // Blocks until the writes in flight are done (their results delivered); true when none
    // of them failed. For shutdown and tests.
    bool waitForWrites();

Q_SIGNALS:
    void message(const QString& text, int timeoutMs);
    void recentFilesChanged();

private:
    void fail(const QString& title, const QString& text);
    void onWritten(const ProjectWriter::Job& job, const QString& error);
    // Waits for the writes in flight with the window responsive (a modal "Saving…" dialog
    // if it takes a while).
    void finishWrites();

    DocumentController* m_document;
    Settings* m_settings;
    QWidget* m_parent;
    ProjectWriter* m_writer;
    bool m_interactive = true;
    QString m_lastError;
};

} // namespace md
