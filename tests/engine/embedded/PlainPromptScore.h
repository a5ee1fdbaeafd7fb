#pragma once

// The plain-prompt score of a loaded model: each colour word and each scene word of the
// vocabulary alone (512 x 512, seed 1), recognised or not by the tests' SceneClassifier.
// `configure` sets the sampling (steps, cfg, sampler) of every request.

#include "engine/Engine.h"
#include "engine/embedded/SceneClassifier.h"

#include <functional>
#include <string>
#include <vector>

namespace md::test {

struct PlainPromptScore
{
    int colours = 0;                 // recognised colour words (of 11)
    int scenes = 0;                  // recognised scene words (of 14)
    int total = 0;                   // words tried
    std::vector<std::string> misses; // "word -> what the classifier saw"

    double rate() const { return total > 0 ? double(colours + scenes) / total : 0.0; }
    std::string summary() const; // "colours 11/11, scenes 13/14, total 24/25 (misses: ...)"

    // A generation that fails is printed and scored as a black image (a miss). No GTest
    // here: the benches link this file too.
    static PlainPromptScore measure(Engine& engine, const SceneClassifier& classifier,
                                    const std::function<void(GenerateRequest&)>& configure);
};

} // namespace md::test
