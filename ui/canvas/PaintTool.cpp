#include "ui/canvas/PaintTool.h"

#include "ui/canvas/CanvasView.h"
#include "ui/document/DocumentController.h"
#include "ui/document/LayerComposite.h"
#include "ui/document/PaintLayerController.h"

#include <QPainter>
#include <algorithm>
#include <cmath>

namespace md {

PaintTool::PaintTool(DocumentController* document, QObject* parent) : CanvasTool(document, parent)
{
}

void PaintTool::setMode(Mode mode)
{
    m_mode = mode;
    Q_EMIT overlayChanged();
}

void PaintTool::setColour(const QColor& colour)
{
    if (!colour.isValid() || colour == m_colour)
        return;
    m_colour = colour;
    Q_EMIT colourChanged(colour);
    Q_EMIT overlayChanged();
}

void PaintTool::setDiameter(float diameter)
{
    m_settings.diameter = std::clamp(diameter, 1.f, 1000.f);
    Q_EMIT overlayChanged();
}

void PaintTool::setHardness(float hardness)
{
    m_settings.hardness = std::clamp(hardness, 0.f, 1.f);
}

void PaintTool::pick(QPointF pos)
{
    const QPoint p(int(std::floor(pos.x())), int(std::floor(pos.y())));
    const QImage base =
        view() && view()->previewMode() != PreviewMode::MasksOnly ? view()->baseImage() : QImage();
    const QColor c = composedColourAt(document()->project(), base, p);
    if (c.isValid())
        setColour(c);
}

void PaintTool::press(const CanvasMouse& event)
{
    if (m_mode == Mode::Picker) {
        pick(event.pos);
        return;
    }
    PaintLayerController* layers = document()->layers();
    if (!layers->currentLayer()) {
        if (m_mode == Mode::Eraser) {
            Q_EMIT message(tr("No paint layer to erase from."));
            return;
        }
        layers->addLayer(); // painting with no layer starts one
        Q_EMIT message(tr("Painting on a new layer, “%1”.")
                           .arg(QString::fromStdString(layers->currentLayer()->name)));
    }
    const std::uint32_t id = layers->currentLayerId();
    RgbaImage* pixels = document()->model()->mutablePaint(id);
    if (!pixels)
        return;
    m_layerId = id;
    m_before = pixels->pixels;
    m_coverage = blankMask(pixels->width, pixels->height);
    m_brush.setPressure(event.pressure);
    m_brush.begin(&m_coverage, m_settings, event.pos);
    composite(m_brush.dirtyRect());
}

void PaintTool::move(const CanvasMouse& event)
{
    m_hover = event.pos;
    Q_EMIT overlayChanged();
    if (m_mode == Mode::Picker && (event.buttons & Qt::LeftButton))
        pick(event.pos);
    if (!m_layerId)
        return;
    m_brush.setPressure(event.pressure);
    m_brush.moveTo(event.pos);
    composite(m_brush.lastRect());
}

void PaintTool::release(const CanvasMouse& event)
{
    if (!m_layerId)
        return;
    m_brush.moveTo(event.pos);
    composite(m_brush.lastRect());
    finishStroke();
}

void PaintTool::composite(const QRect& rect)
{
    RgbaImage* pixels = document()->model()->mutablePaint(m_layerId);
    if (rect.isEmpty() || !pixels || pixels->pixels.size() != m_before.size())
        return;
    const float cr = float(m_colour.red()), cg = float(m_colour.green()),
                cb = float(m_colour.blue());
    const bool erase = m_mode == Mode::Eraser;
    for (int y = rect.top(); y <= rect.bottom(); ++y) {
        for (int x = rect.left(); x <= rect.right(); ++x) {
            const size_t i = size_t(y) * pixels->width + x;
            const float c = m_coverage.values[i];
            const std::uint8_t* src = m_before.data() + i * 4;
            std::uint8_t* dst = pixels->pixels.data() + i * 4;
            const float a0 = src[3] / 255.f;
            if (erase) {
                std::copy_n(src, 3, dst);
                dst[3] = std::uint8_t(std::lround(src[3] * (1.f - c)));
                continue;
            }
            // The colour over what was there, straight alpha.
            const float a = c + a0 * (1.f - c);
            const auto mix = [&](float colour, std::uint8_t old) {
                return a <= 0.f
                           ? old
                           : std::uint8_t(std::clamp(
                                 std::lround((colour * c + old * a0 * (1.f - c)) / a), 0L, 255L));
            };
            dst[0] = mix(cr, src[0]);
            dst[1] = mix(cg, src[1]);
            dst[2] = mix(cb, src[2]);
            dst[3] = std::uint8_t(std::lround(a * 255.f));
        }
    }
    document()->model()->paintEdited(m_layerId, rect);
}

void PaintTool::finishStroke()
{
    const QRect rect = m_brush.dirtyRect();
    RgbaImage* pixels = document()->model()->mutablePaint(m_layerId);
    if (!rect.isEmpty() && pixels) {
        const size_t row = size_t(rect.width()) * 4;
        std::vector<std::uint8_t> before(row * rect.height());
        for (int y = 0; y < rect.height(); ++y)
            std::copy_n(m_before.begin() +
                            ptrdiff_t((size_t(rect.y() + y) * pixels->width + rect.x()) * 4),
                        row, before.begin() + ptrdiff_t(size_t(y) * row));
        document()->layers()->commitPaint(m_layerId, rect, std::move(before),
                                          m_mode == Mode::Eraser ? tr("Erase paint")
                                                                 : tr("Paint stroke"));
    }
    m_layerId = 0;
    m_before = {};
    m_coverage = {};
}

void PaintTool::leave()
{
    m_hover.reset();
    Q_EMIT overlayChanged();
}

void PaintTool::paintOverlay(QPainter& painter)
{
    if (!m_hover || !view())
        return;
    const QPointF centre = view()->canvasToWidget(*m_hover);
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setBrush(Qt::NoBrush);
    if (m_mode == Mode::Picker) {
        painter.setPen(QPen(QColor(0, 0, 0, 160), 3));
        painter.drawEllipse(centre, 9, 9);
        painter.setPen(QPen(m_colour, 4));
        painter.drawEllipse(centre, 7, 7);
        painter.restore();
        return;
    }
    const double radius = std::max(1.5, m_settings.diameter * 0.5 * view()->zoom());
    painter.setPen(QPen(QColor(0, 0, 0, 160), 3));
    painter.drawEllipse(centre, radius, radius);
    painter.setPen(QPen(m_mode == Mode::Eraser ? QColor(255, 255, 255, 220) : m_colour, 1.6));
    painter.drawEllipse(centre, radius, radius);
    painter.restore();
}

} // namespace md
