#include "ui/panels/TokenCounter.h"

#include "ui/generation/GenerationController.h"
#include "ui/panels/PromptEdit.h"

#include <utility>

namespace md {

TokenCounter::TokenCounter(GenerationController* generation, QObject* parent)
    : QObject(parent), m_generation(generation)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(delayMs());
    connect(&m_timer, &QTimer::timeout, this, &TokenCounter::requestDirty);
    connect(generation, &GenerationController::tokenCountReady, this, &TokenCounter::onCount);
    connect(generation, &GenerationController::modelStateChanged, this, [this] {
        for (const QPointer<PromptEdit>& field : m_fields)
            if (field)
                schedule(field);
    });
}

void TokenCounter::watch(PromptEdit* field)
{
    m_fields << field;
    connect(field, &QPlainTextEdit::textChanged, this, [this, field] { schedule(field); });
    connect(field, &QObject::destroyed, this, [this, field] { m_dirty.remove(field); });
    schedule(field);
}

void TokenCounter::schedule(PromptEdit* field)
{
    m_dirty.insert(field);
    m_timer.start();
}

void TokenCounter::requestDirty()
{
    const bool ready = m_generation->modelState() == GenerationController::ModelState::Ready;
    for (PromptEdit* field : std::as_const(m_dirty)) {
        if (!ready) {
            field->setTokenCount(QString());
            continue;
        }
        const QString text = field->text();
        m_pending.insert(m_generation->requestTokenCount(text), Pending{field, text});
    }
    m_dirty.clear();
}

void TokenCounter::onCount(quint64 id, int tokens, int chunks, int chunkCapacity)
{
    const Pending pending = m_pending.take(id);
    // A field that changed since asks again; only the answer for its text counts.
    if (!pending.field || pending.field->text() != pending.text)
        return;
    if (tokens < 0) {
        pending.field->setTokenCount(QString());
        return;
    }
    pending.field->setTokenCount(
        PromptEdit::formatTokenCount(tokens, chunks, chunkCapacity),
        tr("%1 tokens. Every %2 tokens start a new chunk; all chunks are used, each encoded on "
           "its own (as in AUTOMATIC1111), so words at a chunk's end weigh a little less.")
            .arg(tokens)
            .arg(chunkCapacity));
}

} // namespace md
