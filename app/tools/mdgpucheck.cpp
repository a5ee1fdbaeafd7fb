// mdgpucheck: issue 13's CUDA check as a program (the GPU machine has no GTest): the float16
// CUDA path against the float32 CPU path on a model (the tiny-sd15 fixture), see Fp16Parity.h.
//
//   mdgpucheck MODEL_DIR      exit status 0: within fp16 tolerance; 1: not; 2: could not run

#include "Fp16Parity.h"

#include <cstdio>

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: mdgpucheck MODEL_DIR\n");
        return 2;
    }
    auto report = md::checkFp16Parity(argv[1]);
    if (!report) {
        std::fprintf(stderr, "mdgpucheck: %s\n", report.status().message().c_str());
        return 2;
    }
    std::printf("%s against cpu float32 (tolerance: PSNR >= %.0f dB, <= %.1f%% of channels off "
                "by more than 16 levels)\n",
                report->device.c_str(), md::kParityMinPsnr, 100 * md::kParityMaxOverFraction);
    auto line = [](const md::ImageDifference& d) {
        std::printf("  %-34s PSNR %6.2f dB, mean |d| %.3f, max |d| %3d, over 16: %.4f%%\n",
                    d.name.c_str(), d.psnr, d.meanAbs, d.maxAbs, 100 * d.fractionOver);
    };
    for (const auto& d : report->cases)
        line(d);
    line(report->control);
    std::printf("CUDA graphs: %s (same image: PSNR >= %.0f dB)\n", report->graphs.c_str(),
                md::kGraphMinPsnr);
    for (const auto& d : report->graphCases)
        line(d);
    const bool ok = md::parityHolds(*report);
    std::printf("%s\n", ok ? "PASS: the fp16 CUDA path matches the CPU float32 path"
                           : "FAIL: outside the fp16 tolerance (or the control is inside it)");
    return ok ? 0 : 1;
}
