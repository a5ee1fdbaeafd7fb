#include "ui/panels/ColourButton.h"

#include <QColorDialog>
#include <QPainter>
#include <QPixmap>

namespace md {

ColourButton::ColourButton(QWidget* parent) : QToolButton(parent)
{
    setToolTip(tr("Region colour"));
    setAutoRaise(true);
    setIconSize(QSize(22, 22));
    connect(this, &QToolButton::clicked, this, &ColourButton::pick);
}

void ColourButton::setColour(const QColor& colour)
{
    m_colour = colour;
    QPixmap pixmap(iconSize() * devicePixelRatioF());
    pixmap.setDevicePixelRatio(devicePixelRatioF());
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(QColor(255, 255, 255, 90), 1));
    p.setBrush(colour);
    p.drawRoundedRect(QRectF(1, 1, iconSize().width() - 2, iconSize().height() - 2), 5, 5);
    setIcon(QIcon(pixmap));
}

void ColourButton::pick()
{
    const QColor c = QColorDialog::getColor(m_colour, this, tr("Region colour"));
    if (c.isValid() && c != m_colour) {
        setColour(c);
        Q_EMIT colourPicked(c);
    }
}

} // namespace md
