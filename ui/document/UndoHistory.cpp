#include "ui/document/UndoHistory.h"

#include "ui/commands/DocumentCommand.h"

#include <vector>

namespace md {

UndoHistory::UndoHistory(QObject* parent) : QUndoStack(parent) {}

std::size_t UndoHistory::bytesOf(const QUndoCommand* command)
{
    const auto* doc = dynamic_cast<const DocumentCommand*>(command);
    return doc ? doc->byteSize() : sizeof(QUndoCommand);
}

std::size_t UndoHistory::totalBytes() const
{
    std::size_t total = 0;
    for (int i = 0; i < count(); ++i)
        total += bytesOf(command(i));
    return total;
}

void UndoHistory::pushCommand(DocumentCommand* command)
{
    push(command);
    trim();
}

const DocumentCommand* UndoHistory::top() const
{
    return index() > 0 ? dynamic_cast<const DocumentCommand*>(command(index() - 1)) : nullptr;
}

void UndoHistory::sealTop()
{
    if (index() > 0)
        if (auto* top = dynamic_cast<const DocumentCommand*>(command(index() - 1)))
            const_cast<DocumentCommand*>(top)->seal();
}

void UndoHistory::trim()
{
    if (m_trimming || count() <= 1 || totalBytes() <= m_budget)
        return;
    // Keep the newest commands that fit (at least one), counting from the top.
    std::size_t kept = 0;
    int first = count();
    while (first > 0) {
        const std::size_t bytes = bytesOf(command(first - 1));
        if (first < count() && kept + bytes > m_budget)
            break;
        kept += bytes;
        --first;
    }
    if (first == 0)
        return;
    // Commands that are not ours cannot be cloned: keep everything from the last of them.
    for (int i = count() - 1; i >= first; --i) {
        if (!dynamic_cast<const DocumentCommand*>(command(i))) {
            first = i + 1;
            break;
        }
    }
    std::vector<DocumentCommand*> clones;
    for (int i = first; i < count(); ++i)
        clones.push_back(static_cast<const DocumentCommand*>(command(i))->clone());

    const int newIndex = index() - first;
    const int newClean = cleanIndex() - first;
    m_trimming = true;
    {
        DocumentCommand::ReplayGuard guard; // no redo()/undo() effects, no merging
        clear();
        for (DocumentCommand* c : clones)
            push(c);
        if (newClean >= 0 && newClean <= count()) {
            setIndex(newClean);
            setClean();
        } else {
            resetClean(); // the saved state is gone from the history: never clean again
        }
        setIndex(std::max(0, newIndex));
    }
    m_trimming = false;
}

} // namespace md
