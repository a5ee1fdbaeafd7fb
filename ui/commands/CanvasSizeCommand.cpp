#include "ui/commands/CanvasSizeCommand.h"

#include "ui/ImageConversion.h"

#include <QImage>
#include <QObject>
#include <algorithm>
#include <cmath>

namespace md {

CanvasSizeCommand::CanvasSizeCommand(ProjectModel* model, const QString& text)
    : DocumentCommand(model, text)
{
}

CanvasSizeCommand::CanvasSizeCommand(ProjectModel* model, int width, int height)
    : DocumentCommand(model, QObject::tr("Canvas size %1×%2").arg(width).arg(height))
{
    const Project& p = model->project();
    m_beforeWidth = p.width;
    m_beforeHeight = p.height;
    m_afterWidth = width;
    m_afterHeight = height;
    m_before = geometry(p);
    m_after = scaledGeometry(m_before, p.width, p.height, width, height);
}

std::vector<RegionGeometry> CanvasSizeCommand::geometry(const Project& project)
{
    std::vector<RegionGeometry> out;
    for (const ProjectRegion& r : project.regions)
        out.push_back({r.id, r.mask, r.box});
    return out;
}

std::vector<RegionGeometry> CanvasSizeCommand::scaledGeometry(std::vector<RegionGeometry> out,
                                                              int fromWidth, int fromHeight,
                                                              int width, int height)
{
    if (width == fromWidth && height == fromHeight)
        return out;
    const double sx = double(width) / std::max(1, fromWidth);
    const double sy = double(height) / std::max(1, fromHeight);
    for (RegionGeometry& g : out) {
        if (!g.mask.empty()) {
            const QImage scaled = maskToGray(g.mask).scaled(width, height, Qt::IgnoreAspectRatio,
                                                            Qt::SmoothTransformation);
            g.mask = maskFromImage(scaled, width, height);
        }
        Box& b = g.box;
        b.width = std::clamp(int(std::lround(b.width * sx)), 8, width);
        b.height = std::clamp(int(std::lround(b.height * sy)), 8, height);
        b.x = std::clamp(int(std::lround(b.x * sx)), 0, width - b.width);
        b.y = std::clamp(int(std::lround(b.y * sy)), 0, height - b.height);
    }
    return out;
}

std::size_t CanvasSizeCommand::byteSize() const
{
    std::size_t bytes = sizeof(*this);
    for (const auto* list : {&m_before, &m_after})
        for (const RegionGeometry& g : *list)
            bytes += g.mask.values.size() * sizeof(float);
    return bytes;
}

DocumentCommand* CanvasSizeCommand::clone() const
{
    auto* copy = new CanvasSizeCommand(model(), text());
    copy->m_beforeWidth = m_beforeWidth;
    copy->m_beforeHeight = m_beforeHeight;
    copy->m_afterWidth = m_afterWidth;
    copy->m_afterHeight = m_afterHeight;
    copy->m_before = m_before;
    copy->m_after = m_after;
    return copy;
}

bool CanvasSizeCommand::merge(const DocumentCommand* other)
{
    const auto* next = dynamic_cast<const CanvasSizeCommand*>(other);
    if (!next)
        return false;
    // `next` was applied from our result; redo it from the originals instead.
    m_afterWidth = next->m_afterWidth;
    m_afterHeight = next->m_afterHeight;
    m_after = scaledGeometry(m_before, m_beforeWidth, m_beforeHeight, m_afterWidth, m_afterHeight);
    setText(QObject::tr("Canvas size %1×%2").arg(m_afterWidth).arg(m_afterHeight));
    apply();
    return true;
}

void CanvasSizeCommand::apply()
{
    model()->setCanvas(m_afterWidth, m_afterHeight, m_after);
}

void CanvasSizeCommand::revert()
{
    model()->setCanvas(m_beforeWidth, m_beforeHeight, m_before);
}

} // namespace md
