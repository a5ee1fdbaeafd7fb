#include "engine/common/Fixtures.h"

#include "TestConfig.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace md::test {

std::string fixturesDir()
{
    if (const char* env = std::getenv("MD_FIXTURES_DIR"); env && *env)
        return env;
    return MD_FIXTURES_DIR_DEFAULT;
}

std::string fixturePath(const std::string& name)
{
    return fixturesDir() + "/" + name;
}

std::string sourcePath(const std::string& relative)
{
    return std::string(MD_SOURCE_DIR) + "/" + relative;
}

namespace {

// CTest runs each GoogleTest case as its own process, two at a time, so two cases of one
// file that share a scratch name (a fixture copy made once per process) must not meet:
// every process gets its own folder, removed when it exits (MD_KEEP_TEST_TMP=1 keeps it).
const std::filesystem::path& processScratch()
{
    static const std::filesystem::path* dir = [] { // never destroyed: used at exit
        auto* d = new std::filesystem::path(std::filesystem::path(MD_BINARY_DIR) / "test-tmp" /
                                            ("p" + std::to_string(::getpid())));
        std::error_code ec;
        std::filesystem::remove_all(*d, ec); // a reused pid's leftovers
        std::filesystem::create_directories(*d);
        const char* keep = std::getenv("MD_KEEP_TEST_TMP");
        if (!(keep && *keep && std::string(keep) != "0"))
            std::atexit([] {
                std::error_code ignored;
                std::filesystem::remove_all(processScratch(), ignored);
            });
        return d;
    }();
    return *dir;
}

} // namespace

std::string tempPath(const std::string& name)
{
    auto path = processScratch() / name;
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
    std::filesystem::create_directories(path.parent_path());
    return path.string();
}

void touch(const std::filesystem::path& file)
{
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << "x";
}

} // namespace md::test
