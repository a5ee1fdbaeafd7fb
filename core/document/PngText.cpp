// PNG chunk parsing and text-chunk insertion (declared in ImageIo.h).
#include "document/AtomicFile.h"
#include "document/Deflate.h"
#include "document/ImageIo.h"

#include <cstring>

namespace md {

namespace {

constexpr std::uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
constexpr std::uint64_t kMaxTextBytes = 256ull << 20; // one decompressed text chunk
constexpr std::uint64_t kMaxPngFile = 1ull << 30;

std::uint32_t be32(const std::uint8_t* p)
{
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) |
           std::uint32_t(p[3]);
}

void putBe32(std::vector<std::uint8_t>& out, std::uint32_t v)
{
    out.push_back(std::uint8_t(v >> 24));
    out.push_back(std::uint8_t(v >> 16));
    out.push_back(std::uint8_t(v >> 8));
    out.push_back(std::uint8_t(v));
}

struct Chunk
{
    std::size_t offset = 0; // of the length field
    std::string type;
    const std::uint8_t* data = nullptr;
    std::uint32_t length = 0;
};

// Walks the chunks, checking bounds and CRCs; stops after IEND.
Result<std::vector<Chunk>> walkChunks(const std::vector<std::uint8_t>& png, const std::string& what)
{
    if (png.size() < 8 || std::memcmp(png.data(), kSignature, 8) != 0)
        return Status::error(what + ": not a PNG file (bad signature)");
    std::vector<Chunk> chunks;
    std::size_t pos = 8;
    for (;;) {
        if (png.size() - pos < 12)
            return Status::error(what + ": the PNG is truncated (chunk header at byte " +
                                 std::to_string(pos) + " runs past the end)");
        Chunk c;
        c.offset = pos;
        c.length = be32(&png[pos]);
        if (c.length > 0x7fffffffu)
            return Status::error(what + ": a PNG chunk at byte " + std::to_string(pos) +
                                 " declares an invalid length " + std::to_string(c.length));
        c.type.assign(reinterpret_cast<const char*>(&png[pos + 4]), 4);
        for (char ch : c.type) {
            if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')))
                return Status::error(what + ": a PNG chunk at byte " + std::to_string(pos) +
                                     " has an invalid type");
        }
        if (png.size() - pos - 12 < c.length)
            return Status::error(what + ": the PNG is truncated (chunk " + c.type + " at byte " +
                                 std::to_string(pos) + " declares " + std::to_string(c.length) +
                                 " bytes, only " + std::to_string(png.size() - pos - 12) +
                                 " remain)");
        c.data = &png[pos + 8];
        const std::uint32_t stored = be32(&png[pos + 8 + c.length]);
        const std::uint32_t actual = crc32Of(&png[pos + 4], c.length + 4);
        if (stored != actual)
            return Status::error(what + ": PNG chunk " + c.type + " at byte " +
                                 std::to_string(pos) + " fails its CRC check (corrupt file)");
        chunks.push_back(c);
        pos += 12 + std::size_t(c.length);
        if (c.type == "IEND")
            break;
    }
    if (chunks.empty() || chunks.front().type != "IHDR")
        return Status::error(what + ": the PNG does not start with an IHDR chunk");
    return chunks;
}

std::string latin1ToUtf8(const std::string& s)
{
    std::string out;
    out.reserve(s.size());
    for (unsigned char c : s) {
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
    for (unsigned char c : k) {
        if (!((c >= 32 && c <= 126) || c >= 161))
            return Status::error("PNG text keyword \"" + k + "\" holds an unprintable character");
    }
    return Status::ok();
}

Result<PngTextChunk> parseTextChunk(const Chunk& c, const std::string& what)
{
    const std::string where =
        what + ": PNG " + c.type + " chunk at byte " + std::to_string(c.offset);
    const std::uint8_t* begin = c.data;
    const std::uint8_t* end = c.data + c.length;
    const std::uint8_t* nul = static_cast<const std::uint8_t*>(std::memchr(begin, 0, c.length));
    if (!nul || nul == begin || nul - begin > 79)
        return Status::error(where + " has no valid keyword");
    PngTextChunk out;
    out.keyword = latin1ToUtf8(std::string(begin, nul));
    const std::uint8_t* p = nul + 1;
    if (c.type == "tEXt") {
        out.text = latin1ToUtf8(std::string(p, end));
        return out;
    }
    if (c.type == "zTXt") {
        if (p >= end || *p != 0)
            return Status::error(where + " uses an unknown compression method");
        auto inflated = inflateBytes(p + 1, std::size_t(end - p - 1), DeflateFormat::Zlib,
                                     kMaxTextBytes, where);
        if (!inflated)
            return inflated.status();
        out.text = latin1ToUtf8(std::string(inflated->begin(), inflated->end()));
        out.compressed = true;
        return out;
    }
    // iTXt: flag, method, language\0, translated keyword\0, text
    if (end - p < 2)
        return Status::error(where + " is truncated");
    const bool compressed = p[0] != 0;
    if (p[0] > 1 || (compressed && p[1] != 0))
        return Status::error(where + " uses an unknown compression flag or method");
    p += 2;
    for (int field = 0; field < 2; ++field) {
        const auto* z = static_cast<const std::uint8_t*>(std::memchr(p, 0, std::size_t(end - p)));
        if (!z)
            return Status::error(where + " is truncated (missing language or translated keyword)");
        p = z + 1;
    }
    if (compressed) {
        auto inflated =
            inflateBytes(p, std::size_t(end - p), DeflateFormat::Zlib, kMaxTextBytes, where);
        if (!inflated)
            return inflated.status();
        out.text.assign(inflated->begin(), inflated->end());
    } else {
        out.text.assign(p, end);
    }
    out.compressed = compressed;
    return out;
}

void appendChunk(std::vector<std::uint8_t>& out, const char* type,
                 const std::vector<std::uint8_t>& data)
{
    putBe32(out, std::uint32_t(data.size()));
    const std::size_t typeAt = out.size();
    out.insert(out.end(), type, type + 4);
    out.insert(out.end(), data.begin(), data.end());
    putBe32(out, crc32Of(&out[typeAt], data.size() + 4));
}

Result<std::vector<std::uint8_t>> encodeTextChunk(const PngTextChunk& t, std::string& type)
{
    if (auto s = checkKeyword(t.keyword); !s)
        return s;
    std::vector<std::uint8_t> data(t.keyword.begin(), t.keyword.end());
    data.push_back(0);
    if (!t.compressed && isAscii(t.text)) {
        type = "tEXt";
        data.insert(data.end(), t.text.begin(), t.text.end());
        return data;
    }
    type = "iTXt";
    data.push_back(t.compressed ? 1 : 0);
    data.push_back(0); // method: zlib
    data.push_back(0); // empty language tag
    data.push_back(0); // empty translated keyword
    if (t.compressed) {
        auto z = deflateBytes(reinterpret_cast<const std::uint8_t*>(t.text.data()), t.text.size(),
                              DeflateFormat::Zlib, 9);
        if (!z)
            return z.status();
        data.insert(data.end(), z->begin(), z->end());
    } else {
        data.insert(data.end(), t.text.begin(), t.text.end());
    }
    if (data.size() > 0x7fffffffu)
        return Status::error("PNG text chunk \"" + t.keyword + "\" is too large");
    return data;
}

} // namespace

const PngTextChunk* findPngText(const PngTextChunks& chunks, const std::string& keyword)
{
    for (const auto& c : chunks) {
        if (c.keyword == keyword)
            return &c;
    }
    return nullptr;
}

Result<PngTextChunks> parsePngText(const std::vector<std::uint8_t>& png, const std::string& what)
{
    auto chunks = walkChunks(png, what);
    if (!chunks)
        return chunks.status();
    PngTextChunks out;
    for (const Chunk& c : *chunks) {
        if (c.type != "tEXt" && c.type != "zTXt" && c.type != "iTXt")
            continue;
        auto t = parseTextChunk(c, what);
        if (!t)
            return t.status();
        out.push_back(std::move(t.value()));
    }
    return out;
}

Result<PngTextChunks> readPngText(const std::string& path)
{
    auto bytes = readFileBytes(path, kMaxPngFile);
    if (!bytes)
        return bytes.status();
    return parsePngText(*bytes, path);
}

Result<std::vector<std::uint8_t>> insertPngText(const std::vector<std::uint8_t>& png,
                                                const PngTextChunks& text)
{
    auto chunks = walkChunks(png, "encoded PNG");
    if (!chunks)
        return chunks.status();
    std::size_t idatAt = 0;
    for (const Chunk& c : *chunks) {
        if (c.type == "IDAT") {
            idatAt = c.offset;
            break;
        }
    }
    if (idatAt == 0)
        return Status::error("encoded PNG has no IDAT chunk");
    std::vector<std::uint8_t> out(png.begin(), png.begin() + std::ptrdiff_t(idatAt));
    for (const PngTextChunk& t : text) {
        std::string type;
        auto data = encodeTextChunk(t, type);
        if (!data)
            return data.status();
        appendChunk(out, type.c_str(), *data);
    }
    out.insert(out.end(), png.begin() + std::ptrdiff_t(idatAt), png.end());
    return out;
}

Status checkPngStructure(const std::vector<std::uint8_t>& png, const std::string& what)
{
    auto chunks = walkChunks(png, what);
    if (!chunks)
        return chunks.status();
    if (chunks->back().type != "IEND")
        return Status::error(what + ": the PNG is truncated (no IEND chunk)");
    return Status::ok();
}

Result<std::pair<int, int>> pngSize(const std::vector<std::uint8_t>& png, const std::string& what)
{
    if (png.size() < 8 + 8 + 13 + 4 || std::memcmp(png.data(), kSignature, 8) != 0)
        return Status::error(what + ": not a PNG file (bad signature or too short)");
    if (be32(&png[8]) != 13 || std::memcmp(&png[12], "IHDR", 4) != 0)
        return Status::error(what + ": the PNG does not start with a valid IHDR chunk");
    const std::uint32_t w = be32(&png[16]);
    const std::uint32_t h = be32(&png[20]);
    if (w == 0 || h == 0 || w > 0x7fffffffu || h > 0x7fffffffu)
        return Status::error(what + ": the PNG declares an invalid size " + std::to_string(w) +
                             "x" + std::to_string(h));
    return std::make_pair(int(w), int(h));
}

} // namespace md
