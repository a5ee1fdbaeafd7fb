#pragma once

// Brush and eraser on the current mask region. A stroke paints straight into the mask (the
// canvas shows it live) and becomes one undo step holding only the changed rectangle.
// Shift+click draws a straight line from the end of the previous stroke.

#include "ui/canvas/CanvasTool.h"
#include "ui/canvas/MaskBrush.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace md {

class BrushTool : public CanvasTool
{
    Q_OBJECT
public:
    explicit BrushTool(DocumentController* document, QObject* parent = nullptr);

    void setErase(bool erase) { m_settings.erase = erase; }
    bool isErase() const { return m_settings.erase; }
    void setDiameter(float diameter);
    float diameter() const { return m_settings.diameter; }
    void setHardness(float hardness);
    float hardness() const { return m_settings.hardness; }

    void press(const CanvasMouse& event) override;
    void move(const CanvasMouse& event) override;
    void release(const CanvasMouse& event) override;
    void leave() override;
    void paintOverlay(QPainter& painter) override;
    QCursor cursor() const override;

Q_SIGNALS:
    void settingsChanged();

private:
    void finishStroke();

    BrushSettings m_settings;
    MaskBrush m_brush;
    std::uint32_t m_regionId = 0; // the region being painted, 0 when idle
    std::vector<float> m_before;  // the whole mask before the stroke
    int m_maskWidth = 0;
    std::optional<QPointF> m_hover;
    std::optional<QPointF> m_lastEnd; // for Shift+click lines
    std::uint32_t m_lastRegion = 0;
};

} // namespace md
