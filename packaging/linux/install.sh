#!/usr/bin/env bash
# Installs the cxmatrix app for the current user (no root): the app folder, a launcher, the
# menu entry, the icons and the .cxm file type, so .cxm files open in cxmatrix on a double-click.
#
#   ./install.sh [BUNDLE]        install (or update) from BUNDLE, the built cxmatrix folder
#   ./install.sh --uninstall     remove everything this script installed
#
# BUNDLE defaults to the folder this script is in when that is the app folder (as in a
# release archive), else dist/cxmatrix of the source tree. Files go to:
#   ~/.local/opt/cxmatrix/                          the app
#   ~/.local/bin/cxmatrix                           a link to it, for the command line
#   ~/.local/share/applications/cxmatrix.desktop    the menu entry
#   ~/.local/share/icons/hicolor/*/apps/            the icon, every size
#   ~/.local/share/mime/packages/cxmatrix-mime.xml  the application/x-cxmatrix type (*.cxm)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
data_home=${XDG_DATA_HOME:-$HOME/.local/share}
config_home=${XDG_CONFIG_HOME:-$HOME/.config}
opt_dir=$HOME/.local/opt/cxmatrix
bin_link=$HOME/.local/bin/cxmatrix
apps_dir=$data_home/applications
icons_dir=$data_home/icons/hicolor
mime_dir=$data_home/mime
mime_type=application/x-cxmatrix
icon_sizes=(16 24 32 48 64 128 256 512)

say() { echo "cxmatrix: $*"; }
have() { command -v "$1" >/dev/null 2>&1; }

refresh_caches() {
    if have update-mime-database && [ -d "$mime_dir/packages" ]; then
        update-mime-database "$mime_dir" >/dev/null 2>&1 || true
    fi
    if have update-desktop-database; then
        update-desktop-database "$apps_dir" >/dev/null 2>&1 || true
    fi
    if have gtk-update-icon-cache && [ -f "$icons_dir/index.theme" ]; then
        gtk-update-icon-cache -q -t -f "$icons_dir" >/dev/null 2>&1 || true
    fi
}

# The file named by $1, beside this script (in packaging/linux or in the app folder).
support_file() {
    [ -f "$here/$1" ] && { echo "$here/$1"; return 0; }
    echo "cxmatrix: $1 not found beside $0" >&2
    return 1
}

uninstall() {
    if [ -L "$bin_link" ] && [ "$(readlink "$bin_link")" = "$opt_dir/cxmatrix" ]; then
        rm -f "$bin_link"
    fi
    rm -rf "$opt_dir"
    rm -f "$apps_dir/cxmatrix.desktop" "$mime_dir/packages/cxmatrix-mime.xml"
    for size in "${icon_sizes[@]}"; do
        rm -f "$icons_dir/${size}x${size}/apps/cxmatrix.png" \
              "$icons_dir/${size}x${size}/mimetypes/application-x-cxmatrix.png"
    done
    rm -f "$icons_dir/scalable/apps/cxmatrix.svg" \
          "$icons_dir/scalable/mimetypes/application-x-cxmatrix.svg"
    if [ -f "$config_home/mimeapps.list" ]; then
        sed -i "\|^$mime_type=cxmatrix.desktop;\?$|d" "$config_home/mimeapps.list"
    fi
    refresh_caches
    say "uninstalled (your .cxm files are untouched)"
}

install() {
    local bundle=${1:-}
    if [ -z "$bundle" ]; then
        if [ -x "$here/cxmatrix" ] && [ -d "$here/_internal" ]; then
            bundle=$here
        else
            bundle=$here/../../dist/cxmatrix
        fi
    fi
    if [ ! -x "$bundle/cxmatrix" ] || [ ! -d "$bundle/_internal/resources/icons" ]; then
        echo "cxmatrix: no built app in $bundle (build it with: python packaging/build.py)" >&2
        exit 2
    fi
    bundle=$(cd "$bundle" && pwd)
    local desktop_src mime_src
    desktop_src=$(support_file cxmatrix.desktop)
    mime_src=$(support_file cxmatrix-mime.xml)

    # Copy beside the old install, then swap, so a failed copy leaves the old app working.
    mkdir -p "$(dirname "$opt_dir")"
    local staging=$opt_dir.new
    rm -rf "$staging"
    cp -a "$bundle" "$staging"
    rm -rf "$opt_dir"
    mv "$staging" "$opt_dir"

    mkdir -p "$(dirname "$bin_link")"
    ln -sfn "$opt_dir/cxmatrix" "$bin_link"

    # Desktop sessions often lack ~/.local/bin on PATH: point the menu entry at the app itself.
    mkdir -p "$apps_dir"
    sed -e "s|^Exec=cxmatrix |Exec=\"$opt_dir/cxmatrix\" |" \
        -e "s|^TryExec=cxmatrix$|TryExec=$opt_dir/cxmatrix|" \
        "$desktop_src" > "$apps_dir/cxmatrix.desktop"
    chmod 644 "$apps_dir/cxmatrix.desktop"

    local icons=$opt_dir/_internal/resources/icons
    for size in "${icon_sizes[@]}"; do
        for kind in apps mimetypes; do
            mkdir -p "$icons_dir/${size}x${size}/$kind"
        done
        cp "$icons/cxmatrix-$size.png" "$icons_dir/${size}x${size}/apps/cxmatrix.png"
        cp "$icons/cxmatrix-$size.png" \
           "$icons_dir/${size}x${size}/mimetypes/application-x-cxmatrix.png"
    done
    mkdir -p "$icons_dir/scalable/apps" "$icons_dir/scalable/mimetypes"
    cp "$icons/cxmatrix.svg" "$icons_dir/scalable/apps/cxmatrix.svg"
    cp "$icons/cxmatrix.svg" "$icons_dir/scalable/mimetypes/application-x-cxmatrix.svg"

    mkdir -p "$mime_dir/packages"
    cp "$mime_src" "$mime_dir/packages/cxmatrix-mime.xml"
    refresh_caches
    if have xdg-mime; then
        xdg-mime default cxmatrix.desktop "$mime_type" >/dev/null 2>&1 || true
    fi

    say "installed $("$opt_dir/cxmatrix" --version 2>/dev/null || echo cxmatrix) in $opt_dir"
    case ":$PATH:" in
        *":$HOME/.local/bin:"*) ;;
        *) say "add ~/.local/bin to your PATH to run 'cxmatrix' from a terminal" ;;
    esac
}

case "${1:-}" in
    --uninstall|uninstall) uninstall ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' ;;
    *) install "${1:-}" ;;
esac
