#pragma once

// The random choices of one training sample: a 64-bit generator seeded from (seed, index)
// with splitmix64, so sample i is the same whatever was drawn before it.

#include <cstdint>
#include <random>
#include <vector>

namespace md {

class SceneRandom
{
public:
    SceneRandom(uint64_t seed, uint64_t index) : m_engine(mix(mix(seed) ^ (index + 1))) {}

    static uint64_t mix(uint64_t z)
    {
        z += 0x9e3779b97f4a7c15ULL;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

    // Implemented by hand (not std::uniform_*_distribution) so values are the same with
    // every standard library.
    double uniform(double lo = 0.0, double hi = 1.0)
    {
        const double u = double(m_engine() >> 11) * (1.0 / 9007199254740992.0);
        return lo + (hi - lo) * u;
    }
    int index(int n) { return n <= 1 ? 0 : int(m_engine() % uint64_t(n)); }
    bool chance(double p) { return uniform() < p; }
    uint64_t seed() { return m_engine(); }
    template <typename T> const T& pick(const std::vector<T>& items)
    {
        return items[size_t(index(int(items.size())))];
    }

private:
    std::mt19937_64 m_engine;
};

} // namespace md
