#pragma once

// A flat swatch button that opens a colour dialog.

#include <QColor>
#include <QToolButton>

namespace md {

class ColourButton : public QToolButton
{
    Q_OBJECT
public:
    explicit ColourButton(QWidget* parent = nullptr);

    QColor colour() const { return m_colour; }
    void setColour(const QColor& colour);

Q_SIGNALS:
    void colourPicked(const QColor& colour);

private:
    void pick();

    QColor m_colour;
};

} // namespace md
