#pragma once

// Draws a LoRA in the browser's list: the name in bold, then its details (family, format,
// rank; trigger words) dimmed, each line elided; a greyed entry (another family, not a LoRA)
// in the item's own foreground colour.

#include <QStyledItemDelegate>

namespace md {

class LoraItemDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

} // namespace md
