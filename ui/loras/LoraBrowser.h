#pragma once

// The "LoRAs" dock: the LoRA folder's files (name; family, format, rank and trigger words
// below it), a filter box, and Insert (or a double click), which asks for <lora:NAME:1> in
// the prompt being edited. LoRAs made for another family than the loaded model's are greyed,
// with a tooltip that says so; files that are not LoRAs are greyed with the reason.

#include "ui/loras/LoraCatalog.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QListWidget;
class QListWidgetItem;
class QPushButton;

namespace md {

class LoraBrowser : public QWidget
{
    Q_OBJECT
public:
    explicit LoraBrowser(QWidget* parent = nullptr);

    // Shows `catalog`'s entries; `status` is the line above the list (folder, count, error).
    void setCatalog(const LoraCatalog& catalog, const QString& status);
    // The loaded model's family (ModelInfo::family; empty: none loaded).
    void setModelFamily(const QString& family);

    // The selected LoRA's name ("" when none, or when it is not a LoRA).
    QString selectedName() const;
    // Selects the entry named `name` (tests, keyboard users); false when it is not listed.
    bool select(const QString& name);

    QLineEdit* filterEdit() const { return m_filter; }
    QListWidget* list() const { return m_list; }
    QPushButton* insertButton() const { return m_insert; }
    QLabel* statusLabel() const { return m_status; }

Q_SIGNALS:
    void insertRequested(const QString& tag);
    void refreshRequested();

private:
    void rebuild();
    void updateButtons();
    void requestInsert(QListWidgetItem* item);

    LoraCatalog m_catalog;
    QString m_family;
    QLabel* m_status;
    QLineEdit* m_filter;
    QListWidget* m_list;
    QPushButton* m_insert;
    QPushButton* m_refresh;
};

} // namespace md
