#include "document/Deflate.h"

#include <climits>
#include <zlib.h>

namespace md {

std::uint32_t crc32Of(const std::uint8_t* data, std::size_t size, std::uint32_t crc)
{
    uLong c = crc;
    while (size > 0) {
        const uInt n = size > UINT_MAX ? UINT_MAX : uInt(size);
        c = ::crc32(c, data, n);
        data += n;
        size -= n;
    }
    return std::uint32_t(c);
}

Result<std::vector<std::uint8_t>> deflateBytes(const std::uint8_t* data, std::size_t size,
                                               DeflateFormat format, int level)
{
    z_stream zs{};
    const int windowBits = format == DeflateFormat::Raw ? -15 : 15;
    if (deflateInit2(&zs, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return Status::error("zlib: cannot start compressing");
    std::vector<std::uint8_t> out(deflateBound(&zs, uLong(size)) + 16);
    zs.next_in = const_cast<Bytef*>(data);
    zs.next_out = out.data();
    std::size_t inLeft = size;
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        const uInt inChunk = inLeft > (1u << 30) ? (1u << 30) : uInt(inLeft);
        zs.avail_in = inChunk;
        if (zs.total_out >= out.size()) {
            out.resize(out.size() * 2);
        }
        zs.next_out = out.data() + zs.total_out;
        const std::size_t outLeft = out.size() - zs.total_out;
        zs.avail_out = outLeft > (1u << 30) ? (1u << 30) : uInt(outLeft);
        rc = deflate(&zs, inLeft == inChunk ? Z_FINISH : Z_NO_FLUSH);
        inLeft -= inChunk - zs.avail_in;
        if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
            deflateEnd(&zs);
            return Status::error("zlib: compression failed");
        }
    }
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

Result<std::vector<std::uint8_t>> inflateBytes(const std::uint8_t* data, std::size_t size,
                                               DeflateFormat format, std::uint64_t maxOutput,
                                               const std::string& what)
{
    z_stream zs{};
    const int windowBits = format == DeflateFormat::Raw ? -15 : 15;
    if (inflateInit2(&zs, windowBits) != Z_OK)
        return Status::error(what + ": zlib cannot start decompressing");
    std::vector<std::uint8_t> out;
    out.resize(
        std::size_t(std::min<std::uint64_t>(maxOutput, std::max<std::size_t>(size * 4, 4096))));
    zs.next_in = const_cast<Bytef*>(data);
    std::size_t inLeft = size;
    int rc = Z_OK;
    for (;;) {
        if (zs.total_out == out.size()) {
            if (out.size() >= maxOutput) {
                // Full: either the stream ends exactly here or it is too large.
                std::uint8_t probe;
                zs.next_out = &probe;
                zs.avail_out = 1;
                const uInt inChunk = inLeft > (1u << 30) ? (1u << 30) : uInt(inLeft);
                zs.avail_in = inChunk;
                rc = inflate(&zs, Z_NO_FLUSH);
                inLeft -= inChunk - zs.avail_in;
                if (rc == Z_STREAM_END && zs.avail_out == 1)
                    break;
                inflateEnd(&zs);
                return Status::error(what + ": decompresses to more than " +
                                     std::to_string(maxOutput) + " bytes (the limit)");
            }
            out.resize(std::size_t(std::min<std::uint64_t>(maxOutput, out.size() * 2)));
        }
        const uInt inChunk = inLeft > (1u << 30) ? (1u << 30) : uInt(inLeft);
        zs.avail_in = inChunk;
        zs.next_out = out.data() + zs.total_out;
        const std::size_t outLeft = out.size() - zs.total_out;
        zs.avail_out = outLeft > (1u << 30) ? (1u << 30) : uInt(outLeft);
        rc = inflate(&zs, Z_NO_FLUSH);
        inLeft -= inChunk - zs.avail_in;
        if (rc == Z_STREAM_END)
            break;
        if (rc == Z_BUF_ERROR && inLeft == 0 && zs.avail_out > 0) {
            inflateEnd(&zs);
            return Status::error(what + ": the compressed data ends early (truncated)");
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            inflateEnd(&zs);
            return Status::error(what + ": the compressed data is corrupt (" +
                                 (zs.msg ? std::string(zs.msg) : std::string("zlib error")) + ")");
        }
        if (rc == Z_OK && inLeft == 0 && zs.avail_in == 0 && zs.avail_out > 0) {
            // No input left and zlib still wants more.
            inflateEnd(&zs);
            return Status::error(what + ": the compressed data ends early (truncated)");
        }
    }
    out.resize(zs.total_out);
    const bool trailing = inLeft > 0 || zs.avail_in > 0;
    inflateEnd(&zs);
    if (trailing)
        return Status::error(what + ": unexpected bytes after the end of the compressed data");
    return out;
}

} // namespace md
