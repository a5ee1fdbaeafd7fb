#include "ui/commands/DocumentCommand.h"

namespace md {

int DocumentCommand::s_replaying = 0;

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
    if (!isReplaying())
        revert();
}

int DocumentCommand::id() const
{
    return isReplaying() ? -1 : mergeId();
}

bool DocumentCommand::mergeWith(const QUndoCommand* other)
{
    const auto* command = dynamic_cast<const DocumentCommand*>(other);
    return command && !isReplaying() && merge(command);
}

} // namespace md
