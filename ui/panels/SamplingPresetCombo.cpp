#include "ui/panels/SamplingPresetCombo.h"

#include "ui/document/DocumentController.h"

#include <QSignalBlocker>

namespace md {

SamplingPresetCombo::SamplingPresetCombo(DocumentController* document, QWidget* parent)
    : QComboBox(parent), m_document(document)
{
    setObjectName("samplingPreset");
    // The sampler settings are the same for every model (the model only decides which
    // weights live mode loads).
    m_presets = samplingPresets(ModelInfo{});
    for (const SamplingPreset& p : m_presets)
        addItem(QString::fromStdString(p.label), QString::fromStdString(p.id));
    addItem(tr("Custom"), QString());
    setToolTip(tr("Live (4 steps): LCM, 4 steps, CFG 1 (no negative pass), for few-step "
                  "models and live mode. Quality: DPM++ 2M Karras, 25 steps, CFG 7. Custom: "
                  "the settings below."));
    connect(this, &QComboBox::activated, this, &SamplingPresetCombo::onActivated);
    ProjectModel* model = document->model();
    connect(model, &ProjectModel::settingsChanged, this, &SamplingPresetCombo::refresh);
    connect(model, &ProjectModel::projectReset, this, &SamplingPresetCombo::refresh);
    refresh();
}

QString SamplingPresetCombo::currentPresetId() const
{
    const GenerationSettings& s = m_document->project().settings;
    for (const SamplingPreset& p : m_presets)
        if (p.sampler == s.sampler && p.steps == s.steps && p.cfg == s.cfg)
            return QString::fromStdString(p.id);
    return QString();
}

void SamplingPresetCombo::refresh()
{
    const QSignalBlocker block(this);
    setCurrentIndex(std::max(0, findData(currentPresetId())));
}

void SamplingPresetCombo::onActivated(int index)
{
    if (index < 0 || index >= int(m_presets.size())) {
        refresh(); // "Custom" is what the fields say, not a choice
        return;
    }
    const SamplingPreset& p = m_presets[std::size_t(index)];
    m_document->setSampling(p.sampler, p.steps, p.cfg,
                            tr("Preset %1").arg(QString::fromStdString(p.label)));
}

} // namespace md
