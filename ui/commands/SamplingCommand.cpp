#include "ui/commands/SamplingCommand.h"

#include "ui/document/ProjectModel.h"

namespace md {

SamplingCommand::SamplingCommand(ProjectModel* model, const Sampling& before, const Sampling& after,
                                 const QString& text)
    : DocumentCommand(model, text), m_before(before), m_after(after)
{
}

DocumentCommand* SamplingCommand::clone() const
{
    return new SamplingCommand(model(), m_before, m_after, text());
}

void SamplingCommand::apply()
{
    set(m_after);
}

void SamplingCommand::revert()
{
    set(m_before);
}

void SamplingCommand::set(const Sampling& sampling)
{
    GenerationSettings s = model()->project().settings;
    s.sampler = sampling.sampler;
    s.steps = sampling.steps;
    s.cfg = sampling.cfg;
    model()->setSettings(s);
}

} // namespace md
