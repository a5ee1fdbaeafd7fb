#pragma once

// PNG in and out for RgbImage and MaskImage, plus PNG text chunks (tEXt / zTXt / iTXt).
// libpng writes the files (text chunks included) and checks them on reading (PngCodec.h);
// OpenCV decodes the pixels.

#include "document/Project.h"
#include "engine/EngineTypes.h"
#include "engine/Status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace md {

struct PngTextChunk
{
    std::string keyword; // 1-79 printable Latin-1 characters, no leading/trailing space
    std::string text;    // UTF-8
    // Writing: pure-ASCII text without compression becomes tEXt; anything else iTXt (UTF-8),
    // zlib-compressed when `compressed`. Reading: whether the chunk was compressed.
    bool compressed = false;
};
using PngTextChunks = std::vector<PngTextChunk>;

// The first chunk with this keyword, or nullptr.
const PngTextChunk* findPngText(const PngTextChunks& chunks, const std::string& keyword);

// Images larger than this (either side) are refused before decoding.
constexpr int kMaxImageSide = 16384;

// Decoding. Any PNG (gray, RGB, RGBA, palette, 16-bit) becomes 8-bit RGB (alpha dropped).
Result<RgbImage> decodeRgbPng(const std::vector<std::uint8_t>& png, const std::string& what);
Result<RgbImage> readRgbPng(const std::string& path);
// Masks: the alpha channel when the PNG has one that is not fully opaque, else the luma
// (the gray value itself for gray PNGs); values / 255 (or / 65535 for 16-bit).
Result<MaskImage> decodeMaskPng(const std::vector<std::uint8_t>& png, const std::string& what);
Result<MaskImage> readMaskPng(const std::string& path);
// Paint layers: any PNG as 8-bit straight RGBA (no alpha channel: opaque; 16-bit: scaled).
Result<RgbaImage> decodeRgbaPng(const std::vector<std::uint8_t>& png, const std::string& what);

// Encoding. Masks are stored 8-bit gray (round(v * 255)); soft values survive within 1/255.
Result<std::vector<std::uint8_t>> encodePng(const RgbImage& image, const PngTextChunks& text = {});
Result<std::vector<std::uint8_t>> encodeMaskPng(const MaskImage& mask);
Result<std::vector<std::uint8_t>> encodeRgbaPng(const RgbaImage& image);

// Written atomically (see AtomicFile.h).
Status writePng(const std::string& path, const RgbImage& image,
                const std::vector<PngTextChunk>& text = {});
Status writeMaskPng(const std::string& path, const MaskImage& mask);

// Text chunks. Parsing checks every chunk's length and CRC, the image data and IEND.
Result<PngTextChunks> parsePngText(const std::vector<std::uint8_t>& png, const std::string& what);
Result<PngTextChunks> readPngText(const std::string& path);
// The width and height from the IHDR chunk, without decoding (the chunks before the image
// data are checked, too).
Result<std::pair<int, int>> pngSize(const std::vector<std::uint8_t>& png, const std::string& what);

} // namespace md
