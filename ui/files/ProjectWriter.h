#pragma once

// Writes projects (.mdsp) and PNG exports on a background thread, so that PNG encoding and
// zip writing of big projects never freeze the window. The caller hands over a snapshot (a
// copy of the project, cheap next to encoding it); writes run one at a time, in order, and
// each ends with finished() on the GUI thread. Saves stay atomic (mdcore's AtomicFile).

#include "document/Project.h"

#include <QObject>
#include <QString>
#include <QThreadPool>
#include <cstdint>

namespace md {

class ProjectWriter : public QObject
{
    Q_OBJECT
public:
    struct Job
    {
        enum class Kind { Project, Png };
        Kind kind = Kind::Project;
        QString path;
        std::uint64_t revision = 0; // the document's revision when the snapshot was taken
        double seconds = 0;         // how long the write took
    };

    explicit ProjectWriter(QObject* parent = nullptr);
    ~ProjectWriter() override; // waits for the writes in flight

    void writeProject(Project snapshot, const QString& path, std::uint64_t revision);
    // result: the image to export; snapshot: the project it belongs to.
    void writePng(Project snapshot, ProjectResult result, const QString& path);

    bool isBusy() const { return m_pending > 0; }
    // Blocks until every write is done and delivers their finished() (no user input is
    // processed meanwhile). For shutdown and tests.
    void waitForDone();

Q_SIGNALS:
    void busyChanged(bool busy);
    // error: empty on success, else a message a user can act on.
    void finished(const md::ProjectWriter::Job& job, const QString& error);

private:
    void start(Job job, std::function<QString()> work);

    QThreadPool m_pool;
    int m_pending = 0;
};

} // namespace md
