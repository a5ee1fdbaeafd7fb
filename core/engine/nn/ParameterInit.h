#pragma once

// How the engine's layers fill their parameters when they are constructed.
//
// By default every layer takes PyTorch's default initialisation, so a freshly built model can
// be trained from scratch. A loader that overwrites every parameter right away creates the
// model inside a SkipParameterInit scope instead: the parameters are then allocated but left
// uninitialised, which saves seconds and gigabytes on a real Stable Diffusion model.

namespace md::nn {

class SkipParameterInit
{
public:
    SkipParameterInit();
    ~SkipParameterInit();
    SkipParameterInit(const SkipParameterInit&) = delete;
    SkipParameterInit& operator=(const SkipParameterInit&) = delete;

    // True while a SkipParameterInit is alive on this thread.
    static bool active();

private:
    bool m_previous;
};

} // namespace md::nn
