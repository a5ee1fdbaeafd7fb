#pragma once

// The fields of the current region: colour, name, prompt, negative prompt, strength.
// It follows the model (undo included) and turns the user's edits into commands.

#include <QWidget>
#include <cstdint>

class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSlider;

namespace md {

class ColourButton;
class DocumentController;
class PromptEdit;

class RegionEditor : public QWidget
{
    Q_OBJECT
public:
    explicit RegionEditor(DocumentController* document, QWidget* parent = nullptr);

    PromptEdit* promptEdit() const { return m_prompt; }
    PromptEdit* negativeEdit() const { return m_negative; }
    QLineEdit* nameEdit() const { return m_name; }

private:
    void refresh();
    void setStrengthFromSlider(int value);

    DocumentController* m_document;
    std::uint32_t m_regionId = 0;
    ColourButton* m_colour;
    QLineEdit* m_name;
    QLabel* m_kind;
    PromptEdit* m_prompt;
    PromptEdit* m_negative;
    QSlider* m_strengthSlider;
    QDoubleSpinBox* m_strength;
    bool m_updating = false;
};

} // namespace md
