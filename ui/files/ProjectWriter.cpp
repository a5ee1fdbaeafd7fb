#include "ui/files/ProjectWriter.h"

#include "document/ProjectFile.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <exception>
#include <memory>

namespace md {

ProjectWriter::ProjectWriter(QObject* parent) : QObject(parent)
{
    m_pool.setMaxThreadCount(1); // in order: a later save of the same file lands last
    m_pool.setExpiryTimeout(-1);
}

ProjectWriter::~ProjectWriter()
{
    m_pool.waitForDone();
}

void ProjectWriter::writeProject(Project snapshot, const QString& path, std::uint64_t revision)
{
    Job job{Job::Kind::Project, path, revision, 0};
    auto project = std::make_shared<const Project>(std::move(snapshot));
    start(job, [project, file = path.toStdString()] {
        const Status status = saveProject(*project, file);
        return status.isOk() ? QString() : QString::fromStdString(status.message());
    });
}

void ProjectWriter::writePng(Project snapshot, ProjectResult result, const QString& path)
{
    Job job{Job::Kind::Png, path, 0, 0};
    auto project = std::make_shared<const Project>(std::move(snapshot));
    auto image = std::make_shared<const ProjectResult>(std::move(result));
    start(job, [project, image, file = path.toStdString()] {
        const Status status = exportPng(*project, *image, file);
        return status.isOk() ? QString() : QString::fromStdString(status.message());
    });
}

void ProjectWriter::start(Job job, std::function<QString()> work)
{
    if (m_pending++ == 0)
        Q_EMIT busyChanged(true);
    m_pool.start([this, job, work = std::move(work)]() mutable {
        QElapsedTimer timer;
        timer.start();
        QString error;
        try {
            error = work();
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
        job.seconds = timer.elapsed() / 1000.0;
        // `this` outlives the job: the destructor waits for the pool.
        QMetaObject::invokeMethod(
            this,
            [this, job, error] {
                Q_EMIT finished(job, error);
                if (--m_pending == 0)
                    Q_EMIT busyChanged(false);
            },
            Qt::QueuedConnection);
    });
}

void ProjectWriter::waitForDone()
{
    m_pool.waitForDone();
    QCoreApplication::sendPostedEvents(this, QEvent::MetaCall);
}

} // namespace md
