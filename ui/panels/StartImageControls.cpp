#include "ui/panels/StartImageControls.h"

#include "ui/document/DocumentController.h"
#include "ui/document/PaintLayerController.h"

#include <QComboBox>
#include <QGridLayout>
#include <QLabel>
#include <QSlider>
#include <cmath>

namespace md {

StartImageControls::StartImageControls(DocumentController* document, QWidget* parent)
    : QWidget(parent), m_document(document)
{
    m_start = new QComboBox(this);
    m_start->setObjectName("startImage");
    m_start->addItem(tr("Noise"), int(StartImage::Noise));
    m_start->addItem(tr("Last result"), int(StartImage::LastResult));
    m_start->addItem(tr("Paint layers"), int(StartImage::Layers));
    m_start->setToolTip(tr("What the picture starts from: noise (text to image), the newest "
                           "result, or the visible paint layers over white (img2img)"));
    m_strength = new QSlider(Qt::Horizontal, this);
    m_strength->setObjectName("strength");
    m_strength->setRange(5, 100);
    m_strength->setToolTip(tr("Denoising strength: how much of the start image is redrawn "
                              "(low: close to it, 100 %: only its composition survives)"));
    m_value = new QLabel(this);
    m_value->setMinimumWidth(m_value->fontMetrics().horizontalAdvance(QStringLiteral("100 %")));

    auto* layout = new QGridLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("Start from"), this), 0, 0);
    layout->addWidget(m_start, 0, 1, 1, 2);
    layout->addWidget(new QLabel(tr("Strength"), this), 1, 0);
    layout->addWidget(m_strength, 1, 1);
    layout->addWidget(m_value, 1, 2);
    layout->setColumnStretch(1, 1);

    PaintLayerController* layers = document->layers();
    connect(m_start, &QComboBox::activated, this, [this, layers](int index) {
        if (!m_updating)
            layers->setStart(StartImage(m_start->itemData(index).toInt()));
    });
    connect(m_strength, &QSlider::valueChanged, this, [this, layers](int v) {
        m_value->setText(QStringLiteral("%1 %").arg(v));
        if (!m_updating)
            layers->setStrength(v / 100.f);
    });
    ProjectModel* model = document->model();
    connect(model, &ProjectModel::settingsChanged, this, &StartImageControls::refresh);
    connect(model, &ProjectModel::projectReset, this, &StartImageControls::refresh);
    refresh();
}

void StartImageControls::refresh()
{
    m_updating = true;
    const GenerationSettings& s = m_document->project().settings;
    m_start->setCurrentIndex(m_start->findData(int(s.start)));
    m_strength->setValue(int(std::lround(s.strength * 100)));
    m_value->setText(QStringLiteral("%1 %").arg(m_strength->value()));
    const bool fromImage = s.start != StartImage::Noise;
    m_strength->setEnabled(fromImage);
    m_value->setEnabled(fromImage);
    m_updating = false;
}

} // namespace md
