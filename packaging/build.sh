#!/usr/bin/env bash
# Build MiniDAW as a standalone folder app with PyInstaller: dist/MiniDAW/MiniDAW, with the
# desktop entry, the AppStream metadata and the icons under dist/MiniDAW/share/.
#
#   packaging/build.sh [--check] [--force]
#
#   --check   run the built app's self-check afterwards (`MiniDAW --self-check`, offscreen);
#             where jackd is installed, against a private JACK server (dummy backend), with
#             the system's libjack and with the bundle's fallback copy, each streaming to it
#   --force   build even when nothing changed since the last build
#
# A build is reused when the code, the resources, the packaging files and the installed
# libraries are the same as last time (a stamp in dist/MiniDAW/ records their hash).
#
# Environment:
#   PYTHON_BIN   the interpreter with MiniDAW's dependencies and PyInstaller
#                (default: .venv/bin/python of the checkout, else python3)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
check=0
force=0
for arg in "$@"; do
    case "$arg" in
        --check) check=1 ;;
        --force) force=1 ;;
        *) echo "build.sh: unknown option $arg (use --check, --force)" >&2; exit 2 ;;
    esac
done

python="${PYTHON_BIN:-}"
if [[ -z "$python" ]]; then
    if [[ -x "$ROOT/.venv/bin/python" ]]; then
        python="$ROOT/.venv/bin/python"
    else
        python="python3"
    fi
fi
if ! "$python" -c 'import PyInstaller' >/dev/null 2>&1; then
    echo "build.sh: PyInstaller is not installed for $python: pip install '.[bundle]'" >&2
    exit 1
fi

app="$ROOT/dist/MiniDAW"
stamp="$app/.build-stamp"

# What the bundle is made of: every source and resource file, and the installed libraries.
inputs_hash() {
    {
        find daw resources packaging pyproject.toml -type f \
            ! -path '*/__pycache__/*' ! -name '*.pyc' ! -path 'resources/demo/*/cache/*' \
            -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
        "$python" -m pip freeze --exclude-editable 2>/dev/null || true
        "$python" --version
    } | sha256sum | cut -d' ' -f1
}

want="$(inputs_hash)"
if ((force == 0)) && [[ -x "$app/MiniDAW" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    echo "build.sh: dist/MiniDAW is up to date (nothing changed since it was built)"
else
    started=$SECONDS
    rm -f "$stamp"
    "$python" -m PyInstaller --noconfirm --clean --log-level WARN \
        --distpath "$ROOT/dist" --workpath "$ROOT/build/pyinstaller" \
        packaging/minidaw.spec

    # Desktop integration, laid out as under /usr or ~/.local: copy share/ there to install.
    share="$app/share"
    mkdir -p "$share/applications" "$share/metainfo" "$share/icons/hicolor/scalable/apps"
    sed -e 's/^Exec=.*/Exec=MiniDAW %f/' -e 's/^TryExec=.*/TryExec=MiniDAW/' \
        packaging/minidaw.desktop >"$share/applications/minidaw.desktop"
    cp packaging/io.github.minidaw.MiniDAW.metainfo.xml "$share/metainfo/"
    cp resources/icons/minidaw.svg "$share/icons/hicolor/scalable/apps/minidaw.svg"
    for png in resources/icons/minidaw-*.png; do
        size="${png##*-}"
        size="${size%.png}"
        mkdir -p "$share/icons/hicolor/${size}x${size}/apps"
        cp "$png" "$share/icons/hicolor/${size}x${size}/apps/minidaw.png"
    done

    printf '%s\n' "$want" >"$stamp"
    echo "build.sh: built dist/MiniDAW in $((SECONDS - started)) s," \
        "$(du -sh "$app" | cut -f1) on disk"
fi

if ((check)); then
    # The check must not depend on a screen or a sound card, nor touch the user's settings.
    scratch="$(mktemp -d)"
    jackd_pid=""
    stop_jackd() {
        if [[ -n "$jackd_pid" ]]; then
            kill "$jackd_pid" 2>/dev/null || true
            wait "$jackd_pid" 2>/dev/null || true
            jackd_pid=""
        fi
    }
    trap 'stop_jackd; rm -rf "$scratch"' EXIT
    self_check() {
        env QT_QPA_PLATFORM=offscreen MINIDAW_CONFIG_DIR="$scratch/config" \
            XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config" "$@" \
            "$app/MiniDAW" --self-check
    }
    if ! command -v jackd >/dev/null || ! command -v jack_lsp >/dev/null; then
        self_check
        echo "build.sh: jackd is not installed (Debian package jackd2): the app was not" \
            "checked against a JACK server"
    else
        # Against a private JACK server (dummy backend), once with the libjack the app picks
        # (the system's here) and once with the bundle's fallback copy: each must stream to it.
        server="minidaw-bundle-check-$$"
        jack_env=(JACK_DEFAULT_SERVER="$server" JACK_NO_START_SERVER=1 JACK_NO_AUDIO_RESERVATION=1)
        env "${jack_env[@]}" setsid timeout 600 jackd --no-realtime -n "$server" -S \
            -d dummy -r 48000 -p 1024 -C 2 -P 2 >"$scratch/jackd.log" 2>&1 &
        jackd_pid=$!
        for _ in $(seq 100); do
            jack_lsp -s "$server" >/dev/null 2>&1 && break
            sleep 0.05
        done
        for libjack in system bundled; do
            echo "build.sh: self-check against the JACK server '$server', MINIDAW_LIBJACK=$libjack"
            self_check "${jack_env[@]}" MINIDAW_LIBJACK="$libjack" | tee "$scratch/check.txt"
            want="libjack .*/_internal/fallback/libjack\\.so[.0-9]* \\(bundled fallback\\)"
            [[ "$libjack" == system ]] && want="libjack /.* \\(system\\)"
            if ! grep -Eq "^  jack +ok +$want; streamed [1-9][0-9]* frames" "$scratch/check.txt"; then
                echo "build.sh: with MINIDAW_LIBJACK=$libjack the app did not stream to the" \
                    "JACK server through the $libjack libjack (its jack line is above; the" \
                    "server's log ends: $(tail -n 2 "$scratch/jackd.log"))" >&2
                exit 1
            fi
        done
        stop_jackd
    fi
fi
