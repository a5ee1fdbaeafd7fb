#pragma once

// The open project and the change signals that views listen to. Its mutators apply a
// change and announce it; they push no undo command (the commands call them) and open no
// dialogs. Everything runs on the GUI thread.

#include "document/Project.h"

#include <QObject>
#include <QRect>
#include <QString>
#include <cstdint>
#include <optional>
#include <vector>

namespace md {

// The region fields a property edit can touch (everything but the mask and the box).
struct RegionProperties
{
    std::string name;
    Colour colour;
    std::string prompt;
    std::string negative;
    float strength = 1.f;
    bool visible = true;
};

// A region's pixels and box, keyed by id (canvas resizes replace only these).
struct RegionGeometry
{
    std::uint32_t id = 0;
    MaskImage mask;
    Box box;
};

// A paint layer's pixels, keyed by id (canvas resizes replace them).
struct PaintPixels
{
    std::uint32_t id = 0;
    RgbaImage pixels;
};

// The canvas size, background prompts and regions together: what a result's "Use settings"
// brings back in one step.
struct ProjectLayout
{
    int width = 0;
    int height = 0;
    std::string prompt;
    std::string negative;
    std::vector<ProjectRegion> regions;
};

class ProjectModel : public QObject
{
    Q_OBJECT
public:
    explicit ProjectModel(QObject* parent = nullptr);

    const Project& project() const { return m_project; }
    void reset(Project project);

    int indexOf(std::uint32_t regionId) const; // -1 if absent
    const ProjectRegion* region(std::uint32_t regionId) const;
    RegionProperties properties(std::uint32_t regionId) const;

    void setProperties(std::uint32_t regionId, const RegionProperties& properties);
    void insertRegion(int index, ProjectRegion region);
    ProjectRegion takeRegion(int index);
    void moveRegion(int from, int to);
    void setBox(std::uint32_t regionId, const Box& box);
    void setBackground(const std::string& prompt, const std::string& negative);
    // Replaces the canvas size, the masks and boxes of the regions listed and the pixels of
    // the paint layers listed.
    void setCanvas(int width, int height, const std::vector<RegionGeometry>& geometry,
                   const std::vector<PaintPixels>& layers = {});
    ProjectLayout layout() const;
    void setLayout(const ProjectLayout& layout);
    void setSettings(const GenerationSettings& settings);
    void setModel(const ModelReference& model);
    void addResult(ProjectResult result);
    void removeResult(std::uint32_t resultId);

    // Mask pixels: painting writes through this pointer and then calls maskEdited().
    MaskImage* mutableMask(std::uint32_t regionId);
    void maskEdited(std::uint32_t regionId, const QRect& rect);
    // Copies `values` (rect-sized, row-major) into the mask at `rect`.
    void writeMask(std::uint32_t regionId, const QRect& rect, const std::vector<float>& values);
    std::vector<float> readMask(std::uint32_t regionId, const QRect& rect) const;
    // Not an edit of its own: a reroll gives the regions it redraws a new seed.
    void setRegionSeed(std::uint32_t regionId, std::optional<std::uint64_t> seed);

    // ---- Paint layers (bottom first, under the region masks)
    int paintLayerIndex(std::uint32_t layerId) const; // -1 if absent
    const PaintLayer* paintLayer(std::uint32_t layerId) const;
    void insertPaintLayer(int index, PaintLayer layer);
    PaintLayer takePaintLayer(int index);
    // Name, visibility and opacity (the pixels are left as they are).
    void setPaintLayerProperties(std::uint32_t layerId, const PaintLayer& properties);
    // Pixels: painting writes through this pointer (canvas-sized: allocated transparent on
    // first use, scaled to the canvas if a layout change left them at another size) and
    // then calls paintEdited().
    RgbaImage* mutablePaint(std::uint32_t layerId);
    void paintEdited(std::uint32_t layerId, const QRect& rect);
    // Copies `bytes` (rect-sized RGBA, row-major) into the layer at `rect`.
    void writePaint(std::uint32_t layerId, const QRect& rect,
                    const std::vector<std::uint8_t>& bytes);
    std::vector<std::uint8_t> readPaint(std::uint32_t layerId, const QRect& rect) const;

Q_SIGNALS:
    void projectReset();
    void regionsChanged(); // added, removed, reordered
    void regionChanged(std::uint32_t regionId);
    void maskChanged(std::uint32_t regionId, const QRect& rect);
    void boxChanged(std::uint32_t regionId);
    void backgroundChanged();
    void canvasChanged();
    void settingsChanged();
    void modelChanged();
    void resultsChanged();
    void paintLayersChanged();                     // added, removed, reordered
    void paintLayerChanged(std::uint32_t layerId); // name, visibility, opacity
    void paintChanged(std::uint32_t layerId, const QRect& rect);

private:
    ProjectRegion* find(std::uint32_t regionId);

    Project m_project;
};

} // namespace md
