#pragma once

// Wires live mode (issue 15, LiveController) into the main window: Generate > Live (Ctrl+L,
// checkable) and Keep Live Image (Ctrl+Shift+L), a row in the generation panel with both as
// buttons and what a frame takes, the newest frame on the canvas under the region masks (the
// toolbar's mask opacity slider sets how much they cover it), and a kept image selected in
// the history.

#include <QObject>

class QAction;
class QLabel;
class QMenu;

namespace md {

class DocumentController;
class GenerationController;
class GenerationPanel;
class GenerationSession;
class LiveController;
class ResultsStrip;

class LiveFeatures : public QObject
{
    Q_OBJECT
public:
    struct Parts
    {
        DocumentController* document;
        GenerationController* generation;
        GenerationSession* session;
        GenerationPanel* panel;
        ResultsStrip* results;
    };
    LiveFeatures(QObject* parent, const Parts& parts);

    void addToMenu(QMenu* generate);
    LiveController* controller() const { return m_live; }
    QAction* liveAction() const { return m_liveAction; }
    QAction* keepAction() const { return m_keepAction; }
    QLabel* statusLabel() const { return m_status; }

Q_SIGNALS:
    void message(const QString& text, int timeoutMs);

private:
    void updateStatus();

    Parts m_parts;
    LiveController* m_live;
    QAction* m_liveAction;
    QAction* m_keepAction;
    QLabel* m_status;
};

} // namespace md
