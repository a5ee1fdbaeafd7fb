#pragma once

// The document's paint layers: the current one (the paint target), and every edit of them
// as one undo step each (add, import, remove, visibility, opacity, a stroke). Also the start
// image settings (what the next generation starts from, and its strength), which are
// undoable too. No dialogs here.

#include "document/Project.h"

#include <QObject>
#include <QRect>
#include <QString>
#include <cstdint>
#include <vector>

namespace md {

class DocumentController;

class PaintLayerController : public QObject
{
    Q_OBJECT
public:
    explicit PaintLayerController(DocumentController* document);

    std::uint32_t currentLayerId() const { return m_current; }
    const PaintLayer* currentLayer() const;
    void setCurrentLayer(std::uint32_t layerId);

    // A new transparent layer on top of the others; it becomes current. Returns its id.
    std::uint32_t addLayer();
    // A layer holding `pixels` (canvas-sized) on top; it becomes current.
    std::uint32_t addImageLayer(RgbaImage pixels, const QString& name, const QString& text);
    void removeLayer(std::uint32_t layerId);
    void setVisible(std::uint32_t layerId, bool visible);
    // Drags of the opacity slider merge into one step.
    void setOpacity(std::uint32_t layerId, float opacity);
    // After painting straight into model()->mutablePaint(): records the change of `rect`
    // (before = the rect's bytes before painting) as one undo step.
    void commitPaint(std::uint32_t layerId, const QRect& rect, std::vector<std::uint8_t> before,
                     const QString& text);

    void setStart(StartImage start);
    void setStrength(float strength); // clamped to [0.05, 1]; drags merge

Q_SIGNALS:
    void currentLayerChanged(std::uint32_t layerId);

private:
    void editProperties(std::uint32_t layerId, const PaintLayer& after, const QString& text,
                        bool merges);
    void ensureCurrentExists();
    std::uint32_t nextLayerId() const;

    DocumentController* m_document;
    std::uint32_t m_current = 0;
};

} // namespace md
