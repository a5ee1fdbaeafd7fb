#!/usr/bin/env bash
# Reproduces the embedded default model "mds-tiny" (see resources/models/mds-tiny/MODEL_CARD.md
# and docs/embedded-model.md). Steps, each runnable alone:
#
#   scripts/train-embedded-model.sh tokenizer   # CPU: caption corpus + spm_train -> tokenizer/
#   scripts/train-embedded-model.sh build       # mdtrain against the local libtorch (CUDA on the
#                                               # GPU machine: python3's torch is used if found;
#                                               # headers it lacks travel in .device/, see
#                                               # docs/embedded-model.md)
#   scripts/train-embedded-model.sh train [--max-seconds S] [more mdtrain options]
#                                               # stage A (VAE) + stage B (UNet + text encoder);
#                                               # resumable: run it again to continue
#   scripts/train-embedded-model.sh assemble    # the diffusers folder in resources/models/mds-tiny
#
# Environment: MD_TRAIN_BUILD (build folder, default build-train), MD_TRAIN_STATE (full
# resumable state, default $MD_TRAIN_BUILD/state), MD_TRAIN_EXPORT (compact fp16 export,
# default $MD_TRAIN_BUILD/export), MD_TRAIN_RESUME_FROM (an earlier export to continue from
# when the state folder is empty, e.g. on a new machine).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${MD_TRAIN_BUILD:-$ROOT/build-train}"
STATE="${MD_TRAIN_STATE:-$BUILD/state}"
EXPORT="${MD_TRAIN_EXPORT:-$BUILD/export}"
MODEL_DIR="$ROOT/resources/models/mds-tiny"
TOKENIZER="$MODEL_DIR/tokenizer/spiece.model"

# The hyperparameters of the shipped weights (recorded in the model card).
TRAIN_ARGS=(
    --model mds-tiny --seed 1 --image-size 512
    --vae-steps 3000 --vae-batch 16 --vae-crop 256 --vae-lr 4e-4
    --diffusion-steps 3600 --diffusion-batch 128 --diffusion-lr 4e-4 --warmup 200
    --pool 8192 --pool-refresh 4 --ema 0.999
    --checkpoint-seconds 120 --log-every 100
)

step="${1:-}"
shift || true
case "$step" in
tokenizer)
    mkdir -p "$BUILD"
    "$BUILD/bin/mdtrain" corpus --count 200000 --seed 1 --out "$BUILD/corpus.txt"
    mkdir -p "$MODEL_DIR/tokenizer"
    spm_train --input="$BUILD/corpus.txt" --model_prefix="$BUILD/spiece" --vocab_size=256 \
        --model_type=bpe --character_coverage=1.0 --pad_id=0 --unk_id=1 --bos_id=2 --eos_id=3 \
        --pad_piece="<pad>" --unk_piece="<unk>" --bos_piece="<s>" --eos_piece="</s>" \
        --normalization_rule_name=nmt_nfkc_cf --hard_vocab_limit=false \
        --shuffle_input_sentence=false --num_threads=1 --random_seed=1
    cp "$BUILD/spiece.model" "$TOKENIZER"
    ;;
build)
    prefix=""
    if tp="$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)' 2>/dev/null)"; then
        prefix="-DCMAKE_PREFIX_PATH=$tp"
    fi
    cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMD_ENGINE_ONLY=ON \
        -DMD_BUILD_TESTS=OFF -DMD_WERROR=OFF -DTORCH_CUDA_ARCH_LIST=9.0 $prefix "$@"
    cmake --build "$BUILD" --target mdtrain -j "$(nproc)"
    ;;
train)
    resume=()
    [ -n "${MD_TRAIN_RESUME_FROM:-}" ] && resume=(--resume-from "$MD_TRAIN_RESUME_FROM")
    "$BUILD/bin/mdtrain" train --tokenizer "$TOKENIZER" --state "$STATE" --export "$EXPORT" \
        "${TRAIN_ARGS[@]}" "${resume[@]}" "$@"
    ;;
assemble)
    "$BUILD/bin/mdtrain" assemble --from "$EXPORT" --tokenizer "$TOKENIZER" --out "$MODEL_DIR"
    ;;
*)
    sed -n '2,20p' "$0"
    exit 2
    ;;
esac
