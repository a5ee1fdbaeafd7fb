#include "ui/generation/ImageActions.h"

#include "ui/document/DocumentController.h"
#include "ui/generation/GenerationSession.h"
#include "ui/generation/ImageRequests.h"

#include <QAction>
#include <QMenu>
#include <QRandomGenerator>
#include <algorithm>
#include <cmath>

namespace md {

ImageActions::ImageActions(DocumentController* document, GenerationSession* session,
                           QObject* parent)
    : QObject(parent), m_document(document), m_session(session)
{
    m_reroll = new QAction(tr("Reroll Region"), this);
    m_reroll->setObjectName("rerollRegion");
    m_reroll->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    connect(m_reroll, &QAction::triggered, this, [this] {
        if (const std::uint32_t id = m_document->currentRegionId())
            reroll({id});
    });
    ProjectModel* model = document->model();
    for (auto signal : {&ProjectModel::resultsChanged, &ProjectModel::regionsChanged,
                        &ProjectModel::projectReset, &ProjectModel::canvasChanged})
        connect(model, signal, this, &ImageActions::updateReroll);
    connect(document, &DocumentController::currentRegionChanged, this, &ImageActions::updateReroll);
    updateReroll();
}

void ImageActions::updateReroll()
{
    const Project& p = m_document->project();
    const ProjectRegion* region = m_document->currentRegion();
    const bool hasResult = newestCanvasResult(p) != nullptr;
    m_reroll->setEnabled(hasResult && region && region->visible);
    if (!hasResult)
        m_reroll->setToolTip(tr("Reroll region: generate an image first; a reroll redraws one "
                                "region of it and keeps the rest."));
    else if (!region)
        m_reroll->setToolTip(tr("Reroll region: select a region first."));
    else
        m_reroll->setToolTip(tr("Redraw only “%1” with a new seed, keeping the rest of the "
                                "newest result (Ctrl+R)")
                                 .arg(QString::fromStdString(region->name)));
}

const GenerateRequest* ImageActions::lastRequest() const
{
    return m_last.empty() ? nullptr : &m_last.front();
}

bool ImageActions::reroll(const std::vector<std::uint32_t>& regionIds)
{
    const Project& p = m_document->project();
    const ProjectResult* last = newestCanvasResult(p);
    if (!last) {
        Q_EMIT message(tr("Nothing to reroll yet: generate an image first."), 6000);
        return false;
    }
    std::vector<std::uint32_t> ids;
    QStringList names;
    for (std::uint32_t id : regionIds)
        if (const ProjectRegion* r = findRegion(p, id); r && r->visible) {
            ids.push_back(id);
            names << QString::fromStdString(r->name);
        }
    if (ids.empty()) {
        Q_EMIT message(tr("Select a visible region to reroll."), 6000);
        return false;
    }
    // A new seed for those regions only: the document keeps it (their next generations and
    // the result's layout use it); the rest keep theirs.
    std::uint64_t seed = QRandomGenerator::global()->bounded(quint64(1) << 32);
    for (std::uint32_t id : ids)
        if (findRegion(p, id)->seed == seed)
            seed = (seed + 1) & 0xffffffffu;
    Project snapshot = p;
    snapshot.settings.seed = last->seed; // the rest: the kept result's
    snapshot.settings.start = StartImage::LastResult;
    snapshot.settings.strength = 1.f;
    Result<GenerateRequest> request = rerollRequest(snapshot, ids, seed);
    if (!request) {
        Q_EMIT message(tr("Cannot reroll: %1").arg(QString::fromStdString(request.error())), 0);
        return false;
    }
    for (std::uint32_t id : ids) {
        findRegion(snapshot, id)->seed = seed;
        m_document->model()->setRegionSeed(id, seed);
    }
    m_last.assign(1, std::move(request).value());
    m_session->runRequest(
        m_last.front(), std::move(snapshot), {},
        tr("Rerolling %1 with seed %2, keeping the rest…").arg(names.join(", ")).arg(seed));
    return true;
}

bool ImageActions::upscale(std::uint32_t resultId, double factor)
{
    const Project& p = m_document->project();
    const auto it = std::find_if(p.results.begin(), p.results.end(),
                                 [&](const ProjectResult& r) { return r.id == resultId; });
    if (it == p.results.end()) {
        Q_EMIT message(tr("Select a result in the history to upscale."), 6000);
        return false;
    }
    const ProjectResult& result = *it;
    Project snapshot = p;
    if (result.layout) {
        snapshot.regions = layoutRegions(*result.layout);
        snapshot.prompt = result.prompt;
        snapshot.negative = result.negative;
    }
    snapshot.settings = result.settings;
    snapshot.settings.seed = result.seed;
    snapshot.settings.start = StartImage::LastResult;
    snapshot.settings.strength = m_upscaleStrength;
    Result<GenerateRequest> request = upscaleRequestFor(p, result, factor, m_upscaleStrength);
    if (!request) {
        Q_EMIT message(tr("Cannot upscale: %1").arg(QString::fromStdString(request.error())), 0);
        return false;
    }
    m_last.assign(1, std::move(request).value());
    ResultProvenance provenance;
    provenance.sourceResultId = result.id;
    provenance.upscale = factor;
    m_session->runRequest(m_last.front(), std::move(snapshot), provenance,
                          tr("Upscaling seed %1 to %2×%3…")
                              .arg(result.seed)
                              .arg(m_last.front().width)
                              .arg(m_last.front().height));
    return true;
}

std::uint32_t ImageActions::regionAt(QPointF pos) const
{
    const Project& p = m_document->project();
    const int x = int(std::floor(pos.x())), y = int(std::floor(pos.y()));
    if (x < 0 || y < 0 || x >= p.width || y >= p.height)
        return 0;
    for (auto it = p.regions.rbegin(); it != p.regions.rend(); ++it) {
        if (!it->visible)
            continue;
        if (it->kind == RegionKind::Box) {
            const Box& b = it->box;
            if (x >= b.x && x < b.x + b.width && y >= b.y && y < b.y + b.height)
                return it->id;
        } else if (!it->mask.empty() && it->mask.values[size_t(y) * it->mask.width + x] >= 0.5f) {
            return it->id;
        }
    }
    return 0;
}

QMenu* ImageActions::canvasMenu(QPointF pos, QWidget* parent)
{
    if (const std::uint32_t id = regionAt(pos))
        m_document->setCurrentRegion(id);
    updateReroll();
    auto* menu = new QMenu(parent);
    menu->setObjectName("canvasMenu");
    menu->setToolTipsVisible(true);
    const ProjectRegion* region = m_document->currentRegion();
    QAction* reroll = menu->addAction(
        region ? tr("Reroll “%1”").arg(QString::fromStdString(region->name)) : tr("Reroll Region"));
    reroll->setObjectName("canvasReroll");
    reroll->setEnabled(m_reroll->isEnabled());
    reroll->setToolTip(m_reroll->toolTip());
    connect(reroll, &QAction::triggered, m_reroll, &QAction::trigger);
    return menu;
}

} // namespace md
