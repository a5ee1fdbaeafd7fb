#include "ui/commands/MoveRegionCommand.h"

#include "ui/document/ProjectModel.h"

#include <QObject>

namespace md {

MoveRegionCommand::MoveRegionCommand(ProjectModel* model, int from, int to)
    : DocumentCommand(model,
                      to > from ? QObject::tr("Move region up") : QObject::tr("Move region down")),
      m_from(from), m_to(to)
{
}

DocumentCommand* MoveRegionCommand::clone() const
{
    return new MoveRegionCommand(model(), m_from, m_to);
}

void MoveRegionCommand::apply()
{
    model()->moveRegion(m_from, m_to);
}

void MoveRegionCommand::revert()
{
    model()->moveRegion(m_to, m_from);
}

} // namespace md
