#include "ui/loras/LoraBrowser.h"

#include "ui/loras/LoraItemDelegate.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace md {

namespace {

constexpr int kNameRole = Qt::UserRole + 1;

QString detailLine(const LoraEntry& e)
{
    if (!e.error.empty())
        return LoraBrowser::tr("not a LoRA");
    const LoraInfo& i = e.info;
    QString line = QString::fromStdString(i.family) + " · " + QString::fromStdString(i.format) +
                   " · " + LoraBrowser::tr("rank %1").arg(i.rank);
    if (!i.triggerWords.empty()) {
        QStringList words;
        for (const std::string& w : i.triggerWords)
            words << QString::fromStdString(w);
        line += "\n" + LoraBrowser::tr("trigger: %1").arg(words.join(", "));
    }
    return line;
}

} // namespace

LoraBrowser::LoraBrowser(QWidget* parent) : QWidget(parent)
{
    m_status = new QLabel(this);
    m_status->setObjectName("loraStatus");
    m_status->setWordWrap(true);
    m_filter = new QLineEdit(this);
    m_filter->setObjectName("loraFilter");
    m_filter->setPlaceholderText(tr("Filter by name, trigger word, family"));
    m_filter->setClearButtonEnabled(true);
    m_list = new QListWidget(this);
    m_list->setObjectName("loraList");
    m_list->setItemDelegate(new LoraItemDelegate(m_list));
    m_list->setUniformItemSizes(false);
    m_list->setFocusPolicy(Qt::ClickFocus); // the prompt keeps its place in the tab order
    m_insert = new QPushButton(tr("Insert"), this);
    m_insert->setObjectName("loraInsert");
    m_insert->setToolTip(tr("Add <lora:NAME:1> to the prompt you are editing (background or "
                            "region); change the weight in the prompt"));
    m_insert->setFocusPolicy(Qt::NoFocus); // clicking it must not take the prompt's focus
    m_refresh = new QPushButton(tr("Refresh"), this);
    m_refresh->setObjectName("loraRefresh");
    m_refresh->setFocusPolicy(Qt::NoFocus);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_insert);
    buttons->addStretch(1);
    buttons->addWidget(m_refresh);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_status);
    layout->addWidget(m_filter);
    layout->addWidget(m_list, 1);
    layout->addLayout(buttons);

    connect(m_filter, &QLineEdit::textChanged, this, &LoraBrowser::rebuild);
    connect(m_list, &QListWidget::currentItemChanged, this, &LoraBrowser::updateButtons);
    connect(m_list, &QListWidget::itemDoubleClicked, this, &LoraBrowser::requestInsert);
    connect(m_insert, &QPushButton::clicked, this,
            [this] { requestInsert(m_list->currentItem()); });
    connect(m_refresh, &QPushButton::clicked, this, &LoraBrowser::refreshRequested);
    updateButtons();
}

void LoraBrowser::setCatalog(const LoraCatalog& catalog, const QString& status)
{
    m_catalog = catalog;
    m_status->setText(status);
    rebuild();
}

void LoraBrowser::setModelFamily(const QString& family)
{
    if (family == m_family)
        return;
    m_family = family;
    rebuild();
}

void LoraBrowser::rebuild()
{
    const QString keep = selectedName();
    m_list->clear();
    const QColor dim = palette().color(QPalette::Disabled, QPalette::Text);
    for (std::size_t index : m_catalog.matching(m_filter->text().toStdString())) {
        const LoraEntry& e = m_catalog.entries()[index];
        auto* item =
            new QListWidgetItem(QString::fromStdString(e.name) + "\n" + detailLine(e), m_list);
        item->setData(kNameRole, e.error.empty() ? QString::fromStdString(e.name) : QString());
        QString tip = QString::fromStdString(e.path);
        if (!e.error.empty()) {
            item->setForeground(dim);
            tip += "\n" + QString::fromStdString(e.error);
        } else if (!LoraCatalog::fitsModel(e.info.family, m_family.toStdString())) {
            item->setForeground(dim);
            tip += "\n" + tr("Made for %1 models; the loaded model is %2, which would refuse it.")
                              .arg(QString::fromStdString(e.info.family), m_family);
        } else if (!e.info.baseModel.empty()) {
            tip += "\n" + tr("Trained on %1").arg(QString::fromStdString(e.info.baseModel));
        }
        item->setToolTip(tip);
    }
    if (!keep.isEmpty())
        select(keep);
    updateButtons();
}

QString LoraBrowser::selectedName() const
{
    const QListWidgetItem* item = m_list->currentItem();
    return item ? item->data(kNameRole).toString() : QString();
}

bool LoraBrowser::select(const QString& name)
{
    for (int i = 0; i < m_list->count(); ++i) {
        if (m_list->item(i)->data(kNameRole).toString() == name) {
            m_list->setCurrentRow(i);
            m_list->scrollToItem(m_list->item(i));
            return true;
        }
    }
    return false;
}

void LoraBrowser::updateButtons()
{
    m_insert->setEnabled(!selectedName().isEmpty());
}

void LoraBrowser::requestInsert(QListWidgetItem* item)
{
    const QString name = item ? item->data(kNameRole).toString() : QString();
    if (!name.isEmpty())
        Q_EMIT insertRequested(QString::fromStdString(LoraCatalog::tagFor(name.toStdString())));
}

} // namespace md
