#pragma once

// Box regions: drag on empty canvas to create one; drag a box to move it, its handles to
// resize it (every box shows its handles; the current box's win where boxes overlap). Positions
// snap to 8 canvas pixels (one latent pixel); Alt turns snapping off. Each drag is one undo step
// (the box commands of one drag merge).

#include "engine/EngineTypes.h"
#include "ui/canvas/CanvasTool.h"

#include <QList>
#include <QRectF>
#include <cstdint>
#include <optional>

namespace md {

class BoxTool : public CanvasTool
{
    Q_OBJECT
public:
    explicit BoxTool(DocumentController* document, QObject* parent = nullptr);

    void press(const CanvasMouse& event) override;
    void move(const CanvasMouse& event) override;
    void release(const CanvasMouse& event) override;
    void paintOverlay(QPainter& painter) override;
    QCursor cursor() const override { return m_cursor; }

    // Handle bits: which edges a drag moves. All four: move the whole box.
    enum Edge { Left = 1, Top = 2, Right = 4, Bottom = 8, Inside = 15 };

    static constexpr int minSize = 16;

private:
    struct Hit
    {
        std::uint32_t regionId = 0;
        int edges = 0;
    };
    Hit hitTest(QPointF widgetPos) const;
    Box dragged(QPointF canvasPos, bool snap) const;
    QRectF boxInWidget(const Box& box) const;
    QList<QRectF> partsInWidget(const Box& box) const; // two across the wrap seam
    static void paintHandles(QPainter& painter, const QRectF& widgetRect, bool current);
    void setCursorFor(int edges);

    enum class Mode { Idle, Creating, Editing };
    Mode m_mode = Mode::Idle;
    std::uint32_t m_regionId = 0;
    int m_edges = 0;
    QPointF m_start; // canvas position where the drag began
    Box m_startBox;  // the box when the drag began
    Box m_creating;  // the box being drawn
    int m_dragSerial = 0;
    QCursor m_cursor = Qt::CrossCursor;
};

} // namespace md
