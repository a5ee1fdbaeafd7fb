#pragma once

// The open document: the project (ProjectModel), its undo history, its file path and dirty
// state, and the current region (the paint target). Every user edit goes through one of
// the edit functions below, which push an undo command. No dialogs here.

#include "engine/Status.h"
#include "ui/document/CanvasResize.h"
#include "ui/document/ProjectModel.h"

#include <QObject>
#include <QRect>
#include <QString>
#include <cstdint>
#include <optional>
#include <vector>

namespace md {

class PaintLayerController;
class UndoHistory;

class DocumentController : public QObject
{
    Q_OBJECT
public:
    explicit DocumentController(QObject* parent = nullptr);
    ~DocumentController() override;

    ProjectModel* model() const { return m_model; }
    const Project& project() const { return m_model->project(); }
    UndoHistory* undoStack() const { return m_undo; }
    // The paint layers and the start image settings (their edits are undo steps too).
    PaintLayerController* layers() const { return m_layers; }

    // ---- File state
    QString filePath() const { return m_filePath; }
    QString displayName() const; // file name, or "Untitled"
    bool isDirty() const;
    // Replaces the document (New, Open, recovery); clears the history.
    void resetDocument(Project project, const QString& filePath, bool dirty = false);
    void markSaved(const QString& filePath);
    // After a background save of the snapshot taken at `revision`: marks the document saved
    // if it has not changed since (returns true), else only takes the new path (nothing at
    // all if the document was replaced since).
    bool markSavedIfUnchanged(const QString& filePath, std::uint64_t revision);
    // Grows with every change (edits, undo, redo, results, settings): a snapshot's identity.
    std::uint64_t revision() const { return m_revision; }
    // A default project: width x height (512x512 when no model says otherwise), no regions.
    static Project newProject(int width = 512, int height = 512);
    // A default project at the loaded model's native size (File > New).
    Project newProjectForModel() const { return newProject(m_nativeWidth, m_nativeHeight); }
    // The loaded model's native size: new projects get it, and so does the untouched untitled
    // project the app starts with (its size follows the model, without an undo step).
    void setNativeSize(int width, int height);
    int nativeWidth() const { return m_nativeWidth; }
    int nativeHeight() const { return m_nativeHeight; }
    // Untitled, unsaved, never edited, no prompt, regions or results: nothing to lose.
    bool isUntouched() const;

    // ---- Selection
    std::uint32_t currentRegionId() const { return m_current; }
    const ProjectRegion* currentRegion() const;
    void setCurrentRegion(std::uint32_t regionId);

    // ---- Region edits (each one undo step)
    std::uint32_t addMaskRegion();
    std::uint32_t addBoxRegion(const Box& box);
    std::uint32_t addRegionFromMask(const MaskImage& mask, const QString& name);
    std::uint32_t duplicateRegion(std::uint32_t regionId);
    void removeRegion(std::uint32_t regionId);
    void moveRegion(std::uint32_t regionId, int delta); // +1: up (drawn later)
    void setRegionName(std::uint32_t regionId, const QString& name);
    void setRegionColour(std::uint32_t regionId, const Colour& colour);
    // The colour follows a colour word in the prompt while it is one the app chose.
    void setRegionPrompt(std::uint32_t regionId, const QString& prompt);
    void setRegionNegative(std::uint32_t regionId, const QString& negative);
    void setRegionStrength(std::uint32_t regionId, float strength);
    void setRegionVisible(std::uint32_t regionId, bool visible);
    void setBackgroundPrompt(const QString& prompt);
    void setBackgroundNegative(const QString& negative);
    // The user left a text field: the next typing starts a new undo step.
    void endEditBurst();

    // ---- Mask and box edits
    // After painting straight into model()->mutableMask(): records the change of `rect`
    // (before = the rect's pixels before painting) as one undo step.
    void commitMaskEdit(std::uint32_t regionId, const QRect& rect, std::vector<float> before,
                        const QString& text);
    void fillRegion(std::uint32_t regionId);
    void clearRegion(std::uint32_t regionId);
    void replaceMask(std::uint32_t regionId, const MaskImage& mask, const QString& text);
    // dragSerial: edits with the same non-zero serial merge into one undo step.
    void setBox(std::uint32_t regionId, const Box& box, int dragSerial);
    // By canvasResize(): scaled, or extended/cropped around its anchor.
    void setCanvasSize(int width, int height);
    void setCanvasSize(int width, int height, const CanvasResize& resize);
    // How the next size changes treat the layout (a choice of the session, not the project).
    CanvasResize canvasResize() const { return m_canvasResize; }
    void setCanvasResize(const CanvasResize& resize);
    // Canvas size, background prompts and every region at once (a result's layout).
    void setLayout(const ProjectLayout& layout, const QString& text);

    // The sampler, steps and CFG together (a sampling preset): one undo step.
    void setSampling(SamplerKind sampler, int steps, float cfg, const QString& text);

    // ---- Not undoable (they mark the document dirty)
    void setSettings(const GenerationSettings& settings);
    void setModelReference(const ModelReference& model);
    void addResult(ProjectResult result);
    void removeResult(std::uint32_t resultId);

Q_SIGNALS:
    void currentRegionChanged(std::uint32_t regionId);
    void dirtyChanged(bool dirty);
    void filePathChanged(const QString& path);
    // A note for the status bar: an edit that does nothing here, and why.
    void notice(const QString& text);
    void canvasResizeChanged(const md::CanvasResize& resize);

private:
    std::uint32_t insertRegion(ProjectRegion region, const QString& text);
    void editProperties(std::uint32_t regionId, const RegionProperties& after, const QString& text,
                        int mergeKey);
    Colour unusedColour() const;
    // The region's colour for `prompt`: the colour it names while the region's is automatic.
    Colour promptColour(std::uint32_t regionId, const std::string& prompt) const;
    QString uniqueName(const QString& base) const;
    void updateDirty();
    void setFilePath(const QString& filePath);
    void ensureCurrentExists();

    ProjectModel* m_model;
    UndoHistory* m_undo;
    PaintLayerController* m_layers;
    QString m_filePath;
    bool m_extraDirty = false; // changes outside the undo history
    bool m_lastDirty = false;
    std::uint64_t m_revision = 0;
    std::uint64_t m_resetRevision = 0; // the revision resetDocument() started from
    std::uint32_t m_current = 0;
    CanvasResize m_canvasResize;
    int m_nativeWidth = 512;
    int m_nativeHeight = 512;
};

} // namespace md
