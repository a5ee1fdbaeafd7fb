#include "training/PngWriter.h"

#include <cstdint>
#include <limits>

// stb_image_write's implementation, compiled here once with internal linkage (STATIC), so it
// cannot clash with another copy of stb in the same binary.
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#include <stb_image_write.h>

namespace md {

torch::Tensor PngWriter::grid(const torch::Tensor& images, int columns, bool signedRange)
{
    auto x = images.detach().to(torch::kCPU, torch::kFloat32);
    if (signedRange)
        x = (x + 1.0) * 0.5;
    const int64_t b = x.size(0), h = x.size(2), w = x.size(3);
    const int64_t cols = std::max<int64_t>(1, std::min<int64_t>(columns, b));
    const int64_t rows = (b + cols - 1) / cols;
    auto out = torch::ones({3, rows * h, cols * w});
    for (int64_t i = 0; i < b; ++i) {
        const int64_t r = i / cols, c = i % cols;
        out.slice(1, r * h, (r + 1) * h).slice(2, c * w, (c + 1) * w).copy_(x[i]);
    }
    return out;
}

Status PngWriter::write(const std::string& path, const torch::Tensor& image)
{
    try {
        if (image.dim() != 3 || image.size(0) != 3)
            return Status::error("PNG " + path + ": expected a [3, H, W] image");
        torch::Tensor bytes = image.detach().to(torch::kCPU);
        if (bytes.scalar_type() != torch::kUInt8)
            bytes = (bytes.to(torch::kFloat32).clamp(0.0, 1.0) * 255.0).round().to(torch::kUInt8);
        bytes = bytes.permute({1, 2, 0}).contiguous();
        const int64_t h = bytes.size(0), w = bytes.size(1);
        // stb_image_write counts the filtered rows ((3 w + 1) h bytes) in an int.
        if (h < 1 || w < 1 || (3 * w + 1) * h > std::numeric_limits<int>::max())
            return Status::error("PNG " + path + ": a " + std::to_string(w) + "x" +
                                 std::to_string(h) + " image is empty or too large for one file");
        const int width = int(w), height = int(h);
        if (!stbi_write_png(path.c_str(), width, height, 3, bytes.data_ptr<uint8_t>(), width * 3))
            return Status::error("cannot write " + path);
        return Status::ok();
    } catch (const std::exception& e) {
        return Status::error("PNG " + path + ": " + e.what());
    }
}

} // namespace md
