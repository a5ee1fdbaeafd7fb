#pragma once

// SHA-256 (FIPS 180-4), incremental, computed by OpenSSL's libcrypto (EVP).

#include <array>
#include <cstdint>
#include <memory>
#include <string>

struct evp_md_ctx_st; // OpenSSL's EVP_MD_CTX

namespace md {

class Sha256
{
public:
    Sha256(); // throws std::runtime_error when OpenSSL cannot provide SHA-256
    Sha256(Sha256&&) noexcept;
    Sha256& operator=(Sha256&&) noexcept;
    ~Sha256();

    void update(const void* data, std::size_t size);
    std::array<std::uint8_t, 32> digest(); // finishes; call once
    std::string hexDigest();               // lower-case hex of digest()

    static std::string hex(const void* data, std::size_t size);

private:
    struct Free
    {
        void operator()(evp_md_ctx_st* context) const;
    };
    std::unique_ptr<evp_md_ctx_st, Free> m_context;
};

} // namespace md
