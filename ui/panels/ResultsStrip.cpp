#include "ui/panels/ResultsStrip.h"

#include "ui/ImageConversion.h"
#include "ui/document/DocumentController.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QToolButton>
#include <QVBoxLayout>

namespace md {

namespace {
constexpr int kThumbHeight = 88;

QToolButton* stripButton(const QString& text, const QString& tip, QWidget* parent)
{
    auto* b = new QToolButton(parent);
    b->setText(text);
    b->setToolTip(tip);
    b->setAutoRaise(true);
    b->setToolButtonStyle(Qt::ToolButtonTextOnly);
    b->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    return b;
}
} // namespace

ResultsStrip::ResultsStrip(DocumentController* document, QWidget* parent)
    : QWidget(parent), m_document(document)
{
    m_list = new QListWidget(this);
    m_list->setObjectName("resultsList");
    m_list->setViewMode(QListView::IconMode);
    m_list->setFlow(QListView::LeftToRight);
    m_list->setWrapping(false);
    m_list->setMovement(QListView::Static);
    m_list->setResizeMode(QListView::Adjust);
    m_list->setIconSize(QSize(kThumbHeight * 2, kThumbHeight));
    m_list->setSpacing(4);
    m_list->setUniformItemSizes(false);
    m_list->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    m_list->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_list->setFixedHeight(kThumbHeight + 34);
    m_list->setContextMenuPolicy(Qt::CustomContextMenu);

    m_emptyHint = new QLabel(tr("Results appear here, newest first. Click one to see it on the "
                                "canvas; hover for the settings that made it."),
                             m_list->viewport());
    m_emptyHint->setObjectName("hint");
    m_emptyHint->move(12, 12);
    m_emptyHint->adjustSize();

    m_use = stripButton(tr("Use settings"),
                        tr("Bring back this result's seed, settings, prompts and "
                           "regions (one undo step)"),
                        this);
    m_export = stripButton(tr("Export PNG…"),
                           tr("Save this result as a PNG that remembers "
                              "its prompts, regions and settings"),
                           this);
    m_compare = stripButton(tr("Compare"),
                            tr("Show the selected result beside the current "
                               "canvas, with the masks over both"),
                            this);
    m_compare->setCheckable(true);
    m_compare->setObjectName("compare");
    m_use->setObjectName("useSettings");
    m_export->setObjectName("export");
    m_delete = stripButton(tr("Delete"), tr("Remove this result from the history"), this);
    m_upscale = stripButton(tr("Upscale"),
                            tr("Make this result bigger (1.5× to 4×) in a second pass that "
                               "keeps its regions"),
                            this);
    m_upscale->setObjectName("upscale");
    auto* upscaleMenu = new QMenu(m_upscale);
    addUpscaleActions(upscaleMenu);
    m_upscale->setMenu(upscaleMenu);
    m_upscale->setPopupMode(QToolButton::InstantPopup);

    auto* buttons = new QVBoxLayout;
    buttons->setContentsMargins(0, 0, 0, 0);
    buttons->setSpacing(0);
    buttons->addWidget(m_use);
    buttons->addWidget(m_export);
    buttons->addWidget(m_compare);
    buttons->addWidget(m_upscale);
    buttons->addWidget(m_delete);
    buttons->addStretch(1);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 4);
    layout->addWidget(m_list, 1);
    layout->addLayout(buttons);

    connect(m_list, &QListWidget::currentItemChanged, this, [this] {
        updateButtons();
        if (!m_updating)
            Q_EMIT resultSelected(selectedResult());
    });
    connect(m_list, &QListWidget::customContextMenuRequested, this, &ResultsStrip::showMenu);
    connect(m_use, &QToolButton::clicked, this,
            [this] { Q_EMIT useSettingsRequested(selectedResult()); });
    connect(m_export, &QToolButton::clicked, this,
            [this] { Q_EMIT exportRequested(selectedResult()); });
    connect(m_compare, &QToolButton::toggled, this, &ResultsStrip::compareToggled);
    connect(m_delete, &QToolButton::clicked, this,
            [this] { m_document->removeResult(selectedResult()); });
    connect(document->model(), &ProjectModel::resultsChanged, this, &ResultsStrip::rebuild);
    connect(document->model(), &ProjectModel::projectReset, this, [this] {
        m_thumbnails.clear();
        rebuild();
    });
    rebuild();
}

std::uint32_t ResultsStrip::selectedResult() const
{
    const QListWidgetItem* item = m_list->currentItem();
    return item ? item->data(Qt::UserRole).toUInt() : 0;
}

void ResultsStrip::selectResult(std::uint32_t resultId)
{
    for (int i = 0; i < m_list->count(); ++i) {
        if (m_list->item(i)->data(Qt::UserRole).toUInt() == resultId) {
            m_list->setCurrentRow(i);
            return;
        }
    }
    m_list->setCurrentItem(nullptr);
}

QIcon ResultsStrip::thumbnail(const ProjectResult& result)
{
    auto it = m_thumbnails.find(result.id);
    if (it != m_thumbnails.end())
        return *it;
    const QImage image = toQImage(result.image);
    const QImage scaled = image.isNull()
                              ? QImage()
                              : image.scaled(kThumbHeight * 4, kThumbHeight, Qt::KeepAspectRatio,
                                             Qt::SmoothTransformation);
    // The same pixmap when selected: the default selected mode tints it with the highlight.
    QIcon icon;
    icon.addPixmap(QPixmap::fromImage(scaled), QIcon::Normal);
    icon.addPixmap(QPixmap::fromImage(scaled), QIcon::Selected);
    m_thumbnails.insert(result.id, icon);
    return icon;
}

QString ResultsStrip::describe(const ProjectResult& r, int width, int height)
{
    QStringList lines;
    lines
        << tr("<b>Seed %1</b> · %2 steps · CFG %3 · %4")
               .arg(r.seed)
               .arg(r.settings.steps)
               .arg(double(r.settings.cfg))
               .arg(QString::fromStdString(samplerDisplayName(r.settings.sampler)).toHtmlEscaped());
    lines << tr("%1 × %2 · %3")
                 .arg(width)
                 .arg(height)
                 .arg(QDateTime::fromSecsSinceEpoch(r.timestamp).toString("yyyy-MM-dd hh:mm"));
    if (r.upscale != 1.0)
        lines << tr("Upscaled %1× (strength %2 %)")
                     .arg(r.upscale)
                     .arg(int(r.settings.strength * 100 + 0.5));
    else if (r.rerollMask)
        lines << tr("Reroll of a selection; the rest kept");
    else if (r.startImage)
        lines << tr("From a start image (strength %1 %)").arg(int(r.settings.strength * 100 + 0.5));
    if (!r.model.displayName.empty())
        lines << tr("Model: %1").arg(QString::fromStdString(r.model.displayName).toHtmlEscaped());
    if (!r.prompt.empty())
        lines << tr("Background: %1").arg(QString::fromStdString(r.prompt).toHtmlEscaped());
    for (const UsedRegionPrompt& region : r.regions)
        lines << QStringLiteral("%1: %2").arg(
            QString::fromStdString(region.name).toHtmlEscaped(),
            QString::fromStdString(region.prompt).toHtmlEscaped());
    return lines.join("<br>");
}

void ResultsStrip::rebuild()
{
    const std::uint32_t selected = selectedResult();
    m_updating = true;
    m_list->clear();
    const Project& p = m_document->project();
    for (auto it = p.results.rbegin(); it != p.results.rend(); ++it) {
        const QString label = it->upscale != 1.0
                                  ? tr("seed %1 · %2×").arg(it->seed).arg(it->upscale)
                              : it->rerollMask ? tr("seed %1 · reroll").arg(it->seed)
                                               : tr("seed %1").arg(it->seed);
        auto* item = new QListWidgetItem(thumbnail(*it), label, m_list);
        item->setData(Qt::UserRole, it->id);
        item->setToolTip(describe(*it, it->image.width, it->image.height));
    }
    selectResult(selected);
    m_updating = false;
    if (selectedResult() != selected)
        Q_EMIT resultSelected(selectedResult());
    updateButtons();
}

void ResultsStrip::updateButtons()
{
    m_emptyHint->setVisible(m_list->count() == 0);
    const bool any = selectedResult() != 0;
    m_use->setEnabled(any);
    m_export->setEnabled(any);
    m_compare->setEnabled(any);
    m_delete->setEnabled(any);
    m_upscale->setEnabled(any);
    if (!any && m_compare->isChecked())
        m_compare->setChecked(false);
}

void ResultsStrip::addUpscaleActions(QMenu* menu)
{
    for (double factor : {1.5, 2.0, 3.0, 4.0}) {
        QAction* a = menu->addAction(tr("%1×").arg(factor), this, [this, factor] {
            Q_EMIT upscaleRequested(selectedResult(), factor);
        });
        a->setObjectName(QStringLiteral("upscale%1").arg(factor));
    }
}

void ResultsStrip::showMenu(const QPoint& pos)
{
    QListWidgetItem* item = m_list->itemAt(pos);
    if (!item)
        return;
    m_list->setCurrentItem(item);
    QMenu menu(this);
    menu.addAction(tr("Use these settings"), this,
                   [this] { Q_EMIT useSettingsRequested(selectedResult()); });
    menu.addAction(tr("Export PNG…"), this, [this] { Q_EMIT exportRequested(selectedResult()); });
    addUpscaleActions(menu.addMenu(tr("Upscale")));
    menu.addSeparator();
    menu.addAction(tr("Delete"), this, [this] { m_document->removeResult(selectedResult()); });
    menu.exec(m_list->viewport()->mapToGlobal(pos));
}

} // namespace md
