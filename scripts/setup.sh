# shellcheck shell=bash
# Prepare a fresh Debian 12 machine for MiniDAW: the system libraries the audio and Qt
# layers load at run time, then a .venv with the project and its test tools.
#
# Sourced by scripts/run and scripts/test (so both work on a fresh clone with no other
# step); it can also be run on its own: `bash scripts/setup.sh`.
#
# Environment:
#   PYTHON=python3.12     the interpreter to build .venv from (default: python3)
#   MINIDAW_SKIP_APT=1    do not check or install Debian packages (other distributions)
#
# A second run is fast: packages already installed are not touched, and pip runs again only
# when pyproject.toml has changed since the last successful install.

MINIDAW_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export MINIDAW_ROOT

# What the app loads at run time: PortAudio and JACK for sound, libsndfile behind soundfile,
# espeak-ng and sox to make test material, Xvfb for a display in tests, and the libraries Qt's
# xcb and offscreen platforms need.
MINIDAW_DEBIAN_PACKAGES=(
    libportaudio2 jackd2 espeak-ng sox xvfb xauth libsndfile1
    libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libxkbcommon-x11-0
    libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0
    libxcb-randr0 libxcb-render-util0 libxcb-image0
)

_minidaw_say() { printf 'setup: %s\n' "$*" >&2; }

_minidaw_is_installed() {
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

# Install Debian packages as root, or through sudo; apt's chatter goes to a log that is shown
# only when something fails.
_minidaw_apt_install() {
    local -a as_root
    if [[ "$(id -u)" == 0 ]]; then
        as_root=(env)
    elif command -v sudo >/dev/null 2>&1; then
        as_root=(sudo env)
    else
        _minidaw_say "missing Debian packages: $*"
        _minidaw_say "installing them needs root or sudo; run as root:"
        _minidaw_say "  apt-get update && apt-get install --no-install-recommends $*"
        return 1
    fi
    local log
    log="$(mktemp)"
    _minidaw_say "installing Debian packages: $*"
    # noninteractive: jackd2 otherwise stops to ask about realtime priority.
    if ! "${as_root[@]}" DEBIAN_FRONTEND=noninteractive apt-get update -q >"$log" 2>&1 \
        || ! "${as_root[@]}" DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
            --no-install-recommends "$@" >>"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        _minidaw_say "could not install: $*"
        return 1
    fi
    rm -f "$log"
}

_minidaw_system_packages() {
    if [[ "${MINIDAW_SKIP_APT:-}" == 1 ]]; then
        return 0
    fi
    if ! command -v dpkg-query >/dev/null 2>&1; then
        _minidaw_say "not a Debian system: install by hand ${MINIDAW_DEBIAN_PACKAGES[*]}"
        return 0
    fi
    local -a missing=()
    local pkg
    for pkg in "${MINIDAW_DEBIAN_PACKAGES[@]}"; do
        _minidaw_is_installed "$pkg" || missing+=("$pkg")
    done
    # Debian ships ensurepip (which venv needs) separately, in python3-venv.
    if ! "${PYTHON:-python3}" -c 'import ensurepip' >/dev/null 2>&1 \
        && ! _minidaw_is_installed python3-venv; then
        missing+=(python3-venv)
    fi
    if ((${#missing[@]})); then
        _minidaw_apt_install "${missing[@]}"
    fi
}

_minidaw_venv() {
    local python="${PYTHON:-python3}"
    local venv="$MINIDAW_ROOT/.venv"
    local stamp="$venv/.setup-stamp"
    if ! command -v "$python" >/dev/null 2>&1; then
        _minidaw_say "$python not found: MiniDAW needs Python 3.11 or newer"
        return 1
    fi
    if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
        _minidaw_say "$("$python" --version 2>&1) is too old: MiniDAW needs Python 3.11 or newer"
        return 1
    fi
    # A venv left half-made by an interrupted run has no working interpreter: start again.
    if [[ -d "$venv" ]] && ! "$venv/bin/python" -c '' >/dev/null 2>&1; then
        _minidaw_say "removing broken $venv"
        rm -rf "$venv"
    fi
    if [[ ! -d "$venv" ]]; then
        _minidaw_say "creating $venv"
        "$python" -m venv "$venv" || return 1
    fi
    local want
    want="$(sha256sum "$MINIDAW_ROOT/pyproject.toml" | cut -d' ' -f1)"
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
        return 0
    fi
    _minidaw_say "installing MiniDAW with its test and packaging tools into .venv (pip)"
    rm -f "$stamp"
    (cd "$MINIDAW_ROOT" && "$venv/bin/python" -m pip install -q --disable-pip-version-check \
        -e '.[test,bundle]') || {
        _minidaw_say "pip install failed (see above)"
        return 1
    }
    printf '%s\n' "$want" >"$stamp"
}

minidaw_setup() {
    _minidaw_system_packages && _minidaw_venv
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -euo pipefail
    minidaw_setup
else
    minidaw_setup || { _minidaw_say "setup failed"; return 1; }
fi
