#pragma once

// A paint layer's name, visibility or opacity. Opacity drags (same layer, one burst)
// merge into one step.

#include "document/Project.h"
#include "ui/commands/DocumentCommand.h"

namespace md {

class PaintLayerPropertyCommand : public DocumentCommand
{
public:
    PaintLayerPropertyCommand(ProjectModel* model, std::uint32_t layerId, const PaintLayer& before,
                              const PaintLayer& after, const QString& text, bool merges);

    DocumentCommand* clone() const override;

protected:
    void apply() override;
    void revert() override;
    int mergeId() const override { return m_merges ? MergePaintLayer : -1; }
    bool merge(const DocumentCommand* other) override;

private:
    std::uint32_t m_layerId;
    PaintLayer m_before; // properties only, no pixels
    PaintLayer m_after;
    bool m_merges;
};

} // namespace md
