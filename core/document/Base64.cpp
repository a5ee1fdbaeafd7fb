#include "document/Base64.h"

#include <algorithm>
#include <openssl/evp.h>

namespace md {

namespace {

// EVP_EncodeBlock / EVP_DecodeBlock take an int length; larger inputs go in slices whose
// sizes keep the 3-byte / 4-character groups whole.
constexpr std::size_t kEncodeSlice = std::size_t(3) << 28; // 768 MiB of bytes
constexpr std::size_t kDecodeSlice = std::size_t(4) << 28; // 1 GiB of text

bool isBase64Char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/';
}

} // namespace

std::string base64Encode(const std::uint8_t* data, std::size_t size)
{
    std::string out((size + 2) / 3 * 4, '\0');
    std::size_t written = 0;
    for (std::size_t at = 0; at < size; at += kEncodeSlice) {
        const std::size_t n = std::min(kEncodeSlice, size - at);
        written += std::size_t(
            EVP_EncodeBlock(reinterpret_cast<unsigned char*>(&out[written]), data + at, int(n)));
    }
    out.resize(written);
    return out;
}

Result<std::vector<std::uint8_t>> base64Decode(const std::string& text)
{
    // OpenSSL's decoder skips surrounding whitespace and takes '=' anywhere in the last
    // group; the format here is stricter, so the text is checked first.
    if (text.size() % 4 != 0)
        return Status::error("base64 text has a length that is not a multiple of 4");
    std::size_t padding = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '=' && i + 2 >= text.size()) { // the last two characters may be padding
            ++padding;
            continue;
        }
        if (padding > 0)
            return Status::error("base64 text has data after its padding");
        if (!isBase64Char(c))
            return Status::error("base64 text holds an invalid character at offset " +
                                 std::to_string(i));
    }
    std::vector<std::uint8_t> out(text.size() / 4 * 3);
    std::size_t written = 0;
    for (std::size_t at = 0; at < text.size(); at += kDecodeSlice) {
        const std::size_t n = std::min(kDecodeSlice, text.size() - at);
        const int got = EVP_DecodeBlock(
            out.data() + written, reinterpret_cast<const unsigned char*>(text.data() + at), int(n));
        if (got < 0)
            return Status::error("base64 text is malformed");
        written += std::size_t(got);
    }
    // EVP_DecodeBlock counts the padding as zero bytes.
    out.resize(written - padding);
    return out;
}

} // namespace md
