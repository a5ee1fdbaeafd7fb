#pragma once

// Beside Generate: what the next generation starts from (noise, the last result, the paint
// layers) and the denoising strength, enabled only when it starts from an image. Both are
// undoable document settings (PaintLayerController::setStart / setStrength).

#include <QWidget>

class QComboBox;
class QLabel;
class QSlider;

namespace md {

class DocumentController;

class StartImageControls : public QWidget
{
    Q_OBJECT
public:
    explicit StartImageControls(DocumentController* document, QWidget* parent = nullptr);

    QComboBox* startCombo() const { return m_start; }
    QSlider* strengthSlider() const { return m_strength; }

private:
    void refresh();

    DocumentController* m_document;
    QComboBox* m_start;
    QSlider* m_strength; // percent, 5..100
    QLabel* m_value;
    bool m_updating = false;
};

} // namespace md
