#pragma once

// The generation panel's "Preset" list: Live (4 steps), Quality, and Custom (shown while the
// sampler, steps and CFG match no preset). Choosing one sets the document's sampler, steps
// and CFG in one undo step (DocumentController::setSampling).

#include "engine/SamplingPreset.h"

#include <QComboBox>
#include <vector>

namespace md {

class DocumentController;

class SamplingPresetCombo : public QComboBox
{
    Q_OBJECT
public:
    explicit SamplingPresetCombo(DocumentController* document, QWidget* parent = nullptr);

    // The preset the document's settings match ("" = Custom).
    QString currentPresetId() const;

private:
    void refresh();
    void onActivated(int index);

    DocumentController* m_document;
    std::vector<SamplingPreset> m_presets;
};

} // namespace md
