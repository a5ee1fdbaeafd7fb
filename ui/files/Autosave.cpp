#include "ui/files/Autosave.h"

#include "document/ProjectFile.h"
#include "ui/document/DocumentController.h"
#include "ui/document/UndoHistory.h"
#include "ui/files/ProjectWriter.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QStandardPaths>
#include <QUuid>

namespace md {

namespace {
QString originFile(const QString& mdsp)
{
    return mdsp.chopped(5) + ".origin";
}
QString lockFile(const QString& mdsp)
{
    return mdsp.chopped(5) + ".lock";
}
} // namespace

QString Autosave::recoveryDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + "/recovery";
}

Autosave::Autosave(DocumentController* document, int intervalSeconds, QObject* parent)
    : QObject(parent), m_document(document), m_writer(new ProjectWriter(this))
{
    connect(m_writer, &ProjectWriter::finished, this,
            [this](const ProjectWriter::Job&, const QString& error) {
                m_lastError = error;
                if (!error.isEmpty()) {
                    m_changed = true; // the previous recovery file stands; try again later
                    Q_EMIT failed(tr("Autosave failed: %1").arg(error));
                }
                if (m_removeAfterWrite && !m_writer->isBusy())
                    removeFiles();
            });
    QDir().mkpath(recoveryDir());
    m_id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    m_file = recoveryDir() + "/" + m_id + ".mdsp";
    m_lock = std::make_unique<QLockFile>(lockFile(m_file));
    m_lock->setStaleLockTime(0); // held as long as the process lives
    m_lock->tryLock(0);

    const auto changed = [this] { onChanged(); };
    ProjectModel* model = document->model();
    connect(document->undoStack(), &QUndoStack::indexChanged, this, changed);
    connect(model, &ProjectModel::settingsChanged, this, changed);
    connect(model, &ProjectModel::resultsChanged, this, changed);
    connect(model, &ProjectModel::projectReset, this, changed);
    connect(document, &DocumentController::dirtyChanged, this, [this](bool dirty) {
        if (!dirty)
            removeFiles(); // saved: nothing to recover
    });
    connect(&m_timer, &QTimer::timeout, this, &Autosave::saveNow);
    if (intervalSeconds > 0)
        m_timer.start(intervalSeconds * 1000);
}

Autosave::~Autosave()
{
    m_writer->waitForDone();
    removeFiles();
    if (m_lock)
        m_lock->unlock();
}

void Autosave::onChanged()
{
    m_changed = true;
}

void Autosave::setInterval(int seconds)
{
    if (seconds > 0)
        m_timer.start(seconds * 1000);
    else
        m_timer.stop();
}

bool Autosave::saveNow()
{
    if (!m_changed || !m_document->isDirty())
        return false;
    if (m_writer->isBusy())
        return false; // the previous write is still going; the next tick catches up
    QFile origin(originFile(m_file));
    if (origin.open(QIODevice::WriteOnly | QIODevice::Truncate))
        origin.write(m_document->filePath().toUtf8());
    m_changed = false;
    m_removeAfterWrite = false;
    m_writer->writeProject(m_document->project(), m_file, m_document->revision());
    return true;
}

void Autosave::wait()
{
    m_writer->waitForDone();
}

void Autosave::removeFiles()
{
    if (m_writer->isBusy()) {
        m_removeAfterWrite = true; // a write in flight would bring the file back
        return;
    }
    m_removeAfterWrite = false;
    QFile::remove(m_file);
    QFile::remove(originFile(m_file));
    m_changed = m_document->isDirty();
}

std::vector<Autosave::Recovery> Autosave::findRecoverable()
{
    std::vector<Recovery> out;
    const QDir dir(recoveryDir());
    const QFileInfoList files = dir.entryInfoList({"*.mdsp"}, QDir::Files, QDir::Time);
    for (const QFileInfo& info : files) {
        const QString mdsp = info.absoluteFilePath();
        QLockFile lock(lockFile(mdsp));
        lock.setStaleLockTime(0);
        if (!lock.tryLock(0)) {
            // Held by a live session, unless its owner is gone (a crash leaves a stale lock).
            if (!lock.removeStaleLockFile() || !lock.tryLock(0))
                continue;
        }
        lock.unlock();
        Recovery r;
        r.file = mdsp;
        r.time = info.lastModified();
        QFile origin(originFile(mdsp));
        if (origin.open(QIODevice::ReadOnly))
            r.originalPath = QString::fromUtf8(origin.readAll());
        out.push_back(r);
    }
    return out;
}

void Autosave::discard(const Recovery& recovery)
{
    QFile::remove(recovery.file);
    QFile::remove(originFile(recovery.file));
    QFile::remove(lockFile(recovery.file));
}

} // namespace md
