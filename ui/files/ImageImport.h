#pragma once

// Pictures into the document as paint layers: File > Import Image…, Edit > Paste Image
// (Ctrl+V) and drops on the canvas. A picture of another size is scaled to fit the canvas
// (proportions kept, centred, transparent around it). Each import is one undo step; a
// file that is not a readable image is refused with the reason (FileType's checks first,
// so a FIFO or a device never blocks the window).

#include <QImage>
#include <QObject>
#include <QStringList>

class QWidget;

namespace md {

class DocumentController;
class FileActions;
class Settings;

class ImageImport : public QObject
{
    Q_OBJECT
public:
    ImageImport(DocumentController* document, FileActions* files, Settings* settings,
                QWidget* dialogParent, QObject* parent = nullptr);

    void importImage(); // asks for the file
    bool importImageFile(const QString& path);
    // The clipboard's image (or an image file copied in a file manager).
    bool pasteImage();
    bool importQImage(const QImage& image, const QString& name, const QString& text);
    // Dropped on the canvas: a project opens, pictures become paint layers.
    void importDropped(const QStringList& paths, const QImage& image);

    // Quiet mode for tests: errors go to lastError() instead of a message box.
    void setInteractive(bool interactive) { m_interactive = interactive; }
    QString lastError() const { return m_lastError; }

Q_SIGNALS:
    void message(const QString& text, int timeoutMs);

private:
    void fail(const QString& text);

    DocumentController* m_document;
    FileActions* m_files;
    Settings* m_settings;
    QWidget* m_parent;
    bool m_interactive = true;
    QString m_lastError;
};

} // namespace md
