#pragma once

// The background prompt and negative, the list of regions (topmost first, with colour,
// name and visibility), the buttons to add, duplicate, remove and reorder them, and the
// current region's fields. Selecting a region makes it the paint target.

#include <QWidget>
#include <cstdint>

class QAction;
class QHBoxLayout;
class QListWidget;
class QListWidgetItem;
class QToolButton;

namespace md {

class DocumentController;
class PromptEdit;
class RegionEditor;

class RegionsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit RegionsPanel(DocumentController* document, QWidget* parent = nullptr);

    PromptEdit* backgroundPrompt() const { return m_prompt; }
    PromptEdit* backgroundNegative() const { return m_negative; }
    QListWidget* list() const { return m_list; }
    RegionEditor* editor() const { return m_editor; }
    // A button for `action` in the row under the list (Reroll).
    QToolButton* addButton(QAction* action);

Q_SIGNALS:
    void addBoxRequested(); // the box tool should take over (a box is drawn, not added)

protected:
    // A click on the list's empty space deselects (no current region).
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void rebuildList();
    void updateItem(std::uint32_t regionId);
    void fillItem(QListWidgetItem* item, std::uint32_t regionId);
    void selectCurrent();
    void updateButtons();
    void onItemChanged(QListWidgetItem* item);
    std::uint32_t selectedId() const;

    DocumentController* m_document;
    PromptEdit* m_prompt;
    PromptEdit* m_negative;
    QListWidget* m_list;
    QToolButton* m_add;
    QToolButton* m_duplicate;
    QToolButton* m_remove;
    QToolButton* m_up;
    QToolButton* m_down;
    RegionEditor* m_editor;
    QHBoxLayout* m_buttons = nullptr;
    bool m_updating = false;
};

} // namespace md
