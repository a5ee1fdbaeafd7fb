#!/bin/bash
# The SDXL MultiDiffusion GPU benchmark, ours against diffusers, on the GPU machine
# (docs/benchmarks-gpu.md). Run from a folder PKG that holds:
#   PKG/src/               this source tree (with .device/include and .device/lib, see
#                          docs/embedded-model.md "Building on the GPU machine")
#   PKG/diffusers.tar.xz   `git archive HEAD src/diffusers | xz` of a diffusers checkout
#                          (never committed)
#   PKG/tiny-sdxl/         ../shared/fixtures/sdxl/tiny-sdxl (configs and tokenizers)
#
#   bash src/scripts/bench/sdxl-gpu-bench.sh smoke   # tiny model, 3 steps: the chain works
#   bash src/scripts/bench/sdxl-gpu-bench.sh full    # random SDXL base, fp16, 20 steps
#   bash src/scripts/bench/sdxl-gpu-bench.sh profile # one UNet call per side, profiled
#   bash src/scripts/bench/sdxl-gpu-bench.sh regions # regions on both sides, our panorama
#   bash src/scripts/bench/sdxl-gpu-bench.sh row     # issue 13's SDXL row: bg + 3 regions at
#                                                    # 1024x1024, both sides, medians of 3,
#                                                    # peak memory (docs/performance.md)
#
# Logs go to $OUT (or /tmp/sdxl-bench-out). The build, diffusers and the random model are
# left in /tmp and reused by a later run on the same machine.
set -u
MODE=${1:-full}
PKG=$(pwd)
SRC=$PKG/src
LOGS=${OUT:-/tmp/sdxl-bench-out}
BUILD=${BUILD:-/tmp/md-build} # a build of sd15-gpu-bench.sh can be reused
MODEL=/tmp/sdxl-random
DIFF=/tmp/diffusers
export PYTHONUNBUFFERED=1
mkdir -p "$LOGS"

nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader
python3 -c 'import torch, transformers; print("torch", torch.__version__, "transformers",
transformers.__version__, "cuda", torch.version.cuda)'
nproc
date -u

BUILD_PID=
if [ ! -x $BUILD/bin/mdfusionbench ]; then
    (
        t0=$(date +%s)
        cmake -S "$SRC" -B $BUILD -G Ninja -DCMAKE_BUILD_TYPE=Release -DMD_ENGINE_ONLY=ON \
            -DMD_BUILD_TESTS=OFF -DMD_WERROR=OFF -DMD_USE_CCACHE=OFF -DTORCH_CUDA_ARCH_LIST=9.0 \
            -DCMAKE_PREFIX_PATH="$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)')" \
            -DMD_CUDA_INCLUDE_DIR="$(python3 "$SRC/scripts/bench/find_cuda_include.py")" \
            -DMD_CUDA_GRAPHS=${CUDA_GRAPHS:-ON} \
            && cmake --build $BUILD --target mdfusionbench mdtrain -j "$(nproc)"
        echo "build rc $? in $(($(date +%s) - t0)) s"
    ) > "$LOGS/build.log" 2>&1 &
    BUILD_PID=$!
fi
[ -d $DIFF/src/diffusers ] || { mkdir -p $DIFF && tar -xJf "$PKG/diffusers.tar.xz" -C $DIFF; }
PY="python3 $SRC/scripts/bench/sdxl_multidiffusion_bench.py --diffusers $DIFF/src"

wait_build() {
    [ -n "$BUILD_PID" ] && wait "$BUILD_PID"
    BUILD_PID=
    tail -n 3 "$LOGS/build.log"
    [ -x $BUILD/bin/mdfusionbench ] || { tail -n 60 "$LOGS/build.log"; exit 1; }
}

make_model() {
    [ -f $MODEL/unet/config.json ] && return 0
    $PY --model $MODEL --make --template "$PKG/tiny-sdxl" || exit 1
    du -sh $MODEL/*
}

if [ "$MODE" = smoke ]; then
    # While the engine builds: diffusers on the tiny model, then the random SDXL folder.
    $PY --model "$PKG/tiny-sdxl" --time --steps 3 --warmup-steps 1 --bootstrap 2 \
        --unet-calls 2 || exit 1
    make_model
    wait_build
    $BUILD/bin/mdfusionbench --model "$PKG/tiny-sdxl" --steps 3 --warmup-steps 1 \
        --bootstrap 2 || exit 1
    $BUILD/bin/mdfusionbench --model $MODEL --steps 2 --warmup-steps 1 --bootstrap 1 \
        --cases regions || exit 1
    $BUILD/bin/mdtrain bench --models sdxl --device cuda --dtype float16 --prompts 1 \
        --repeats 5
    exit 0
fi

if [ "$MODE" = profile ]; then
    # One UNet call at batch 8 (the regions workload) under each side's profiler.
    make_model
    wait_build
    $PY --model $MODEL --cases "" --unet-calls 10 --trace /tmp/diffusers-unet.json
    $BUILD/bin/mdtrain bench --models sdxl --device cuda --dtype float16 --prompts 4 \
        --repeats 10 --trace /tmp/ours-unet.json
    python3 "$SRC/scripts/bench/kernel_summary.py" /tmp/ours-unet.json \
        /tmp/diffusers-unet.json --top 25 | tee "$LOGS/kernels.md"
    gzip -c /tmp/ours-unet.json > "$LOGS/ours-unet.json.gz"
    gzip -c /tmp/diffusers-unet.json > "$LOGS/diffusers-unet.json.gz"
    exit 0
fi

if [ "$MODE" = row ]; then
    make_model
    wait_build
    $PY --model $MODEL --time --cases regions --steps 20 --repeats 3 2>&1 \
        | tee "$LOGS/diffusers-row.log"
    $BUILD/bin/mdfusionbench --model $MODEL --cases regions --steps 20 --repeats 3 2>&1 \
        | tee "$LOGS/ours-row.log"
    exit 0
fi

if [ "$MODE" = regions ]; then
    # A shorter re-run after an engine change: the regions case on both sides, our panorama,
    # and our UNet call at batch 8.
    make_model
    wait_build
    $PY --model $MODEL --time --cases regions --steps 20 --repeats 2 2>&1 \
        | tee "$LOGS/diffusers.log"
    $BUILD/bin/mdfusionbench --model $MODEL --steps 20 --repeats 2 --pano-repeats 1 2>&1 \
        | tee "$LOGS/ours.log"
    $BUILD/bin/mdtrain bench --models sdxl --device cuda --dtype float16 --prompts 4 \
        --repeats 10 2>&1 | tee -a "$LOGS/ours.log"
    exit 0
fi

# full: nothing else runs while either side is timed.
make_model
wait_build
$PY --model $MODEL --time --steps 20 --repeats 2 --pano-repeats 1 --unet-calls 10 2>&1 \
    | tee "$LOGS/diffusers.log"
$BUILD/bin/mdfusionbench --model $MODEL --steps 20 --repeats 2 --pano-repeats 1 2>&1 \
    | tee "$LOGS/ours.log"
$BUILD/bin/mdtrain bench --models sdxl --device cuda --dtype float16 --prompts 4 \
    --repeats 10 2>&1 | tee -a "$LOGS/ours.log"
nvidia-smi --query-gpu=clocks.sm,temperature.gpu,power.draw --format=csv,noheader
