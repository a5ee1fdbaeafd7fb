#pragma once

// The paint layers (topmost first) with visibility and opacity, and buttons to add and
// remove one. Selecting a layer makes it the paint tool's target.

#include <QWidget>
#include <cstdint>

class QListWidget;
class QListWidgetItem;
class QSlider;
class QToolButton;

namespace md {

class DocumentController;

class LayersPanel : public QWidget
{
    Q_OBJECT
public:
    explicit LayersPanel(DocumentController* document, QWidget* parent = nullptr);

    QListWidget* list() const { return m_list; }
    QSlider* opacitySlider() const { return m_opacity; }
    QToolButton* addButton() const { return m_add; }
    QToolButton* removeButton() const { return m_remove; }
    QSize sizeHint() const override { return {300, 150}; }

private:
    void rebuild();
    void updateItem(std::uint32_t layerId);
    void refreshControls();
    void onItemChanged(QListWidgetItem* item);

    DocumentController* m_document;
    QListWidget* m_list;
    QSlider* m_opacity;
    QToolButton* m_add;
    QToolButton* m_remove;
    bool m_updating = false;
};

} // namespace md
