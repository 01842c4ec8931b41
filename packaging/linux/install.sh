#!/usr/bin/env bash
# Install a built RoboLab bundle for this user (no root, no network): the app folder, a `robolab`
# command, the menu entry, the icon and the .rlab file type (double-click opens RoboLab).
#   ./install.sh [BUNDLE_DIR]      BUNDLE_DIR: the robolab folder (default: ../dist/robolab)
#   ./install.sh --uninstall
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data="${XDG_DATA_HOME:-$HOME/.local/share}"
app="$data/robolab/app"
bin="$HOME/.local/bin"

if [ "${1:-}" = "--uninstall" ]; then
    rm -rf "$data/robolab/app" "$bin/robolab" "$data/applications/robolab.desktop" \
        "$data/icons/hicolor/256x256/apps/robolab.png" "$data/mime/packages/robolab-mime.xml"
    command -v update-mime-database >/dev/null && update-mime-database "$data/mime" || true
    echo "RoboLab removed (your programs and settings are kept)."
    exit 0
fi

bundle="$(cd "${1:-$here/../dist/robolab}" && pwd)"
[ -x "$bundle/robolab" ] || { echo "no RoboLab bundle at $bundle (build it with packaging/build)" >&2; exit 1; }
mkdir -p "$app" "$bin" "$data/applications" "$data/icons/hicolor/256x256/apps" "$data/mime/packages"
rm -rf "$app" && cp -a "$bundle" "$app"
ln -sf "$app/robolab" "$bin/robolab"
sed "s|^Exec=robolab|Exec=$app/robolab|" "$here/robolab.desktop" > "$data/applications/robolab.desktop"
cp "$here/robolab.png" "$data/icons/hicolor/256x256/apps/robolab.png"
cp "$here/robolab-mime.xml" "$data/mime/packages/robolab-mime.xml"
command -v update-mime-database >/dev/null && update-mime-database "$data/mime" || true
command -v update-desktop-database >/dev/null && update-desktop-database "$data/applications" || true
command -v xdg-mime >/dev/null && xdg-mime default robolab.desktop application/x-robolab-program || true
echo "RoboLab installed: run 'robolab', find it in the menu, or double-click a .rlab file."
