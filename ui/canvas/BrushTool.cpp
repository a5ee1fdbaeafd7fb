#include "ui/canvas/BrushTool.h"

#include "ui/canvas/CanvasView.h"
#include "ui/document/DocumentController.h"

#include <QPainter>
#include <algorithm>

namespace md {

BrushTool::BrushTool(DocumentController* document, QObject* parent) : CanvasTool(document, parent)
{
}

void BrushTool::setDiameter(float diameter)
{
    m_settings.diameter = std::clamp(diameter, 1.f, 1000.f);
    Q_EMIT settingsChanged();
    Q_EMIT overlayChanged();
}

void BrushTool::setHardness(float hardness)
{
    m_settings.hardness = std::clamp(hardness, 0.f, 1.f);
    Q_EMIT settingsChanged();
    Q_EMIT overlayChanged();
}

void BrushTool::press(const CanvasMouse& event)
{
    DocumentController* doc = document();
    const ProjectRegion* region = doc->currentRegion();
    if (region && region->kind == RegionKind::Box && m_settings.erase) {
        Q_EMIT message(tr("“%1” is a box region: nothing to erase. Delete removes it; the box "
                          "tool (U) moves and resizes it.")
                           .arg(QString::fromStdString(region->name)));
        return;
    }
    if (!region || region->kind == RegionKind::Box) {
        if (m_settings.erase)
            return;
        // Painting with nothing selected, or with a box selected, starts a painted region
        // (the box is left as it is, as a Krita vector layer is never painted into).
        const QString box = region ? QString::fromStdString(region->name) : QString();
        doc->addMaskRegion();
        region = doc->currentRegion();
        if (region && !box.isEmpty())
            Q_EMIT message(tr("Painting in a new region, “%1”; the box “%2” is unchanged.")
                               .arg(QString::fromStdString(region->name), box));
    }
    if (!region || region->kind != RegionKind::Mask)
        return;
    MaskImage* mask = doc->model()->mutableMask(region->id);
    if (!mask)
        return;
    m_regionId = region->id;
    m_before = mask->values;
    m_maskWidth = mask->width;
    const bool line =
        (event.modifiers & Qt::ShiftModifier) && m_lastEnd && m_lastRegion == m_regionId;
    m_brush.setPressure(event.pressure);
    m_brush.begin(mask, m_settings, line ? *m_lastEnd : event.pos);
    if (line)
        m_brush.moveTo(event.pos);
    doc->model()->maskEdited(m_regionId, m_brush.dirtyRect());
}

void BrushTool::move(const CanvasMouse& event)
{
    m_hover = event.pos;
    Q_EMIT overlayChanged();
    if (!m_regionId)
        return;
    m_brush.setPressure(event.pressure);
    m_brush.moveTo(event.pos);
    if (!m_brush.lastRect().isEmpty())
        document()->model()->maskEdited(m_regionId, m_brush.lastRect());
}

void BrushTool::release(const CanvasMouse& event)
{
    if (!m_regionId)
        return;
    m_brush.moveTo(event.pos);
    if (!m_brush.lastRect().isEmpty())
        document()->model()->maskEdited(m_regionId, m_brush.lastRect());
    m_lastEnd = event.pos;
    finishStroke();
}

void BrushTool::finishStroke()
{
    const QRect rect = m_brush.dirtyRect();
    if (!rect.isEmpty()) {
        std::vector<float> before(size_t(rect.width()) * rect.height());
        for (int y = 0; y < rect.height(); ++y)
            std::copy_n(m_before.begin() + (size_t(rect.y() + y) * m_maskWidth + rect.x()),
                        rect.width(), before.begin() + size_t(y) * rect.width());
        document()->commitMaskEdit(m_regionId, rect, std::move(before),
                                   m_settings.erase ? tr("Erase") : tr("Brush stroke"));
    }
    m_lastRegion = m_regionId;
    m_regionId = 0;
    m_before.clear();
    m_before.shrink_to_fit();
}

void BrushTool::leave()
{
    m_hover.reset();
    Q_EMIT overlayChanged();
}

void BrushTool::paintOverlay(QPainter& painter)
{
    if (!m_hover || !view())
        return;
    const double radius = std::max(1.5, m_settings.diameter * 0.5 * view()->zoom());
    const QPointF centre = view()->canvasToWidget(*m_hover);
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(QColor(0, 0, 0, 160), 3));
    painter.drawEllipse(centre, radius, radius);
    // The ring takes the colour of the region being painted (white for the eraser).
    QColor ring(255, 255, 255, 220);
    const ProjectRegion* region = document()->currentRegion();
    if (region && region->kind == RegionKind::Mask && !m_settings.erase)
        ring = QColor(region->colour.r, region->colour.g, region->colour.b).lighter(125);
    painter.setPen(QPen(ring, 1.6));
    painter.drawEllipse(centre, radius, radius);
    // The hard core, so hardness is visible before painting.
    const double core = radius * std::max(0.f, m_settings.hardness);
    if (core > 3 && core < radius - 2) {
        painter.setPen(QPen(QColor(255, 255, 255, 110), 1, Qt::DotLine));
        painter.drawEllipse(centre, core, core);
    }
    painter.restore();
}

QCursor BrushTool::cursor() const
{
    return Qt::CrossCursor;
}

} // namespace md
