#pragma once

// PNG files through libpng, for ImageIo: reading a file's header, walking a whole file to
// check it and collect its text chunks (tEXt / zTXt / iTXt), and writing 8-bit gray or RGB
// images with text chunks. Pixels are decoded elsewhere (OpenCV, ImageIo.cpp).
//
// Reading is bounded: at most kMaxPngTextBytes per decompressed text chunk and
// kMaxPngReadMemory for everything libpng allocates for one file; a chunk that claims more
// bytes than the file still holds is reported as truncated before anything is allocated for it.

#include "document/ImageIo.h"
#include "engine/Status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace md {

constexpr std::uint64_t kMaxPngTextBytes = 256ull << 20;
constexpr std::uint64_t kMaxPngReadMemory = 1ull << 30;

struct PngHeader
{
    int width = 0;
    int height = 0;
};

// The signature, IHDR and every chunk before the image data (lengths and CRCs).
Result<PngHeader> readPngHeader(const std::vector<std::uint8_t>& png, const std::string& what);

struct PngContents
{
    PngHeader header;
    PngTextChunks text; // in file order
};

// The whole file: every chunk's length and CRC, the image data's zlib stream, IEND, and the
// text chunks decoded (Latin-1 keywords and tEXt / zTXt text converted to UTF-8).
Result<PngContents> readPngContents(const std::vector<std::uint8_t>& png, const std::string& what);

// Writes an 8-bit image of `channels` 1 (gray), 3 (RGB) or 4 (RGBA, straight alpha), rows
// packed, with the text chunks
// before the image data: pure-ASCII uncompressed text as tEXt, anything else as iTXt.
Result<std::vector<std::uint8_t>> writePngBytes(const std::uint8_t* pixels, int width, int height,
                                                int channels, const PngTextChunks& text);

} // namespace md
