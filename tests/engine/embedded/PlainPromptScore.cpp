#include "engine/embedded/PlainPromptScore.h"

#include <iostream>

namespace md::test {

namespace {

torch::Tensor generate(Engine& engine, const std::string& prompt,
                       const std::function<void(GenerateRequest&)>& configure)
{
    GenerateRequest r;
    r.prompt = prompt;
    r.width = 512;
    r.height = 512;
    r.seed = 1;
    configure(r);
    auto image = engine.generate(r);
    if (!image.isOk()) { // a black image: a miss (the classifier sees no colour word in it)
        std::cerr << "PlainPromptScore: " << prompt << ": " << image.error() << "\n";
        return torch::zeros({3, r.height, r.width});
    }
    return SceneClassifier::toTensor(*image);
}

} // namespace

std::string PlainPromptScore::summary() const
{
    std::string s = "colours " + std::to_string(colours) + "/" + std::to_string(kColourCount) +
                    ", scenes " + std::to_string(scenes) + "/" + std::to_string(kSurfaceCount) +
                    ", total " + std::to_string(colours + scenes) + "/" + std::to_string(total);
    if (!misses.empty()) {
        s += " (misses:";
        for (const auto& m : misses)
            s += " '" + m + "'";
        s += ")";
    }
    return s;
}

PlainPromptScore PlainPromptScore::measure(Engine& engine, const SceneClassifier& classifier,
                                           const std::function<void(GenerateRequest&)>& configure)
{
    PlainPromptScore score;
    for (Colour c : SceneVocabulary::allColours()) {
        const std::string word = SceneVocabulary::colourName(c);
        const Colour got = classifier.colour(generate(engine, word, configure));
        score.colours += got == c;
        if (got != c)
            score.misses.push_back(word + " -> " + SceneVocabulary::colourName(got));
        ++score.total;
    }
    for (Surface s : SceneVocabulary::allSurfaces()) {
        const std::string word = SceneVocabulary::surfaceName(s);
        const Surface got = classifier.surface(generate(engine, word, configure));
        score.scenes += got == s;
        if (got != s)
            score.misses.push_back(word + " -> " + SceneVocabulary::surfaceName(got));
        ++score.total;
    }
    return score;
}

} // namespace md::test
