#include "ui/LiveFeatures.h"

#include "ui/generation/GenerationSession.h"
#include "ui/generation/LiveController.h"
#include "ui/panels/GenerationPanel.h"
#include "ui/panels/ResultsStrip.h"

#include <QAction>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QToolButton>

namespace md {

LiveFeatures::LiveFeatures(QObject* parent, const Parts& parts)
    : QObject(parent), m_parts(parts),
      m_live(new LiveController(parts.document, parts.generation, this))
{
    m_liveAction = new QAction(tr("&Live"), this);
    m_liveAction->setObjectName("liveAction");
    m_liveAction->setCheckable(true);
    m_liveAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    m_liveAction->setToolTip(tr("Live (Ctrl+L): every stroke, box move and prompt edit renders "
                                "the image again in a few steps, with the document's seed"));
    m_keepAction = new QAction(tr("&Keep Live Image"), this);
    m_keepAction->setObjectName("keepLiveAction");
    m_keepAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    m_keepAction->setToolTip(
        tr("Keep (Ctrl+Shift+L): copy the live image into the history, with its settings"));
    m_keepAction->setIconText(tr("Keep")); // the button's text; the menu says it all
    m_keepAction->setEnabled(false);

    auto* row = new QWidget;
    row->setObjectName("liveControls");
    auto* liveButton = new QToolButton(row);
    liveButton->setDefaultAction(m_liveAction);
    liveButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    liveButton->setObjectName("liveButton");
    auto* keepButton = new QToolButton(row);
    keepButton->setDefaultAction(m_keepAction);
    keepButton->setObjectName("keepLiveButton");
    m_status = new QLabel(row);
    m_status->setObjectName("hint");
    m_status->setWordWrap(true);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(liveButton);
    layout->addWidget(keepButton);
    layout->addWidget(m_status, 1);
    parts.panel->addControls(row);

    connect(m_liveAction, &QAction::toggled, m_live, &LiveController::setEnabled);
    connect(m_live, &LiveController::enabledChanged, m_liveAction, &QAction::setChecked);
    connect(m_keepAction, &QAction::triggered, m_live, &LiveController::keep);
    connect(m_live, &LiveController::message, this, &LiveFeatures::message);
    connect(m_live, &LiveController::frameChanged, this,
            [this](const QImage& image, const QString& badge) {
                m_parts.session->setLiveImage(image, badge);
                m_keepAction->setEnabled(!image.isNull());
                updateStatus();
            });
    connect(m_live, &LiveController::enabledChanged, this, &LiveFeatures::updateStatus);
    connect(m_live, &LiveController::kept, this, [this](std::uint32_t id) {
        m_parts.results->selectResult(id);
        Q_EMIT message(tr("Live image kept in the history."), 3000);
    });
    updateStatus();
}

void LiveFeatures::addToMenu(QMenu* generate)
{
    generate->addSeparator();
    generate->addAction(m_liveAction);
    generate->addAction(m_keepAction);
}

void LiveFeatures::updateStatus()
{
    if (!m_live->isEnabled()) {
        m_status->setText(tr("Off"));
        return;
    }
    const double full = m_live->sizePolicy().fullSizeSeconds();
    if (full < 0) {
        m_status->setText(tr("Paint: the image follows"));
        return;
    }
    m_status->setText(m_live->sizePolicy().reduce()
                          ? tr("~%1 s a frame: half size while painting").arg(full, 0, 'f', 1)
                          : tr("~%1 s a frame").arg(full, 0, 'f', 1));
}

} // namespace md
