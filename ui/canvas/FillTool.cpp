#include "ui/canvas/FillTool.h"

#include "ui/document/DocumentController.h"

#include <cmath>
#include <vector>

namespace md {

FillTool::FillTool(DocumentController* document, QObject* parent) : CanvasTool(document, parent) {}

QRect FillTool::floodFill(MaskImage& mask, int x, int y, float value)
{
    if (x < 0 || y < 0 || x >= mask.width || y >= mask.height)
        return {};
    const int w = mask.width;
    const bool inside = mask.values[size_t(y) * w + x] >= 0.5f;
    std::vector<unsigned char> seen(size_t(w) * mask.height, 0);
    const auto matches = [&](int px, int py) {
        const size_t i = size_t(py) * w + px;
        return !seen[i] && (mask.values[i] >= 0.5f) == inside;
    };
    int minX = x, maxX = x, minY = y, maxY = y;
    std::vector<std::pair<int, int>> stack{{x, y}};
    while (!stack.empty()) {
        auto [sx, sy] = stack.back();
        stack.pop_back();
        if (!matches(sx, sy))
            continue;
        // Fill the whole run on this row, then queue the rows above and below.
        int left = sx, right = sx;
        while (left > 0 && matches(left - 1, sy))
            --left;
        while (right < w - 1 && matches(right + 1, sy))
            ++right;
        for (int px = left; px <= right; ++px) {
            const size_t i = size_t(sy) * w + px;
            seen[i] = 1;
            mask.values[i] = value;
        }
        minX = std::min(minX, left);
        maxX = std::max(maxX, right);
        minY = std::min(minY, sy);
        maxY = std::max(maxY, sy);
        for (int ny : {sy - 1, sy + 1}) {
            if (ny < 0 || ny >= mask.height)
                continue;
            for (int px = left; px <= right; ++px)
                if (matches(px, ny) && (px == left || !matches(px - 1, ny)))
                    stack.emplace_back(px, ny);
        }
    }
    return QRect(QPoint(minX, minY), QPoint(maxX, maxY));
}

void FillTool::press(const CanvasMouse& event)
{
    DocumentController* doc = document();
    const ProjectRegion* region = doc->currentRegion();
    if (!region || region->kind != RegionKind::Mask) {
        Q_EMIT message(tr("Select a painted region to fill."));
        return;
    }
    MaskImage* mask = doc->model()->mutableMask(region->id);
    if (!mask)
        return;
    const std::uint32_t id = region->id;
    const std::vector<float> before = mask->values;
    const int x = int(std::floor(event.pos.x())), y = int(std::floor(event.pos.y()));
    const float value = (event.modifiers & Qt::ShiftModifier) ? 0.f : 1.f;
    const QRect rect = floodFill(*mask, x, y, value);
    if (rect.isEmpty())
        return;
    std::vector<float> patch(size_t(rect.width()) * rect.height());
    for (int row = 0; row < rect.height(); ++row)
        std::copy_n(before.begin() + (size_t(rect.y() + row) * mask->width + rect.x()),
                    rect.width(), patch.begin() + size_t(row) * rect.width());
    doc->model()->maskEdited(id, rect);
    doc->commitMaskEdit(id, rect, std::move(patch), tr("Fill"));
}

} // namespace md
