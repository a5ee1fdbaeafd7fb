// Random damage to saved files: every load either succeeds or fails with a message; nothing
// crashes, hangs or allocates without bound. (Run under ASan/UBSan to catch memory errors.)
#include "document/DocumentTestUtil.h"
#include "document/ProjectFile.h"

#include <gtest/gtest.h>
#include <random>

namespace md {
namespace {

void damageAndLoad(const std::vector<std::uint8_t>& good, bool png, unsigned seed, int rounds)
{
    std::mt19937 rng(seed);
    int failures = 0;
    for (int round = 0; round < rounds; ++round) {
        auto bytes = good;
        const int edits = 1 + int(rng() % 4);
        for (int e = 0; e < edits; ++e) {
            const std::size_t at = rng() % bytes.size();
            switch (rng() % 3) {
            case 0:
                bytes[at] ^= std::uint8_t(1u << (rng() % 8));
                break;
            case 1:
                bytes[at] = std::uint8_t(rng());
                break;
            default:
                bytes.resize(at + 1);
                break;
            }
        }
        auto p = png ? decodeExportPng(bytes, "fuzz.png") : decodeProjectArchive(bytes, "fuzz");
        if (!p.isOk()) {
            ++failures;
            EXPECT_FALSE(p.error().empty());
        } else {
            EXPECT_TRUE(validate(*p).isOk());
        }
    }
    // Most damage must be detected (CRCs cover every byte that matters).
    EXPECT_GT(failures, rounds * 8 / 10);
}

TEST(Corruption, DamagedArchivesFailCleanly)
{
    auto good = encodeProjectArchive(test::sampleProject());
    ASSERT_TRUE(good.isOk());
    damageAndLoad(*good, false, 11, 300);
}

TEST(Corruption, DamagedExportsFailCleanly)
{
    const Project p = test::sampleProject();
    auto good = encodeExportPng(p, p.results[0]);
    ASSERT_TRUE(good.isOk());
    damageAndLoad(*good, true, 12, 300);
}

} // namespace
} // namespace md
