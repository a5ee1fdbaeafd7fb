#include "ui/panels/EstimateLabel.h"

#include "document/Project.h"
#include "engine/GenerationEstimate.h"
#include "ui/document/DocumentController.h"
#include "ui/document/ProjectModel.h"
#include "ui/generation/GenerationController.h"

#include <QLocale>

namespace md {

namespace {

QString bytesText(std::int64_t bytes)
{
    const double gib = double(bytes) / double(1 << 30);
    if (gib >= 1.0)
        return QString::number(gib, 'f', 1) + QStringLiteral(" GiB");
    return QString::number(double(bytes) / double(1 << 20), 'f', 0) + QStringLiteral(" MiB");
}

} // namespace

EstimateLabel::EstimateLabel(DocumentController* document, GenerationController* generation,
                             QWidget* parent)
    : QLabel(parent), m_document(document), m_generation(generation)
{
    setObjectName(QStringLiteral("estimateLabel"));
    m_timer.setSingleShot(true);
    m_timer.setInterval(delayMs());
    connect(&m_timer, &QTimer::timeout, this, &EstimateLabel::request);
    ProjectModel* model = document->model();
    for (auto signal : {&ProjectModel::projectReset, &ProjectModel::regionsChanged,
                        &ProjectModel::canvasChanged, &ProjectModel::settingsChanged})
        connect(model, signal, this, &EstimateLabel::schedule);
    connect(generation, &GenerationController::modelStateChanged, this, &EstimateLabel::schedule);
    connect(generation, &GenerationController::estimateReady, this, &EstimateLabel::onEstimate);
    hide();
    schedule();
}

QString EstimateLabel::summary(const GenerationEstimate& e)
{
    return QStringLiteral("≈ %1 · %2 UNet evaluations")
        .arg(bytesText(e.peakBytes()))
        .arg(QLocale().toString(qlonglong(e.unetEvaluations)));
}

void EstimateLabel::schedule()
{
    m_timer.start();
}

void EstimateLabel::request()
{
    if (m_generation->modelState() != GenerationController::ModelState::Ready) {
        hide();
        return;
    }
    m_latest = m_generation->requestEstimate(toGenerateRequest(m_document->project()));
}

void EstimateLabel::onEstimate(quint64 id, const GenerationEstimate& estimate, const QString& error)
{
    if (id != m_latest)
        return; // an older answer
    if (!error.isEmpty()) {
        hide(); // no model, or a request the panel already reports
        return;
    }
    setText(summary(estimate));
    if (estimate.fits) {
        setStyleSheet(QString());
        setToolTip(tr("Estimated peak memory of the next generation (%1 of weights, %2 to "
                      "work) and its UNet evaluations")
                       .arg(bytesText(estimate.weightBytes), bytesText(estimate.workBytes)));
    } else {
        setText(tr("⚠ %1 · does not fit").arg(text()));
        setStyleSheet(QStringLiteral("color: #c0392b; font-weight: bold;"));
        setToolTip(QString::fromStdString(estimate.message));
    }
    setVisible(true);
}

} // namespace md
