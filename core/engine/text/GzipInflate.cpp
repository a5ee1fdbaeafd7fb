#include "engine/text/GzipInflate.h"

#include <algorithm>
#include <zlib.h>

namespace md {

Result<std::string> inflateGzip(std::string_view gz, std::size_t stopAfterLines)
{
    z_stream stream{};
    // 16 + MAX_WBITS: a gzip header and trailer around the deflate data.
    if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK)
        return Status::error("cannot start zlib's inflate");
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
    stream.avail_in = uInt(gz.size());

    std::string out;
    out.reserve(gz.size() * 2);
    constexpr std::size_t kStep = 256 * 1024;
    std::size_t lines = 0;
    int rc = Z_OK;
    while (rc != Z_STREAM_END && lines < stopAfterLines) {
        const std::size_t start = out.size();
        out.resize(start + kStep);
        stream.next_out = reinterpret_cast<Bytef*>(out.data() + start);
        stream.avail_out = uInt(kStep);
        rc = inflate(&stream, Z_NO_FLUSH);
        out.resize(start + (kStep - stream.avail_out));
        if (rc != Z_OK && rc != Z_STREAM_END) {
            const std::string reason = stream.msg ? stream.msg : "error " + std::to_string(rc);
            inflateEnd(&stream);
            return Status::error(rc == Z_BUF_ERROR ? "the gzip data is truncated"
                                                   : "the gzip data is corrupt (" + reason + ")");
        }
        if (stopAfterLines != std::numeric_limits<std::size_t>::max())
            lines += std::size_t(std::count(out.begin() + std::ptrdiff_t(start), out.end(), '\n'));
    }
    inflateEnd(&stream);
    return out;
}

} // namespace md
