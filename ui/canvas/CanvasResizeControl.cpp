#include "ui/canvas/CanvasResizeControl.h"

#include "ui/document/DocumentController.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QToolButton>
#include <algorithm>

namespace md {

namespace {
const char* const kArrows[3][3] = {{"↖", "↑", "↗"}, {"←", "•", "→"}, {"↙", "↓", "↘"}};
}

CanvasResizeControl::CanvasResizeControl(DocumentController* document, QWidget* parent)
    : QWidget(parent), m_document(document), m_mode(new QComboBox(this)),
      m_anchors(new QButtonGroup(this))
{
    m_mode->setObjectName("canvasResizeMode");
    m_mode->addItem(tr("Extend or crop"), int(CanvasResize::Mode::Anchor));
    m_mode->addItem(tr("Scale layout"), int(CanvasResize::Mode::Scale));
    m_mode->setToolTip(tr("What a new canvas size does to masks and boxes: keep them at their "
                          "size (the canvas grows or shrinks around the anchor; new area is "
                          "empty), or stretch them with the canvas"));

    auto* grid = new QGridLayout;
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(1);
    for (int y = 0; y < 3; ++y) {
        for (int x = 0; x < 3; ++x) {
            auto* b = new QToolButton(this);
            b->setObjectName(QStringLiteral("canvasAnchor%1%2").arg(x).arg(y));
            b->setText(QString::fromUtf8(kArrows[y][x]));
            b->setCheckable(true);
            b->setAutoRaise(true);
            b->setFixedSize(18, 18);
            b->setToolTip(tr("Keep the layout at this side or corner"));
            m_anchors->addButton(b, y * 3 + x);
            grid->addWidget(b, y, x);
        }
    }
    m_anchors->setExclusive(true);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_mode, 1);
    layout->addLayout(grid);

    showResize(document->canvasResize());
    connect(m_mode, &QComboBox::currentIndexChanged, this, &CanvasResizeControl::apply);
    connect(m_anchors, &QButtonGroup::idClicked, this, &CanvasResizeControl::apply);
    connect(document, &DocumentController::canvasResizeChanged, this,
            &CanvasResizeControl::showResize);
}

QWidget* CanvasResizeControl::anchorButton(int x, int y) const
{
    return m_anchors->button(y * 3 + x);
}

void CanvasResizeControl::showResize(const CanvasResize& resize)
{
    const QSignalBlocker blockMode(m_mode);
    m_mode->setCurrentIndex(m_mode->findData(int(resize.mode)));
    if (QAbstractButton* b = m_anchors->button(resize.anchorY * 3 + resize.anchorX))
        b->setChecked(true);
    for (QAbstractButton* b : m_anchors->buttons())
        b->setEnabled(resize.mode == CanvasResize::Mode::Anchor);
}

void CanvasResizeControl::apply()
{
    CanvasResize r;
    r.mode = CanvasResize::Mode(m_mode->currentData().toInt());
    const int id = std::max(0, m_anchors->checkedId());
    r.anchorX = id % 3;
    r.anchorY = id / 3;
    m_document->setCanvasResize(r);
}

} // namespace md
