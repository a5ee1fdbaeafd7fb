#pragma once

// The image-conditioning actions: "Reroll region" (regions panel, canvas menu) regenerates
// only the selected region from the newest result with a new seed for it, keeping the rest;
// "Upscale" (a history item) makes a result 1.5x to 4x bigger in an img2img pass with the
// regions scaled along. Both run through the GenerationSession (worker thread, progress,
// cancel) and land in the history.

#include "engine/EngineTypes.h"

#include <QObject>
#include <QPointF>
#include <cstdint>
#include <vector>

class QAction;
class QMenu;
class QWidget;

namespace md {

class DocumentController;
class GenerationSession;

class ImageActions : public QObject
{
    Q_OBJECT
public:
    ImageActions(DocumentController* document, GenerationSession* session,
                 QObject* parent = nullptr);

    // Rerolls the current region; disabled (the tooltip says why) without a result or region.
    QAction* rerollAction() const { return m_reroll; }
    // Regenerates `regionIds` with a new seed each run; false (and a message) when it cannot.
    bool reroll(const std::vector<std::uint32_t>& regionIds);
    bool upscale(std::uint32_t resultId, double factor);
    // The upscale factors offered (1.5x, 2x, 3x, 4x).
    static std::vector<double> upscaleFactors() { return {1.5, 2.0, 3.0, 4.0}; }
    float upscaleStrength() const { return m_upscaleStrength; }

    // The topmost visible region at a canvas point (0: none).
    std::uint32_t regionAt(QPointF pos) const;
    // The canvas's context menu at a canvas point: selects the region there and offers to
    // reroll it. The caller shows it (and owns it).
    QMenu* canvasMenu(QPointF pos, QWidget* parent);

    // The last request sent (for tests and the status bar).
    const GenerateRequest* lastRequest() const;

Q_SIGNALS:
    void message(const QString& text, int timeoutMs);

private:
    void updateReroll();

    DocumentController* m_document;
    GenerationSession* m_session;
    QAction* m_reroll;
    float m_upscaleStrength = 0.35f;
    std::vector<GenerateRequest> m_last; // 0 or 1
};

} // namespace md
