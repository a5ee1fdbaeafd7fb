#pragma once

// Live mode (issue 15), without widgets: while it is on, every change of the document (a
// finished stroke, a box moved, a region added or removed, a prompt typed: each comes as an
// undo step, or a merge into one) renders the project again with its seed and the live
// preset (LCM, 4 steps, CFG 1; the document's settings stay as they are), the final image
// decoded by the tiny decoder. Strokes start at once, other edits after a short pause
// (debounce), so typing does not start a frame per key. The newest request wins: the worker
// cancels a running frame at its next UNet call and a stale frame's image is dropped.
//
// The frame size follows measured speed (LiveSizePolicy): when a full-size frame is expected
// to take longer than the budget, frames made while painting are half size, and one
// full-size frame follows when the artist pauses. "Keep" copies the newest frame into the
// history as a normal result, recording the live settings that made it.
//
// Live frames wait while a normal generation runs (they would cancel it); the first frame
// after it shows the then current document.

#include "document/Project.h"
#include "ui/generation/LiveSizePolicy.h"

#include <QImage>
#include <QObject>
#include <QString>
#include <cstdint>
#include <optional>

class QTimer;

namespace md {

class DocumentController;
class GenerationController;

class LiveController : public QObject
{
    Q_OBJECT
public:
    LiveController(DocumentController* document, GenerationController* generation,
                   QObject* parent = nullptr);

    bool isEnabled() const { return m_enabled; }
    // On: loads the model's few-step variant when it has one (once, not per frame) and
    // renders the document. Off: drops the frame (the canvas shows the history again); the
    // plain weights come back with the next normal generation.
    void setEnabled(bool on);
    // Copies the newest frame into the history (true). A half-size frame is rendered at full
    // size first and kept when it arrives. False (and a message) when there is nothing to keep.
    bool keep();
    bool hasFrame() const { return m_frame.has_value(); }

    // The newest frame shown (null: none), whether it was reduced, what it took.
    QImage frameImage() const { return m_frameImage; }
    bool frameReduced() const { return m_frame && m_frame->reduced; }
    double frameSeconds() const { return m_frame ? m_frame->seconds : -1.0; }
    // The document revision (DocumentController::revision) the newest frame shows.
    std::uint64_t frameRevision() const { return m_frame ? m_frame->revision : 0; }
    const LiveSizePolicy& sizePolicy() const { return m_policy; }
    LiveSizePolicy& sizePolicy() { return m_policy; }
    // Debounce after an edit that is not a stroke, and the pause after which a reduced frame
    // is followed by a full-size one.
    void setDelays(int debounceMs, int pauseMs);

Q_SIGNALS:
    void enabledChanged(bool on);
    // The newest frame (scaled up on the canvas when reduced) and its badge; null: none.
    void frameChanged(const QImage& image, const QString& badge);
    void kept(std::uint32_t resultId);
    void message(const QString& text, int timeoutMs);

private:
    struct Render
    {
        Project snapshot;
        GenerateRequest request;
        bool reduced = false;
        std::uint64_t revision = 0; // the document's revision it renders
    };
    struct Frame : Render
    {
        RgbImage image;
        double seconds = 0.0;
        std::uint32_t keptId = 0; // the result it became, 0: not kept
    };

    void onEdited();
    void onPaused();
    void render(bool fullSize);
    void renderLater();
    void onResult(quint64 id, const RgbImage& image, double seconds);
    void onFailed(quint64 id, const QString& text);
    void onEngineCancelled(quint64 id);
    void onModelReady();
    void clearFrame();
    void addToHistory();

    DocumentController* m_document;
    GenerationController* m_generation;
    LiveSizePolicy m_policy;
    QTimer* m_debounce;
    QTimer* m_pause;
    int m_debounceMs = 150; // after the last edit that is not a stroke
    bool m_enabled = false;
    bool m_waiting = false;      // a frame is owed since a normal generation ran
    bool m_keepWhenFull = false; // Keep on a reduced frame: keep the full-size one
    bool m_needFull = false;     // the newest frame asked for is reduced
    bool m_fullDue = false;      // the artist paused: full size after the pending frame
    quint64 m_pendingId = 0;
    std::optional<Render> m_pending;
    std::optional<Frame> m_frame;
    QImage m_frameImage;
    QString m_modelKey; // the model the speed was measured with
};

} // namespace md
