#pragma once

// The tests' own colour/texture classifier for images of the embedded model: nearest centroid
// over a few global features (mean colour of the whole image and of its top and bottom
// thirds, colour spread, edge energy at two scales), with the centroids taken from the
// procedural generator's renders of each word (what the model was shown for that word).

#include "engine/EngineTypes.h"
#include "training/SceneVocabulary.h"

#include <string>
#include <torch/torch.h>
#include <vector>

namespace md::test {

class SceneClassifier
{
public:
    // Prototypes from `samples` generator renders per class at `size` pixels.
    SceneClassifier(int samples = 8, int size = 128);

    static torch::Tensor toTensor(const RgbImage& image); // [3, H, W] in [0, 1]
    static torch::Tensor features(const torch::Tensor& image);

    // The nearest colour word of the image's mean colour (palette of the vocabulary).
    Colour colour(const torch::Tensor& image) const;
    // The nearest surface word.
    Surface surface(const torch::Tensor& image) const;

private:
    torch::Tensor m_centroids; // [classes, features], standardised
    torch::Tensor m_mean;      // feature standardisation
    torch::Tensor m_scale;
};

} // namespace md::test
