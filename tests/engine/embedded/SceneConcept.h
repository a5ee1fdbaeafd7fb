#pragma once

// A word the tests' dense classifier knows: a colour (ids 0..10) or a surface (ids 11..24) of
// the embedded model's vocabulary, with the procedural generator's render of it filling the
// frame (what the model was shown for that word); or, outside the vocabulary, the stripe
// pattern that `mdtrain lora` teaches a LoRA (id 25, StripePainter's default style).

#include "training/SceneVocabulary.h"

#include <cstdint>
#include <optional>
#include <string>
#include <torch/torch.h>
#include <vector>

namespace md::test {

class SceneConcept
{
public:
    SceneConcept() = default;
    static SceneConcept of(Colour colour);
    static SceneConcept of(Surface surface);
    static SceneConcept stripes();          // the LoRA concept: magenta and yellow diagonal stripes
    static SceneConcept fromId(int id);     // 0 <= id < count() (and stripes().id())
    static int count();                     // the vocabulary's words
    static std::vector<SceneConcept> all(); // the vocabulary's words (not the LoRA concept)
    // "red", "brick wall", "magenta-yellow stripes"; nullopt for any other word.
    static std::optional<SceneConcept> fromName(const std::string& name);

    int id() const;
    bool isColour() const { return m_isColour && !m_isStripes; }
    bool isStripes() const { return m_isStripes; }
    std::string name() const;
    // [3, size, size] in [0, 1]: generator render `index` of the word filling the frame.
    torch::Tensor render(int size, uint64_t index) const;

    bool operator==(const SceneConcept& other) const { return id() == other.id(); }
    bool operator!=(const SceneConcept& other) const { return id() != other.id(); }

private:
    bool m_isColour = true;
    bool m_isStripes = false;
    Colour m_colour = Colour::Red;
    Surface m_surface = Surface::Sky;
};

} // namespace md::test
