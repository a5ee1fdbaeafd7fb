#pragma once

// The tests' own dense colour/texture classifier for images of the embedded model: each
// `cell` x `cell` patch of an image is given the nearest of a few candidate concepts (the
// words of a region layout), judged from simple features of the `window` x `window`
// neighbourhood centred on it: mean colour (weighted double: the model's textures differ more
// from the generator's than its colours do), colour spread, and luminance edge energy at the
// pixel scale and at a 4x coarser scale. Each concept is described by a few prototypes
// (k-means over the features of the procedural generator's renders of that word, i.e. what
// the model was shown for it); a patch goes to the concept with the nearest prototype.

#include "engine/embedded/SceneConcept.h"

#include <torch/torch.h>
#include <vector>

namespace md::test {

class PatchClassifier
{
public:
    struct Options
    {
        int renderSize = 512;      // generator renders (the model's training size)
        int samples = 3;           // renders per concept
        int prototypes = 16;       // k-means prototypes per concept
        int cell = 16;             // label resolution in pixels (a multiple of 4)
        int window = 16;           // feature neighbourhood (cell + a multiple of 8)
        double colourWeight = 2.0; // weight of the mean colour against the texture features
    };

    PatchClassifier();
    explicit PatchClassifier(const Options& options);

    const Options& options() const { return m_options; }

    // [F, H / cell, W / cell] raw features of a [3, H, W] image in [0, 1].
    torch::Tensor features(const torch::Tensor& image) const;
    // [H / cell, W / cell] int64: for each patch, the index into `candidates` of its concept.
    torch::Tensor classify(const torch::Tensor& image,
                           const std::vector<SceneConcept>& candidates) const;
    // The mean colour of a concept's renders (for drawing maps), [3] in [0, 1].
    torch::Tensor displayColour(const SceneConcept& word) const;

private:
    Options m_options;
    torch::Tensor m_prototypes; // [concepts, k, F], standardised
    torch::Tensor m_colours;    // [concepts, 3]
    torch::Tensor m_mean;       // [F]
    torch::Tensor m_scale;      // [F]
};

} // namespace md::test
