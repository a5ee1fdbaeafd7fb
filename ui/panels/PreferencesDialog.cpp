#include "ui/panels/PreferencesDialog.h"

#include "ui/Settings.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QSpinBox>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace md {

PreferencesDialog::PreferencesDialog(Settings* settings, const QString& shortcutsHtml,
                                     QWidget* parent)
    : QDialog(parent), m_settings(settings)
{
    setWindowTitle(tr("Preferences"));
    setObjectName("preferences");

    m_autosave = new QSpinBox(this);
    m_autosave->setObjectName("autosaveSeconds");
    m_autosave->setRange(0, 3600);
    m_autosave->setSingleStep(15);
    m_autosave->setSuffix(tr(" s"));
    m_autosave->setSpecialValueText(tr("Off"));
    m_autosave->setValue(settings->autosaveSeconds());
    m_autosave->setToolTip(tr("How often unsaved work is written for crash recovery"));
    m_theme = new QComboBox(this);
    m_theme->setObjectName("theme");
    m_theme->addItem(tr("Dark"), int(ThemeChoice::Dark));
    m_theme->addItem(tr("Light"), int(ThemeChoice::Light));
    m_theme->setCurrentIndex(m_theme->findData(int(settings->theme())));
    m_modelFolder = new QLineEdit(settings->defaultModelFolder(), this);
    m_modelFolder->setObjectName("modelFolder");
    m_modelFolder->setPlaceholderText(tr("the last folder used"));
    m_loraFolder = new QLineEdit(settings->loraFolder(), this);
    m_loraFolder->setObjectName("loraFolder");
    m_loraFolder->setPlaceholderText(tr("not set"));
    m_loraFolder->setToolTip(
        tr("Where <lora:NAME:W> tags in the prompts find NAME.safetensors; the LoRAs dock "
           "lists it"));

    auto* general = new QWidget(this);
    auto* form = new QFormLayout(general);
    form->addRow(tr("Autosave every"), m_autosave);
    form->addRow(tr("Theme"), m_theme);
    form->addRow(tr("Model folder"), folderRow(m_modelFolder, tr("Default model folder")));
    form->addRow(tr("LoRA folder"), folderRow(m_loraFolder, tr("LoRA folder")));

    auto* shortcuts = new QLabel(shortcutsHtml, this);
    shortcuts->setObjectName("shortcutList");
    shortcuts->setTextFormat(Qt::RichText);
    shortcuts->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    shortcuts->setMargin(8);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(shortcuts);
    scroll->setWidgetResizable(true);

    auto* tabs = new QTabWidget(this);
    tabs->addTab(general, tr("General"));
    tabs->addTab(scroll, tr("Shortcuts"));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        store();
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(tabs);
    layout->addWidget(buttons);
    resize(520, 460);
}

QWidget* PreferencesDialog::folderRow(QLineEdit* edit, const QString& title)
{
    auto* row = new QWidget(this);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* browse = new QToolButton(row);
    browse->setText(tr("Choose…"));
    layout->addWidget(edit, 1);
    layout->addWidget(browse);
    connect(browse, &QToolButton::clicked, this, [this, edit, title] {
        const QString folder = QFileDialog::getExistingDirectory(this, title, edit->text());
        if (!folder.isEmpty())
            edit->setText(folder);
    });
    return row;
}

void PreferencesDialog::store()
{
    m_settings->setAutosaveSeconds(m_autosave->value());
    m_settings->setTheme(ThemeChoice(m_theme->currentData().toInt()));
    m_settings->setDefaultModelFolder(m_modelFolder->text().trimmed());
    m_settings->setLoraFolder(m_loraFolder->text().trimmed());
}

} // namespace md
