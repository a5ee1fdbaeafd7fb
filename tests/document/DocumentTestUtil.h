#pragma once

// Shared helpers for the document tests: a sample project touching every field, a scratch
// folder, and a raw zip builder that can write the hostile archives ZipWriter refuses to.

#include "document/Project.h"

#include <cstdint>
#include <string>
#include <vector>

namespace md::test {

// 96x64 canvas: a soft-gradient mask region, a box region (hidden), a hard-edged mask
// region with a non-ASCII name, non-default settings everywhere, two results.
Project sampleProject();

// A fresh empty folder under the system temp dir, removed when the object dies.
class ScratchDir
{
public:
    ScratchDir();
    ~ScratchDir();
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    std::string path(const std::string& name) const { return m_dir + "/" + name; }
    const std::string& dir() const { return m_dir; }

private:
    std::string m_dir;
};

std::vector<std::uint8_t> readAll(const std::string& path);
void writeAll(const std::string& path, const std::vector<std::uint8_t>& bytes);
std::string dataPath(const std::string& name); // tests/document/data/<name>
// ../shared/fixtures/<name> ($MD_FIXTURES_DIR overrides, as for the engine tests).
std::string fixturePath(const std::string& name);

// Writes zip archives byte by byte, stored entries only, with whatever the test says.
struct RawZipEntry
{
    std::string name;
    std::vector<std::uint8_t> data;
    std::int64_t declaredSize = -1;   // -1: the real size
    std::int64_t declaredCrc = -1;    // -1: the real CRC
    std::uint16_t method = 0;         // 0 stored; 8 means data is already raw deflate
    std::int64_t compressedSize = -1; // -1: data.size()
};
std::vector<std::uint8_t> rawZip(const std::vector<RawZipEntry>& entries);

} // namespace md::test
