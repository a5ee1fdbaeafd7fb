#!/usr/bin/env bash
# Sanitizer runs: scripts/sanitize.sh [asan|tsan|all] [CTEST ARGS...]
#   asan  build-asan/: our code with -fsanitize=address,undefined (MD_SANITIZE), every test
#         area (engine, training, document, cli, ui; not the slow or fuzz labels unless the
#         CTest arguments say otherwise)
#   tsan  build-tsan/: -fsanitize=thread, the threaded parts: the GUI's generation worker
#         (test_ui_generation, test_ui_generate_more) and the engine's cancel tests
#   all   both (the default)
# MD_SANITIZE_TARGETS="t1 t2" builds only those targets (e.g. "test_document mdstudio-cli"
# on a small machine: a whole instrumented build takes long); CTest then runs what was built
# (pass -R/-L to choose). MD_SANITIZE_CMAKE_ARGS adds configure options (e.g.
# -DMD_FIXTURES_DIR=... in a worktree). Third-party libraries are not instrumented; the suppressions for
# their reports are in tests/sanitizers/ (each entry says why). Exit status: CTest's.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
mode=${1:-all}
[ $# -gt 0 ] && shift
supp="$MD_ROOT/tests/sanitizers"
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
# Every report stops the test that made it, with a stack; leaks are reported at exit.
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:check_initialization_order=1:strict_init_order=1:detect_stack_use_after_return=1:print_summary=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$supp/ubsan.supp${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:history_size=4:suppressions=$supp/tsan.supp${TSAN_OPTIONS:+:$TSAN_OPTIONS}"

# build_and_test DIR SANITIZERS DEFAULT_TARGETS CTEST_ARGS...
build_and_test() {
    local dir=$1 sanitize=$2 default_targets=$3
    shift 3
    MD_BUILD_DIR="$MD_ROOT/$dir"
    local start
    start=$(date +%s)
    # shellcheck disable=SC2086
    md_configure -DMD_BUILD_GUI=ON -DMD_BUILD_TESTS=ON -DMD_SANITIZE="$sanitize" -DMD_BUILD_FUZZ=OFF \
                 -DCMAKE_BUILD_TYPE=RelWithDebInfo ${MD_SANITIZE_CMAKE_ARGS:-}
    # shellcheck disable=SC2086
    md_build ${MD_SANITIZE_TARGETS:-$default_targets}
    echo "== $dir: build took $(( $(date +%s) - start )) s"
    start=$(date +%s)
    local rc=0
    (cd "$MD_BUILD_DIR" && ctest --output-on-failure -j "${MD_TEST_JOBS:-2}" "$@") || rc=$?
    echo "== $dir: tests took $(( $(date +%s) - start )) s, ctest exit $rc"
    return $rc
}

status=0
case $mode in
asan | all)
    args=("$@")
    [ ${#args[@]} -eq 0 ] && args=(-LE "slow|fuzz")
    build_and_test build-asan address,undefined "" "${args[@]}" || status=1
    ;;&
tsan | all)
    args=("$@")
    [ ${#args[@]} -eq 0 ] && args=(-R "test_ui_generation|test_ui_generate_more|Cancel")
    build_and_test build-tsan thread \
        "test_ui_generation test_ui_generate_more test_engine_pipeline test_engine_multidiffusion" \
        "${args[@]}" || status=1
    ;;
asan) ;;
*)
    echo "usage: scripts/sanitize.sh [asan|tsan|all] [CTEST ARGS...]" >&2
    exit 2
    ;;
esac
exit $status
