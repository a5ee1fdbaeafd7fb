#include "engine/training/PngWriter.h"

#include <array>
#include <cstdint>
#include <fstream>
#include <vector>

namespace md {

namespace {

uint32_t crc32(const uint8_t* data, size_t size, uint32_t crc = 0)
{
    static const std::array<uint32_t, 256> table = [] {
        std::array<uint32_t, 256> t{};
        for (uint32_t n = 0; n < 256; ++n) {
            uint32_t c = n;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }();
    crc = ~crc;
    for (size_t i = 0; i < size; ++i)
        crc = table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

void put32(std::vector<uint8_t>& out, uint32_t v)
{
    for (int s = 24; s >= 0; s -= 8)
        out.push_back(uint8_t(v >> s));
}

void chunk(std::vector<uint8_t>& out, const char* type, const std::vector<uint8_t>& data)
{
    put32(out, uint32_t(data.size()));
    const size_t start = out.size();
    out.insert(out.end(), type, type + 4);
    out.insert(out.end(), data.begin(), data.end());
    put32(out, crc32(out.data() + start, out.size() - start));
}

} // namespace

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
        const uint32_t h = uint32_t(bytes.size(0)), w = uint32_t(bytes.size(1));
        const uint8_t* px = bytes.data_ptr<uint8_t>();

        std::vector<uint8_t> raw; // filter byte 0 + the row
        raw.reserve(size_t(h) * (w * 3 + 1));
        for (uint32_t y = 0; y < h; ++y) {
            raw.push_back(0);
            raw.insert(raw.end(), px + size_t(y) * w * 3, px + size_t(y + 1) * w * 3);
        }
        std::vector<uint8_t> z = {0x78, 0x01};
        uint32_t a = 1, bsum = 0;
        for (uint8_t v : raw) {
            a = (a + v) % 65521;
            bsum = (bsum + a) % 65521;
        }
        for (size_t pos = 0; pos < raw.size() || pos == 0;) {
            const size_t n = std::min<size_t>(65535, raw.size() - pos);
            const bool last = pos + n >= raw.size();
            z.push_back(last ? 1 : 0);
            z.push_back(uint8_t(n & 0xff));
            z.push_back(uint8_t(n >> 8));
            z.push_back(uint8_t(~n & 0xff));
            z.push_back(uint8_t((~n >> 8) & 0xff));
            z.insert(z.end(), raw.begin() + long(pos), raw.begin() + long(pos + n));
            pos += n;
            if (last)
                break;
        }
        put32(z, (bsum << 16) | a);

        std::vector<uint8_t> out = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        std::vector<uint8_t> ihdr;
        put32(ihdr, w);
        put32(ihdr, h);
        ihdr.insert(ihdr.end(), {8, 2, 0, 0, 0});
        chunk(out, "IHDR", ihdr);
        chunk(out, "IDAT", z);
        chunk(out, "IEND", {});
        std::ofstream f(path, std::ios::binary);
        f.write(reinterpret_cast<const char*>(out.data()), std::streamsize(out.size()));
        if (!f)
            return Status::error("cannot write " + path);
        return Status::ok();
    } catch (const std::exception& e) {
        return Status::error("PNG " + path + ": " + e.what());
    }
}

} // namespace md
