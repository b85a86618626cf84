# Shared by run.sh and test.sh: dependency set-up and the dev build.
# Source it; it defines functions only.

ib_root() { cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd; }

ib_log() { printf '\033[1m==> %s\033[0m [%s]\n' "$*" "$(date +%T)" >&2; }

# Installs missing packages and fetches the default model (once).
ib_setup() {
    local root
    root=$(ib_root)
    bash "$root/scripts/install-deps.sh" "$@"
    bash "$root/scripts/fetch-model.sh" >/dev/null
}

# Configures (first time) and builds a preset: everything, or only the
# targets named with --target=NAME; other args go to cmake.
ib_build() {
    local root preset arg
    local targets=() args=()
    root=$(ib_root)
    preset=$1
    shift
    for arg in "$@"; do
        case $arg in
        --target=*) targets+=(--target "${arg#--target=}") ;;
        *) args+=("$arg") ;;
        esac
    done
    if [ ! -f "$root/build/$preset/build.ninja" ] || [ ${#args[@]} -gt 0 ]; then
        cmake --preset "$preset" -S "$root" "${args[@]}" >/dev/null
    fi
    cmake --build "$root/build/$preset" --parallel "$(nproc)" "${targets[@]}"
}
