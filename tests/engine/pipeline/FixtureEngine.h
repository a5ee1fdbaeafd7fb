#pragma once

// One Engine per test process with the tiny SD 1.5 fixture loaded on the CPU, shared by the
// tests that only validate, plan or estimate requests (loading it once keeps them fast).

#include "engine/Engine.h"

namespace md::test {

Engine& fixtureEngine();

} // namespace md::test
