#include "ui/ImageFeatures.h"

#include "ui/canvas/CanvasView.h"
#include "ui/document/DocumentController.h"
#include "ui/document/PaintLayerController.h"
#include "ui/files/ImageImport.h"
#include "ui/generation/ImageActions.h"
#include "ui/panels/LayersPanel.h"
#include "ui/panels/RegionsPanel.h"
#include "ui/panels/ResultsStrip.h"

#include <QDockWidget>
#include <QMainWindow>
#include <QMenu>
#include <QTimer>

namespace md {

ImageFeatures::ImageFeatures(QMainWindow* window, const Parts& parts)
    : QObject(window), m_window(window), m_parts(parts)
{
    m_import = new ImageImport(parts.document, parts.files, parts.settings, window, this);
    m_actions = new ImageActions(parts.document, parts.session, this);
    m_layers = new LayersPanel(parts.document, window);
    auto* dock = new QDockWidget(tr("Paint Layers"), window);
    dock->setObjectName("layersDock");
    dock->setWidget(m_layers);
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                      QDockWidget::DockWidgetClosable);
    window->addDockWidget(Qt::RightDockWidgetArea, dock);
    // Small: the prompts above it need the room.
    window->resizeDocks({dock}, {m_layers->sizeHint().height()}, Qt::Vertical);

    parts.regions->addButton(m_actions->rerollAction());
    connect(parts.results, &ResultsStrip::upscaleRequested, m_actions, &ImageActions::upscale);
    connect(parts.canvas, &CanvasView::contextMenuRequested, this,
            [this](QPointF pos, QPoint global) {
                QMenu* menu = canvasMenu(pos);
                menu->setAttribute(Qt::WA_DeleteOnClose);
                menu->popup(global);
            });
    connect(parts.canvas, &CanvasView::dropped, this,
            [this](const QStringList& paths, const QImage& image) {
                // Let the drop finish before any dialog opens.
                QTimer::singleShot(0, this,
                                   [this, paths, image] { m_import->importDropped(paths, image); });
            });
    m_paste = new QAction(tr("&Paste Image"), this);
    m_paste->setObjectName("pasteImage");
    m_paste->setShortcut(QKeySequence::Paste); // text fields keep their own Ctrl+V
    connect(m_paste, &QAction::triggered, m_import, &ImageImport::pasteImage);
    m_addLayer = new QAction(tr("New Paint &Layer"), this);
    connect(m_addLayer, &QAction::triggered, this,
            [this] { m_parts.document->layers()->addLayer(); });
    connect(m_import, &ImageImport::message, this, &ImageFeatures::message);
    connect(m_actions, &ImageActions::message, this, &ImageFeatures::message);
}

QMenu* ImageFeatures::canvasMenu(QPointF pos)
{
    QMenu* menu = m_actions->canvasMenu(pos, m_parts.canvas);
    menu->addSeparator();
    menu->addAction(m_paste);
    menu->addAction(m_addLayer);
    return menu;
}

void ImageFeatures::addToMenus(QMenu* file, QMenu* edit, QMenu* generate)
{
    QAction* import = new QAction(tr("Import &Image…"), this);
    import->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_I));
    import->setToolTip(tr("A picture as a new paint layer, to start from or paint over"));
    connect(import, &QAction::triggered, m_import, &ImageImport::importImage);
    QAction* mask = nullptr;
    for (QAction* a : file->actions())
        if (a->text().contains(tr("Import Mask")))
            mask = a;
    const QList<QAction*> after = file->actions();
    const int at = mask ? int(after.indexOf(mask)) + 1 : -1;
    file->insertAction(at >= 0 && at < after.size() ? after[at] : nullptr, import);

    edit->insertAction(edit->actions().value(3), m_paste); // after Undo, Redo and a separator
    edit->insertSeparator(edit->actions().value(4));

    generate->addSeparator();
    generate->addAction(m_actions->rerollAction());
}

} // namespace md
