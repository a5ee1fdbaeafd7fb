#pragma once

// The region-adherence figure: one row per shown layout with the layout (each area in its
// concept's colour), the image without bootstrapping and its classification map, the image
// with bootstrapping and its map. Area outlines are drawn on the maps in white.

#include "engine/Status.h"
#include "engine/embedded/PatchClassifier.h"
#include "engine/embedded/RegionAdherence.h"

#include <string>
#include <torch/torch.h>
#include <vector>

namespace md::test {

class AdherenceFigure
{
public:
    AdherenceFigure(const PatchClassifier& classifier, int cellPixels);

    void addRow(const RegionLayout& layout, const torch::Tensor& plainImage,
                const AdherenceResult& plain, const torch::Tensor& bootImage,
                const AdherenceResult& boot);
    bool empty() const { return m_cells.empty(); }
    Status write(const std::string& path) const;

private:
    torch::Tensor layoutPanel(const RegionLayout& layout) const;
    torch::Tensor mapPanel(const RegionLayout& layout, const AdherenceResult& result) const;
    torch::Tensor outlined(const torch::Tensor& image, const RegionLayout& layout) const;
    torch::Tensor cell(const torch::Tensor& image) const; // resized, with a white margin

    const PatchClassifier& m_classifier;
    int m_cellPixels;
    std::vector<torch::Tensor> m_cells;
};

} // namespace md::test
