# Shared by the set-up scripts: install what is missing, then configure and build.
# Sourced, not run. Idempotent: a second run installs nothing and rebuilds only changes.

MD_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MD_BUILD_DIR="${MD_BUILD_DIR:-$MD_ROOT/build}"
# What the main job (mdstudio-cli on the embedded model) needs.
MD_MAIN_PACKAGES=(
    build-essential cmake ninja-build ccache pkg-config
    libtorch-dev libsentencepiece-dev nlohmann-json3-dev
    libopencv-dev zlib1g-dev libzip-dev libssl-dev libpng-dev libcli11-dev libstb-dev
    # libtorch-dev links the generic libblas.so.3: without an optimised BLAS it gets the
    # reference one, ~25x slower for every Linear/bmm/1x1 conv on the CPU.
    libopenblas0-openmp
)
# What the GUI, the trainer and the tests need on top.
MD_TEST_PACKAGES=(
    "${MD_MAIN_PACKAGES[@]}"
    qt6-base-dev libgtest-dev sentencepiece
    xvfb xauth fonts-dejavu-core
    # libFuzzer (the "fuzz" tests, tests/fuzz) and the sanitizer runtimes (scripts/sanitize.sh)
    clang-14 libclang-rt-14-dev llvm-14
)

# md_install_deps PACKAGE...: apt-get install those not installed yet.
md_install_deps() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$p")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        echo "== dependencies: all installed"
        return 0
    fi
    echo "== installing: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
}

# md_configure CMAKE_ARGS...: configure $MD_BUILD_DIR (Ninja, Release, ccache).
md_configure() {
    export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
    export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-5G}"
    # Relative paths in the cache keys, so another checkout of the same tree (CI's fresh
    # clone) reuses this machine's cache.
    export CCACHE_BASEDIR="${CCACHE_BASEDIR:-/}"
    export CCACHE_NOHASHDIR=1
    echo "== configure ($MD_BUILD_DIR)"
    cmake -S "$MD_ROOT" -B "$MD_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
}

# md_build [TARGET...]: build those targets (default: everything configured).
md_build() {
    local jobs="${MD_JOBS:-$(nproc)}"
    local targets=()
    for t in "$@"; do targets+=(--target "$t"); done
    echo "== build ($jobs jobs${1:+: $*})"
    cmake --build "$MD_BUILD_DIR" -j "$jobs" "${targets[@]}"
}
