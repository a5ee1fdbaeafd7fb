#include "ui/canvas/MaskBrush.h"

#include <QLineF>
#include <algorithm>
#include <cmath>

namespace md {

float MaskBrush::dabValue(float r, float radius, float hardness)
{
    // A hard core out to hardness * radius, then a smoothstep falloff; at least one pixel
    // of falloff so that hard brushes are anti-aliased.
    const float edge = std::max(1.f, radius * (1.f - hardness));
    const float inner = radius - edge;
    if (r <= inner)
        return 1.f;
    if (r >= radius)
        return 0.f;
    const float t = 1.f - (r - inner) / edge;
    return t * t * (3.f - 2.f * t);
}

void MaskBrush::begin(MaskImage* mask, const BrushSettings& settings, QPointF pos)
{
    m_mask = mask;
    m_settings = settings;
    m_settings.diameter = std::max(1.f, settings.diameter);
    m_settings.hardness = std::clamp(settings.hardness, 0.f, 1.f);
    m_pos = pos;
    m_carry = 0.f;
    m_dirty = QRect();
    m_last = QRect();
    dab(pos);
    m_dirty = m_last;
}

void MaskBrush::setPressure(float pressure)
{
    m_pressure = std::clamp(pressure, 0.05f, 1.f);
}

void MaskBrush::moveTo(QPointF pos)
{
    if (!m_mask)
        return;
    m_last = QRect();
    const float spacing = std::max(0.5f, m_settings.diameter * 0.08f);
    const QLineF segment(m_pos, pos);
    const float length = float(segment.length());
    float t = spacing - m_carry;
    QRect before = m_dirty;
    while (t <= length) {
        dab(segment.pointAt(t / length));
        t += spacing;
    }
    m_carry = length - (t - spacing);
    m_pos = pos;
    m_dirty = before.united(m_last);
}

void MaskBrush::dab(QPointF centre)
{
    MaskImage& mask = *m_mask;
    const float radius = std::max(0.5f, m_settings.diameter * 0.5f * m_pressure);
    const int x0 = std::max(0, int(std::floor(centre.x() - radius)));
    const int y0 = std::max(0, int(std::floor(centre.y() - radius)));
    const int x1 = std::min(mask.width - 1, int(std::ceil(centre.x() + radius)));
    const int y1 = std::min(mask.height - 1, int(std::ceil(centre.y() + radius)));
    if (x0 > x1 || y0 > y1)
        return;
    for (int y = y0; y <= y1; ++y) {
        float* line = mask.values.data() + size_t(y) * mask.width;
        const float dy = float(y) + 0.5f - float(centre.y());
        for (int x = x0; x <= x1; ++x) {
            const float dx = float(x) + 0.5f - float(centre.x());
            const float v =
                m_pressure * dabValue(std::sqrt(dx * dx + dy * dy), radius, m_settings.hardness);
            if (v <= 0.f)
                continue;
            line[x] = m_settings.erase ? std::min(line[x], 1.f - v) : std::max(line[x], v);
        }
    }
    m_last = m_last.united(QRect(QPoint(x0, y0), QPoint(x1, y1)));
}

} // namespace md
