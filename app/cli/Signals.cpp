#include "Signals.h"

#include <csignal>

namespace md::cli {

namespace {

std::atomic<bool> g_cancel{false};

extern "C" void onInterrupt(int)
{
    g_cancel.store(true);
    std::signal(SIGINT, SIG_DFL);
}

} // namespace

CancelOnInterrupt::CancelOnInterrupt()
{
    g_cancel.store(false);
    std::signal(SIGINT, onInterrupt);
}

CancelOnInterrupt::~CancelOnInterrupt()
{
    std::signal(SIGINT, SIG_DFL);
}

const std::atomic<bool>* CancelOnInterrupt::flag() const
{
    return &g_cancel;
}

} // namespace md::cli
