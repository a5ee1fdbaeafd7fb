#pragma once

// Edit > Preferences: autosave interval, theme, default model folder, LoRA folder (where the
// prompts' <lora:NAME:W> tags find their files) and the list of shortcuts. Stored with QSettings
// (Settings) when the dialog is accepted; the caller applies what changed.

#include <QDialog>

class QComboBox;
class QLineEdit;
class QSpinBox;

namespace md {

class Settings;

class PreferencesDialog : public QDialog
{
    Q_OBJECT
public:
    PreferencesDialog(Settings* settings, const QString& shortcutsHtml, QWidget* parent = nullptr);

    // Writes the fields to the settings (done on OK).
    void store();

    QSpinBox* autosaveSpin() const { return m_autosave; }
    QComboBox* themeCombo() const { return m_theme; }
    QLineEdit* modelFolderEdit() const { return m_modelFolder; }
    QLineEdit* loraFolderEdit() const { return m_loraFolder; }

private:
    QWidget* folderRow(QLineEdit* edit, const QString& title);

    Settings* m_settings;
    QSpinBox* m_autosave;
    QComboBox* m_theme;
    QLineEdit* m_modelFolder;
    QLineEdit* m_loraFolder;
};

} // namespace md
