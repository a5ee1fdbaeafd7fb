#include "engine/embedded/bench/AdherenceFigure.h"

#include "training/PngWriter.h"

namespace md::test {

namespace F = torch::nn::functional;

namespace {

constexpr int kColumns = 5;
constexpr int kMargin = 3;

// [H, W] int64: which area each pixel belongs to (regions in order, then the background).
torch::Tensor areaIndex(const RegionLayout& layout)
{
    auto index = torch::full({layout.height, layout.width}, int64_t(-1), torch::kInt64);
    const auto areas = layout.areas(0.0);
    for (size_t i = 0; i < areas.size(); ++i)
        index.masked_fill_(areas[i].mask, int64_t(i));
    return index;
}

} // namespace

AdherenceFigure::AdherenceFigure(const PatchClassifier& classifier, int cellPixels)
    : m_classifier(classifier), m_cellPixels(cellPixels)
{
}

torch::Tensor AdherenceFigure::outlined(const torch::Tensor& image,
                                        const RegionLayout& layout) const
{
    auto index = areaIndex(layout);
    auto edge = torch::zeros_like(index, torch::kBool);
    const int t = 2 * std::max(1, layout.width / m_cellPixels); // about 2 pixels once resized
    for (int d = 1; d <= t; ++d) {
        edge.slice(1, d) |= index.slice(1, d) != index.slice(1, 0, -d);
        edge.slice(0, d) |= index.slice(0, d) != index.slice(0, 0, -d);
    }
    return torch::where(edge.unsqueeze(0), torch::ones_like(image), image);
}

torch::Tensor AdherenceFigure::layoutPanel(const RegionLayout& layout) const
{
    auto panel = torch::full({3, layout.height, layout.width}, 0.5);
    for (const LayoutArea& a : layout.areas(0.0)) {
        auto colour = m_classifier.displayColour(a.word).view({3, 1, 1}).expand_as(panel);
        panel = torch::where(a.mask.unsqueeze(0), colour, panel);
    }
    return outlined(panel, layout);
}

torch::Tensor AdherenceFigure::mapPanel(const RegionLayout& layout,
                                        const AdherenceResult& result) const
{
    std::vector<torch::Tensor> colours;
    for (const SceneConcept& c : result.candidates)
        colours.push_back(m_classifier.displayColour(c));
    const int cellSize = m_classifier.options().cell;
    auto palette = torch::stack(colours); // [K, 3]
    auto labels = result.labels.repeat_interleave(cellSize, 0).repeat_interleave(cellSize, 1);
    auto map = palette.index_select(0, labels.flatten())
                   .view({labels.size(0), labels.size(1), 3})
                   .permute({2, 0, 1})
                   .slice(1, 0, layout.height)
                   .slice(2, 0, layout.width);
    return outlined(map.contiguous(), layout);
}

torch::Tensor AdherenceFigure::cell(const torch::Tensor& image) const
{
    const int inner = m_cellPixels - 2 * kMargin;
    auto small =
        F::interpolate(
            image.unsqueeze(0).to(torch::kFloat32),
            F::InterpolateFuncOptions().size(std::vector<int64_t>{inner, inner}).mode(torch::kArea))
            .squeeze(0);
    return F::pad(small, F::PadFuncOptions({kMargin, kMargin, kMargin, kMargin}).value(1.0));
}

void AdherenceFigure::addRow(const RegionLayout& layout, const torch::Tensor& plainImage,
                             const AdherenceResult& plain, const torch::Tensor& bootImage,
                             const AdherenceResult& boot)
{
    m_cells.push_back(cell(layoutPanel(layout)));
    m_cells.push_back(cell(plainImage));
    m_cells.push_back(cell(mapPanel(layout, plain)));
    m_cells.push_back(cell(bootImage));
    m_cells.push_back(cell(mapPanel(layout, boot)));
}

Status AdherenceFigure::write(const std::string& path) const
{
    if (m_cells.empty())
        return Status::error("region-adherence figure " + path + ": no rows to draw");
    try {
        return PngWriter::write(path, PngWriter::grid(torch::stack(m_cells), kColumns, false));
    } catch (const std::exception& e) {
        return Status::error("region-adherence figure " + path + ": " + e.what());
    }
}

} // namespace md::test
