#pragma once

// Issue 13's CUDA check: the float16 CUDA path of Engine::generate() against the float32 CPU
// path on the same model, seed and request, compared on the final 8-bit images. Engine-only,
// so it runs both as the gpu-labelled GTest (tests/engine/gpu/CudaParityTest.cpp, on machines
// with GTest) and as `mdgpucheck` (on the GPU machine, which has no GTest).

#include "engine/Status.h"

#include <string>
#include <vector>

namespace md {

struct ImageDifference
{
    std::string name;
    double psnr = 0;         // dB over all 8-bit channels (inf: identical)
    double meanAbs = 0;      // mean |a - b| in 8-bit levels
    int maxAbs = 0;          // largest |a - b|
    double fractionOver = 0; // fraction of channels that differ by more than 16 levels
};

struct ParityReport
{
    std::vector<ImageDifference> cases; // txt2img, regions: CUDA float16 vs CPU float32
    ImageDifference control;            // CPU float32, seed 7 vs seed 8: what "different" is
    std::string device;                 // the CUDA device's ModelInfo::device
    // The same cases on CUDA float16 with CUDA graphs (the default) against plain calls
    // (ModelOptions::cudaGraphs false), and the graphed engine's ModelInfo::cudaGraphs.
    std::vector<ImageDifference> graphCases;
    std::string graphs;
};

// The tolerance: a float16 image whose PSNR against float32 is at least this (on the 8-bit
// images) and whose channels differ by more than 16 levels in at most kParityMaxOverFraction
// of them is "the same image within fp16 tolerance".
constexpr double kParityMinPsnr = 30.0;
constexpr double kParityMaxOverFraction = 0.01;
// Replayed graphs run the same kernels on the same inputs: the same image (issue 14's 40 dB).
constexpr double kGraphMinPsnr = 40.0;

// Runs txt2img at 512x512, the background and 2 box regions on 512x512 (one view: small
// batches, graphed) and on a 512x768 canvas (3 views at stride 16), bootstrapped for 2 steps,
// 8 DDIM steps each, on the CPU in float32 and on CUDA in float16 with and without CUDA
// graphs. An error when there is no CUDA device or a generation fails.
Result<ParityReport> checkFp16Parity(const std::string& modelPath);

// Whether every case of `report` is within the tolerance and the control is not, and, where
// the build has CUDA graphs, graphs were captured and give the same images as plain calls.
bool parityHolds(const ParityReport& report);

} // namespace md
