#pragma once

// The status bar's estimate of the next generation: "≈ 1.3 GiB · 140 UNet evaluations",
// red with the reason when it would not fit in the memory left (the engine refuses such a
// request). The engine belongs to the generation worker, so the label asks it shortly after
// the canvas, the regions, the settings or the model change and shows the newest answer.

#include <QLabel>
#include <QTimer>

namespace md {

class DocumentController;
class GenerationController;
struct GenerationEstimate;

class EstimateLabel : public QLabel
{
    Q_OBJECT
public:
    EstimateLabel(DocumentController* document, GenerationController* generation,
                  QWidget* parent = nullptr);

    static int delayMs() { return 150; }
    // The label's text for an estimate (the GiB figure and the evaluations).
    static QString summary(const GenerationEstimate& estimate);

private:
    void schedule();
    void request();
    void onEstimate(quint64 id, const GenerationEstimate& estimate, const QString& error);

    DocumentController* m_document;
    GenerationController* m_generation;
    QTimer m_timer;
    quint64 m_latest = 0;
};

} // namespace md
