#pragma once

// The sampler, steps and CFG at once (the generation panel's Preset list): an undoable edit,
// unlike typing into the single fields. Only these three change: a seed a random run chose
// since is kept on undo and redo.

#include "document/Project.h"
#include "ui/commands/DocumentCommand.h"

namespace md {

class SamplingCommand : public DocumentCommand
{
public:
    struct Sampling
    {
        SamplerKind sampler = SamplerKind::DpmPp2mKarras;
        int steps = 20;
        float cfg = 7.5f;
    };
    SamplingCommand(ProjectModel* model, const Sampling& before, const Sampling& after,
                    const QString& text);

    DocumentCommand* clone() const override;

protected:
    void apply() override;
    void revert() override;

private:
    void set(const Sampling& sampling);

    Sampling m_before;
    Sampling m_after;
};

} // namespace md
