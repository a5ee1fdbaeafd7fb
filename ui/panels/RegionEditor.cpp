#include "ui/panels/RegionEditor.h"

#include "ui/document/DocumentController.h"
#include "ui/panels/ColourButton.h"
#include "ui/panels/FieldUndoKeys.h"
#include "ui/panels/PromptEdit.h"

#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSlider>
#include <QVBoxLayout>
#include <cmath>

namespace md {

RegionEditor::RegionEditor(DocumentController* document, QWidget* parent)
    : QWidget(parent), m_document(document)
{
    m_colour = new ColourButton(this);
    m_name = new QLineEdit(this);
    m_name->setPlaceholderText(tr("Region name"));
    new FieldUndoKeys(m_name);
    m_kind = new QLabel(this);
    m_kind->setObjectName("hint");
    m_prompt = new PromptEdit(tr("What goes in this region…"), 3, this);
    m_prompt->setObjectName("regionPrompt");
    m_negative = new PromptEdit(tr("Negative: what to keep out of it"), 2, this);
    m_negative->setObjectName("regionNegative");
    m_strengthSlider = new QSlider(Qt::Horizontal, this);
    m_strengthSlider->setRange(0, 300);
    m_strength = new QDoubleSpinBox(this);
    m_strength->setRange(0.0, 3.0);
    m_strength->setSingleStep(0.05);
    m_strength->setDecimals(2);
    m_strength->setToolTip(tr("How strongly this region's prompt weighs in the fusion"));

    auto* header = new QHBoxLayout;
    header->setContentsMargins(0, 0, 0, 0);
    header->addWidget(m_colour);
    header->addWidget(m_name, 1);
    header->addWidget(m_kind);
    auto* strength = new QHBoxLayout;
    strength->setContentsMargins(0, 0, 0, 0);
    strength->addWidget(new QLabel(tr("Strength"), this));
    strength->addWidget(m_strengthSlider, 1);
    strength->addWidget(m_strength);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    layout->addLayout(header);
    layout->addWidget(m_prompt);
    layout->addWidget(m_negative);
    layout->addLayout(strength);

    connect(m_colour, &ColourButton::colourPicked, this, [this](const QColor& c) {
        m_document->setRegionColour(
            m_regionId,
            Colour{std::uint8_t(c.red()), std::uint8_t(c.green()), std::uint8_t(c.blue())});
    });
    connect(m_name, &QLineEdit::textEdited, this,
            [this](const QString& t) { m_document->setRegionName(m_regionId, t); });
    connect(m_prompt, &PromptEdit::edited, this,
            [this](const QString& t) { m_document->setRegionPrompt(m_regionId, t); });
    connect(m_negative, &PromptEdit::edited, this,
            [this](const QString& t) { m_document->setRegionNegative(m_regionId, t); });
    connect(m_name, &QLineEdit::editingFinished, document, &DocumentController::endEditBurst);
    connect(m_prompt, &PromptEdit::editingFinished, document, &DocumentController::endEditBurst);
    connect(m_negative, &PromptEdit::editingFinished, document, &DocumentController::endEditBurst);
    connect(m_strengthSlider, &QSlider::sliderReleased, document,
            &DocumentController::endEditBurst);
    connect(m_strengthSlider, &QSlider::valueChanged, this, &RegionEditor::setStrengthFromSlider);
    connect(m_strength, &QDoubleSpinBox::valueChanged, this, [this](double v) {
        if (!m_updating)
            m_document->setRegionStrength(m_regionId, float(v));
    });

    connect(document, &DocumentController::currentRegionChanged, this, &RegionEditor::refresh);
    connect(document->model(), &ProjectModel::regionChanged, this, [this](std::uint32_t id) {
        if (id == m_regionId)
            refresh();
    });
    connect(document->model(), &ProjectModel::projectReset, this, &RegionEditor::refresh);
    connect(document->model(), &ProjectModel::regionsChanged, this, &RegionEditor::refresh);
    refresh();
}

void RegionEditor::setStrengthFromSlider(int value)
{
    if (!m_updating)
        m_document->setRegionStrength(m_regionId, float(value / 100.0));
}

void RegionEditor::refresh()
{
    m_updating = true;
    const ProjectRegion* region = m_document->currentRegion();
    m_regionId = region ? region->id : 0;
    setEnabled(region != nullptr);
    if (!region) {
        m_name->clear();
        m_prompt->setText(QString());
        m_negative->setText(QString());
        m_kind->setText(QString());
        m_colour->setColour(palette().color(QPalette::Mid));
        m_strengthSlider->setValue(100);
        m_strength->setValue(1.0);
        m_updating = false;
        return;
    }
    m_colour->setColour(QColor(region->colour.r, region->colour.g, region->colour.b));
    const QString name = QString::fromStdString(region->name);
    if (m_name->text() != name)
        m_name->setText(name);
    m_kind->setText(region->kind == RegionKind::Box ? tr("box") : tr("painted"));
    m_prompt->setText(QString::fromStdString(region->prompt));
    m_negative->setText(QString::fromStdString(region->negative));
    m_strengthSlider->setValue(int(std::lround(region->strength * 100)));
    m_strength->setValue(region->strength);
    m_updating = false;
}

} // namespace md
