#!/usr/bin/env bash
# Makes the embedded model's few-step variant (issue 15, live mode): latent consistency
# distillation of resources/models/mds-tiny's UNet with `mdtrain distil` (docs/embedded-model.md,
# "Few-step variant (LCD)"). Steps, each runnable alone:
#
#   scripts/distil-embedded-model.sh build          # engine-only mdtrain against the local
#                                                   # libtorch (scripts/train-embedded-model.sh
#                                                   # build; on the GPU machine the headers it
#                                                   # lacks travel in .device/)
#   scripts/distil-embedded-model.sh distil [OUT] [more mdtrain distil options]
#                                                   # CUDA, stops training after
#                                                   # $MD_DISTIL_SECONDS (330) and exports
#   scripts/distil-embedded-model.sh all [OUT]      # build + distil: one GPU-machine call of
#                                                   # about 8 minutes
#   scripts/distil-embedded-model.sh install [OUT]  # copies OUT/unet/diffusion_pytorch_model
#                                                   # .lcm.safetensors into the model folder
#
# OUT defaults to $MD_TRAIN_BUILD/distil. It receives unet/diffusion_pytorch_model.lcm.safetensors
# (+ unet/config.json), distil.json, distil-log.tsv, distil.log and preview.png.
#
# On the GPU machine (the repository root, .device/ carried along):
#   bash scripts/distil-embedded-model.sh all "$OUT/distil"
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${MD_TRAIN_BUILD:-$ROOT/build-train}"
MODEL_DIR="$ROOT/resources/models/mds-tiny"
SECONDS_LIMIT="${MD_DISTIL_SECONDS:-330}"

# The hyperparameters of the shipped variant (docs/embedded-model.md says why).
DISTIL_ARGS=(
    --seed 1 --steps 4000 --batch 128 --lr 1e-4 --warmup 100
    --guidance 7.5 --ema 0.95 --huber-c 0.001 --schedule-points 50
    --pool 2048 --pool-refresh 4 --partial-captions 0.5 --noise-offset 0.1
    --log-every 100 --preview-steps 4 --preview-teacher-steps 20
)

step="${1:-}"
shift || true
out="${1:-$BUILD/distil}"
[ $# -gt 0 ] && shift
case "$step" in
build)
    MD_TRAIN_BUILD="$BUILD" "$ROOT/scripts/train-embedded-model.sh" build -DMD_USE_CCACHE=OFF
    ;;
distil)
    mkdir -p "$out"
    start=$(date +%s)
    "$BUILD/bin/mdtrain" distil --model "$MODEL_DIR" --out "$out" --device cuda \
        "${DISTIL_ARGS[@]}" --max-seconds "$SECONDS_LIMIT" "$@" 2>&1 | tee "$out/distil.log"
    echo "distil: $(($(date +%s) - start)) s" | tee -a "$out/distil.log"
    ;;
all)
    start=$(date +%s)
    "$0" build
    echo "build: $(($(date +%s) - start)) s"
    "$0" distil "$out" "$@"
    echo "all: $(($(date +%s) - start)) s"
    ;;
install)
    cp "$out/unet/diffusion_pytorch_model.lcm.safetensors" "$MODEL_DIR/unet/"
    cmp "$out/unet/config.json" "$MODEL_DIR/unet/config.json"
    ls -l "$MODEL_DIR/unet/"
    ;;
*)
    sed -n '2,25p' "$0"
    exit 2
    ;;
esac
