#include "ui/panels/PromptEdit.h"

#include "ui/panels/FieldUndoKeys.h"

#include <QFontMetrics>
#include <QLabel>
#include <QTextBlock>
#include <QTextLayout>
#include <algorithm>

namespace md {

PromptEdit::PromptEdit(const QString& placeholder, int lines, QWidget* parent, int maxLines)
    : QPlainTextEdit(parent), m_lines(lines),
      m_maxLines(std::max(lines, maxLines > 0 ? maxLines : lines * 3))
{
    setPlaceholderText(placeholder);
    setTabChangesFocus(true);
    setLineWrapMode(QPlainTextEdit::WidgetWidth);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_count = new QLabel(viewport());
    m_count->setObjectName("tokenCount");
    m_count->setAttribute(Qt::WA_TransparentForMouseEvents);
    m_count->hide();
    setFixedHeight(sizeHint().height());
    new FieldUndoKeys(this);
    connect(this, &QPlainTextEdit::textChanged, this, [this] {
        fitHeight();
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

QString PromptEdit::formatTokenCount(int tokens, int chunks, int chunkCapacity)
{
    chunks = std::max(1, chunks);
    const QString count = QStringLiteral("%1/%2").arg(tokens).arg(chunks * chunkCapacity);
    return chunks > 1 ? tr("%1 · %2 chunks").arg(count).arg(chunks) : count;
}

void PromptEdit::setTokenCount(const QString& text, const QString& toolTip)
{
    m_count->setText(text);
    m_count->setToolTip(toolTip);
    m_count->setVisible(!text.isEmpty());
    placeCount();
}

QString PromptEdit::tokenCountText() const
{
    return m_count->isVisible() || !m_count->text().isEmpty() ? m_count->text() : QString();
}

void PromptEdit::placeCount()
{
    m_count->adjustSize();
    const QRect area = viewport()->rect();
    m_count->move(area.right() - m_count->width() - 2, area.bottom() - m_count->height() - 1);
}

void PromptEdit::resizeEvent(QResizeEvent* event)
{
    QPlainTextEdit::resizeEvent(event);
    placeCount();
    fitHeight();
}

void PromptEdit::focusOutEvent(QFocusEvent* event)
{
    QPlainTextEdit::focusOutEvent(event);
    Q_EMIT editingFinished();
}

int PromptEdit::heightForLines(int lines) const
{
    const QFontMetrics fm(font());
    const int margins = int(document()->documentMargin() * 2) + frameWidth() * 2 + 2;
    return fm.lineSpacing() * lines + margins;
}

void PromptEdit::fitHeight()
{
    // Visual lines (wrapped ones included) of the laid-out text.
    int lines = 0;
    for (QTextBlock b = document()->begin(); b.isValid(); b = b.next())
        lines += std::max(1, b.layout() ? b.layout()->lineCount() : 1);
    const int wanted = std::clamp(lines, m_lines, m_maxLines);
    const int height = heightForLines(wanted);
    if (height != this->height())
        setFixedHeight(height);
}

QSize PromptEdit::sizeHint() const
{
    return {200, heightForLines(m_lines)};
}

} // namespace md
