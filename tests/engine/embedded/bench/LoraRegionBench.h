#pragma once

// region-adherence-bench --lora FILE: does a LoRA act in its region only (issue 14)? For each
// standard layout, one region's prompt becomes "<lora:NAME:1> TRIGGER" (the concept of
// `mdtrain lora`: SceneConcept::stripes()), and the same layout is generated again with the
// prompt "TRIGGER" and no LoRA. Scored with the PatchClassifier (the layout's concepts, the
// stripes in place of the region's word): the region's IoU with the stripes, the share of
// the region and of the rest of the canvas labelled stripes, the other areas' IoU, and the
// PSNR between the two images far (>= 32 px) from the region. Also the whole canvas with the
// LoRA as a global LoRA ("<lora:NAME:1> TRIGGER" as the only prompt) and without.

#include "engine/Engine.h"
#include "engine/embedded/PatchClassifier.h"
#include "engine/embedded/bench/BenchOptions.h"

namespace md::test {

class LoraRegionBench
{
public:
    LoraRegionBench(const BenchOptions& options, Engine& engine, const PatchClassifier& classifier)
        : m_opt(options), m_engine(engine), m_classifier(classifier)
    {
    }

    // The exit status: 0, or 1 after printing an error.
    int run();

private:
    const BenchOptions& m_opt;
    Engine& m_engine;
    const PatchClassifier& m_classifier;
};

} // namespace md::test
