#pragma once

// Bucket fill on the current mask region: fills the connected area under the click that is
// on the same side of 50 % as the clicked pixel (paint an outline, click inside it).
// Shift+click empties the area instead. One click, one undo step.

#include "ui/canvas/CanvasTool.h"

#include <QRect>

namespace md {

struct MaskImage;

class FillTool : public CanvasTool
{
    Q_OBJECT
public:
    explicit FillTool(DocumentController* document, QObject* parent = nullptr);

    void press(const CanvasMouse& event) override;
    void move(const CanvasMouse&) override {}
    void release(const CanvasMouse&) override {}
    QCursor cursor() const override { return Qt::PointingHandCursor; }

    // Fills (value) the 4-connected area around (x, y) whose pixels are on the same side of
    // 0.5 as the seed. Returns the changed rectangle.
    static QRect floodFill(MaskImage& mask, int x, int y, float value);
};

} // namespace md
