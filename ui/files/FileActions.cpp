#include "ui/files/FileActions.h"

#include "document/FileType.h"
#include "document/ProjectFile.h"
#include "ui/ImageConversion.h"
#include "ui/Settings.h"
#include "ui/commands/CanvasSizeCommand.h"
#include "ui/document/DocumentController.h"

#include <QEventLoop>
#include <QFileDialog>
#include <QFileInfo>
#include <QImageReader>
#include <QMenu>
#include <QMessageBox>
#include <QProgressDialog>
#include <QPushButton>

namespace md {

FileActions::FileActions(DocumentController* document, Settings* settings, QWidget* dialogParent,
                         QObject* parent)
    : QObject(parent), m_document(document), m_settings(settings), m_parent(dialogParent),
      m_writer(new ProjectWriter(this))
{
    connect(m_writer, &ProjectWriter::finished, this, &FileActions::onWritten);
}

void FileActions::fail(const QString& title, const QString& text)
{
    m_lastError = text;
    if (m_interactive)
        QMessageBox::warning(m_parent, title, text);
    else
        Q_EMIT message(text, 0);
}

void FileActions::newProject()
{
    if (!maybeSave())
        return;
    m_document->resetDocument(m_document->newProjectForModel(), QString());
}

void FileActions::open()
{
    if (!maybeSave())
        return;
    const QString path = QFileDialog::getOpenFileName(
        m_parent, tr("Open a project"), m_settings->lastProjectFolder(),
        tr("Projects and exported images (*.mdsp *.png);;Projects (*.mdsp);;All files (*)"));
    if (!path.isEmpty())
        openPath(path, false);
}

bool FileActions::isProjectFile(const QString& path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == "mdsp")
        return true;
    if (suffix != "png")
        return false;
    const Result<PngTextChunks> text = readPngText(path.toStdString());
    return text.isOk() && findPngText(text.value(), kProjectKeyword) != nullptr;
}

bool FileActions::openPath(const QString& path, bool askToSave)
{
    if (askToSave && !maybeSave())
        return false;
    Result<Project> project = loadProject(path.toStdString());
    if (!project.isOk()) {
        fail(tr("Cannot open"),
             tr("Cannot open %1:\n%2")
                 .arg(QFileInfo(path).fileName(), QString::fromStdString(project.error())));
        m_settings->removeRecentFile(path);
        Q_EMIT recentFilesChanged();
        return false;
    }
    const bool isPng = QFileInfo(path).suffix().compare("png", Qt::CaseInsensitive) == 0;
    // An exported PNG opens as a new, untitled project: Save must not overwrite the image.
    m_document->resetDocument(std::move(project).value(), isPng ? QString() : path);
    m_settings->setLastProjectFolder(QFileInfo(path).absolutePath());
    if (!isPng) {
        m_settings->addRecentFile(QFileInfo(path).absoluteFilePath());
        Q_EMIT recentFilesChanged();
    }
    Q_EMIT message(tr("Opened %1").arg(QFileInfo(path).fileName()), 3000);
    return true;
}

bool FileActions::save()
{
    if (m_document->filePath().isEmpty())
        return saveAs();
    return saveTo(m_document->filePath());
}

bool FileActions::saveAs()
{
    QString start = m_document->filePath();
    if (start.isEmpty())
        start = m_settings->lastProjectFolder() + "/" + tr("Untitled") + ".mdsp";
    QString path = QFileDialog::getSaveFileName(m_parent, tr("Save the project"), start,
                                                tr("Projects (*.mdsp)"));
    if (path.isEmpty())
        return false;
    if (QFileInfo(path).suffix().isEmpty())
        path += ".mdsp";
    return saveTo(path);
}

bool FileActions::saveTo(const QString& path)
{
    m_lastError.clear();
    m_document->endEditBurst(); // typing from now on is a change the snapshot lacks
    m_writer->writeProject(m_document->project(), path, m_document->revision());
    Q_EMIT message(tr("Saving %1…").arg(QFileInfo(path).fileName()), 0);
    return true;
}

void FileActions::onWritten(const ProjectWriter::Job& job, const QString& error)
{
    const QString name = QFileInfo(job.path).fileName();
    if (job.kind == ProjectWriter::Job::Kind::Png) {
        if (!error.isEmpty()) {
            Q_EMIT message(QString(), 0);
            fail(tr("Cannot export"), tr("Cannot export %1:\n%2").arg(name, error));
            return;
        }
        m_settings->setLastExportFolder(QFileInfo(job.path).absolutePath());
        Q_EMIT message(tr("Exported %1").arg(name), 3000);
        return;
    }
    if (!error.isEmpty()) {
        Q_EMIT message(QString(), 0);
        fail(tr("Cannot save"), tr("Cannot save %1:\n%2\n\nYour work is still open; try "
                                   "another folder or free some disk space.")
                                    .arg(name, error));
        return;
    }
    const bool clean = m_document->markSavedIfUnchanged(job.path, job.revision);
    m_settings->setLastProjectFolder(QFileInfo(job.path).absolutePath());
    m_settings->addRecentFile(QFileInfo(job.path).absoluteFilePath());
    Q_EMIT recentFilesChanged();
    Q_EMIT message(clean
                       ? tr("Saved %1").arg(name)
                       : tr("Saved %1; the changes made while saving are not saved yet").arg(name),
                   clean ? 3000 : 6000);
}

bool FileActions::waitForWrites()
{
    m_writer->waitForDone();
    return m_lastError.isEmpty();
}

void FileActions::finishWrites()
{
    if (!m_writer->isBusy())
        return;
    if (!m_interactive) {
        m_writer->waitForDone();
        return;
    }
    QProgressDialog progress(tr("Saving…"), QString(), 0, 0, m_parent);
    progress.setWindowModality(Qt::WindowModal);
    progress.setMinimumDuration(400);
    progress.setCancelButton(nullptr);
    QEventLoop loop;
    connect(m_writer, &ProjectWriter::busyChanged, &loop, [&loop](bool busy) {
        if (!busy)
            loop.quit();
    });
    if (m_writer->isBusy())
        loop.exec();
}

bool FileActions::maybeSave()
{
    finishWrites();
    if (!m_document->isDirty() || !m_interactive)
        return true;
    const auto answer = QMessageBox::warning(
        m_parent, tr("Unsaved changes"),
        tr("“%1” has changes that are not saved.\nSave them first?").arg(m_document->displayName()),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Save) {
        if (!save())
            return false;
        finishWrites();
        return !m_document->isDirty();
    }
    return answer == QMessageBox::Discard;
}

void FileActions::importMask()
{
    const QString path =
        QFileDialog::getOpenFileName(m_parent, tr("Import a mask"), m_settings->lastMaskFolder(),
                                     tr("Images (*.png *.jpg *.jpeg *.webp *.bmp);;All files (*)"));
    if (!path.isEmpty())
        importMaskFile(path);
}

bool FileActions::importMaskFile(const QString& path)
{
    // Before QImageReader opens it: a FIFO would block the GUI, a device never end.
    if (const Status s = checkInputFile(path.toStdString()); !s) {
        fail(tr("Cannot import"),
             tr("Cannot import %1:\n%2")
                 .arg(QFileInfo(path).fileName(), QString::fromStdString(s.message())));
        return false;
    }
    QImageReader reader(path);
    const QImage image = reader.read();
    if (image.isNull()) {
        fail(tr("Cannot import"), tr("Cannot read %1 as an image: %2")
                                      .arg(QFileInfo(path).fileName(), reader.errorString()));
        return false;
    }
    const Project& p = m_document->project();
    const bool fits = image.width() == p.width && image.height() == p.height;
    bool centre = false; // else scaled; asked when the sizes differ
    if (!fits && m_interactive) {
        QMessageBox box(QMessageBox::Question, tr("Import a mask"),
                        tr("The mask is %1×%2 but the canvas is %3×%4. How should it fit?")
                            .arg(image.width())
                            .arg(image.height())
                            .arg(p.width)
                            .arg(p.height),
                        QMessageBox::Cancel, m_parent);
        QPushButton* scale = box.addButton(tr("Scale to the canvas"), QMessageBox::AcceptRole);
        QPushButton* middle = box.addButton(tr("Centre it"), QMessageBox::AcceptRole);
        box.setDefaultButton(scale);
        box.exec();
        if (box.clickedButton() != scale && box.clickedButton() != middle)
            return false;
        centre = box.clickedButton() == middle;
    }
    const MaskImage mask =
        centre
            ? CanvasSizeCommand::anchoredMask(maskFromImage(image, image.width(), image.height()),
                                              p.width, p.height, CanvasResize::anchored(1, 1))
            : maskFromImage(image, p.width, p.height);
    m_document->addRegionFromMask(mask, QFileInfo(path).completeBaseName());
    m_settings->setLastMaskFolder(QFileInfo(path).absolutePath());
    if (!fits)
        Q_EMIT message((centre ? tr("The mask was %1×%2; it was centred on the %3×%4 canvas.")
                               : tr("The mask was %1×%2; it was scaled to the %3×%4 canvas."))
                           .arg(image.width())
                           .arg(image.height())
                           .arg(p.width)
                           .arg(p.height),
                       6000);
    return true;
}

void FileActions::exportResult(std::uint32_t resultId)
{
    QString base = m_document->filePath().isEmpty()
                       ? tr("image")
                       : QFileInfo(m_document->filePath()).completeBaseName();
    for (const ProjectResult& r : m_document->project().results)
        if (r.id == resultId)
            base += QStringLiteral("-%1").arg(r.seed);
    // Beside the project when it has a file, else where the last export went.
    const QString folder = m_document->filePath().isEmpty()
                               ? m_settings->lastExportFolder()
                               : QFileInfo(m_document->filePath()).absolutePath();
    const QString path = QFileDialog::getSaveFileName(
        m_parent, tr("Export PNG"), folder + "/" + base + ".png", tr("PNG images (*.png)"));
    if (!path.isEmpty())
        exportResultTo(resultId, path);
}

bool FileActions::exportResultTo(std::uint32_t resultId, const QString& path)
{
    m_lastError.clear();
    const Project& p = m_document->project();
    for (const ProjectResult& r : p.results) {
        if (r.id != resultId)
            continue;
        m_writer->writePng(p, r, path);
        Q_EMIT message(tr("Exporting %1…").arg(QFileInfo(path).fileName()), 0);
        return true;
    }
    fail(tr("Cannot export"), tr("Select a result in the history first."));
    return false;
}

void FileActions::openDropped(const QStringList& paths)
{
    for (const QString& path : paths) {
        if (isProjectFile(path)) {
            openPath(path);
            return; // one project at a time
        }
    }
    for (const QString& path : paths)
        importMaskFile(path);
}

void FileActions::fillRecentMenu(QMenu* menu)
{
    menu->clear();
    const QStringList files = m_settings->recentFiles();
    for (int i = 0; i < files.size(); ++i) {
        const QString path = files[i];
        QAction* a =
            menu->addAction(QStringLiteral("&%1  %2").arg(i + 1).arg(QFileInfo(path).fileName()));
        a->setToolTip(path);
        connect(a, &QAction::triggered, this, [this, path] { openPath(path); });
    }
    if (files.isEmpty())
        menu->addAction(tr("No recent projects"))->setEnabled(false);
}

} // namespace md
