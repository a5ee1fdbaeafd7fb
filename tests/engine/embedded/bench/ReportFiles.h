#pragma once

// The region-adherence report's surroundings: which weights, which machine, when, and the
// results block of the markdown page.

#include "engine/Status.h"

#include <string>

namespace md::test {

class ReportFiles
{
public:
    // FNV-1a 64 of the UNet weights (a diffusers folder's unet/diffusion_pytorch_model.*, or
    // the file itself), in hex; "unknown" when unreadable.
    static std::string modelHash(const std::string& model);
    // "AMD EPYC ... (2 cores)".
    static std::string machineDescription();
    // "2025-11-25 21:40 UTC".
    static std::string utcDate();
    // Replaces the text between the begin/end markers of `path` with `block` (the markers
    // are appended when missing; the file is created when absent).
    static Status updateDoc(const std::string& path, const std::string& block);
    // The same between other markers (the LoRA block: kLoraBegin / kLoraEnd).
    static Status updateDoc(const std::string& path, const std::string& block,
                            const std::string& beginMarker, const std::string& endMarker);

    static constexpr const char* kBegin = "<!-- region-adherence results: begin -->";
    static constexpr const char* kEnd = "<!-- region-adherence results: end -->";
    static constexpr const char* kLoraBegin = "<!-- lora-region results: begin -->";
    static constexpr const char* kLoraEnd = "<!-- lora-region results: end -->";
};

} // namespace md::test
