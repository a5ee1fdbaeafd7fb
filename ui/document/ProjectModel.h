#pragma once

// The open project and the change signals that views listen to. Its mutators apply a
// change and announce it; they push no undo command (the commands call them) and open no
// dialogs. Everything runs on the GUI thread.

#include "document/Project.h"

#include <QObject>
#include <QRect>
#include <QString>
#include <cstdint>
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
    // Replaces the canvas size and the masks and boxes of the regions listed.
    void setCanvas(int width, int height, const std::vector<RegionGeometry>& geometry);
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

private:
    ProjectRegion* find(std::uint32_t regionId);

    Project m_project;
};

} // namespace md
