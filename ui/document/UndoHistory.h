#pragma once

// A QUndoStack limited by memory: after each push, when the commands' estimated bytes
// exceed the budget, the oldest commands are dropped. QUndoStack cannot remove its bottom
// commands (and its count limit can only be set while it is empty), so trimming rebuilds
// the stack from clones of the commands kept, with DocumentCommand's replay guard on so
// that nothing is re-applied; the index and the clean state are preserved.

#include <QUndoStack>
#include <cstddef>

namespace md {

class DocumentCommand;

class UndoHistory : public QUndoStack
{
    Q_OBJECT
public:
    explicit UndoHistory(QObject* parent = nullptr);

    void setByteBudget(std::size_t bytes) { m_budget = bytes; }
    std::size_t byteBudget() const { return m_budget; }
    std::size_t totalBytes() const;

    // Pushes a command (taking ownership) and trims the history to the budget.
    void pushCommand(DocumentCommand* command);
    // The newest command still done (below the redo part), or null.
    const DocumentCommand* top() const;
    // Ends the current burst of typing: nothing merges into the newest command any more.
    void sealTop();
    // Drops the oldest commands until the rest fit the budget (keeps at least the newest).
    void trim();

private:
    static std::size_t bytesOf(const QUndoCommand* command);

    std::size_t m_budget = std::size_t(512) * 1024 * 1024;
    bool m_trimming = false;
};

} // namespace md
