#!/bin/bash
# Session 8's last GPU call: issue 14 (LoRA per region, mixed calls), issue 15 (live case),
# issue 13 (SDXL row after the bootstrap-encode fix). Everything lands in $OUT/d3.tgz.
set -u
SRC=$(pwd)
L=/tmp/d3; mkdir -p $L
export OUT_LOGS=$L
T0=$(date +%s)
stamp() { echo "== $(($(date +%s) - T0)) s: $*" | tee -a $L/stamps.log; }
finish() { cp -r $SRC/.device/d3.sh $L/ 2>/dev/null; tar -czf $OUT/d3.tgz -C /tmp d3; exit 0; }
trap finish EXIT
stamp start
# lora mode of the sd15 script builds mdfusionbench mdgpucheck mdlorabench, makes the model
OUT=$L SKIP_TABLE=1 timeout 330 bash scripts/bench/sd15-gpu-bench.sh lora > $L/lora-run.log 2>&1
stamp "lora done rc $?"
B=/tmp/md-sd15-build/bin; M=/tmp/sd15-random
cp .device/taesd/taesd_decoder.safetensors $M/ 2>/dev/null
for fd in "" "--fast-decode"; do
  timeout 60 $B/mdfusionbench --model $M --size 512 --cases live --steps 4 --repeats 5 \
     --warmup-steps 2 $fd 2>&1 | tee -a $L/live.log
done
stamp "live done"
timeout 90 $B/mdgpucheck .device/tiny-sd15 > $L/gpucheck.log 2>&1
stamp "gpucheck rc $?"
mkdir -p /tmp/pkg && ln -sfn $SRC /tmp/pkg/src && ln -sfn $SRC/.device/tiny-sdxl /tmp/pkg/tiny-sdxl
(cd /tmp/pkg && python3 src/scripts/bench/sdxl_multidiffusion_bench.py --diffusers /tmp/diffusers/src \
   --model /tmp/sdxl-random --make --template /tmp/pkg/tiny-sdxl > $L/sdxl-make.log 2>&1)
timeout 90 $B/mdfusionbench --model /tmp/sdxl-random --cases regions --steps 20 --repeats 3 \
   > $L/sdxl-ours.log 2>&1
stamp "sdxl done rc $?"
