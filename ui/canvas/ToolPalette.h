#pragma once

// The canvas tools and their actions: Brush (B), Eraser (E), Box (U), Fill (F), the paint
// layers' Paint (P), Paint Eraser (Shift+P) and Colour Picker (I), brush size
// ([ and ]) and hardness (Shift+[ and Shift+]), plus a toolbar with size and hardness
// sliders. Keeps the canvas's active tool in step with the checked action.

#include <QObject>

class QAction;
class QActionGroup;
class QKeyEvent;
class QSlider;
class QToolBar;
class QWidget;

namespace md {

class BoxTool;
class BrushTool;
class CanvasView;
class DocumentController;
class FillTool;
class PaintTool;
class Settings;

class ToolPalette : public QObject
{
    Q_OBJECT
public:
    ToolPalette(DocumentController* document, CanvasView* canvas, Settings* settings,
                QObject* parent = nullptr);

    enum class Tool { Brush, Eraser, Box, Fill, Paint, PaintEraser, Picker };
    void setTool(Tool tool);
    Tool tool() const { return m_tool; }

    BrushTool* brush() const { return m_brush; }
    BoxTool* box() const { return m_box; }
    FillTool* fill() const { return m_fill; }
    PaintTool* paint() const { return m_paint; }

    QList<QAction*> toolActions() const;
    QList<QAction*> brushActions() const; // size and hardness
    // Delete: removes the selected box region, clears a painted one (as Krita deletes a
    // vector shape but clears raster pixels). Window-wide through the canvas.
    QAction* deleteAction() const { return m_deleteAction; }
    // A toolbar holding the tool buttons and the size/hardness sliders.
    QToolBar* createToolBar(QWidget* parent);

Q_SIGNALS:
    void message(const QString& text);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    bool handleBrushKey(QKeyEvent* event);
    QAction* makeToolAction(const QString& text, const QKeySequence& key, Tool tool,
                            const QString& tip);
    void changeSize(int direction);
    void changeHardness(int direction);
    void deleteSelection();
    void syncSliders();

    DocumentController* m_document;
    CanvasView* m_canvas;
    Settings* m_settings;
    BrushTool* m_brush;
    BoxTool* m_box;
    FillTool* m_fill;
    PaintTool* m_paint;
    Tool m_tool = Tool::Brush;
    QActionGroup* m_group;
    QAction* m_brushAction;
    QAction* m_eraserAction;
    QAction* m_boxAction;
    QAction* m_fillAction;
    QAction* m_paintAction;
    QAction* m_paintEraserAction;
    QAction* m_pickerAction;
    QList<QAction*> m_brushActions;
    QAction* m_deleteAction;
    QSlider* m_sizeSlider = nullptr;
    QSlider* m_hardnessSlider = nullptr;
    bool m_windowFiltered = false;
};

} // namespace md
