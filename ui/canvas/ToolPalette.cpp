#include "ui/canvas/ToolPalette.h"

#include "ui/Settings.h"
#include "ui/canvas/BoxTool.h"
#include "ui/canvas/BrushTool.h"
#include "ui/canvas/CanvasView.h"
#include "ui/canvas/FillTool.h"

#include <QAction>
#include <QActionGroup>
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
      m_fill(new FillTool(document, this)), m_group(new QActionGroup(this))
{
    m_brush->setDiameter(float(settings->brushSize()));
    m_brush->setHardness(float(settings->brushHardness()));
    for (CanvasTool* t : {static_cast<CanvasTool*>(m_brush), static_cast<CanvasTool*>(m_box),
                          static_cast<CanvasTool*>(m_fill)})
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
    // Shift+] arrives as '}' (with or without the Shift modifier, by platform).
    m_brushActions[2]->setShortcuts({QKeySequence(Qt::SHIFT | Qt::Key_BracketRight),
                                     QKeySequence(Qt::Key_BraceRight),
                                     QKeySequence(Qt::SHIFT | Qt::Key_BraceRight)});
    m_brushActions[3]->setShortcuts({QKeySequence(Qt::SHIFT | Qt::Key_BracketLeft),
                                     QKeySequence(Qt::Key_BraceLeft),
                                     QKeySequence(Qt::SHIFT | Qt::Key_BraceLeft)});
    connect(m_brush, &BrushTool::settingsChanged, this, &ToolPalette::syncSliders);
    setTool(Tool::Brush);
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
    return {m_brushAction, m_eraserAction, m_boxAction, m_fillAction};
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
