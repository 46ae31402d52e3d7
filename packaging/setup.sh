#!/usr/bin/env bash
# Sets up everything cxmatrix needs on this machine, then opens the app or runs the tests.
#
#   bash packaging/setup.sh app     set up, then open the app on the demo matrix
#                                   (with no screen: build the demo and export it instead)
#   bash packaging/setup.sh test    set up, then lint (ruff, mypy, the import contracts) and
#                                   run the whole test suite headless; arguments after "test"
#                                   go to pytest: test -q -m "not bundle" skips the PyInstaller
#                                   build
#
# It creates .venv beside this folder, installs the Python packages into it, and, when run as
# root on Debian/Ubuntu, installs the system libraries Qt needs (and LibreOffice Calc for the
# spreadsheet tests) with apt-get. Running it again only installs what is missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mode=${1:-app}
shift || true

python=${PYTHON:-python3}
qt_runtime=(libegl1 libgl1 libopengl0 libxkbcommon0 libfontconfig1 libfreetype6 libglib2.0-0
            libdbus-1-3 fonts-dejavu-core)
qt_screen=(libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
           libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1)
# python3-uno: tests drive LibreOffice through UNO to edit workbooks as colleagues do.
test_tools=(libreoffice-calc-nogui python3-uno binutils shared-mime-info)

apt_install() {
    command -v apt-get >/dev/null 2>&1 && command -v dpkg >/dev/null 2>&1 || return 0
    local missing=()
    for package in "$@"; do
        dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            sudo=(sudo -n)
        else
            echo "setup: please install these Debian packages: ${missing[*]}" >&2
            return 0
        fi
    fi
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq >/dev/null
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

setup_python() {
    if [ ! -x .venv/bin/python ]; then
        if ! "$python" -m venv .venv 2>/dev/null; then
            apt_install python3-venv
            "$python" -m venv .venv
        fi
    fi
    local stamp=.venv/.cxmatrix-installed
    if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        .venv/bin/python -m pip install -q --upgrade pip
        .venv/bin/python -m pip install -q -e '.[test]'
        touch "$stamp"
    fi
}

# The team tests start a throwaway PostgreSQL cluster (initdb, pg_ctl); Debian keeps the
# binaries in /usr/lib/postgresql/<version>/bin. Install the server only when none is there.
have_postgresql() {
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1
}

case "$mode" in
    app)
        apt_install "${qt_runtime[@]}" "${qt_screen[@]}"
        setup_python
        if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ "$(uname)" = Linux ]; then
            echo "setup: no screen here, so building the demo matrix and exporting it instead"
            mkdir -p build/demo
            .venv/bin/python -m cxmatrix new build/demo/demo.cxm --demo --force
            .venv/bin/python -m cxmatrix check build/demo/demo.cxm || true
            for out in demo.json demo.xlsx demo.csv demo.pdf; do
                .venv/bin/python -m cxmatrix export build/demo/demo.cxm "build/demo/$out" \
                    || echo "setup: exporting $out failed" >&2
            done
            echo "setup: wrote $(ls build/demo | tr '\n' ' ')in build/demo"
        else
            exec .venv/bin/python main.py --demo "$@"
        fi
        ;;
    test)
        apt_install "${qt_runtime[@]}" "${test_tools[@]}"
        have_postgresql || apt_install postgresql || echo "setup: PostgreSQL could not be " \
            "installed: the team tests will be skipped" >&2
        setup_python
        .venv/bin/python -m ruff check .
        .venv/bin/python -m mypy
        .venv/bin/lint-imports --no-cache --no-logo  # the layer contracts in pyproject.toml
        export QT_QPA_PLATFORM=offscreen
        exec .venv/bin/python -m pytest "$@"
        ;;
    *)
        echo "usage: bash packaging/setup.sh app|test" >&2
        exit 2
        ;;
esac
