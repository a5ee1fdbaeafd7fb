#pragma once

// The canvas at generation size: the result (or live preview) underneath, each visible
// region as an overlay in its colour on top, then the active tool's feedback.
// Navigation: Ctrl+wheel zooms about the cursor, the wheel scrolls (Shift: sideways),
// Space-drag and middle-drag pan. Editing is left to the active CanvasTool.

#include "ui/Settings.h"
#include "ui/canvas/PaintLayerImages.h"
#include "ui/canvas/RegionOverlays.h"

#include <QImage>
#include <QPointF>
#include <QWidget>

class QAction;
#include <cstdint>

namespace md {

class CanvasTool;
class DocumentController;

class CanvasView : public QWidget
{
    Q_OBJECT
public:
    explicit CanvasView(DocumentController* document, QWidget* parent = nullptr);

    // ---- View
    double zoom() const { return m_zoom; }
    void setZoom(double zoom, QPointF anchor); // anchor in widget pixels stays put
    void fitToWindow();
    void zoomActualSize();
    void zoomIn();
    void zoomOut();
    QPointF canvasToWidget(QPointF canvas) const;
    QPointF widgetToCanvas(QPointF widget) const;
    QRectF canvasRectInWidget() const;

    // ---- Content
    void setBaseImage(const QImage& image); // result or live preview; null: none
    QImage baseImage() const { return m_base; }
    // Compare: this image on the left of a draggable divider, the base image on the right.
    void setCompareImage(const QImage& image);
    // A note in the canvas's top-left corner while the picture is shown ("Live preview · step
    // 7 / 20"); empty: none.
    void setBadge(const QString& text);
    QString badge() const { return m_badge; }
    bool isComparing() const { return !m_compare.isNull(); }
    void setPreviewMode(PreviewMode mode);
    PreviewMode previewMode() const { return m_mode; }
    void setOverlayOpacity(double opacity);
    double overlayOpacity() const { return m_opacity; }
    void setTool(CanvasTool* tool);
    CanvasTool* tool() const { return m_tool; }
    // Tiled preview (W, as Krita's wrap-around mode): the picture shown twice side by side,
    // to check the seam of a wrap-around panorama. The regions show on the first copy only.
    void setTiledPreview(bool on);
    bool tiledPreview() const { return m_tiled; }
    QAction* tiledPreviewAction() const { return m_tiledAction; }

    QSize sizeHint() const override { return {800, 600}; }

Q_SIGNALS:
    void zoomChanged(double zoom);
    void previewModeChanged(md::PreviewMode mode);
    void cursorMoved(QPoint canvasPos, bool insideCanvas);
    // A tool drag began or ended (undo is held off meanwhile).
    void interactionChanged(bool active);
    // A right click (or the menu key) at a canvas point: the canvas menu is wanted.
    void contextMenuRequested(QPointF canvasPos, QPoint globalPos);
    // Files or an image were dropped on the canvas.
    void dropped(const QStringList& paths, const QImage& image);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void keyReleaseEvent(QKeyEvent* event) override;
    void enterEvent(QEnterEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void focusOutEvent(QFocusEvent* event) override;
    void tabletEvent(QTabletEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void paintCanvas(QPainter& painter);
    void paintOverlays(QPainter& painter);
    void paintLayers(QPainter& painter);
    void onPaintChanged(std::uint32_t layerId, const QRect& rect);
    void paintDivider(QPainter& painter);
    double splitX() const;
    void onMaskChanged(std::uint32_t regionId, const QRect& rect);
    void onCanvasChanged();
    void updateCursor();
    void clampOffset();

    DocumentController* m_document;
    CanvasTool* m_tool = nullptr;
    QImage m_base;
    QImage m_compare;
    QString m_badge;
    double m_split = 0.5; // divider position, fraction of the canvas width
    bool m_draggingSplit = false;
    RegionOverlays m_overlays;
    PaintLayerImages m_layerImages;
    PreviewMode m_mode = PreviewMode::Both;
    bool m_tiled = false;
    QAction* m_tiledAction;
    double m_opacity = 0.3;

    double m_zoom = 1.0;
    QPointF m_offset;      // widget position of the canvas's top-left corner
    bool m_autoFit = true; // fit on resize until the user zooms
    bool m_spaceDown = false;
    bool m_panning = false;
    QPointF m_panStart;
    QPointF m_panOffsetStart;
    bool m_toolActive = false; // a tool drag is in progress
};

} // namespace md
