#include "engine/common/Fixtures.h"

#include "TestConfig.h"

#include <cstdlib>
#include <filesystem>

namespace md::test {

std::string fixturesDir()
{
    if (const char* env = std::getenv("MD_FIXTURES_DIR"); env && *env)
        return env;
    return MD_FIXTURES_DIR_DEFAULT;
}

std::string fixturePath(const std::string& name) { return fixturesDir() + "/" + name; }

std::string sourcePath(const std::string& relative)
{
    return std::string(MD_SOURCE_DIR) + "/" + relative;
}

std::string tempPath(const std::string& name)
{
    std::filesystem::path dir = std::filesystem::path(MD_BINARY_DIR) / "test-tmp";
    std::filesystem::create_directories(dir);
    auto path = dir / name;
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
    return path.string();
}

} // namespace md::test
