#include "ui/files/ImageImport.h"

#include "document/FileType.h"
#include "ui/Settings.h"
#include "ui/document/DocumentController.h"
#include "ui/document/LayerComposite.h"
#include "ui/document/PaintLayerController.h"
#include "ui/files/FileActions.h"

#include <QClipboard>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QImageReader>
#include <QMessageBox>
#include <QMimeData>
#include <QUrl>

namespace md {

ImageImport::ImageImport(DocumentController* document, FileActions* files, Settings* settings,
                         QWidget* dialogParent, QObject* parent)
    : QObject(parent), m_document(document), m_files(files), m_settings(settings),
      m_parent(dialogParent)
{
}

void ImageImport::fail(const QString& text)
{
    m_lastError = text;
    if (m_interactive)
        QMessageBox::warning(m_parent, tr("Cannot import"), text);
    else
        Q_EMIT message(text, 0);
}

void ImageImport::importImage()
{
    const QString path = QFileDialog::getOpenFileName(
        m_parent, tr("Import an image as a paint layer"), m_settings->lastMaskFolder(),
        tr("Images (*.png *.jpg *.jpeg *.webp *.bmp);;All files (*)"));
    if (!path.isEmpty() && importImageFile(path))
        m_settings->setLastMaskFolder(QFileInfo(path).absolutePath());
}

bool ImageImport::importImageFile(const QString& path)
{
    const QString name = QFileInfo(path).fileName();
    // Before QImageReader opens it: a FIFO would block the GUI, a device never end.
    if (const Status s = checkInputFile(path.toStdString()); !s) {
        fail(tr("Cannot import %1:\n%2").arg(name, QString::fromStdString(s.message())));
        return false;
    }
    QImageReader reader(path);
    reader.setAutoTransform(true); // a phone photo's EXIF orientation
    const QImage image = reader.read();
    if (image.isNull()) {
        fail(tr("Cannot read %1 as an image: %2").arg(name, reader.errorString()));
        return false;
    }
    return importQImage(image, QFileInfo(path).completeBaseName(), tr("Import %1").arg(name));
}

bool ImageImport::pasteImage()
{
    const QMimeData* data = QGuiApplication::clipboard()->mimeData();
    if (data && data->hasImage()) {
        const QImage image = qvariant_cast<QImage>(data->imageData());
        if (!image.isNull())
            return importQImage(image, tr("Pasted"), tr("Paste image"));
    }
    if (data && data->hasUrls()) {
        for (const QUrl& url : data->urls())
            if (url.isLocalFile())
                return importImageFile(url.toLocalFile());
    }
    fail(tr("The clipboard holds no image to paste. Copy a picture (or an image file) first."));
    return false;
}

bool ImageImport::importQImage(const QImage& image, const QString& name, const QString& text)
{
    if (image.isNull()) {
        fail(tr("Nothing to import: the image is empty."));
        return false;
    }
    const Project& p = m_document->project();
    m_document->layers()->addImageLayer(fitToCanvas(image, p.width, p.height), name, text);
    if (image.width() != p.width || image.height() != p.height)
        Q_EMIT message(tr("“%1” (%2×%3) was scaled to fit the %4×%5 canvas, as a new paint "
                          "layer.")
                           .arg(name)
                           .arg(image.width())
                           .arg(image.height())
                           .arg(p.width)
                           .arg(p.height),
                       6000);
    else
        Q_EMIT message(tr("“%1” is a new paint layer.").arg(name), 4000);
    return true;
}

void ImageImport::importDropped(const QStringList& paths, const QImage& image)
{
    for (const QString& path : paths) {
        if (FileActions::isProjectFile(path)) {
            m_files->openPath(path);
            return; // one project at a time
        }
    }
    for (const QString& path : paths)
        importImageFile(path);
    if (paths.isEmpty() && !image.isNull())
        importQImage(image, tr("Dropped"), tr("Drop image"));
}

} // namespace md
