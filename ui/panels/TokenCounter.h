#pragma once

// Shows each prompt field's token count ("12/75", "80/150 · 2 chunks") as the loaded
// model's tokenizer counts it. The engine belongs to the generation worker, so the GUI
// thread never counts: a field asks the worker shortly after the last keystroke and shows
// the answer when it comes (after the running generation, if one runs). Loading another
// model recounts every field; without a model the count is hidden.

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>
#include <QTimer>

namespace md {

class GenerationController;
class PromptEdit;

class TokenCounter : public QObject
{
    Q_OBJECT
public:
    explicit TokenCounter(GenerationController* generation, QObject* parent = nullptr);

    void watch(PromptEdit* field);
    static int delayMs() { return 150; }

private:
    void schedule(PromptEdit* field);
    void requestDirty();
    void onCount(quint64 id, int tokens, int chunks, int chunkCapacity);

    struct Pending
    {
        QPointer<PromptEdit> field;
        QString text;
    };

    GenerationController* m_generation;
    QList<QPointer<PromptEdit>> m_fields;
    QSet<PromptEdit*> m_dirty;
    QHash<quint64, Pending> m_pending;
    QTimer m_timer;
};

} // namespace md
