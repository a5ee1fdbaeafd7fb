#pragma once

// Sits under the canvas size fields: what a size change does to the layout. "Extend or
// crop" keeps masks and boxes at their pixel size with the old canvas at one of nine anchors
// (a 3x3 grid of buttons, as in Krita's and Photoshop's canvas-size dialogs); "Scale" stretches
// the layout with the canvas. Edits DocumentController::canvasResize().

#include <QWidget>

class QButtonGroup;
class QComboBox;

namespace md {

class DocumentController;
struct CanvasResize;

class CanvasResizeControl : public QWidget
{
    Q_OBJECT
public:
    explicit CanvasResizeControl(DocumentController* document, QWidget* parent = nullptr);

    QComboBox* modeBox() const { return m_mode; }
    // The anchor button at column x, row y (0..2).
    QWidget* anchorButton(int x, int y) const;

private:
    void showResize(const CanvasResize& resize);
    void apply();

    DocumentController* m_document;
    QComboBox* m_mode;
    QButtonGroup* m_anchors;
};

} // namespace md
