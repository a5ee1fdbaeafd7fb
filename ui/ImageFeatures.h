#pragma once

// Wires the image-conditioning features into the main window: the Layers dock, File >
// Import Image…, Edit > Paste Image, Generate > Reroll Region (also on the regions panel
// and the canvas's context menu), Upscale on the history, and pictures dropped on the
// canvas. The work is done by ImageImport, ImageActions and PaintLayerController.

#include <QObject>
#include <QPointF>

class QAction;
class QMainWindow;
class QMenu;

namespace md {

class CanvasView;
class DocumentController;
class FileActions;
class GenerationSession;
class ImageActions;
class ImageImport;
class LayersPanel;
class RegionsPanel;
class ResultsStrip;
class Settings;

class ImageFeatures : public QObject
{
    Q_OBJECT
public:
    struct Parts
    {
        DocumentController* document;
        GenerationSession* session;
        FileActions* files;
        Settings* settings;
        CanvasView* canvas;
        RegionsPanel* regions;
        ResultsStrip* results;
    };
    ImageFeatures(QMainWindow* window, const Parts& parts);

    // Adds the actions to the menus (after their existing entries of the same kind).
    void addToMenus(QMenu* file, QMenu* edit, QMenu* generate);

    // The canvas's context menu at a canvas point (the caller shows and owns it): reroll the
    // region there, paste an image, add a paint layer.
    QMenu* canvasMenu(QPointF pos);

    ImageImport* importer() const { return m_import; }
    ImageActions* actions() const { return m_actions; }
    LayersPanel* layersPanel() const { return m_layers; }

Q_SIGNALS:
    void message(const QString& text, int timeoutMs);

private:
    QMainWindow* m_window;
    Parts m_parts;
    ImageImport* m_import;
    ImageActions* m_actions;
    LayersPanel* m_layers;
    QAction* m_paste;
    QAction* m_addLayer;
};

} // namespace md
