#pragma once

// Brush, eraser and colour picker on the current paint layer (the colour sketch under the
// region masks). A stroke's coverage is painted with MaskBrush into a stroke buffer and
// composited over the layer as it was before the stroke, so overlapping dabs never build
// up; the stroke becomes one undo step holding only the changed rectangle. A tablet pen's
// pressure scales the dabs' size and opacity. The picker takes the colour shown on the
// canvas (the result under the visible paint layers).

#include "ui/canvas/CanvasTool.h"
#include "ui/canvas/MaskBrush.h"

#include <QColor>
#include <cstdint>
#include <optional>
#include <vector>

namespace md {

class PaintTool : public CanvasTool
{
    Q_OBJECT
public:
    enum class Mode { Brush, Eraser, Picker };

    explicit PaintTool(DocumentController* document, QObject* parent = nullptr);

    void setMode(Mode mode);
    Mode mode() const { return m_mode; }
    void setColour(const QColor& colour);
    QColor colour() const { return m_colour; }
    void setDiameter(float diameter);
    float diameter() const { return m_settings.diameter; }
    void setHardness(float hardness);

    void press(const CanvasMouse& event) override;
    void move(const CanvasMouse& event) override;
    void release(const CanvasMouse& event) override;
    void leave() override;
    void paintOverlay(QPainter& painter) override;

Q_SIGNALS:
    void colourChanged(const QColor& colour);

private:
    void pick(QPointF pos);
    void composite(const QRect& rect);
    void finishStroke();

    Mode m_mode = Mode::Brush;
    QColor m_colour = QColor(70, 110, 200);
    BrushSettings m_settings;
    MaskBrush m_brush;
    MaskImage m_coverage;               // the stroke so far, canvas-sized
    std::vector<std::uint8_t> m_before; // the layer before the stroke
    std::uint32_t m_layerId = 0;        // the layer being painted, 0 when idle
    std::optional<QPointF> m_hover;
};

} // namespace md
