#pragma once

// The base of every undoable edit. Adds three things to QUndoCommand:
// - "already applied": an edit made interactively (a brush stroke) is pushed after it was
//   painted, so its first redo() must not apply it again;
// - byteSize(), so the history can be limited by memory rather than by count;
// - clone(), so UndoHistory can rebuild the stack without its oldest commands. While it
//   rebuilds (ReplayGuard), redo()/undo() do nothing and commands do not merge.
// And it bounds merging: a command that was undone, or sealed (the user left the field,
// or the document was saved), takes no more merges; typing commands also stop merging
// after a pause (burstGapMs), so a prompt gets one undo step per burst of typing.

#include <QUndoCommand>
#include <chrono>
#include <cstddef>

namespace md {

class ProjectModel;

class DocumentCommand : public QUndoCommand
{
public:
    DocumentCommand(ProjectModel* model, const QString& text, bool alreadyApplied = false);

    void redo() final;
    void undo() final;
    int id() const final;
    bool mergeWith(const QUndoCommand* other) final;

    virtual std::size_t byteSize() const { return sizeof(*this); }
    virtual DocumentCommand* clone() const = 0;

    // No later edit merges into this one.
    void seal() { m_sealed = true; }
    bool isSealed() const { return m_sealed; }
    // Typing pauses longer than this end a burst (one undo step per burst).
    static int burstGapMs() { return s_burstGapMs; }
    static void setBurstGapMs(int ms) { s_burstGapMs = ms; }

    class ReplayGuard
    {
    public:
        ReplayGuard() { ++s_replaying; }
        ~ReplayGuard() { --s_replaying; }
        ReplayGuard(const ReplayGuard&) = delete;
        ReplayGuard& operator=(const ReplayGuard&) = delete;
    };
    static bool isReplaying() { return s_replaying > 0; }

protected:
    virtual void apply() = 0;
    virtual void revert() = 0;
    virtual int mergeId() const { return -1; }
    virtual bool merge(const DocumentCommand* other) { return false; }

    ProjectModel* model() const { return m_model; }
    // For typing merges: true when `other` came within burstGapMs of this burst's last edit
    // (and then extends the burst to it).
    bool continuesBurst(const DocumentCommand* other);

private:
    using Clock = std::chrono::steady_clock;
    static int s_replaying; // GUI thread only
    static int s_burstGapMs;

    ProjectModel* m_model;
    bool m_skipRedo;
    bool m_sealed = false;
    Clock::time_point m_lastEdit = Clock::now();
};

// Merge ids of the commands that merge.
enum CommandMergeId {
    MergeBox = 1,
    MergeProperty = 2,
    MergeBackground = 3,
    MergeCanvasSize = 4,
    MergePaintLayer = 5,
    MergeStartImage = 6,
};

} // namespace md
