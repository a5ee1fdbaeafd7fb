#pragma once

// Autosave and crash recovery. While the app runs, unsaved changes are written every few
// seconds to <app data>/recovery/<session>.mdsp, next to a lock file held by this process
// and a note of the project's own path. A clean exit (or a save) removes them. At start,
// recovery files whose lock is free belong to a session that crashed: the app offers them.
// The file is written on a background thread from a copy of the project (ProjectWriter);
// nothing here waits for it on the GUI thread, except the clean exit.

#include <QDateTime>
#include <QObject>
#include <QString>
#include <QTimer>
#include <memory>
#include <vector>

class QLockFile;

namespace md {

class DocumentController;
class ProjectWriter;

class Autosave : public QObject
{
    Q_OBJECT
public:
    struct Recovery
    {
        QString file;         // the recovery .mdsp
        QString originalPath; // the project's own path, empty if it was never saved
        QDateTime time;
    };

    Autosave(DocumentController* document, int intervalSeconds, QObject* parent = nullptr);
    ~Autosave() override; // a clean exit: removes this session's files

    static QString recoveryDir();
    // Files left by sessions that did not exit cleanly (their locks are free).
    static std::vector<Recovery> findRecoverable();
    static void discard(const Recovery& recovery);

    // Starts writing the recovery file if there are unsaved changes (on a background thread,
    // from a copy of the project, so big histories never freeze the canvas). Returns true if
    // a write started; wait() blocks until it is done (tests).
    bool saveNow();
    // Seconds between recovery writes; 0 turns autosave off.
    void setInterval(int seconds);
    void wait();
    QString recoveryFile() const { return m_file; }
    // Why the last recovery write failed (a full disk, a read-only folder); empty after a
    // success. A failed write is tried again at the next tick.
    QString lastError() const { return m_lastError; }

Q_SIGNALS:
    // A recovery write failed; the message names the file and the reason.
    void failed(const QString& message);

private:
    void onChanged();
    void removeFiles();

    DocumentController* m_document;
    QString m_id;
    QString m_file;
    std::unique_ptr<QLockFile> m_lock;
    QTimer m_timer;
    bool m_changed = false;
    bool m_removeAfterWrite = false; // saved while a write was in flight
    QString m_lastError;
    ProjectWriter* m_writer;
};

} // namespace md
