#pragma once

// Draws a region in the regions list as two lines: visibility box, colour swatch (a dot for
// painted regions, a square for boxes) and name, then the prompt, dimmed and elided, so the
// whole layout can be read at a glance. A region whose prompt names LoRAs (<lora:NAME:W>) shows
// them in a badge beside its name.

#include <QStyledItemDelegate>

namespace md {

class RegionItemDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    // LorasRole: the names of the LoRAs in the region's prompt (QStringList), drawn as a badge.
    enum Role { PromptRole = Qt::UserRole + 1, IsBoxRole, ColourRole, LorasRole };

    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    bool editorEvent(QEvent* event, QAbstractItemModel* model, const QStyleOptionViewItem& option,
                     const QModelIndex& index) override;
    void updateEditorGeometry(QWidget* editor, const QStyleOptionViewItem& option,
                              const QModelIndex& index) const override;

private:
    static QRect checkRect(const QRect& row);
    static QRect nameRect(const QStyleOptionViewItem& option);
};

} // namespace md
