#include "ui/commands/BackgroundCommand.h"

#include "ui/document/ProjectModel.h"

#include <QObject>

namespace md {

BackgroundCommand::BackgroundCommand(ProjectModel* model, Prompts before, Prompts after,
                                     int mergeKey)
    : DocumentCommand(model, before.prompt != after.prompt
                                 ? QObject::tr("Edit background prompt")
                                 : QObject::tr("Edit background negative")),
      m_before(std::move(before)), m_after(std::move(after)), m_mergeKey(mergeKey)
{
}

std::size_t BackgroundCommand::byteSize() const
{
    return sizeof(*this) + m_before.prompt.size() + m_before.negative.size() +
           m_after.prompt.size() + m_after.negative.size();
}

DocumentCommand* BackgroundCommand::clone() const
{
    auto* copy = new BackgroundCommand(model(), m_before, m_after, 0);
    copy->setText(text());
    return copy;
}

void BackgroundCommand::apply()
{
    model()->setBackground(m_after.prompt, m_after.negative);
}

void BackgroundCommand::revert()
{
    model()->setBackground(m_before.prompt, m_before.negative);
}

bool BackgroundCommand::merge(const DocumentCommand* other)
{
    const auto* edit = dynamic_cast<const BackgroundCommand*>(other);
    if (!edit || m_mergeKey == 0 || edit->m_mergeKey != m_mergeKey || !continuesBurst(edit))
        return false;
    m_after = edit->m_after;
    // Typed and then undone in the field: the burst leaves no step behind.
    setObsolete(m_after.prompt == m_before.prompt && m_after.negative == m_before.negative);
    return true;
}

} // namespace md
