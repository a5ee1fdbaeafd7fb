#include "ui/panels/PromptEdit.h"

#include "ui/panels/FieldUndoKeys.h"

#include <QFontMetrics>

namespace md {

PromptEdit::PromptEdit(const QString& placeholder, int lines, QWidget* parent)
    : QPlainTextEdit(parent), m_lines(lines)
{
    setPlaceholderText(placeholder);
    setTabChangesFocus(true);
    setLineWrapMode(QPlainTextEdit::WidgetWidth);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setFixedHeight(sizeHint().height());
    new FieldUndoKeys(this);
    connect(this, &QPlainTextEdit::textChanged, this, [this] {
        if (!m_setting)
            Q_EMIT edited(toPlainText());
    });
}

void PromptEdit::setText(const QString& text)
{
    if (text == toPlainText())
        return;
    m_setting = true;
    setPlainText(text);
    m_setting = false;
}

void PromptEdit::focusOutEvent(QFocusEvent* event)
{
    QPlainTextEdit::focusOutEvent(event);
    Q_EMIT editingFinished();
}

QSize PromptEdit::sizeHint() const
{
    const QFontMetrics fm(font());
    const int margins = int(document()->documentMargin() * 2) + frameWidth() * 2 + 2;
    return {200, fm.lineSpacing() * m_lines + margins};
}

} // namespace md
