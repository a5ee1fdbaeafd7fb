#include "engine/pipeline/FixtureEngine.h"

#include "engine/common/Fixtures.h"

#include <gtest/gtest.h>

namespace md::test {

Engine& fixtureEngine()
{
    static Engine engine;
    static const Status status = [] {
        ModelOptions o;
        o.path = fixturePath("tiny-sd15");
        o.device = "cpu";
        return engine.load(o);
    }();
    EXPECT_TRUE(status.isOk()) << status.message();
    return engine;
}

} // namespace md::test
