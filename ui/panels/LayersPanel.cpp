#include "ui/panels/LayersPanel.h"

#include "ui/document/DocumentController.h"
#include "ui/document/PaintLayerController.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QSlider>
#include <QToolButton>
#include <QVBoxLayout>
#include <cmath>

namespace md {

namespace {
QString itemText(const PaintLayer& layer)
{
    return QStringLiteral("%1  ·  %2 %")
        .arg(QString::fromStdString(layer.name))
        .arg(int(std::lround(layer.opacity * 100)));
}
} // namespace

LayersPanel::LayersPanel(DocumentController* document, QWidget* parent)
    : QWidget(parent), m_document(document)
{
    m_list = new QListWidget(this);
    m_list->setObjectName("paintLayerList");
    m_list->setMinimumHeight(48);
    m_list->setToolTip(tr("Paint layers, under the region masks: a colour sketch or imported "
                          "pictures. “Start from: Paint layers” generates from them."));
    m_opacity = new QSlider(Qt::Horizontal, this);
    m_opacity->setObjectName("paintLayerOpacity");
    m_opacity->setRange(0, 100);
    m_opacity->setToolTip(tr("The selected layer's opacity"));
    m_add = new QToolButton(this);
    m_add->setText(tr("+ Layer"));
    m_add->setToolTip(tr("Add a paint layer (the paint tool, P, paints on it)"));
    m_add->setAutoRaise(true);
    m_remove = new QToolButton(this);
    m_remove->setText(tr("Remove"));
    m_remove->setToolTip(tr("Remove the selected paint layer"));
    m_remove->setAutoRaise(true);

    auto* row = new QHBoxLayout;
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(m_add);
    row->addWidget(m_remove);
    row->addSpacing(8);
    row->addWidget(new QLabel(tr("Opacity"), this));
    row->addWidget(m_opacity, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 6, 10, 6);
    layout->addWidget(m_list, 1);
    layout->addLayout(row);

    PaintLayerController* layers = document->layers();
    connect(m_add, &QToolButton::clicked, layers, [layers] { layers->addLayer(); });
    connect(m_remove, &QToolButton::clicked, layers,
            [layers] { layers->removeLayer(layers->currentLayerId()); });
    connect(m_opacity, &QSlider::valueChanged, this, [this, layers](int v) {
        if (!m_updating)
            layers->setOpacity(layers->currentLayerId(), v / 100.f);
    });
    connect(m_list, &QListWidget::currentItemChanged, this, [this, layers](QListWidgetItem* item) {
        if (!m_updating && item)
            layers->setCurrentLayer(item->data(Qt::UserRole).toUInt());
    });
    connect(m_list, &QListWidget::itemChanged, this, &LayersPanel::onItemChanged);
    connect(layers, &PaintLayerController::currentLayerChanged, this, &LayersPanel::rebuild);
    ProjectModel* model = document->model();
    connect(model, &ProjectModel::paintLayersChanged, this, &LayersPanel::rebuild);
    connect(model, &ProjectModel::paintLayerChanged, this, &LayersPanel::updateItem);
    connect(model, &ProjectModel::projectReset, this, &LayersPanel::rebuild);
    rebuild();
}

void LayersPanel::rebuild()
{
    m_updating = true;
    m_list->clear();
    const auto& layers = m_document->project().paintLayers;
    const std::uint32_t current = m_document->layers()->currentLayerId();
    for (auto it = layers.rbegin(); it != layers.rend(); ++it) {
        auto* item = new QListWidgetItem(itemText(*it), m_list);
        item->setData(Qt::UserRole, it->id);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(it->visible ? Qt::Checked : Qt::Unchecked);
        item->setToolTip(tr("Tick to show it on the canvas and in the start image"));
        if (it->id == current)
            m_list->setCurrentItem(item);
    }
    m_updating = false;
    refreshControls();
}

// In place: the change may come from this item's own checkbox.
void LayersPanel::updateItem(std::uint32_t layerId)
{
    const PaintLayer* layer = m_document->model()->paintLayer(layerId);
    for (int i = 0; layer && i < m_list->count(); ++i) {
        QListWidgetItem* item = m_list->item(i);
        if (item->data(Qt::UserRole).toUInt() != layerId)
            continue;
        m_updating = true;
        item->setText(itemText(*layer));
        item->setCheckState(layer->visible ? Qt::Checked : Qt::Unchecked);
        m_updating = false;
    }
    refreshControls();
}

void LayersPanel::refreshControls()
{
    m_updating = true;
    const PaintLayer* layer = m_document->layers()->currentLayer();
    m_opacity->setEnabled(layer != nullptr);
    m_remove->setEnabled(layer != nullptr);
    m_opacity->setValue(layer ? int(std::lround(layer->opacity * 100)) : 100);
    m_updating = false;
}

void LayersPanel::onItemChanged(QListWidgetItem* item)
{
    if (m_updating)
        return;
    const std::uint32_t id = item->data(Qt::UserRole).toUInt();
    m_document->layers()->setVisible(id, item->checkState() == Qt::Checked);
}

} // namespace md
