#include "ui/commands/StartImageCommand.h"

#include "ui/document/ProjectModel.h"

namespace md {

StartImageCommand::StartImageCommand(ProjectModel* model, const GenerationSettings& before,
                                     const GenerationSettings& after, const QString& text,
                                     bool merges)
    : DocumentCommand(model, text), m_before(before), m_after(after), m_merges(merges)
{
}

DocumentCommand* StartImageCommand::clone() const
{
    return new StartImageCommand(model(), m_before, m_after, text(), false);
}

// Only what this step changed: a seed chosen by a random run since is kept.
void StartImageCommand::apply()
{
    GenerationSettings s = model()->project().settings;
    s.start = m_after.start;
    s.strength = m_after.strength;
    model()->setSettings(s);
}

void StartImageCommand::revert()
{
    GenerationSettings s = model()->project().settings;
    s.start = m_before.start;
    s.strength = m_before.strength;
    model()->setSettings(s);
}

bool StartImageCommand::merge(const DocumentCommand* other)
{
    const auto* edit = dynamic_cast<const StartImageCommand*>(other);
    if (!edit || !edit->m_merges || edit->m_before.start != m_after.start || !continuesBurst(edit))
        return false;
    m_after = edit->m_after;
    return true;
}

} // namespace md
