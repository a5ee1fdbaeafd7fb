#pragma once

// Adds a paint layer (new, imported, pasted, dropped) at a position, or removes one: the
// same step run forwards or backwards.

#include "document/Project.h"
#include "ui/commands/DocumentCommand.h"

namespace md {

class PaintLayerCommand : public DocumentCommand
{
public:
    enum class Kind { Insert, Remove };

    PaintLayerCommand(ProjectModel* model, Kind kind, int index, PaintLayer layer,
                      const QString& text);

    std::size_t byteSize() const override;
    DocumentCommand* clone() const override;

protected:
    void apply() override;
    void revert() override;

private:
    void insert();
    void remove();

    Kind m_kind;
    int m_index;
    PaintLayer m_layer; // the layer while it is out of the document
};

} // namespace md
