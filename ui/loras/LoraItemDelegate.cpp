#include "ui/loras/LoraItemDelegate.h"

#include <QApplication>
#include <QPainter>

namespace md {

namespace {
constexpr int kPad = 5;
} // namespace

QSize LoraItemDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const int lines = int(index.data().toString().count('\n')) + 1;
    return QSize(200, lines * (QFontMetrics(opt.font).lineSpacing() + 1) + 2 * kPad);
}

void LoraItemDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                             const QModelIndex& index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QWidget* widget = opt.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    // initStyleOption turns '\n' into QChar::LineSeparator: the lines come from the model.
    const QStringList lines = index.data().toString().split('\n');
    opt.text.clear(); // background and selection only
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    const bool selected = option.state & QStyle::State_Selected;
    QColor text = option.palette.color(selected ? QPalette::HighlightedText : QPalette::Text);
    const QVariant foreground = index.data(Qt::ForegroundRole);
    if (foreground.isValid() && !selected)
        text = foreground.value<QBrush>().color();
    QColor dim = text;
    dim.setAlphaF(selected ? 0.85f : 0.6f);

    painter->save();
    painter->setClipRect(option.rect);
    QRect line(option.rect.left() + kPad, option.rect.top() + kPad, option.rect.width() - 2 * kPad,
               QFontMetrics(opt.font).lineSpacing() + 1);
    for (int i = 0; i < lines.size(); ++i) {
        QFont font = opt.font;
        if (i == 0)
            font.setWeight(QFont::DemiBold);
        painter->setFont(font);
        painter->setPen(i == 0 ? text : dim);
        painter->drawText(line, Qt::AlignLeft | Qt::AlignVCenter,
                          QFontMetrics(font).elidedText(lines[i], Qt::ElideRight, line.width()));
        line.translate(0, line.height());
    }
    painter->restore();
}

} // namespace md
