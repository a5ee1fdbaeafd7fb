#include "ui/commands/RemoveRegionCommand.h"

#include "ui/document/ProjectModel.h"

#include <QObject>

namespace md {

RemoveRegionCommand::RemoveRegionCommand(ProjectModel* model, std::uint32_t regionId)
    : DocumentCommand(model, QObject::tr("Remove region")), m_regionId(regionId)
{
    if (const ProjectRegion* r = model->region(regionId))
        setText(QObject::tr("Remove “%1”").arg(QString::fromStdString(r->name)));
}

std::size_t RemoveRegionCommand::byteSize() const
{
    // While the region is in the project its pixels are counted there; once removed, here.
    return sizeof(*this) + m_region.mask.values.size() * sizeof(float);
}

DocumentCommand* RemoveRegionCommand::clone() const
{
    auto* copy = new RemoveRegionCommand(model(), m_regionId);
    copy->setText(text());
    copy->m_index = m_index;
    copy->m_region = m_region;
    return copy;
}

void RemoveRegionCommand::apply()
{
    m_index = model()->indexOf(m_regionId);
    if (m_index >= 0)
        m_region = model()->takeRegion(m_index);
}

void RemoveRegionCommand::revert()
{
    if (m_index < 0)
        return;
    model()->insertRegion(m_index, std::move(m_region));
    m_region = ProjectRegion();
}

} // namespace md
