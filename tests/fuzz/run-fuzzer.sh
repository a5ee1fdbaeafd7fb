#!/usr/bin/env bash
# run-fuzzer.sh FUZZER SEEDS WORKDIR SECONDS [DICT]: runs one libFuzzer target for SECONDS
# over a copy of its seed corpus (SEEDS stays untouched; the copy grows in WORKDIR/corpus)
# and keeps any crashing, leaking, slow or out-of-memory input in WORKDIR/findings/. Used by
# the `fuzz` CTest tests (a few seconds each) and scripts/fuzz.sh (long runs). Exit status:
# libFuzzer's (0 = nothing found).
set -euo pipefail
fuzzer=$1 seeds=$2 work=$3 seconds=$4 dict=${5:-}
# MD_FUZZ_FRESH=1 (CTest): start from the seeds alone.
[ "${MD_FUZZ_FRESH:-0}" = 1 ] && rm -rf "$work"
mkdir -p "$work/corpus" "$work/findings"
cp -n "$seeds"/* "$work/corpus/" 2>/dev/null || true
args=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=25 -print_final_stats=1
      -artifact_prefix="$work/findings/")
[ -n "$dict" ] && args+=(-dict="$dict")
# CTest: a fixed seed, so a CI run replays the same mutations (a slower machine runs a prefix
# of what this one ran) instead of failing at random; long runs keep libFuzzer's random seed.
[ "${MD_FUZZ_FRESH:-0}" = 1 ] && args+=(-seed="${MD_FUZZ_SEED:-1}")
# A sanitizer report aborts the run; leaks are reported too (detect_leaks is on by default).
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
exec "$fuzzer" "${args[@]}" "$work/corpus"
