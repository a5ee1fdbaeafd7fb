#include "ui/panels/GenerationPanel.h"

#include "engine/io/ModelFamilyPeek.h"
#include "engine/pipeline/ModelLocator.h"
#include "ui/Settings.h"
#include "ui/canvas/CanvasResizeControl.h"
#include "ui/document/DocumentController.h"
#include "ui/panels/SamplingPresetCombo.h"
#include "ui/panels/StartImageControls.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QSpinBox>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace md {

namespace {
// The translated names of CanvasShape (document/CanvasPresets.h), in its order.
const char* const kShapeNames[] = {
    QT_TRANSLATE_NOOP("GenerationPanel", "Square"),
    QT_TRANSLATE_NOOP("GenerationPanel", "Landscape"),
    QT_TRANSLATE_NOOP("GenerationPanel", "Portrait"),
    QT_TRANSLATE_NOOP("GenerationPanel", "Wide"),
    QT_TRANSLATE_NOOP("GenerationPanel", "Panorama"),
    QT_TRANSLATE_NOOP("GenerationPanel", "Tall"),
    QT_TRANSLATE_NOOP("GenerationPanel", "Large"),
};

enum ModelItemRole { PathRole = Qt::UserRole, ActionRole };
enum ModelAction { ActionModel = 0, ActionOpenFile, ActionOpenFolder };

QLabel* sectionLabel(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    label->setObjectName("section");
    return label;
}

QString formatEta(double seconds)
{
    if (seconds < 0)
        return QString();
    const int s = int(std::lround(seconds));
    if (s < 60)
        return GenerationPanel::tr("%1 s left").arg(s);
    return GenerationPanel::tr("%1:%2 left").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
}
} // namespace

GenerationPanel::GenerationPanel(DocumentController* document, Settings* settings, QWidget* parent)
    : QWidget(parent), m_document(document), m_settings(settings)
{
    m_model = new QComboBox(this);
    m_model->setObjectName("modelPicker");
    m_model->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_model->setMinimumContentsLength(12);
    m_modelStatus = new QLabel(this);
    m_modelStatus->setObjectName("hint");
    m_modelStatus->setWordWrap(true);
    m_modelStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_sizePreset = new QComboBox(this);
    m_sizePreset->setObjectName("sizePreset");
    fillPresets();
    m_width = new QSpinBox(this);
    m_width->setObjectName("canvasWidth");
    m_height = new QSpinBox(this);
    m_height->setObjectName("canvasHeight");
    for (QSpinBox* s : {m_width, m_height}) {
        s->setRange(kMinCanvasSize, kMaxCanvasSize);
        s->setSingleStep(kCanvasMultiple);
        s->setSuffix(tr(" px"));
        s->setKeyboardTracking(false);
        s->setAccelerated(true);
    }

    m_steps = new QSpinBox(this);
    m_steps->setRange(1, 150);
    m_cfg = new QDoubleSpinBox(this);
    m_cfg->setRange(1.0, 30.0);
    m_cfg->setSingleStep(0.5);
    m_cfg->setDecimals(1);
    m_sampler = new QComboBox(this);
    for (SamplerKind kind : allSamplers())
        m_sampler->addItem(QString::fromStdString(samplerDisplayName(kind)), int(kind));
    m_seedMode = new QComboBox(this);
    m_seedMode->addItem(tr("Random"), int(SeedMode::Random));
    m_seedMode->addItem(tr("Fixed"), int(SeedMode::Fixed));
    m_seed = new QLineEdit(this);
    m_seed->setObjectName("seed");
    m_seed->setPlaceholderText(tr("new each run"));
    m_seed->setValidator(
        new QRegularExpressionValidator(QRegularExpression("[0-9]{1,19}"), m_seed));
    m_reuseSeed = new QToolButton(this);
    m_reuseSeed->setText(tr("Last"));
    m_reuseSeed->setToolTip(tr("Reuse the seed of the last result (fixes the seed)"));
    m_bootstrap = new QSpinBox(this);
    m_bootstrap->setRange(0, 50);
    m_bootstrap->setToolTip(tr("MultiDiffusion bootstrapping: for the first steps each region "
                               "is denoised on its own over a plain background, which makes "
                               "regions keep to their shapes"));
    m_feather = new QSpinBox(this);
    m_feather->setRange(0, 128);
    m_feather->setSuffix(tr(" px"));
    m_feather->setToolTip(tr("Soft region edges: how far each region fades into its "
                             "neighbours"));
    m_circular = new QCheckBox(tr("Wrap around (360° panorama)"), this);

    m_generate = new QPushButton(tr("Generate"), this);
    m_generate->setObjectName("generate");
    m_generate->setDefault(true);
    m_generate->setMinimumHeight(34);
    m_generate->setToolTip(tr("Generate (Ctrl+Return)"));
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setEnabled(false);
    m_cancel->setMinimumHeight(34);
    m_cancel->setToolTip(tr("Cancel (Esc)"));
    m_count = new QSpinBox(this);
    m_count->setObjectName("imageCount");
    m_count->setRange(1, 64);
    m_count->setPrefix(QStringLiteral("× "));
    m_count->setValue(std::clamp(settings->imagesPerClick(), 1, 64));
    m_count->setMinimumHeight(34);
    m_count->setToolTip(tr("Images per click: each gets its own seed (random ones, or the "
                           "seeds after a fixed one) and lands in the history"));
    m_progress = new QProgressBar(this);
    m_progress->setTextVisible(true);
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(tr("Ready"));

    auto* sizeRow = new QHBoxLayout;
    sizeRow->setContentsMargins(0, 0, 0, 0);
    sizeRow->addWidget(m_width);
    sizeRow->addWidget(new QLabel(QStringLiteral("×"), this));
    sizeRow->addWidget(m_height);
    auto* seedRow = new QHBoxLayout;
    seedRow->setContentsMargins(0, 0, 0, 0);
    seedRow->addWidget(m_seedMode);
    seedRow->addWidget(m_seed, 1);
    seedRow->addWidget(m_reuseSeed);
    auto* form = new QFormLayout;
    form->setContentsMargins(0, 0, 0, 0);
    form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(tr("Size"), m_sizePreset);
    form->addRow(QString(), sizeRow);
    form->addRow(QString(), new CanvasResizeControl(document, this));
    form->addRow(tr("Preset"), new SamplingPresetCombo(document, this));
    form->addRow(tr("Sampler"), m_sampler);
    form->addRow(tr("Steps"), m_steps);
    form->addRow(tr("CFG scale"), m_cfg);
    form->addRow(tr("Seed"), seedRow);
    form->addRow(tr("Bootstrap"), m_bootstrap);
    form->addRow(tr("Soft edges"), m_feather);
    form->addRow(QString(), m_circular);
    auto* buttons = new QHBoxLayout;
    buttons->setContentsMargins(0, 0, 0, 0);
    buttons->addWidget(m_generate, 2);
    buttons->addWidget(m_count);
    buttons->addWidget(m_cancel, 1);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 8, 10, 10);
    layout->setSpacing(6);
    layout->addWidget(sectionLabel(tr("Model"), this));
    layout->addWidget(m_model);
    layout->addWidget(m_modelStatus);
    layout->addSpacing(6);
    layout->addWidget(sectionLabel(tr("Settings"), this));
    layout->addLayout(form);
    layout->addSpacing(10);
    layout->addWidget(new StartImageControls(document, this));
    m_extras = new QVBoxLayout;
    m_extras->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(m_extras);
    layout->addLayout(buttons);
    layout->addWidget(m_progress);
    layout->addStretch(1);

    connect(m_model, &QComboBox::activated, this, &GenerationPanel::onModelActivated);
    connect(m_sizePreset, &QComboBox::activated, this, &GenerationPanel::onPresetChosen);
    connect(m_width, &QSpinBox::valueChanged, this, &GenerationPanel::applySize);
    connect(m_height, &QSpinBox::valueChanged, this, &GenerationPanel::applySize);
    connect(m_steps, &QSpinBox::valueChanged, this, &GenerationPanel::applySettings);
    connect(m_cfg, &QDoubleSpinBox::valueChanged, this, &GenerationPanel::applySettings);
    connect(m_sampler, &QComboBox::currentIndexChanged, this, &GenerationPanel::applySettings);
    connect(m_seedMode, &QComboBox::currentIndexChanged, this, &GenerationPanel::applySettings);
    connect(m_seed, &QLineEdit::textEdited, this, [this] {
        // Typing a seed means the artist wants that seed.
        m_seedMode->setCurrentIndex(m_seedMode->findData(int(SeedMode::Fixed)));
        applySettings();
    });
    connect(m_bootstrap, &QSpinBox::valueChanged, this, &GenerationPanel::applySettings);
    connect(m_feather, &QSpinBox::valueChanged, this, &GenerationPanel::applySettings);
    connect(m_circular, &QCheckBox::toggled, this, &GenerationPanel::applySettings);
    connect(m_reuseSeed, &QToolButton::clicked, this, &GenerationPanel::reuseSeedRequested);
    connect(m_generate, &QPushButton::clicked, this, &GenerationPanel::generateRequested);
    connect(m_cancel, &QPushButton::clicked, this, &GenerationPanel::cancelRequested);
    connect(m_count, &QSpinBox::valueChanged, this,
            [this](int n) { m_settings->setImagesPerClick(n); });

    ProjectModel* model = document->model();
    connect(model, &ProjectModel::projectReset, this, &GenerationPanel::refresh);
    connect(model, &ProjectModel::settingsChanged, this, &GenerationPanel::refresh);
    connect(model, &ProjectModel::canvasChanged, this, &GenerationPanel::refresh);
    connect(model, &ProjectModel::resultsChanged, this, &GenerationPanel::refresh);
    refresh();
}

void GenerationPanel::addControls(QWidget* widget)
{
    widget->setParent(this);
    m_extras->addWidget(widget);
}

void GenerationPanel::refresh()
{
    m_updating = true;
    const Project& p = m_document->project();
    const GenerationSettings& s = p.settings;
    m_width->setValue(p.width);
    m_height->setValue(p.height);
    int preset = int(m_presets.size()); // "Custom"
    for (int i = 0; i < int(m_presets.size()); ++i)
        if (m_presets[i].width == p.width && m_presets[i].height == p.height)
            preset = i;
    m_sizePreset->setCurrentIndex(preset);
    m_steps->setValue(s.steps);
    m_cfg->setValue(s.cfg);
    m_sampler->setCurrentIndex(std::max(0, m_sampler->findData(int(s.sampler))));
    m_seedMode->setCurrentIndex(std::max(0, m_seedMode->findData(int(s.seedMode))));
    // A random seed not drawn yet: no number that looks like the seed to be used.
    const bool undrawn = s.seedMode == SeedMode::Random && s.seed == 0 && p.results.empty();
    const QString seed = undrawn ? QString() : QString::number(s.seed);
    if (m_seed->text() != seed)
        m_seed->setText(seed);
    m_bootstrap->setValue(s.bootstrapSteps);
    m_feather->setValue(int(std::lround(s.feather)));
    m_circular->setChecked(s.circular);
    m_reuseSeed->setEnabled(!p.results.empty());
    m_updating = false;
}

void GenerationPanel::applySettings()
{
    if (m_updating)
        return;
    GenerationSettings s = m_document->project().settings;
    s.steps = m_steps->value();
    s.cfg = float(m_cfg->value());
    s.sampler = SamplerKind(m_sampler->currentData().toInt());
    s.seedMode = SeedMode(m_seedMode->currentData().toInt());
    bool ok = false;
    const qulonglong seed = m_seed->text().toULongLong(&ok);
    if (ok)
        s.seed = seed;
    s.bootstrapSteps = m_bootstrap->value();
    s.feather = float(m_feather->value());
    s.circular = m_circular->isChecked();
    m_document->setSettings(s);
}

void GenerationPanel::applySize()
{
    if (m_updating)
        return;
    const auto multiple = [](int v) { return std::max(kMinCanvasSize, v / 8 * 8); };
    const int w = multiple(m_width->value()), h = multiple(m_height->value());
    m_document->setCanvasSize(w, h);
    refresh();
}

void GenerationPanel::onPresetChosen(int index)
{
    if (index < 0 || index >= int(m_presets.size()))
        return;
    m_document->setCanvasSize(m_presets[index].width, m_presets[index].height);
}

void GenerationPanel::setModelFormat(const QString& family, int nativeWidth, int nativeHeight)
{
    const auto presets = canvasPresets(family.toStdString(), nativeWidth, nativeHeight);
    const auto same = [](const CanvasPreset& a, const CanvasPreset& b) {
        return a.shape == b.shape && a.width == b.width && a.height == b.height;
    };
    if (std::equal(presets.begin(), presets.end(), m_presets.begin(), m_presets.end(), same))
        return;
    m_presets = presets;
    fillPresets();
    refresh();
}

void GenerationPanel::fillPresets()
{
    if (m_presets.empty())
        m_presets = canvasPresets(std::string(), 512, 512); // no model yet: SD 1.x's
    const bool updating = m_updating;
    m_updating = true;
    m_sizePreset->clear();
    for (const CanvasPreset& p : m_presets)
        m_sizePreset->addItem(
            tr("%1 %2 × %3").arg(tr(kShapeNames[int(p.shape)])).arg(p.width).arg(p.height),
            QSize(p.width, p.height));
    m_sizePreset->addItem(tr("Custom"));
    m_updating = updating;
}

QString GenerationPanel::modelFamily(const QString& path)
{
    // A header read per model, again only when the file changes.
    const QFileInfo file(path);
    const QString key = path + QLatin1Char('\n') +
                        QString::number(file.lastModified().toMSecsSinceEpoch()) +
                        QLatin1Char('\n') + QString::number(file.size());
    auto it = m_families.constFind(key);
    if (it == m_families.constEnd())
        it = m_families.insert(key, QString::fromStdString(peekModelFamily(path.toStdString())));
    return it.value();
}

void GenerationPanel::setModels(const QStringList& embedded, const QStringList& recent,
                                const QString& current)
{
    // The name, then the family the file says it is ("tiny-sdxl · SDXL").
    const auto displayName = [this](const QString& path) {
        const QString name = QString::fromStdString(modelDisplayName(path.toStdString()));
        const QString family = modelFamily(path);
        return family.isEmpty() ? name : tr("%1 · %2").arg(name, family);
    };
    m_model->blockSignals(true);
    m_model->clear();
    QStringList seen;
    for (const QString& path : embedded) {
        // The built-in model is named as such; its family is the app's own.
        m_model->addItem(
            tr("%1 (built in)").arg(QString::fromStdString(modelDisplayName(path.toStdString()))));
        m_model->setItemData(m_model->count() - 1, path, PathRole);
        m_model->setItemData(m_model->count() - 1, path, Qt::ToolTipRole);
        seen << path;
    }
    for (const QString& path : recent) {
        if (seen.contains(path))
            continue;
        m_model->addItem(displayName(path));
        m_model->setItemData(m_model->count() - 1, path, PathRole);
        m_model->setItemData(m_model->count() - 1, path, Qt::ToolTipRole);
        seen << path;
    }
    if (!current.isEmpty() && !seen.contains(current)) {
        m_model->addItem(displayName(current));
        m_model->setItemData(m_model->count() - 1, current, PathRole);
    }
    if (m_model->count() > 0)
        m_model->insertSeparator(m_model->count());
    m_model->addItem(tr("Open a .safetensors file…"));
    m_model->setItemData(m_model->count() - 1, int(ActionOpenFile), ActionRole);
    m_model->addItem(tr("Open a diffusers folder…"));
    m_model->setItemData(m_model->count() - 1, int(ActionOpenFolder), ActionRole);
    const int index = m_model->findData(current, PathRole);
    m_model->setCurrentIndex(index >= 0 ? index : -1);
    if (index < 0)
        m_model->setPlaceholderText(tr("Choose a model…"));
    m_currentModel = current;
    m_model->blockSignals(false);
}

void GenerationPanel::onModelActivated(int index)
{
    const int action = m_model->itemData(index, ActionRole).toInt();
    if (action == ActionOpenFile) {
        chooseModelFile();
        return;
    }
    if (action == ActionOpenFolder) {
        chooseModelFolder();
        return;
    }
    const QString path = m_model->itemData(index, PathRole).toString();
    if (!path.isEmpty() && path != m_currentModel)
        Q_EMIT modelChosen(path);
}

void GenerationPanel::chooseModelFile()
{
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open a model"), m_settings->lastModelFolder(),
                                     tr("Stable Diffusion checkpoints (*.safetensors)"));
    m_model->setCurrentIndex(m_model->findData(m_currentModel, PathRole));
    if (path.isEmpty())
        return;
    m_settings->setLastModelFolder(QFileInfo(path).absolutePath());
    Q_EMIT modelChosen(path);
}

void GenerationPanel::chooseModelFolder()
{
    const QString path = QFileDialog::getExistingDirectory(
        this, tr("Open a diffusers model folder"), m_settings->lastModelFolder());
    m_model->setCurrentIndex(m_model->findData(m_currentModel, PathRole));
    if (path.isEmpty())
        return;
    m_settings->setLastModelFolder(QFileInfo(path).absolutePath());
    Q_EMIT modelChosen(path);
}

void GenerationPanel::setModelStatus(const QString& text, bool error)
{
    m_modelStatus->setText(text);
    m_modelStatus->setProperty("error", error);
    m_modelStatus->setVisible(!text.isEmpty());
    m_modelStatus->style()->unpolish(m_modelStatus);
    m_modelStatus->style()->polish(m_modelStatus);
}

void GenerationPanel::setBusy(bool busy)
{
    m_cancel->setEnabled(busy);
    m_generate->setText(busy ? tr("Restart") : tr("Generate"));
    m_generate->setToolTip(busy ? tr("Cancel and start again with the current settings")
                                : tr("Generate (Ctrl+Return)"));
}

void GenerationPanel::setProgress(int step, int totalSteps, double etaSeconds)
{
    m_progress->setRange(0, std::max(1, totalSteps));
    m_progress->setValue(step);
    const QString eta = formatEta(etaSeconds);
    m_progress->setFormat(
        m_queueText + (eta.isEmpty() ? tr("Step %1 / %2").arg(step).arg(totalSteps)
                                     : tr("Step %1 / %2 · %3").arg(step).arg(totalSteps).arg(eta)));
}

int GenerationPanel::imageCount() const
{
    return m_count->value();
}

void GenerationPanel::setQueuePosition(int index, int total)
{
    m_queueText = total > 1 ? tr("Image %1 of %2 · ").arg(index).arg(total) : QString();
}

void GenerationPanel::setProgressText(const QString& text)
{
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(text);
}

} // namespace md
