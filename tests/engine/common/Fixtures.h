#pragma once

// Paths to the reference fixtures (../shared/fixtures by default; the environment
// variable MD_FIXTURES_DIR overrides). Tests that need them FAIL when they are missing:
// a test that silently skips its comparison cannot catch anything.

#include <filesystem>
#include <string>

namespace md::test {

std::string fixturesDir();
std::string fixturePath(const std::string& name);    // fixturesDir() + "/" + name
std::string sourcePath(const std::string& relative); // inside the repository
std::string tempPath(const std::string& name);       // a fresh path under the build tree
// Creates `file` (and the folders above it) holding one byte, "x": a file that is there.
void touch(const std::filesystem::path& file);

} // namespace md::test
