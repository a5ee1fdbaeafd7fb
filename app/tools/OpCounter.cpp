#include "OpCounter.h"

#include <memory>

namespace md::bench {

namespace {

thread_local int64_t t_all = 0;
thread_local int64_t t_outer = 0;
thread_local int64_t t_depth = 0;

std::unique_ptr<at::ObserverContext> onStart(const at::RecordFunction&)
{
    ++t_all;
    if (t_depth++ == 0)
        ++t_outer;
    return nullptr;
}

void onEnd(const at::RecordFunction&, at::ObserverContext*)
{
    --t_depth;
}

} // namespace

OpCounter::OpCounter()
{
    t_all = 0;
    t_outer = 0;
    t_depth = 0;
    m_handle = at::addThreadLocalCallback(
        at::RecordFunctionCallback(&onStart, &onEnd).scopes({at::RecordScope::FUNCTION}));
}

OpCounter::~OpCounter()
{
    at::removeCallback(m_handle);
}

int64_t OpCounter::all() const
{
    return t_all;
}

int64_t OpCounter::outer() const
{
    return t_outer;
}

} // namespace md::bench
