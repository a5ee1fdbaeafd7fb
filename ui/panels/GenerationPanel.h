#pragma once

// Model, canvas size, sampler settings, seed, Generate / Cancel and the progress bar.
// It edits the project's settings through the DocumentController and only asks for
// generation (generateRequested); the GenerationController does the work.

#include "document/CanvasPresets.h"

#include <QHash>
#include <QWidget>
#include <vector>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QToolButton;
class QVBoxLayout;

namespace md {

class DocumentController;
class Settings;

class GenerationPanel : public QWidget
{
    Q_OBJECT
public:
    GenerationPanel(DocumentController* document, Settings* settings, QWidget* parent = nullptr);

    // The model list: embedded models, then recent ones; `current` is selected.
    void setModels(const QStringList& embedded, const QStringList& recent, const QString& current);
    void setModelStatus(const QString& text, bool error);
    // The loaded model's family and native size: the size presets follow them (SDXL's
    // aspect-ratio buckets, SD 1.x's list at 512, ...).
    void setModelFormat(const QString& family, int nativeWidth, int nativeHeight);
    // The family a model file or folder says it is, read from its header ("" when unknown).
    QString modelFamily(const QString& path);
    void setBusy(bool busy);
    void setProgress(int step, int totalSteps, double etaSeconds);
    void setProgressText(const QString& text);
    // Images per click ("Generate more"), remembered in the settings.
    int imageCount() const;
    // Which image of the click is being made (shown with the progress); total 0: none.
    void setQueuePosition(int index, int total);

    // Adds a row of controls above Generate (live mode's, LiveFeatures).
    void addControls(QWidget* widget);

    QPushButton* generateButton() const { return m_generate; }
    QPushButton* cancelButton() const { return m_cancel; }
    QSpinBox* stepsSpin() const { return m_steps; }
    QSpinBox* countSpin() const { return m_count; }
    QLineEdit* seedEdit() const { return m_seed; }
    QComboBox* sizePresetCombo() const { return m_sizePreset; }
    QComboBox* modelCombo() const { return m_model; }

Q_SIGNALS:
    void modelChosen(const QString& path);
    void generateRequested();
    void cancelRequested();
    void reuseSeedRequested();

private:
    void refresh();
    void applySettings();
    void applySize();
    void onPresetChosen(int index);
    void fillPresets();
    void onModelActivated(int index);
    void chooseModelFile();
    void chooseModelFolder();

    DocumentController* m_document;
    Settings* m_settings;
    QComboBox* m_model;
    QLabel* m_modelStatus;
    QComboBox* m_sizePreset;
    QSpinBox* m_width;
    QSpinBox* m_height;
    QSpinBox* m_steps;
    QDoubleSpinBox* m_cfg;
    QComboBox* m_sampler;
    QComboBox* m_seedMode;
    QLineEdit* m_seed;
    QToolButton* m_reuseSeed;
    QSpinBox* m_bootstrap;
    QSpinBox* m_feather;
    QCheckBox* m_circular;
    QPushButton* m_generate;
    QPushButton* m_cancel;
    QSpinBox* m_count;
    QString m_queueText;
    QProgressBar* m_progress;
    QVBoxLayout* m_extras;
    QString m_currentModel;
    std::vector<CanvasPreset> m_presets;
    QHash<QString, QString> m_families; // path + time + size -> family
    bool m_updating = false;
};

} // namespace md
