#!/usr/bin/env bash
# One command for the main job: install what is missing, build mdstudio-cli (and nothing
# else: no GUI, no tests), and generate an image with regions on the embedded default model
# (no download). Output: build/main-job.png. Extra arguments go to `mdstudio-cli generate`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
start=$(date +%s)
md_install_deps "${MD_MAIN_PACKAGES[@]}"
md_configure -DMD_BUILD_GUI=OFF -DMD_BUILD_TESTS=OFF
md_build mdstudio-cli
echo "== set-up took $(( $(date +%s) - start )) s"
out="$MD_BUILD_DIR/main-job.png"
echo "== generating $out"
"$MD_BUILD_DIR/bin/mdstudio-cli" generate \
    --prompt "a blue sky" \
    --box 0,256,512,256="green grass" \
    --box 176,48,160,160="a yellow sun" \
    --width 512 --height 512 --steps 20 --cfg 7.5 --seed 1 \
    --sampler dpmpp_2m_karras --bootstrap-steps 4 --out "$out" "$@"
echo "== wrote $out"
