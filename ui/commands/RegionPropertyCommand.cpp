#include "ui/commands/RegionPropertyCommand.h"

namespace md {

RegionPropertyCommand::RegionPropertyCommand(ProjectModel* model, std::uint32_t regionId,
                                             const RegionProperties& before,
                                             const RegionProperties& after, const QString& text,
                                             int mergeKey)
    : DocumentCommand(model, text), m_regionId(regionId), m_before(before), m_after(after),
      m_mergeKey(mergeKey)
{
}

std::size_t RegionPropertyCommand::byteSize() const
{
    const auto strings = [](const RegionProperties& p) {
        return p.name.size() + p.prompt.size() + p.negative.size();
    };
    return sizeof(*this) + strings(m_before) + strings(m_after);
}

DocumentCommand* RegionPropertyCommand::clone() const
{
    return new RegionPropertyCommand(model(), m_regionId, m_before, m_after, text(), 0);
}

void RegionPropertyCommand::apply()
{
    model()->setProperties(m_regionId, m_after);
}

void RegionPropertyCommand::revert()
{
    model()->setProperties(m_regionId, m_before);
}

bool RegionPropertyCommand::merge(const DocumentCommand* other)
{
    const auto* edit = dynamic_cast<const RegionPropertyCommand*>(other);
    if (!edit || m_mergeKey == 0 || edit->m_mergeKey != m_mergeKey ||
        edit->m_regionId != m_regionId || !continuesBurst(edit))
        return false;
    m_after = edit->m_after;
    // Typed and then undone in the field: the burst leaves no step behind.
    const RegionProperties& a = m_after;
    const RegionProperties& b = m_before;
    setObsolete(a.name == b.name && a.colour == b.colour && a.prompt == b.prompt &&
                a.negative == b.negative && a.strength == b.strength && a.visible == b.visible);
    return true;
}

} // namespace md
