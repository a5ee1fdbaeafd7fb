#include "ui/panels/RegionsPanel.h"

#include "engine/LoraTags.h"
#include "ui/document/DocumentController.h"
#include "ui/panels/PromptEdit.h"
#include "ui/panels/RegionEditor.h"
#include "ui/panels/RegionItemDelegate.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMouseEvent>
#include <QToolButton>
#include <QVBoxLayout>

namespace md {

namespace {
QLabel* sectionLabel(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    label->setObjectName("section");
    return label;
}

QToolButton* toolButton(const QString& text, const QString& tip, QWidget* parent)
{
    auto* b = new QToolButton(parent);
    b->setText(text);
    b->setToolTip(tip);
    b->setAutoRaise(true);
    return b;
}
} // namespace

RegionsPanel::RegionsPanel(DocumentController* document, QWidget* parent)
    : QWidget(parent), m_document(document)
{
    m_prompt = new PromptEdit(tr("Background: the whole picture, where no region is"), 3, this);
    m_prompt->setObjectName("backgroundPrompt");
    m_negative = new PromptEdit(tr("Negative prompt"), 2, this);
    m_negative->setObjectName("backgroundNegative");

    m_list = new QListWidget(this);
    m_list->setObjectName("regionList");
    m_list->setItemDelegate(new RegionItemDelegate(m_list));
    m_list->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    m_list->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    m_list->setMinimumHeight(90);
    m_list->viewport()->installEventFilter(this);

    m_add = toolButton(tr("+ Add"), tr("Add a region"), this);
    auto* addMenu = new QMenu(m_add);
    addMenu->addAction(tr("Painted region"), this, [this] { m_document->addMaskRegion(); });
    addMenu->addAction(tr("Box region (draw it on the canvas)"), this,
                       [this] { Q_EMIT addBoxRequested(); });
    m_add->setMenu(addMenu);
    m_add->setPopupMode(QToolButton::InstantPopup);
    m_duplicate = toolButton(tr("Duplicate"), tr("Duplicate the region"), this);
    m_remove = toolButton(tr("Remove"), tr("Remove the region"), this);
    m_up = toolButton(QStringLiteral("↑"), tr("Move up (drawn over the ones below)"), this);
    m_down = toolButton(QStringLiteral("↓"), tr("Move down"), this);
    m_editor = new RegionEditor(document, this);

    auto* buttons = new QHBoxLayout;
    buttons->setContentsMargins(0, 0, 0, 0);
    buttons->setSpacing(2);
    buttons->addWidget(m_add);
    buttons->addWidget(m_duplicate);
    buttons->addWidget(m_remove);
    buttons->addStretch(1);
    m_buttons = buttons;
    buttons->addWidget(m_up);
    buttons->addWidget(m_down);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 8, 10, 10);
    layout->setSpacing(6);
    layout->addWidget(sectionLabel(tr("Background"), this));
    layout->addWidget(m_prompt);
    layout->addWidget(m_negative);
    layout->addSpacing(6);
    layout->addWidget(sectionLabel(tr("Regions"), this));
    layout->addWidget(m_list, 1);
    layout->addLayout(buttons);
    layout->addSpacing(4);
    layout->addWidget(m_editor);

    connect(m_prompt, &PromptEdit::edited, document, &DocumentController::setBackgroundPrompt);
    connect(m_negative, &PromptEdit::edited, document, &DocumentController::setBackgroundNegative);
    connect(m_prompt, &PromptEdit::editingFinished, document, &DocumentController::endEditBurst);
    connect(m_negative, &PromptEdit::editingFinished, document, &DocumentController::endEditBurst);
    connect(m_duplicate, &QToolButton::clicked, this,
            [this] { m_document->duplicateRegion(m_document->currentRegionId()); });
    connect(m_remove, &QToolButton::clicked, this,
            [this] { m_document->removeRegion(m_document->currentRegionId()); });
    connect(m_up, &QToolButton::clicked, this,
            [this] { m_document->moveRegion(m_document->currentRegionId(), +1); });
    connect(m_down, &QToolButton::clicked, this,
            [this] { m_document->moveRegion(m_document->currentRegionId(), -1); });
    connect(m_list, &QListWidget::currentItemChanged, this, [this] {
        if (!m_updating)
            m_document->setCurrentRegion(selectedId());
    });
    connect(m_list, &QListWidget::itemChanged, this, &RegionsPanel::onItemChanged);

    ProjectModel* model = document->model();
    const auto background = [this] {
        m_prompt->setText(QString::fromStdString(m_document->project().prompt));
        m_negative->setText(QString::fromStdString(m_document->project().negative));
    };
    connect(model, &ProjectModel::backgroundChanged, this, background);
    connect(model, &ProjectModel::projectReset, this, background);
    connect(model, &ProjectModel::projectReset, this, &RegionsPanel::rebuildList);
    connect(model, &ProjectModel::regionsChanged, this, &RegionsPanel::rebuildList);
    connect(model, &ProjectModel::regionChanged, this, &RegionsPanel::updateItem);
    connect(document, &DocumentController::currentRegionChanged, this,
            &RegionsPanel::selectCurrent);
    background();
    rebuildList();
}

bool RegionsPanel::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_list->viewport() && event->type() == QEvent::MouseButtonPress) {
        const auto* mouse = static_cast<QMouseEvent*>(event);
        if (!m_list->itemAt(mouse->position().toPoint()))
            m_document->setCurrentRegion(0);
    }
    return QWidget::eventFilter(watched, event);
}

QToolButton* RegionsPanel::addButton(QAction* action)
{
    auto* b = new QToolButton(this);
    b->setDefaultAction(action);
    b->setAutoRaise(true);
    m_buttons->insertWidget(m_buttons->count() - 3, b); // before the stretch and the arrows
    return b;
}

std::uint32_t RegionsPanel::selectedId() const
{
    const QListWidgetItem* item = m_list->currentItem();
    return item ? item->data(Qt::UserRole).toUInt() : 0;
}

void RegionsPanel::fillItem(QListWidgetItem* item, std::uint32_t regionId)
{
    const ProjectRegion* r = m_document->model()->region(regionId);
    if (!r)
        return;
    item->setData(Qt::UserRole, regionId);
    item->setText(QString::fromStdString(r->name));
    item->setData(RegionItemDelegate::PromptRole, QString::fromStdString(r->prompt));
    item->setData(RegionItemDelegate::IsBoxRole, r->kind == RegionKind::Box);
    item->setData(RegionItemDelegate::ColourRole, QColor(r->colour.r, r->colour.g, r->colour.b));
    QStringList loras;
    QStringList uses;
    for (const LoraUse& use : extractLoraTags(r->prompt).loras) {
        loras << QString::fromStdString(use.name);
        uses << (use.unetWeight == use.textWeight
                     ? QStringLiteral("%1 (%2)").arg(loras.back()).arg(double(use.unetWeight))
                     : QStringLiteral("%1 (%2, text %3)")
                           .arg(loras.back())
                           .arg(double(use.unetWeight))
                           .arg(double(use.textWeight)));
    }
    item->setData(RegionItemDelegate::LorasRole, loras);
    QString tip = r->prompt.empty() ? tr("(no prompt yet)") : QString::fromStdString(r->prompt);
    if (!uses.isEmpty())
        tip += "\n" + tr("LoRAs in this region only: %1").arg(uses.join(", "));
    item->setToolTip(tip);
    item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemIsEditable |
                   Qt::ItemIsUserCheckable);
    item->setCheckState(r->visible ? Qt::Checked : Qt::Unchecked);
}

void RegionsPanel::rebuildList()
{
    m_updating = true;
    m_list->clear();
    const auto& regions = m_document->project().regions;
    for (auto it = regions.rbegin(); it != regions.rend(); ++it) {
        auto* item = new QListWidgetItem(m_list);
        fillItem(item, it->id);
    }
    m_updating = false;
    selectCurrent();
}

void RegionsPanel::updateItem(std::uint32_t regionId)
{
    m_updating = true;
    for (int i = 0; i < m_list->count(); ++i)
        if (m_list->item(i)->data(Qt::UserRole).toUInt() == regionId)
            fillItem(m_list->item(i), regionId);
    m_updating = false;
}

void RegionsPanel::selectCurrent()
{
    m_updating = true;
    const std::uint32_t id = m_document->currentRegionId();
    m_list->setCurrentItem(nullptr);
    for (int i = 0; i < m_list->count(); ++i)
        if (m_list->item(i)->data(Qt::UserRole).toUInt() == id)
            m_list->setCurrentItem(m_list->item(i));
    m_updating = false;
    updateButtons();
}

void RegionsPanel::updateButtons()
{
    const std::uint32_t id = m_document->currentRegionId();
    const int index = m_document->model()->indexOf(id);
    const int count = int(m_document->project().regions.size());
    m_duplicate->setEnabled(id != 0);
    m_remove->setEnabled(id != 0);
    m_up->setEnabled(index >= 0 && index < count - 1);
    m_down->setEnabled(index > 0);
}

void RegionsPanel::onItemChanged(QListWidgetItem* item)
{
    if (m_updating)
        return;
    const std::uint32_t id = item->data(Qt::UserRole).toUInt();
    const ProjectRegion* r = m_document->model()->region(id);
    if (!r)
        return;
    const bool visible = item->checkState() == Qt::Checked;
    if (visible != r->visible)
        m_document->setRegionVisible(id, visible);
    const QString name = item->text().trimmed();
    if (!name.isEmpty() && name.toStdString() != r->name)
        m_document->setRegionName(id, name);
    else if (name.isEmpty())
        updateItem(id);
}

} // namespace md
