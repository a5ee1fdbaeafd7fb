#include "document/PngCodec.h"

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <png.h>
#include <zlib.h>

namespace md {

namespace {

// Pixels are never allocated while reading here, so libpng's own default side limit stays;
// ImageIo refuses images above kMaxImageSide before decoding them.
constexpr png_uint_32 kMaxSide = 1000000;
constexpr int kImageCompressionLevel = 6;
constexpr int kTextCompressionLevel = 9;

// What libpng said, kept in C arrays: libpng leaves its callbacks by longjmp.
struct Messages
{
    char error[512] = {};
    char textWarning[512] = {}; // the first warning about a text chunk (one libpng dropped)
};

struct ReadContext
{
    Messages messages;
    const std::uint8_t* data = nullptr;
    std::size_t size = 0;
    std::size_t pos = 0;
    std::uint64_t allocated = 0;
    bool overBudget = false;
    bool truncated = false;
    std::size_t truncatedChunkAt = 0;
    char truncatedChunk[5] = {};
};

struct WriteContext
{
    Messages messages;
    std::vector<std::uint8_t>* out = nullptr;
};

bool isTextChunk(png_uint_32 type)
{
    char name[4];
    for (int i = 0; i < 4; ++i)
        name[i] = char(type >> (24 - 8 * i));
    return std::memcmp(name, "tEXt", 4) == 0 || std::memcmp(name, "zTXt", 4) == 0 ||
           std::memcmp(name, "iTXt", 4) == 0;
}

void onError(png_structp png, png_const_charp message)
{
    auto* m = static_cast<Messages*>(png_get_error_ptr(png));
    if (m && !m->error[0])
        std::snprintf(m->error, sizeof m->error, "%s", message);
    png_longjmp(png, 1);
}

void onWarning(png_structp png, png_const_charp message)
{
    auto* m = static_cast<Messages*>(png_get_error_ptr(png));
    if (m && !m->textWarning[0] && isTextChunk(png_get_io_chunk_type(png)))
        std::snprintf(m->textWarning, sizeof m->textWarning, "%s", message);
}

// The allocator behind every libpng allocation while reading, within kMaxPngReadMemory.
constexpr std::size_t kBlockHeader = alignof(std::max_align_t);

png_voidp budgetMalloc(png_structp png, png_alloc_size_t size)
{
    auto* ctx = static_cast<ReadContext*>(png_get_mem_ptr(png));
    if (size > kMaxPngReadMemory - ctx->allocated) {
        ctx->overBudget = true;
        return nullptr;
    }
    auto* block = static_cast<unsigned char*>(std::malloc(size + kBlockHeader));
    if (!block)
        return nullptr;
    std::memcpy(block, &size, sizeof size);
    ctx->allocated += size;
    return block + kBlockHeader;
}

void budgetFree(png_structp png, png_voidp p)
{
    if (!p)
        return;
    auto* ctx = static_cast<ReadContext*>(png_get_mem_ptr(png));
    unsigned char* block = static_cast<unsigned char*>(p) - kBlockHeader;
    png_alloc_size_t size = 0;
    std::memcpy(&size, block, sizeof size);
    ctx->allocated -= size;
    std::free(block);
}

// Serves the file's bytes. A chunk header whose length runs past the end of the file stops
// the read here, before libpng allocates anything for the chunk.
void readBytes(png_structp png, png_bytep out, std::size_t n)
{
    auto* ctx = static_cast<ReadContext*>(png_get_io_ptr(png));
    if (n > ctx->size - ctx->pos) {
        ctx->truncated = true;
        png_error(png, "the file ends early");
    }
    std::memcpy(out, ctx->data + ctx->pos, n);
    ctx->pos += n;
    if ((png_get_io_state(png) & PNG_IO_MASK_LOC) == PNG_IO_CHUNK_HDR && n == 8 &&
        std::uint64_t(png_get_uint_32(out)) + 4 > ctx->size - ctx->pos) {
        ctx->truncated = true;
        ctx->truncatedChunkAt = ctx->pos - 8;
        std::memcpy(ctx->truncatedChunk, out + 4, 4);
        png_error(png, "a chunk runs past the end of the file");
    }
}

// libpng reports errors by longjmp to the setjmp in these two functions: no object with a
// destructor may live in them or in anything libpng calls back.
bool readHeaderGuarded(png_structp png, png_infop info)
{
    if (setjmp(png_jmpbuf(png)))
        return false;
    png_read_info(png, info);
    return true;
}

bool readWholeGuarded(png_structp png, png_infop info)
{
    if (setjmp(png_jmpbuf(png)))
        return false;
    png_read_info(png, info);
    png_read_update_info(png, info);
    png_read_end(png, info); // inflates the image data without keeping it, then reads to IEND
    return true;
}

class PngReader
{
public:
    explicit PngReader(const std::vector<std::uint8_t>& png)
    {
        m_ctx.data = png.data();
        m_ctx.size = png.size();
        m_png = png_create_read_struct_2(PNG_LIBPNG_VER_STRING, &m_ctx.messages, onError, onWarning,
                                         &m_ctx, budgetMalloc, budgetFree);
        if (m_png)
            m_info = png_create_info_struct(m_png);
        if (!m_info)
            return;
        png_set_read_fn(m_png, &m_ctx, readBytes);
        png_set_crc_action(m_png, PNG_CRC_ERROR_QUIT, PNG_CRC_ERROR_QUIT);
        png_set_user_limits(m_png, kMaxSide, kMaxSide);
        png_set_chunk_malloc_max(m_png, png_alloc_size_t(kMaxPngTextBytes));
    }
    ~PngReader() { png_destroy_read_struct(&m_png, m_info ? &m_info : nullptr, nullptr); }
    PngReader(const PngReader&) = delete;
    PngReader& operator=(const PngReader&) = delete;

    png_structp png() const { return m_png; }
    png_infop info() const { return m_info; }

    // The signature, IHDR and the chunks before the image data; with `whole`, the rest too.
    Status read(bool whole, const std::string& what)
    {
        if (m_ctx.size < 8 || png_sig_cmp(m_ctx.data, 0, 8) != 0)
            return Status::error(what + ": not a PNG file (bad signature)");
        const bool ok =
            m_info && (whole ? readWholeGuarded(m_png, m_info) : readHeaderGuarded(m_png, m_info));
        return check(ok, what);
    }

    PngHeader header() const
    {
        PngHeader h;
        h.width = int(png_get_image_width(m_png, m_info));
        h.height = int(png_get_image_height(m_png, m_info));
        return h;
    }

private:
    Status check(bool ok, const std::string& what) const
    {
        if (!m_info)
            return Status::error(what + ": libpng could not start reading (out of memory)");
        if (m_ctx.truncated && m_ctx.truncatedChunk[0])
            return Status::error(what + ": the PNG is truncated (chunk " +
                                 std::string(m_ctx.truncatedChunk, 4) + " at byte " +
                                 std::to_string(m_ctx.truncatedChunkAt) +
                                 " runs past the end of the file)");
        if (m_ctx.truncated)
            return Status::error(what + ": the PNG is truncated (it ends inside a chunk or "
                                        "before its IEND chunk)");
        if (m_ctx.overBudget)
            return Status::error(what + ": reading the PNG needs more than " +
                                 std::to_string(kMaxPngReadMemory >> 20) +
                                 " MiB of memory (the limit); the file is damaged or hostile");
        if (!ok)
            return Status::error(what + ": the PNG is damaged (" +
                                 std::string(m_ctx.messages.error) + ")");
        if (m_ctx.messages.textWarning[0])
            return Status::error(what + ": a PNG text chunk cannot be read (" +
                                 std::string(m_ctx.messages.textWarning) + ")");
        return Status::ok();
    }

    ReadContext m_ctx;
    png_structp m_png = nullptr;
    png_infop m_info = nullptr;
};

std::string latin1ToUtf8(const char* s, std::size_t size)
{
    std::string out;
    out.reserve(size);
    for (std::size_t i = 0; i < size; ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            out.push_back(char(c));
        } else {
            out.push_back(char(0xc0 | (c >> 6)));
            out.push_back(char(0x80 | (c & 0x3f)));
        }
    }
    return out;
}

bool isAscii(const std::string& s)
{
    for (unsigned char c : s) {
        if (c >= 0x80)
            return false;
    }
    return true;
}

Status checkKeyword(const std::string& k)
{
    if (k.empty() || k.size() > 79)
        return Status::error("PNG text keyword \"" + k + "\" must be 1 to 79 characters long");
    if (k.front() == ' ' || k.back() == ' ')
        return Status::error("PNG text keyword \"" + k + "\" must not start or end with a space");
    if (k.find("  ") != std::string::npos)
        return Status::error("PNG text keyword \"" + k + "\" must not hold two spaces in a row");
    for (unsigned char c : k) {
        if (!((c >= 32 && c <= 126) || c >= 161))
            return Status::error("PNG text keyword \"" + k + "\" holds an unprintable character");
    }
    return Status::ok();
}

void writeBytes(png_structp png, png_bytep data, std::size_t n)
{
    auto* ctx = static_cast<WriteContext*>(png_get_io_ptr(png));
    bool failed = false;
    try {
        ctx->out->insert(ctx->out->end(), data, data + n);
    } catch (...) {
        failed = true;
    }
    if (failed)
        png_error(png, "out of memory");
}

void flushBytes(png_structp) {}

struct WriteJob
{
    const std::uint8_t* pixels;
    png_uint_32 width;
    png_uint_32 height;
    int channels;
    png_textp text;
    int textCount;
};

bool writeGuarded(png_structp png, png_infop info, WriteContext* ctx, const WriteJob& job)
{
    if (setjmp(png_jmpbuf(png)))
        return false;
    png_set_write_fn(png, ctx, writeBytes, flushBytes);
    png_set_IHDR(png, info, job.width, job.height, 8,
                 job.channels == 4   ? PNG_COLOR_TYPE_RGB_ALPHA
                 : job.channels == 3 ? PNG_COLOR_TYPE_RGB
                                     : PNG_COLOR_TYPE_GRAY,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(png, kImageCompressionLevel);
    // zlib's default strategy, as OpenCV's encoder asked for (libpng would pick Z_FILTERED):
    // results come out as small as they did when OpenCV wrote them.
    png_set_compression_strategy(png, Z_DEFAULT_STRATEGY);
    png_set_text_compression_level(png, kTextCompressionLevel);
    if (job.textCount > 0)
        png_set_text(png, info, job.text, job.textCount);
    png_write_info(png, info);
    const std::size_t stride = std::size_t(job.width) * std::size_t(job.channels);
    for (png_uint_32 y = 0; y < job.height; ++y)
        png_write_row(png, const_cast<png_bytep>(job.pixels + stride * y));
    png_write_end(png, nullptr);
    return true;
}

} // namespace

Result<PngHeader> readPngHeader(const std::vector<std::uint8_t>& png, const std::string& what)
{
    PngReader reader(png);
    if (auto s = reader.read(false, what); !s)
        return s;
    return reader.header();
}

Result<PngContents> readPngContents(const std::vector<std::uint8_t>& png, const std::string& what)
{
    PngReader reader(png);
    if (auto s = reader.read(true, what); !s)
        return s;
    PngContents out;
    out.header = reader.header();
    png_textp text = nullptr;
    const int count = png_get_text(reader.png(), reader.info(), &text, nullptr);
    for (int i = 0; i < count; ++i) {
        const png_text& t = text[i];
        const bool international = t.compression >= PNG_ITXT_COMPRESSION_NONE;
        const char* body = t.text ? t.text : "";
        PngTextChunk c;
        c.keyword = latin1ToUtf8(t.key, std::strlen(t.key));
        c.text =
            international ? std::string(body, t.itxt_length) : latin1ToUtf8(body, t.text_length);
        c.compressed = t.compression == PNG_TEXT_COMPRESSION_zTXt ||
                       t.compression == PNG_ITXT_COMPRESSION_zTXt;
        out.text.push_back(std::move(c));
    }
    return out;
}

Result<std::vector<std::uint8_t>> writePngBytes(const std::uint8_t* pixels, int width, int height,
                                                int channels, const PngTextChunks& text)
{
    if (width <= 0 || height <= 0 || (channels != 1 && channels != 3 && channels != 4))
        return Status::error("cannot write a PNG of " + std::to_string(width) + "x" +
                             std::to_string(height) + " with " + std::to_string(channels) +
                             " channels");
    // libpng takes C strings: copies that outlive the write.
    std::vector<std::string> keys;
    std::vector<std::string> bodies;
    for (const PngTextChunk& t : text) {
        if (auto s = checkKeyword(t.keyword); !s)
            return s;
        if (t.text.find('\0') != std::string::npos)
            return Status::error("PNG text chunk \"" + t.keyword + "\" holds a NUL byte");
        if (t.text.size() > 0x7fffff00u)
            return Status::error("PNG text chunk \"" + t.keyword + "\" is too large");
        keys.push_back(t.keyword);
        bodies.push_back(t.text);
    }
    std::vector<png_text> chunks(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        png_text& c = chunks[i];
        c.key = keys[i].data();
        c.text = bodies[i].data();
        if (!text[i].compressed && isAscii(text[i].text)) {
            c.compression = PNG_TEXT_COMPRESSION_NONE;
            c.text_length = bodies[i].size();
        } else {
            c.compression =
                text[i].compressed ? PNG_ITXT_COMPRESSION_zTXt : PNG_ITXT_COMPRESSION_NONE;
            c.itxt_length = bodies[i].size();
        }
    }

    std::vector<std::uint8_t> out;
    WriteContext ctx;
    ctx.out = &out;
    png_structp png =
        png_create_write_struct(PNG_LIBPNG_VER_STRING, &ctx.messages, onError, onWarning);
    png_infop info = png ? png_create_info_struct(png) : nullptr;
    if (!info) {
        png_destroy_write_struct(&png, nullptr);
        return Status::error("libpng could not start writing (out of memory)");
    }
    const WriteJob job{pixels,   png_uint_32(width), png_uint_32(height),
                       channels, chunks.data(),      int(chunks.size())};
    const bool ok = writeGuarded(png, info, &ctx, job);
    png_destroy_write_struct(&png, &info);
    if (!ok)
        return Status::error(std::string("libpng could not write the PNG: ") + ctx.messages.error);
    return out;
}

} // namespace md
