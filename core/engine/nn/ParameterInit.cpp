#include "engine/nn/ParameterInit.h"

namespace md::nn {

namespace {
thread_local bool t_skip = false;
}

SkipParameterInit::SkipParameterInit() : m_previous(t_skip)
{
    t_skip = true;
}

SkipParameterInit::~SkipParameterInit()
{
    t_skip = m_previous;
}

bool SkipParameterInit::active()
{
    return t_skip;
}

} // namespace md::nn
