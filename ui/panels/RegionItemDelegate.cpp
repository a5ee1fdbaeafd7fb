#include "ui/panels/RegionItemDelegate.h"

#include <QApplication>
#include <QMouseEvent>
#include <QPainter>

namespace md {

namespace {
constexpr int kPad = 6;
constexpr int kCheck = 16;
constexpr int kSwatch = 14;
} // namespace

QRect RegionItemDelegate::checkRect(const QRect& row)
{
    return QRect(row.left() + kPad, row.top() + kPad + 1, kCheck, kCheck);
}

QRect RegionItemDelegate::nameRect(const QStyleOptionViewItem& option)
{
    const QRect row = option.rect;
    const int left = row.left() + kPad + kCheck + kPad + kSwatch + kPad;
    return QRect(left, row.top() + kPad - 1, row.right() - left - kPad,
                 option.fontMetrics.height() + 2);
}

QSize RegionItemDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex&) const
{
    const int lines = option.fontMetrics.height() * 2 + 2;
    return QSize(200, lines + 2 * kPad);
}

void RegionItemDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                               const QModelIndex& index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QWidget* widget = opt.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    // Background and selection only.
    opt.text.clear();
    opt.icon = QIcon();
    opt.features &= ~QStyleOptionViewItem::HasCheckIndicator;
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    const QRect row = option.rect;
    const bool visible = index.data(Qt::CheckStateRole).toInt() == Qt::Checked;
    QStyleOptionButton check;
    check.rect = checkRect(row);
    check.state = (visible ? QStyle::State_On : QStyle::State_Off) | QStyle::State_Enabled;
    check.palette = option.palette;
    style->drawPrimitive(QStyle::PE_IndicatorCheckBox, &check, painter, widget);

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    QColor colour = index.data(ColourRole).value<QColor>();
    if (!visible)
        colour.setAlpha(90);
    const QRectF swatch(row.left() + kPad + kCheck + kPad, row.top() + kPad + 2, kSwatch, kSwatch);
    const bool selected = option.state & QStyle::State_Selected;
    if (selected) {
        // A dark plate, so a blue region still shows on the blue selection.
        painter->setPen(Qt::NoPen);
        painter->setBrush(QColor(20, 21, 24, 170));
        painter->drawRoundedRect(swatch.adjusted(-2, -2, 2, 2), 4, 4);
    }
    if (index.data(IsBoxRole).toBool()) {
        painter->setPen(QPen(colour, 2.5));
        painter->setBrush(Qt::NoBrush);
        painter->drawRoundedRect(swatch.adjusted(1.5, 1.5, -1.5, -1.5), 2, 2);
    } else {
        painter->setPen(Qt::NoPen);
        painter->setBrush(colour);
        painter->drawEllipse(swatch);
    }

    const QColor text = option.palette.color(selected ? QPalette::HighlightedText : QPalette::Text);
    QColor dim = text;
    dim.setAlphaF(selected ? 0.8 : 0.55);
    QRect name = nameRect(option);
    // The region's LoRAs: a badge at the right of the name ("LoRA: a, b"), elided to at most
    // half the row.
    const QStringList loras = index.data(LorasRole).toStringList();
    if (!loras.isEmpty()) {
        QFont badgeFont = option.font;
        badgeFont.setPointSizeF(badgeFont.pointSizeF() * 0.85);
        const QFontMetrics fm(badgeFont);
        const QString label =
            fm.elidedText(tr("LoRA: %1").arg(loras.join(", ")), Qt::ElideRight, name.width() / 2);
        const int w = fm.horizontalAdvance(label) + 10;
        const QRect badge(name.right() - w, name.top() + 1, w, name.height() - 2);
        painter->setPen(Qt::NoPen);
        painter->setBrush(QColor(150, 110, 230, selected ? 230 : 180));
        painter->drawRoundedRect(badge, 4, 4);
        painter->setFont(badgeFont);
        painter->setPen(Qt::white);
        painter->drawText(badge, Qt::AlignCenter, label);
        name.setRight(badge.left() - kPad);
    }
    QFont nameFont = option.font;
    nameFont.setWeight(QFont::DemiBold);
    painter->setFont(nameFont);
    painter->setPen(visible ? text : dim);
    painter->drawText(
        name, Qt::AlignLeft | Qt::AlignVCenter,
        QFontMetrics(nameFont).elidedText(index.data().toString(), Qt::ElideRight, name.width()));
    QString prompt = index.data(PromptRole).toString().simplified();
    QFont promptFont = option.font;
    if (prompt.isEmpty()) {
        prompt = tr("no prompt yet");
        promptFont.setItalic(true);
    }
    painter->setFont(promptFont);
    painter->setPen(dim);
    const QRect promptRect = name.translated(0, name.height());
    painter->drawText(
        promptRect, Qt::AlignLeft | Qt::AlignVCenter,
        QFontMetrics(promptFont).elidedText(prompt, Qt::ElideRight, promptRect.width()));
    painter->restore();
}

bool RegionItemDelegate::editorEvent(QEvent* event, QAbstractItemModel* model,
                                     const QStyleOptionViewItem& option, const QModelIndex& index)
{
    if (event->type() == QEvent::MouseButtonRelease ||
        event->type() == QEvent::MouseButtonDblClick) {
        const auto* mouse = static_cast<QMouseEvent*>(event);
        if (checkRect(option.rect).adjusted(-3, -3, 3, 3).contains(mouse->position().toPoint())) {
            if (event->type() == QEvent::MouseButtonRelease) {
                const bool on = index.data(Qt::CheckStateRole).toInt() == Qt::Checked;
                model->setData(index, on ? Qt::Unchecked : Qt::Checked, Qt::CheckStateRole);
            }
            return true; // a double click on the box must not start renaming
        }
    }
    return QStyledItemDelegate::editorEvent(event, model, option, index);
}

void RegionItemDelegate::updateEditorGeometry(QWidget* editor, const QStyleOptionViewItem& option,
                                              const QModelIndex&) const
{
    editor->setGeometry(nameRect(option).adjusted(-3, -1, 0, 1));
}

} // namespace md
