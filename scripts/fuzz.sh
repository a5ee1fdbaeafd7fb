#!/usr/bin/env bash
# Long fuzzing runs: scripts/fuzz.sh [SECONDS] [TARGET...]
# Builds the libFuzzer targets of tests/fuzz with clang into build-fuzz/ (ASan + UBSan), then
# runs each TARGET (default: all) for SECONDS (default 600) over its seed corpus. The corpus
# grows in build-fuzz/work/<target>/corpus (kept between runs); crashing, leaking, slow or
# out-of-memory inputs land in build-fuzz/findings/<target>/. MD_FUZZ_JOBS targets run at
# once (default 2), at nice 19. Exit status 1 when any target found something.
#
# sentencepiece_prompt loads sentencepiece through the main build's libmd_spm_shim.so
# ($MD_BUILD_DIR/bin, default build/): build it first (cmake --build build --target md_spm_shim).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
seconds=${1:-600}
[ $# -gt 0 ] && shift
all=(safetensors_header diffusers_config clip_prompt sentencepiece_prompt project_archive
     project_json png_metadata)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")
fuzz_dir="$MD_ROOT/build-fuzz"
cxx=""
for c in clang++-14 clang++-15 clang++-16 clang++; do
    command -v "$c" >/dev/null && { cxx=$c; break; }
done
[ -n "$cxx" ] || { echo "no clang++: apt-get install clang-14 libclang-rt-14-dev" >&2; exit 2; }
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-/}" CCACHE_NOHASHDIR=1
cmake -S "$MD_ROOT/tests/fuzz" -B "$fuzz_dir" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" \
      -DMD_SPM_SHIM="$MD_BUILD_DIR/bin/libmd_spm_shim.so" >/dev/null
cmake --build "$fuzz_dir" -j "${MD_JOBS:-$(nproc)}" --target "${targets[@]}"

dict_of() {
    case $1 in
    *_prompt) echo "$MD_ROOT/tests/fuzz/prompt.dict" ;;
    project_* | png_*) echo "$MD_ROOT/tests/fuzz/project.dict" ;;
    *) [ -f "$MD_ROOT/tests/fuzz/$1.dict" ] && echo "$MD_ROOT/tests/fuzz/$1.dict" || true ;;
    esac
}
run_one() {
    local t=$1 work="$fuzz_dir/work/$1" log="$fuzz_dir/work/$1.log" rc=0
    mkdir -p "$work"
    nice -n 19 "$MD_ROOT/tests/fuzz/run-fuzzer.sh" "$fuzz_dir/bin/$t" \
        "$MD_ROOT/tests/fuzz/corpus/$t" "$work" "$seconds" "$(dict_of "$t")" >"$log" 2>&1 || rc=$?
    mkdir -p "$fuzz_dir/findings/$t"
    find "$work/findings" -type f -exec mv -t "$fuzz_dir/findings/$t/" {} + 2>/dev/null || true
    local stats
    stats=$(grep -E "^(stat::number_of_executed_units|stat::average_exec_per_sec)" "$log" |
            sed 's/stat:://' | tr '\n' ' ')
    echo "== $t: exit $rc, $stats(log: $log)"
    return $rc
}
failed=0
pids=()
for t in "${targets[@]}"; do
    run_one "$t" &
    pids+=($!)
    if [ ${#pids[@]} -ge "${MD_FUZZ_JOBS:-2}" ]; then
        wait "${pids[0]}" || failed=1
        pids=("${pids[@]:1}")
    fi
done
for p in "${pids[@]}"; do wait "$p" || failed=1; done
[ $failed -eq 0 ] && echo "== no findings" || echo "== findings under $fuzz_dir/findings/"
exit $failed
