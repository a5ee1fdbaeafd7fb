#include "document/Sha256.h"

#include <openssl/evp.h>
#include <stdexcept>

namespace md {

void Sha256::Free::operator()(evp_md_ctx_st* context) const
{
    EVP_MD_CTX_free(context);
}

Sha256::Sha256() : m_context(EVP_MD_CTX_new())
{
    if (!m_context || EVP_DigestInit_ex(m_context.get(), EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("OpenSSL cannot provide SHA-256");
}

Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;
Sha256::~Sha256() = default;

void Sha256::update(const void* data, std::size_t size)
{
    // Cannot fail for SHA-256 once initialised (OpenSSL only checks its arguments).
    EVP_DigestUpdate(m_context.get(), data, size);
}

std::array<std::uint8_t, 32> Sha256::digest()
{
    std::array<std::uint8_t, 32> out{};
    unsigned int size = 0;
    EVP_DigestFinal_ex(m_context.get(), out.data(), &size);
    return out;
}

std::string Sha256::hexDigest()
{
    static const char kHex[] = "0123456789abcdef";
    const auto d = digest();
    std::string out;
    out.reserve(64);
    for (std::uint8_t b : d) {
        out.push_back(kHex[b >> 4]);
        out.push_back(kHex[b & 15]);
    }
    return out;
}

std::string Sha256::hex(const void* data, std::size_t size)
{
    Sha256 h;
    h.update(data, size);
    return h.hexDigest();
}

} // namespace md
