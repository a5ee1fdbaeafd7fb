#include "ui/commands/BoxCommand.h"

#include "ui/document/ProjectModel.h"

#include <QObject>

namespace md {

BoxCommand::BoxCommand(ProjectModel* model, std::uint32_t regionId, const Box& before,
                       const Box& after, int dragSerial)
    : DocumentCommand(model, QObject::tr("Move box")), m_regionId(regionId), m_before(before),
      m_after(after), m_dragSerial(dragSerial)
{
    if (before.width != after.width || before.height != after.height)
        setText(QObject::tr("Resize box"));
}

DocumentCommand* BoxCommand::clone() const
{
    return new BoxCommand(model(), m_regionId, m_before, m_after, 0);
}

void BoxCommand::apply()
{
    model()->setBox(m_regionId, m_after);
}

void BoxCommand::revert()
{
    model()->setBox(m_regionId, m_before);
}

bool BoxCommand::merge(const DocumentCommand* other)
{
    const auto* box = dynamic_cast<const BoxCommand*>(other);
    if (!box || box->m_regionId != m_regionId || m_dragSerial == 0 ||
        box->m_dragSerial != m_dragSerial)
        return false;
    m_after = box->m_after;
    if (m_before.width != m_after.width || m_before.height != m_after.height)
        setText(QObject::tr("Resize box"));
    return true;
}

} // namespace md
