#pragma once

// A compact multi-line prompt field. Emits edited() only for the user's own typing, never
// for setText(), so a view can follow the model without echoing edits back as commands.
// While it has focus, Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y undo and redo its own typing
// (FieldUndoKeys); editingFinished() on losing focus ends the burst of typing.

#include <QPlainTextEdit>

namespace md {

class PromptEdit : public QPlainTextEdit
{
    Q_OBJECT
public:
    explicit PromptEdit(const QString& placeholder, int lines = 3, QWidget* parent = nullptr);

    QString text() const { return toPlainText(); }
    // Replaces the text only when it differs (keeps the cursor while the user types).
    void setText(const QString& text);

    QSize sizeHint() const override;

Q_SIGNALS:
    void edited(const QString& text);
    void editingFinished();

protected:
    void focusOutEvent(QFocusEvent* event) override;

private:
    int m_lines;
    bool m_setting = false;
};

} // namespace md
