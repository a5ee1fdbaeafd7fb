#include "ui/canvas/CanvasTool.h"

namespace md {

CanvasTool::CanvasTool(DocumentController* document, QObject* parent)
    : QObject(parent), m_document(document)
{
}

} // namespace md
