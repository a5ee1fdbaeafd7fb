#include "ui/document/DocumentController.h"

#include "document/RegionPalette.h"
#include "ui/commands/BackgroundCommand.h"
#include "ui/commands/BoxCommand.h"
#include "ui/commands/CanvasSizeCommand.h"
#include "ui/commands/InsertRegionCommand.h"
#include "ui/commands/LayoutCommand.h"
#include "ui/commands/MaskPatchCommand.h"
#include "ui/commands/MoveRegionCommand.h"
#include "ui/commands/RegionPropertyCommand.h"
#include "ui/commands/RemoveRegionCommand.h"
#include "ui/commands/SamplingCommand.h"
#include "ui/document/PaintLayerController.h"
#include "ui/document/UndoHistory.h"

#include <QFileInfo>
#include <algorithm>

namespace md {

namespace {
enum PropertyMergeKey { NoMerge = 0, MergeName, MergePrompt, MergeNegative, MergeStrength };
enum BackgroundMergeKey { MergeBackgroundPrompt = 1, MergeBackgroundNegative };
} // namespace

DocumentController::DocumentController(QObject* parent)
    : QObject(parent), m_model(new ProjectModel(this)), m_undo(new UndoHistory(this))
{
    m_layers = new PaintLayerController(this);
    connect(m_undo, &QUndoStack::cleanChanged, this, &DocumentController::updateDirty);
    // indexChanged also comes when an edit merges into the newest command (typing).
    connect(m_undo, &QUndoStack::indexChanged, this, [this] { ++m_revision; });
    connect(m_model, &ProjectModel::regionsChanged, this, &DocumentController::ensureCurrentExists);
    connect(m_model, &ProjectModel::projectReset, this, &DocumentController::ensureCurrentExists);
    m_model->reset(newProject());
}

DocumentController::~DocumentController() = default;

Project DocumentController::newProject(int width, int height)
{
    Project p;
    p.width = width;
    p.height = height;
    p.settings.seedMode = SeedMode::Random;
    return p;
}

bool DocumentController::isUntouched() const
{
    const Project& p = project();
    return m_filePath.isEmpty() && !isDirty() && m_undo->count() == 0 && p.regions.empty() &&
           p.results.empty() && p.prompt.empty() && p.negative.empty() && p.paintLayers.empty();
}

void DocumentController::setNativeSize(int width, int height)
{
    if (width < kMinCanvasSize || height < kMinCanvasSize || width > kMaxCanvasSize ||
        height > kMaxCanvasSize || width % kCanvasMultiple != 0 || height % kCanvasMultiple != 0)
        return;
    const bool followsModel =
        isUntouched() && project().width == m_nativeWidth && project().height == m_nativeHeight;
    m_nativeWidth = width;
    m_nativeHeight = height;
    if (followsModel && (project().width != width || project().height != height))
        m_model->setCanvas(width, height, {}); // no regions to move; not an edit
}

QString DocumentController::displayName() const
{
    return m_filePath.isEmpty() ? tr("Untitled") : QFileInfo(m_filePath).fileName();
}

bool DocumentController::isDirty() const
{
    return m_extraDirty || !m_undo->isClean();
}

void DocumentController::updateDirty()
{
    const bool dirty = isDirty();
    if (dirty != m_lastDirty) {
        m_lastDirty = dirty;
        Q_EMIT dirtyChanged(dirty);
    }
}

void DocumentController::resetDocument(Project project, const QString& filePath, bool dirty)
{
    m_undo->clear();
    m_current = 0;
    m_model->reset(std::move(project));
    m_extraDirty = dirty;
    m_resetRevision = ++m_revision;
    setFilePath(filePath);
    const auto& regions = this->project().regions;
    setCurrentRegion(regions.empty() ? 0 : regions.back().id);
    updateDirty();
}

void DocumentController::markSaved(const QString& filePath)
{
    m_undo->setClean();
    m_extraDirty = false;
    setFilePath(filePath);
    updateDirty();
}

bool DocumentController::markSavedIfUnchanged(const QString& filePath, std::uint64_t revision)
{
    if (revision < m_resetRevision)
        return false; // another document by now
    if (revision != m_revision) {
        setFilePath(filePath);
        return false;
    }
    markSaved(filePath);
    return true;
}

void DocumentController::setFilePath(const QString& filePath)
{
    if (m_filePath != filePath) {
        m_filePath = filePath;
        Q_EMIT filePathChanged(filePath);
    }
}

// ---- Selection ------------------------------------------------------------------------

const ProjectRegion* DocumentController::currentRegion() const
{
    return m_model->region(m_current);
}

void DocumentController::setCurrentRegion(std::uint32_t regionId)
{
    if (regionId != 0 && !m_model->region(regionId))
        regionId = 0;
    if (regionId == m_current)
        return;
    m_current = regionId;
    Q_EMIT currentRegionChanged(regionId);
}

void DocumentController::ensureCurrentExists()
{
    if (m_current != 0 && !m_model->region(m_current))
        setCurrentRegion(project().regions.empty() ? 0 : project().regions.back().id);
}

// ---- Regions ----------------------------------------------------------------------------

Colour DocumentController::unusedColour() const
{
    std::vector<Colour> taken;
    for (const ProjectRegion& r : project().regions)
        taken.push_back(r.colour);
    return RegionPalette::unused(taken);
}

QString DocumentController::uniqueName(const QString& base) const
{
    const auto taken = [this](const QString& name) {
        const std::string n = name.toStdString();
        for (const ProjectRegion& r : project().regions)
            if (r.name == n)
                return true;
        return false;
    };
    for (int i = 1;; ++i) {
        const QString name = QStringLiteral("%1 %2").arg(base).arg(i);
        if (!taken(name))
            return name;
    }
}

std::uint32_t DocumentController::insertRegion(ProjectRegion region, const QString& text)
{
    region.id = nextRegionId(project());
    const std::uint32_t id = region.id;
    const int index = int(project().regions.size());
    m_undo->pushCommand(new InsertRegionCommand(m_model, index, std::move(region), text));
    setCurrentRegion(id);
    return id;
}

std::uint32_t DocumentController::addMaskRegion()
{
    ProjectRegion r;
    r.name = uniqueName(tr("Region")).toStdString();
    r.colour = unusedColour();
    r.kind = RegionKind::Mask;
    r.mask = blankMask(project().width, project().height);
    return insertRegion(std::move(r), tr("Add region"));
}

std::uint32_t DocumentController::addBoxRegion(const Box& box)
{
    ProjectRegion r;
    r.name = uniqueName(tr("Box")).toStdString();
    r.colour = unusedColour();
    r.kind = RegionKind::Box;
    r.box = box;
    return insertRegion(std::move(r), tr("Add box"));
}

std::uint32_t DocumentController::addRegionFromMask(const MaskImage& mask, const QString& name)
{
    ProjectRegion r;
    r.name = (name.isEmpty() ? uniqueName(tr("Region")) : name).toStdString();
    r.colour = unusedColour();
    r.kind = RegionKind::Mask;
    r.mask = mask;
    return insertRegion(std::move(r), tr("Import mask"));
}

std::uint32_t DocumentController::duplicateRegion(std::uint32_t regionId)
{
    const ProjectRegion* source = m_model->region(regionId);
    if (!source)
        return 0;
    ProjectRegion copy = *source;
    copy.name = uniqueName(QString::fromStdString(source->name) + tr(" copy")).toStdString();
    copy.colour = unusedColour();
    return insertRegion(std::move(copy), tr("Duplicate region"));
}

void DocumentController::removeRegion(std::uint32_t regionId)
{
    if (m_model->region(regionId))
        m_undo->pushCommand(new RemoveRegionCommand(m_model, regionId));
}

void DocumentController::moveRegion(std::uint32_t regionId, int delta)
{
    const int from = m_model->indexOf(regionId);
    const int to = from + delta;
    if (from < 0 || to < 0 || to >= int(project().regions.size()) || delta == 0)
        return;
    m_undo->pushCommand(new MoveRegionCommand(m_model, from, to));
}

void DocumentController::editProperties(std::uint32_t regionId, const RegionProperties& after,
                                        const QString& text, int mergeKey)
{
    if (!m_model->region(regionId))
        return;
    const RegionProperties before = m_model->properties(regionId);
    m_undo->pushCommand(
        new RegionPropertyCommand(m_model, regionId, before, after, text, mergeKey));
}

void DocumentController::setRegionName(std::uint32_t regionId, const QString& name)
{
    RegionProperties p = m_model->properties(regionId);
    if (p.name == name.toStdString())
        return;
    p.name = name.toStdString();
    editProperties(regionId, p, tr("Rename region"), MergeName);
}

void DocumentController::setRegionColour(std::uint32_t regionId, const Colour& colour)
{
    RegionProperties p = m_model->properties(regionId);
    if (p.colour == colour)
        return;
    p.colour = colour;
    editProperties(regionId, p, tr("Region colour"), NoMerge);
}

void DocumentController::setRegionPrompt(std::uint32_t regionId, const QString& prompt)
{
    RegionProperties p = m_model->properties(regionId);
    if (p.prompt == prompt.toStdString())
        return;
    p.prompt = prompt.toStdString();
    p.colour = promptColour(regionId, p.prompt);
    editProperties(regionId, p, tr("Edit prompt"), MergePrompt);
}

Colour DocumentController::promptColour(std::uint32_t regionId, const std::string& prompt) const
{
    // The colour before this burst of typing (typing "red" then deleting it goes back).
    Colour start = m_model->properties(regionId).colour;
    const auto* typing = dynamic_cast<const RegionPropertyCommand*>(m_undo->top());
    if (typing && !typing->isSealed() && typing->regionId() == regionId &&
        typing->mergeKey() == MergePrompt)
        start = typing->before().colour;
    // Only a colour the app chose follows the prompt, never one the user picked.
    const std::optional<Colour> named = RegionPalette::named(prompt);
    if (!RegionPalette::contains(start) || !named)
        return start;
    for (const ProjectRegion& r : project().regions)
        if (r.id != regionId && r.colour == *named)
            return start; // keep the regions apart
    return *named;
}

void DocumentController::setRegionNegative(std::uint32_t regionId, const QString& negative)
{
    RegionProperties p = m_model->properties(regionId);
    if (p.negative == negative.toStdString())
        return;
    p.negative = negative.toStdString();
    editProperties(regionId, p, tr("Edit negative prompt"), MergeNegative);
}

void DocumentController::setRegionStrength(std::uint32_t regionId, float strength)
{
    RegionProperties p = m_model->properties(regionId);
    if (p.strength == strength)
        return;
    p.strength = strength;
    editProperties(regionId, p, tr("Region strength"), MergeStrength);
}

void DocumentController::setRegionVisible(std::uint32_t regionId, bool visible)
{
    RegionProperties p = m_model->properties(regionId);
    if (p.visible == visible)
        return;
    p.visible = visible;
    editProperties(regionId, p, visible ? tr("Show region") : tr("Hide region"), NoMerge);
}

void DocumentController::setBackgroundPrompt(const QString& prompt)
{
    const BackgroundCommand::Prompts before{project().prompt, project().negative};
    BackgroundCommand::Prompts after = before;
    after.prompt = prompt.toStdString();
    if (after.prompt != before.prompt)
        m_undo->pushCommand(new BackgroundCommand(m_model, before, after, MergeBackgroundPrompt));
}

void DocumentController::setBackgroundNegative(const QString& negative)
{
    const BackgroundCommand::Prompts before{project().prompt, project().negative};
    BackgroundCommand::Prompts after = before;
    after.negative = negative.toStdString();
    if (after.negative != before.negative)
        m_undo->pushCommand(new BackgroundCommand(m_model, before, after, MergeBackgroundNegative));
}

void DocumentController::endEditBurst()
{
    m_undo->sealTop();
}

// ---- Masks and boxes ------------------------------------------------------------------------

void DocumentController::commitMaskEdit(std::uint32_t regionId, const QRect& rect,
                                        std::vector<float> before, const QString& text)
{
    if (rect.isEmpty() || !m_model->region(regionId))
        return;
    auto after = std::make_shared<const std::vector<float>>(m_model->readMask(regionId, rect));
    auto old = std::make_shared<const std::vector<float>>(std::move(before));
    if (*after == *old)
        return;
    m_undo->pushCommand(new MaskPatchCommand(m_model, regionId, rect, std::move(old),
                                             std::move(after), text,
                                             /*alreadyApplied=*/true));
}

void DocumentController::replaceMask(std::uint32_t regionId, const MaskImage& mask,
                                     const QString& text)
{
    const ProjectRegion* r = m_model->region(regionId);
    if (!r || r->kind != RegionKind::Mask || mask.width != project().width ||
        mask.height != project().height)
        return;
    const QRect rect(0, 0, mask.width, mask.height);
    auto before = std::make_shared<const std::vector<float>>(m_model->readMask(regionId, rect));
    auto after = std::make_shared<const std::vector<float>>(mask.values);
    if (*before == *after)
        return;
    m_undo->pushCommand(new MaskPatchCommand(m_model, regionId, rect, std::move(before),
                                             std::move(after), text, false));
}

void DocumentController::fillRegion(std::uint32_t regionId)
{
    MaskImage full = blankMask(project().width, project().height);
    std::fill(full.values.begin(), full.values.end(), 1.f);
    replaceMask(regionId, full, tr("Fill region"));
}

void DocumentController::clearRegion(std::uint32_t regionId)
{
    if (const ProjectRegion* r = m_model->region(regionId); r && r->kind == RegionKind::Box) {
        Q_EMIT notice(tr("“%1” is a box region: there is no painting to clear. Delete removes "
                         "the box; the box tool (U) moves and resizes it.")
                          .arg(QString::fromStdString(r->name)));
        return;
    }
    replaceMask(regionId, blankMask(project().width, project().height), tr("Clear region"));
}

void DocumentController::setBox(std::uint32_t regionId, const Box& box, int dragSerial)
{
    const ProjectRegion* r = m_model->region(regionId);
    if (!r || r->kind != RegionKind::Box)
        return;
    const Box before = r->box;
    if (before.x == box.x && before.y == box.y && before.width == box.width &&
        before.height == box.height)
        return;
    m_undo->pushCommand(new BoxCommand(m_model, regionId, before, box, dragSerial));
}

void DocumentController::setCanvasSize(int width, int height)
{
    setCanvasSize(width, height, m_canvasResize);
}

void DocumentController::setCanvasSize(int width, int height, const CanvasResize& resize)
{
    if (width == project().width && height == project().height)
        return;
    m_undo->pushCommand(new CanvasSizeCommand(m_model, width, height, resize));
}

void DocumentController::setCanvasResize(const CanvasResize& resize)
{
    const CanvasResize& old = m_canvasResize;
    if (resize.mode == old.mode && resize.anchorX == old.anchorX && resize.anchorY == old.anchorY)
        return;
    m_canvasResize = resize;
    Q_EMIT canvasResizeChanged(resize);
}

void DocumentController::setLayout(const ProjectLayout& layout, const QString& text)
{
    m_undo->pushCommand(new LayoutCommand(m_model, layout, text));
}

// ---- Not undoable ---------------------------------------------------------------------------

void DocumentController::setSampling(SamplerKind sampler, int steps, float cfg, const QString& text)
{
    const GenerationSettings& s = project().settings;
    if (s.sampler == sampler && s.steps == steps && s.cfg == cfg)
        return;
    m_undo->pushCommand(
        new SamplingCommand(m_model, {s.sampler, s.steps, s.cfg}, {sampler, steps, cfg}, text));
}

void DocumentController::setSettings(const GenerationSettings& settings)
{
    m_model->setSettings(settings);
    m_extraDirty = true;
    ++m_revision;
    updateDirty();
}

void DocumentController::setModelReference(const ModelReference& model)
{
    m_model->setModel(model);
    m_extraDirty = true;
    ++m_revision;
    updateDirty();
}

void DocumentController::addResult(ProjectResult result)
{
    m_model->addResult(std::move(result));
    m_extraDirty = true;
    ++m_revision;
    updateDirty();
}

void DocumentController::removeResult(std::uint32_t resultId)
{
    m_model->removeResult(resultId);
    m_extraDirty = true;
    ++m_revision;
    updateDirty();
}

} // namespace md
