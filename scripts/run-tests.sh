#!/usr/bin/env bash
# One command for the tests: install what is missing, build everything (app, GUI, trainer,
# tests), and run CTest. Extra arguments go to ctest (e.g. -L engine, -LE slow).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
md_install_deps "${MD_TEST_PACKAGES[@]}"
start=$(date +%s)
md_configure -DMD_BUILD_GUI=ON -DMD_BUILD_TESTS=ON
md_build
echo "== build took $(( $(date +%s) - start )) s"
cd "$MD_BUILD_DIR"
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
start=$(date +%s)
ctest --output-on-failure -j "${MD_TEST_JOBS:-2}" "$@"
echo "== tests took $(( $(date +%s) - start )) s"
