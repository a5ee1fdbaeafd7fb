#pragma once

// A compact multi-line prompt field that grows with its text (up to a limit, then it
// scrolls) and shows the prompt's token count in its corner ("12/75", "80/150 · 2
// chunks"). Emits edited() only for the user's own typing, never for setText(), so a view
// can follow the model without echoing edits back as commands.
// While it has focus, Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y undo and redo its own typing
// (FieldUndoKeys); editingFinished() on losing focus ends the burst of typing.

#include <QPlainTextEdit>

class QLabel;

namespace md {

class PromptEdit : public QPlainTextEdit
{
    Q_OBJECT
public:
    // `lines`: the height when (nearly) empty; it grows up to `maxLines`.
    explicit PromptEdit(const QString& placeholder, int lines = 3, QWidget* parent = nullptr,
                        int maxLines = 0);

    QString text() const { return toPlainText(); }
    // Replaces the text only when it differs (keeps the cursor while the user types).
    void setText(const QString& text);

    // The corner label: empty hides it.
    void setTokenCount(const QString& text, const QString& toolTip = QString());
    QString tokenCountText() const;
    // "12/75", "80/150 · 2 chunks"
    static QString formatTokenCount(int tokens, int chunks, int chunkCapacity);

    QSize sizeHint() const override;

Q_SIGNALS:
    void edited(const QString& text);
    void editingFinished();

protected:
    void focusOutEvent(QFocusEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    int heightForLines(int lines) const;
    void fitHeight();
    void placeCount();

    int m_lines;
    int m_maxLines;
    bool m_setting = false;
    QLabel* m_count;
};

} // namespace md
