#!/bin/bash
# Issue 13's GPU benchmark at SD 1.5 sizes, ours against the reference implementations, on the
# GPU machine (docs/performance.md). Run from the repository root, with the git-ignored
# .device/ folder (never committed) holding:
#   .device/include, .device/lib   headers and libsentencepiece (docs/embedded-model.md,
#                                  "Building on the GPU machine")
#   .device/diffusers.tar.gz       `git archive HEAD src/diffusers | gzip` of a diffusers checkout
#   .device/tiny-sd15/             ../shared/fixtures/tiny-sd15 without its weights (tokenizer, configs)
#
#   bash scripts/bench/sd15-gpu-bench.sh check  # build, CUDA check, 3-step smoke of cases a-d
#                                               # on both sides, batch sweep, profiles of a, b
#   bash scripts/bench/sd15-gpu-bench.sh full   # the table: cases a-d, 20 steps, medians of 3
#   bash scripts/bench/sd15-gpu-bench.sh lora   # issue 14: UNet calls with 0/1/3 LoRAs attached
#                                               # (mdlorabench), then case b with no LoRA, one
#                                               # global, one per region (docs/benchmarks.md)
#   bash scripts/bench/sd15-gpu-bench.sh all    # one call: build, CUDA check, the table, then
#                                               # while under BUDGET_S seconds (default 520):
#                                               # UNet probe, batch sweep, profiles of case a
#
# CUDA_GRAPHS=OFF builds without CUDA graphs (engine/cuda/CudaGraphCache.h; ON here, and
# mdfusionbench --no-cuda-graphs turns them off at run time for a side-by-side).
# Logs go to $OUT (or /tmp/sd15-bench-out). Build, diffusers and the random model stay in /tmp
# for a later run on the same machine.
set -u
MODE=${1:-full}
SRC=$(pwd)
LOGS=${OUT:-/tmp/sd15-bench-out}
BUILD=/tmp/md-sd15-build
MODEL=/tmp/sd15-random
DIFF=/tmp/diffusers
T0=$(date +%s)
export PYTHONUNBUFFERED=1
mkdir -p "$LOGS"
stamp() { echo "== $(($(date +%s) - T0)) s: $*"; }

{
    nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader
    python3 -c 'import torch, transformers; print("torch", torch.__version__, "transformers",
transformers.__version__, "cuda", torch.version.cuda, "cudnn", torch.backends.cudnn.version())'
    nproc
    date -u
    cat COMMIT 2>/dev/null || git log -1 --format='%h %s' 2>/dev/null
} 2>&1 | tee "$LOGS/machine.txt"

BUILD_PID=
if [ ! -x $BUILD/bin/mdgpucheck ]; then
    (
        t0=$(date +%s)
        cmake -S "$SRC" -B $BUILD -G Ninja -DCMAKE_BUILD_TYPE=Release -DMD_ENGINE_ONLY=ON \
            -DMD_BUILD_TESTS=OFF -DMD_WERROR=OFF -DMD_USE_CCACHE=OFF -DTORCH_CUDA_ARCH_LIST=9.0 \
            -DCMAKE_PREFIX_PATH="$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)')" \
            -DMD_CUDA_INCLUDE_DIR="$(python3 "$SRC/scripts/bench/find_cuda_include.py")" \
            -DMD_CUDA_GRAPHS=${CUDA_GRAPHS:-ON} \
            && cmake --build $BUILD --target mdfusionbench mdgpucheck mdlorabench -j "$(nproc)"
        rc=$?
        if [ $rc -ne 0 ]; then # without the allocator's peak (CUDA runtime headers missing)
            cmake -B $BUILD -DMD_BENCH_PEAK_MEMORY=OFF -DMD_CUDA_GRAPHS=OFF \
                && cmake --build $BUILD --target mdfusionbench mdgpucheck mdlorabench -j "$(nproc)"
            rc=$?
        fi
        echo "build rc $rc in $(($(date +%s) - t0)) s"
    ) > "$LOGS/build.log" 2>&1 &
    BUILD_PID=$!
fi
[ -d $DIFF/src/diffusers ] || { mkdir -p $DIFF && tar -xzf .device/diffusers.tar.gz -C $DIFF; }
PY="python3 $SRC/scripts/bench/sd15_multidiffusion_bench.py --diffusers $DIFF/src --model $MODEL"
export LD_LIBRARY_PATH=$SRC/.device/lib:${LD_LIBRARY_PATH:-}

wait_build() {
    [ -n "$BUILD_PID" ] && wait "$BUILD_PID"
    BUILD_PID=
    tail -n 2 "$LOGS/build.log"
    [ -x $BUILD/bin/mdgpucheck ] || { tail -n 80 "$LOGS/build.log"; exit 1; }
}
[ -f $MODEL/unet/config.json ] || $PY --make --template .device/tiny-sd15 2>&1 | tee "$LOGS/make.log"
OURS="$BUILD/bin/mdfusionbench --model $MODEL --size 512 --bootstrap 4"

if [ "$MODE" = check ]; then
    stamp "diffusers smoke (while the engine builds)"
    $PY --time --steps 3 --repeats 1 --warmup-steps 1 2>&1 | tee "$LOGS/diffusers-smoke.log"
    wait_build
    stamp "CUDA check"
    timeout 200 $BUILD/bin/mdgpucheck resources/models/mds-tiny 2>&1 | tee "$LOGS/gpucheck.log"
    stamp "ours smoke"
    $OURS --cases txt2img,regions,pano,regions6 --steps 3 --repeats 1 --warmup-steps 1 2>&1 \
        | tee "$LOGS/ours-smoke.log"
    stamp "batch sweep"
    for b in 16 32 64; do
        $OURS --cases pano,regions6 --steps 4 --repeats 1 --warmup-steps 1 --max-batch $b 2>&1 \
            | tee -a "$LOGS/batch-sweep.log"
    done
    stamp "UNet probe (diffusers' UNet: batch, channels-last, CUDA graph)"
    $PY --unet-probe 2>&1 | tee "$LOGS/unet-probe.log"
    stamp "profiles"
    $OURS --cases txt2img --steps 20 --repeats 2 --trace /tmp/ours-a.json 2>&1 \
        | tee "$LOGS/ours-profile.log"
    $OURS --cases regions --steps 20 --repeats 2 --trace /tmp/ours-b.json 2>&1 \
        | tee -a "$LOGS/ours-profile.log"
    $PY --time --cases txt2img --repeats 2 --trace /tmp/diffusers-a.json 2>&1 \
        | tee "$LOGS/diffusers-profile.log"
    $PY --time --cases regions --repeats 2 --trace /tmp/diffusers-b.json 2>&1 \
        | tee -a "$LOGS/diffusers-profile.log"
    for c in a b; do
        python3 scripts/bench/kernel_summary.py /tmp/ours-$c.json /tmp/diffusers-$c.json \
            --top 25 > "$LOGS/kernels-$c.md" 2>&1
        gzip -c /tmp/ours-$c.json > "$LOGS/ours-$c.json.gz"
        gzip -c /tmp/diffusers-$c.json > "$LOGS/diffusers-$c.json.gz"
    done
    stamp "done"
    exit 0
fi

if [ "$MODE" = lora ]; then
    wait_build
    LORAS=/tmp/sd15-loras
    python3 scripts/bench/make_random_loras.py --model $MODEL --out $LORAS --names a,b,c \
        --rank 16 2>&1 | tee "$LOGS/make-loras.log"
    for b in 2 8; do
        stamp "mdlorabench batch $b"
        $BUILD/bin/mdlorabench --device cuda --dtype float16 --shapes sd15 --latent 64 \
            --batch $b --rank 16 --calls 20 2>&1 | tee -a "$LOGS/lorabench.log"
    done
    stamp "mdlorabench batch 8, scale per layer" # what SampleScaleCache saves, same binary
    $BUILD/bin/mdlorabench --device cuda --dtype float16 --shapes sd15 --latent 64 \
        --batch 8 --rank 16 --calls 20 --scale-cache off 2>&1 | tee -a "$LOGS/lorabench.log"
    for mode in none global regions; do # one process each: peak memory per mode
        stamp "case b, LoRA $mode"
        timeout 120 $OURS --cases regions --steps 20 --repeats 3 --warmup-steps 2 --lora $mode \
            --lora-dir $LORAS --lora-names a,b,c 2>&1 | tee -a "$LOGS/lora-fusion.log"
    done
    if [ "${SKIP_TABLE:-0}" != 1 ]; then # SKIP_TABLE=1: the LoRA figures alone
        stamp "ours a-d with peak memory"
        timeout 200 $OURS --cases txt2img,regions,pano,regions6 --steps 20 --repeats 3 \
            --pano-repeats 3 --warmup-steps 2 2>&1 | tee "$LOGS/ours.log"
    fi
    stamp "done"
    exit 0
fi

if [ "$MODE" = all ]; then
    # Everything in one call (docs/performance.md): the must-haves first, the reference's
    # case d (about 4 minutes) last; the batch sweep only while under BUDGET_S seconds.
    BUDGET=${BUDGET_S:-500}
    left() { echo $((BUDGET - ($(date +%s) - T0))); }
    wait_build
    stamp "CUDA check"
    timeout 120 $BUILD/bin/mdgpucheck resources/models/mds-tiny 2>&1 | tee "$LOGS/gpucheck.log"
    stamp "ours"
    timeout 240 $OURS --cases txt2img,regions,pano,regions6 --steps 20 --repeats 3 \
        --pano-repeats 3 --warmup-steps 2 2>&1 | tee "$LOGS/ours.log"
    # QUICK=1: no profiles and no reference case d (about 4 minutes); PROFILE=0: no
    # profiles, the reference's case d D_REPEATS times (one run of it: about 80 s).
    if [ "${QUICK:-0}" != 1 ] && [ "${PROFILE:-1}" = 1 ]; then
        stamp "ours: profile of case a"
        timeout 60 $OURS --cases txt2img --steps 20 --repeats 1 --warmup-steps 2 \
            --trace /tmp/ours-a.json 2>&1 | tee "$LOGS/ours-profile.log"
        gzip -c /tmp/ours-a.json > "$LOGS/ours-a.json.gz"
        stamp "diffusers a-c, a profiled, the UNet probe"
        timeout 150 $PY --time --cases txt2img,regions,pano --repeats 3 --warmup-steps 1 \
            --trace /tmp/diffusers-a.json --unet-probe 2>&1 | tee "$LOGS/diffusers.log"
        gzip -c /tmp/diffusers-a.json > "$LOGS/diffusers-a.json.gz"
    else
        stamp "diffusers a-c, the UNet probe"
        timeout 150 $PY --time --cases txt2img,regions,pano --repeats 3 --warmup-steps 1 \
            --unet-probe 2>&1 | tee "$LOGS/diffusers.log"
    fi
    if [ "${QUICK:-0}" != 1 ]; then
        stamp "diffusers d"
        timeout 330 $PY --time --cases regions6 --repeats ${D_REPEATS:-3} --warmup-steps 1 \
            2>&1 | tee -a "$LOGS/diffusers.log"
    fi
    stamp "table"
    python3 scripts/bench/sd15_multidiffusion_bench.py --table "$LOGS/ours.log" \
        "$LOGS/diffusers.log" | tee "$LOGS/table.md"
    nvidia-smi --query-gpu=clocks.sm,temperature.gpu,power.draw --format=csv,noheader
    if [ "$(left)" -gt 30 ]; then
        stamp "batch sweep"
        for b in 16 64; do
            timeout $(left) $OURS --cases pano,regions6 --steps 4 --repeats 1 --warmup-steps 1 \
                --max-batch $b 2>&1 | tee -a "$LOGS/batch-sweep.log"
        done
    fi
    stamp "done"
    exit 0
fi

# full: the build runs alone, then each side with nothing else running.
wait_build
stamp "diffusers"
$PY --time --repeats 3 --warmup-steps 1 2>&1 | tee "$LOGS/diffusers.log"
stamp "ours"
$OURS --cases txt2img,regions,pano,regions6 --steps 20 --repeats 3 --pano-repeats 3 \
    --warmup-steps 2 2>&1 | tee "$LOGS/ours.log"
stamp "table"
python3 scripts/bench/sd15_multidiffusion_bench.py --table "$LOGS/ours.log" \
    "$LOGS/diffusers.log" | tee "$LOGS/table.md"
nvidia-smi --query-gpu=clocks.sm,temperature.gpu,power.draw --format=csv,noheader
stamp "done"
