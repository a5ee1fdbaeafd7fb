#include "ui/commands/DocumentCommand.h"

namespace md {

int DocumentCommand::s_replaying = 0;
int DocumentCommand::s_burstGapMs = 2000;

DocumentCommand::DocumentCommand(ProjectModel* model, const QString& text, bool alreadyApplied)
    : m_model(model), m_skipRedo(alreadyApplied)
{
    setText(text);
}

void DocumentCommand::redo()
{
    if (isReplaying())
        return;
    if (m_skipRedo) {
        m_skipRedo = false;
        return;
    }
    apply();
}

void DocumentCommand::undo()
{
    if (isReplaying())
        return;
    revert();
    m_sealed = true; // redone or replaced later, it never merges again
}

int DocumentCommand::id() const
{
    return isReplaying() ? -1 : mergeId();
}

bool DocumentCommand::mergeWith(const QUndoCommand* other)
{
    const auto* command = dynamic_cast<const DocumentCommand*>(other);
    return command && !isReplaying() && !m_sealed && merge(command);
}

bool DocumentCommand::continuesBurst(const DocumentCommand* other)
{
    const auto gap =
        std::chrono::duration_cast<std::chrono::milliseconds>(other->m_lastEdit - m_lastEdit);
    if (gap.count() > s_burstGapMs)
        return false;
    m_lastEdit = other->m_lastEdit;
    return true;
}

} // namespace md
