#pragma once

// SHA-256 (FIPS 180-4), incremental.

#include <array>
#include <cstdint>
#include <string>

namespace md {

class Sha256
{
public:
    Sha256();
    void update(const void* data, std::size_t size);
    std::array<std::uint8_t, 32> digest(); // finishes; call once
    std::string hexDigest();               // lower-case hex of digest()

    static std::string hex(const void* data, std::size_t size);

private:
    void block(const std::uint8_t* p);
    std::uint32_t m_h[8];
    std::uint8_t m_buffer[64];
    std::size_t m_buffered = 0;
    std::uint64_t m_length = 0; // bytes
};

} // namespace md
