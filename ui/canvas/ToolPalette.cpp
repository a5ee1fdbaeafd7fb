#include "ui/canvas/ToolPalette.h"

#include "ui/Settings.h"
#include "ui/canvas/BoxTool.h"
#include "ui/canvas/BrushTool.h"
#include "ui/canvas/CanvasView.h"
#include "ui/canvas/FillTool.h"
#include "ui/canvas/PaintTool.h"
#include "ui/document/DocumentController.h"
#include "ui/panels/ColourButton.h"

#include <QAction>
#include <QActionGroup>
#include <QKeyEvent>
#include <QLabel>
#include <QSlider>
#include <QToolBar>
#include <algorithm>
#include <cmath>

namespace md {

ToolPalette::ToolPalette(DocumentController* document, CanvasView* canvas, Settings* settings,
                         QObject* parent)
    : QObject(parent), m_document(document), m_canvas(canvas), m_settings(settings),
      m_brush(new BrushTool(document, this)), m_box(new BoxTool(document, this)),
      m_fill(new FillTool(document, this)), m_paint(new PaintTool(document, this)),
      m_group(new QActionGroup(this))
{
    m_brush->setDiameter(float(settings->brushSize()));
    m_brush->setHardness(float(settings->brushHardness()));
    m_paint->setDiameter(m_brush->diameter());
    m_paint->setHardness(m_brush->hardness());
    for (CanvasTool* t : {static_cast<CanvasTool*>(m_brush), static_cast<CanvasTool*>(m_box),
                          static_cast<CanvasTool*>(m_fill), static_cast<CanvasTool*>(m_paint)})
        connect(t, &CanvasTool::message, this, &ToolPalette::message);

    m_brushAction = makeToolAction(tr("Brush"), QKeySequence(Qt::Key_B), Tool::Brush,
                                   tr("Paint the current region's mask"));
    m_eraserAction = makeToolAction(tr("Eraser"), QKeySequence(Qt::Key_E), Tool::Eraser,
                                    tr("Erase from the current region's mask"));
    m_boxAction = makeToolAction(tr("Box"), QKeySequence(Qt::Key_U), Tool::Box,
                                 tr("Draw, move and resize box regions"));
    m_fillAction = makeToolAction(tr("Fill"), QKeySequence(Qt::Key_F), Tool::Fill,
                                  tr("Fill an enclosed area of the current region "
                                     "(Shift+click empties it)"));
    m_paintAction = makeToolAction(tr("Paint"), QKeySequence(Qt::Key_P), Tool::Paint,
                                   tr("Paint colours on the current paint layer (a sketch to "
                                      "start from; a tablet pen's pressure counts)"));
    m_paintEraserAction =
        makeToolAction(tr("Paint Eraser"), QKeySequence(Qt::SHIFT | Qt::Key_P), Tool::PaintEraser,
                       tr("Erase from the current paint layer"));
    m_pickerAction = makeToolAction(tr("Picker"), QKeySequence(Qt::Key_I), Tool::Picker,
                                    tr("Pick the paint colour from the canvas"));

    const auto add = [this](const QString& text, const QKeySequence& key, auto slot) {
        auto* a = new QAction(text, this);
        a->setShortcut(key);
        connect(a, &QAction::triggered, this, slot);
        m_brushActions << a;
    };
    add(tr("Bigger brush"), QKeySequence(Qt::Key_BracketRight), [this] { changeSize(+1); });
    add(tr("Smaller brush"), QKeySequence(Qt::Key_BracketLeft), [this] { changeSize(-1); });
    add(tr("Harder brush"), QKeySequence(Qt::SHIFT | Qt::Key_BracketRight),
        [this] { changeHardness(+1); });
    add(tr("Softer brush"), QKeySequence(Qt::SHIFT | Qt::Key_BracketLeft),
        [this] { changeHardness(-1); });
    // One sequence per action. A key press can match several sequences: on X11, Shift+]
    // is offered to the shortcut map both as Shift+] and as '}'; two sequences of one action
    // matching it make Qt call the shortcut ambiguous and fire nothing. Shift+] is among the
    // candidates everywhere Qt knows the key's unshifted symbol; where a platform sends only
    // '}' (no native key code), the canvas handles the brace keys itself (handleBrushKey).
    connect(m_brush, &BrushTool::settingsChanged, this, &ToolPalette::syncSliders);
    connect(m_brush, &BrushTool::settingsChanged, this, [this] { // one size for both brushes
        m_paint->setDiameter(m_brush->diameter());
        m_paint->setHardness(m_brush->hardness());
    });
    m_deleteAction = new QAction(tr("Delete Box / Clear Painting"), this);
    m_deleteAction->setShortcut(QKeySequence(Qt::Key_Delete));
    connect(m_deleteAction, &QAction::triggered, this, &ToolPalette::deleteSelection);
    canvas->addAction(m_deleteAction);
    canvas->installEventFilter(this);
    setTool(Tool::Brush);
}

bool ToolPalette::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::Show && watched == m_canvas && !m_windowFiltered) {
        // Keys nobody took travel up to the window: catch the braces there too.
        m_canvas->window()->installEventFilter(this);
        m_windowFiltered = true;
    }
    if (event->type() == QEvent::KeyPress && handleBrushKey(static_cast<QKeyEvent*>(event)))
        return true;
    return QObject::eventFilter(watched, event);
}

bool ToolPalette::handleBrushKey(QKeyEvent* event)
{
    // '{' and '}' (Shift+[ and Shift+] on most layouts) when no shortcut took them.
    if (event->key() == Qt::Key_BraceRight)
        changeHardness(+1);
    else if (event->key() == Qt::Key_BraceLeft)
        changeHardness(-1);
    else
        return false;
    event->accept();
    return true;
}

QAction* ToolPalette::makeToolAction(const QString& text, const QKeySequence& key, Tool tool,
                                     const QString& tip)
{
    auto* a = new QAction(text, this);
    a->setShortcut(key);
    a->setCheckable(true);
    a->setToolTip(
        QStringLiteral("%1 (%2)\n%3").arg(text, key.toString(QKeySequence::NativeText), tip));
    a->setActionGroup(m_group);
    connect(a, &QAction::triggered, this, [this, tool] { setTool(tool); });
    return a;
}

QList<QAction*> ToolPalette::toolActions() const
{
    return {m_brushAction, m_eraserAction,      m_boxAction,   m_fillAction,
            m_paintAction, m_paintEraserAction, m_pickerAction};
}

QList<QAction*> ToolPalette::brushActions() const
{
    return m_brushActions;
}

void ToolPalette::setTool(Tool tool)
{
    m_tool = tool;
    switch (tool) {
    case Tool::Brush:
    case Tool::Eraser:
        m_brush->setErase(tool == Tool::Eraser);
        m_canvas->setTool(m_brush);
        (tool == Tool::Brush ? m_brushAction : m_eraserAction)->setChecked(true);
        break;
    case Tool::Box:
        m_canvas->setTool(m_box);
        m_boxAction->setChecked(true);
        break;
    case Tool::Fill:
        m_canvas->setTool(m_fill);
        m_fillAction->setChecked(true);
        break;
    case Tool::Paint:
    case Tool::PaintEraser:
    case Tool::Picker:
        m_paint->setMode(tool == Tool::Paint         ? PaintTool::Mode::Brush
                         : tool == Tool::PaintEraser ? PaintTool::Mode::Eraser
                                                     : PaintTool::Mode::Picker);
        m_canvas->setTool(m_paint);
        (tool == Tool::Paint         ? m_paintAction
         : tool == Tool::PaintEraser ? m_paintEraserAction
                                     : m_pickerAction)
            ->setChecked(true);
        break;
    }
}

void ToolPalette::changeSize(int direction)
{
    // Steps proportional to the size, as in Krita and Photoshop.
    const float d = m_brush->diameter();
    const float step = std::max(1.f, std::round(d * 0.15f));
    m_brush->setDiameter(d + direction * step);
    m_settings->setBrushSize(int(m_brush->diameter()));
    Q_EMIT message(tr("Brush size %1 px").arg(int(m_brush->diameter())));
}

void ToolPalette::changeHardness(int direction)
{
    m_brush->setHardness(std::round((m_brush->hardness() + direction * 0.1f) * 10.f) / 10.f);
    m_settings->setBrushHardness(m_brush->hardness());
    Q_EMIT message(tr("Brush hardness %1 %").arg(int(std::lround(m_brush->hardness() * 100))));
}

void ToolPalette::deleteSelection()
{
    const ProjectRegion* region = m_document->currentRegion();
    if (!region) {
        Q_EMIT message(tr("No region selected: click a box or pick a region in the list."));
        return;
    }
    if (region->kind == RegionKind::Box) {
        const QString name = QString::fromStdString(region->name);
        m_document->removeRegion(region->id);
        Q_EMIT message(tr("Deleted the box “%1” (Undo brings it back).").arg(name));
        return;
    }
    m_document->clearRegion(region->id);
}

void ToolPalette::syncSliders()
{
    if (m_sizeSlider) {
        const QSignalBlocker block(m_sizeSlider);
        m_sizeSlider->setValue(int(m_brush->diameter()));
    }
    if (m_hardnessSlider) {
        const QSignalBlocker block(m_hardnessSlider);
        m_hardnessSlider->setValue(int(std::lround(m_brush->hardness() * 100)));
    }
}

QToolBar* ToolPalette::createToolBar(QWidget* parent)
{
    auto* bar = new QToolBar(tr("Tools"), parent);
    bar->setObjectName("toolsToolBar");
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    for (QAction* a : toolActions())
        bar->addAction(a);
    auto* colour = new ColourButton(bar);
    colour->setObjectName("paintColour");
    colour->setToolTip(tr("Paint colour (the picker, I, takes one from the canvas)"));
    colour->setColour(m_paint->colour());
    bar->addWidget(colour);
    connect(colour, &ColourButton::colourPicked, m_paint, &PaintTool::setColour);
    connect(m_paint, &PaintTool::colourChanged, colour, &ColourButton::setColour);
    bar->addSeparator();
    bar->addWidget(new QLabel(tr(" Size "), bar));
    m_sizeSlider = new QSlider(Qt::Horizontal, bar);
    m_sizeSlider->setRange(1, 400);
    m_sizeSlider->setFixedWidth(120);
    m_sizeSlider->setToolTip(tr("Brush size ([ and ])"));
    bar->addWidget(m_sizeSlider);
    bar->addWidget(new QLabel(tr("  Hardness "), bar));
    m_hardnessSlider = new QSlider(Qt::Horizontal, bar);
    m_hardnessSlider->setRange(0, 100);
    m_hardnessSlider->setFixedWidth(90);
    m_hardnessSlider->setToolTip(tr("Brush hardness (Shift+[ and Shift+])"));
    bar->addWidget(m_hardnessSlider);
    syncSliders();
    connect(m_sizeSlider, &QSlider::valueChanged, this, [this](int v) {
        m_brush->setDiameter(float(v));
        m_settings->setBrushSize(v);
    });
    connect(m_hardnessSlider, &QSlider::valueChanged, this, [this](int v) {
        m_brush->setHardness(v / 100.f);
        m_settings->setBrushHardness(v / 100.0);
    });
    return bar;
}

} // namespace md
