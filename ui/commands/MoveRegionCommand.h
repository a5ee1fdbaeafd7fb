#pragma once

// Moves a region up or down the drawing order.

#include "ui/commands/DocumentCommand.h"

namespace md {

class MoveRegionCommand : public DocumentCommand
{
public:
    MoveRegionCommand(ProjectModel* model, int from, int to);

    DocumentCommand* clone() const override;

protected:
    void apply() override;
    void revert() override;

private:
    int m_from;
    int m_to;
};

} // namespace md
