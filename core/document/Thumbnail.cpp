#include "document/Thumbnail.h"

#include <algorithm>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace md {

namespace {

cv::Mat regionsPicture(const Project& p)
{
    cv::Mat3f canvas(p.height, p.width, cv::Vec3f(0.5f, 0.5f, 0.5f));
    for (const ProjectRegion& r : p.regions) {
        if (!r.visible)
            continue;
        const cv::Vec3f colour(r.colour.r / 255.f, r.colour.g / 255.f, r.colour.b / 255.f);
        for (int y = 0; y < p.height; ++y) {
            cv::Vec3f* row = canvas.ptr<cv::Vec3f>(y);
            for (int x = 0; x < p.width; ++x) {
                float a = 0.f;
                if (r.kind == RegionKind::Box) {
                    a = (x >= r.box.x && x < r.box.x + r.box.width && y >= r.box.y &&
                         y < r.box.y + r.box.height)
                            ? 1.f
                            : 0.f;
                } else if (r.mask.values.size() == std::size_t(p.width) * p.height) {
                    a = r.mask.values[std::size_t(y) * p.width + x];
                }
                row[x] = row[x] * (1.f - 0.8f * a) + colour * (0.8f * a);
            }
        }
    }
    cv::Mat out;
    canvas.convertTo(out, CV_8UC3, 255.0);
    return out;
}

} // namespace

RgbImage makeThumbnail(const Project& project, int maxSide)
{
    RgbImage out;
    try {
        cv::Mat source;
        if (!project.results.empty() && !project.results.back().image.empty()) {
            const RgbImage& img = project.results.back().image;
            source = cv::Mat(img.height, img.width, CV_8UC3,
                             const_cast<std::uint8_t*>(img.pixels.data()))
                         .clone();
        } else if (project.width > 0 && project.height > 0) {
            source = regionsPicture(project);
        } else {
            return out;
        }
        const double scale =
            std::min(1.0, double(maxSide) / double(std::max(source.cols, source.rows)));
        const int w = std::max(1, int(source.cols * scale + 0.5));
        const int h = std::max(1, int(source.rows * scale + 0.5));
        cv::Mat small;
        cv::resize(source, small, cv::Size(w, h), 0, 0, cv::INTER_AREA);
        out.width = w;
        out.height = h;
        out.pixels.assign(small.data, small.data + std::size_t(w) * h * 3);
    } catch (const std::exception&) {
        out = RgbImage();
    }
    return out;
}

} // namespace md
