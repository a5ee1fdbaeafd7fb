#pragma once

// Paints soft round dabs into a MaskImage. A stroke is a polyline in canvas coordinates;
// dabs are placed at a fixed spacing along it (a fraction of the radius), so strokes are
// smooth at any zoom and independent of how often the mouse reports. Painting takes the
// maximum of mask and dab, erasing the minimum of mask and (1 - dab): overlapping dabs of
// one stroke never build up.

#include "engine/EngineTypes.h"

#include <QPointF>
#include <QRect>

namespace md {

struct BrushSettings
{
    float diameter = 48.f; // canvas pixels
    float hardness = 0.7f; // 0: soft falloff from the centre, 1: hard anti-aliased edge
    bool erase = false;
};

class MaskBrush
{
public:
    void begin(MaskImage* mask, const BrushSettings& settings, QPointF pos);
    void moveTo(QPointF pos);
    // Pen pressure in (0, 1] (a tablet's; 1 for the mouse): scales the next dabs' size and
    // value. Kept across strokes until set again.
    void setPressure(float pressure);
    // The union of everything painted since begin().
    QRect dirtyRect() const { return m_dirty; }
    // The rectangle painted by the last begin()/moveTo() call.
    QRect lastRect() const { return m_last; }

    // The dab's value at distance `r` from its centre (pure function, for tests).
    static float dabValue(float r, float radius, float hardness);

private:
    void dab(QPointF centre);

    MaskImage* m_mask = nullptr;
    BrushSettings m_settings;
    QPointF m_pos;
    float m_carry = 0.f; // distance walked since the last dab
    float m_pressure = 1.f;
    QRect m_dirty;
    QRect m_last;
};

} // namespace md
