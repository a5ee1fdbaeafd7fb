#!/bin/bash
# CUDA graphs of the UNet calls on the GPU machine (issue 13; engine/cuda/CudaGraphCache.h):
# builds the engine tools with -DMD_CUDA_GRAPHS=ON and, when .device/googletest holds
# GoogleTest's source (the machine has none: /usr/src/googletest without googlemock, 1.1 MB),
# the gpu-labelled tests; then runs the CudaGraphCache tests on the GPU, cases a and b and
# live mode with and without graphs, case b with LoRA none / global / per region (graphs on,
# and per region without), mdgpucheck on the embedded model (fp16 against the CPU, graphed
# against plain calls), diffusers' a and b in the same call, and the panorama (eager).
# From the repository root, carrying .device/{googletest,include,lib,diffusers.tar.gz,
# tiny-sd15} (scripts/bench/sd15-gpu-bench.sh says what they are). Everything lands in
# $OUT/graphs.tgz (the device returns few files).
set -u
SRC=$(pwd)
L=/tmp/graphs; mkdir -p $L
T0=$(date +%s)
stamp() { echo "== $(($(date +%s) - T0)) s: $*" | tee -a $L/stamps.log; }
finish() { tar -czf $OUT/graphs.tgz -C /tmp graphs; exit 0; }
trap finish EXIT
export PYTHONUNBUFFERED=1
{
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader
  python3 -c 'import torch, transformers; print("torch", torch.__version__, "transformers", transformers.__version__, "cuda", torch.version.cuda, "cudnn", torch.backends.cudnn.version())'
  nproc; date -u
} > $L/machine.txt 2>&1
stamp start
B=/tmp/md-sd15-build
TP=$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)')
CI=$(python3 $SRC/scripts/bench/find_cuda_include.py)
echo "cuda include: $CI" >> $L/machine.txt
[ -d .device/googletest ] && (cmake -S .device/googletest -B /tmp/gtest-build -G Ninja -DCMAKE_BUILD_TYPE=Release \
   -DCMAKE_INSTALL_PREFIX=/tmp/gtest -DBUILD_GMOCK=OFF && cmake --build /tmp/gtest-build --target install) > $L/gtest.log 2>&1
stamp "gtest rc $?"
TESTS=OFF; [ -d /tmp/gtest/lib/cmake/GTest ] && TESTS=ON
cmake -S $SRC -B $B -G Ninja -DCMAKE_BUILD_TYPE=Release -DMD_ENGINE_ONLY=ON -DMD_BUILD_TESTS=$TESTS \
   -DGTest_DIR=/tmp/gtest/lib/cmake/GTest -DMD_CUDA_GRAPHS=ON -DMD_WERROR=OFF -DMD_USE_CCACHE=OFF \
   -DTORCH_CUDA_ARCH_LIST=9.0 -DCMAKE_PREFIX_PATH="$TP" -DMD_CUDA_INCLUDE_DIR="$CI" \
   > $L/configure.log 2>&1
stamp "configure rc $?"
DIFF=/tmp/diffusers
[ -d $DIFF/src/diffusers ] || { mkdir -p $DIFF && tar -xzf .device/diffusers.tar.gz -C $DIFF; }
M=/tmp/sd15-random
PY="python3 $SRC/scripts/bench/sd15_multidiffusion_bench.py --diffusers $DIFF/src --model $M"
($PY --make --template .device/tiny-sd15 > $L/make.log 2>&1;
 python3 scripts/bench/make_random_loras.py --model $M --out /tmp/sd15-loras --names a,b,c --rank 16 >> $L/make.log 2>&1) &
MK=$!
cmake --build $B --target mdfusionbench mdgpucheck mdlorabench -j 16 > $L/build.log 2>&1
stamp "build rc $?"
[ -x $B/bin/mdfusionbench ] || { tail -60 $L/build.log; exit 1; }
cmake --build $B --target test_engine_gpu -j 16 > $L/build-tests.log 2>&1
stamp "build tests rc $?"
wait $MK
export LD_LIBRARY_PATH=$SRC/.device/lib:${LD_LIBRARY_PATH:-}
timeout 240 $B/tests/test_engine_gpu --gtest_filter="CudaGraphCache.*" > $L/gtest-gpu.log 2>&1
stamp "test_engine_gpu rc $?"
OURS="$B/bin/mdfusionbench --model $M --size 512 --bootstrap 4"
for g in "" --no-cuda-graphs; do
  timeout 100 $OURS --cases txt2img,regions --steps 20 --repeats 3 --warmup-steps 2 $g > $L/ab$g.log 2>&1
  stamp "ours a,b $g rc $?"
  timeout 60 $OURS --cases live --steps 4 --repeats 5 --warmup-steps 2 $g > $L/live$g.log 2>&1
  stamp "live $g rc $?"
done
for mode in none global regions; do
  timeout 100 $OURS --cases regions --steps 20 --repeats 3 --warmup-steps 2 --lora $mode \
     --lora-dir /tmp/sd15-loras --lora-names a,b,c > $L/lora-$mode.log 2>&1
  stamp "lora $mode rc $?"
done
timeout 100 $OURS --cases regions --steps 20 --repeats 3 --warmup-steps 2 --lora regions \
   --lora-dir /tmp/sd15-loras --lora-names a,b,c --no-cuda-graphs > $L/lora-regions-nographs.log 2>&1
stamp "lora regions no graphs rc $?"
timeout 200 $B/bin/mdgpucheck resources/models/mds-tiny > $L/gpucheck.log 2>&1
stamp "gpucheck rc $?"
timeout 120 $PY --time --cases txt2img,regions --repeats 3 --warmup-steps 1 > $L/diffusers-ab.log 2>&1
stamp "diffusers a,b rc $?"
timeout 120 $OURS --cases pano --steps 20 --repeats 1 --pano-repeats 2 --warmup-steps 2 > $L/pano.log 2>&1
stamp "pano rc $?"
