#pragma once

// Ctrl+C cancels the running generation cleanly (the engine checks the flag between UNet
// calls); a second Ctrl+C falls back to the default (immediate exit).

#include <atomic>

namespace md::cli {

class CancelOnInterrupt
{
public:
    CancelOnInterrupt();
    ~CancelOnInterrupt();
    CancelOnInterrupt(const CancelOnInterrupt&) = delete;
    CancelOnInterrupt& operator=(const CancelOnInterrupt&) = delete;
    const std::atomic<bool>* flag() const;
};

} // namespace md::cli
