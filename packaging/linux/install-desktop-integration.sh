#!/bin/sh
# Register the TK Commons found in this folder with the current user's desktop: a menu entry
# with its icon, and double-clicking a .tkb or .tkb.age file opens it in TK Commons.
#
#   ./install-desktop-integration.sh             install (or refresh after moving the folder)
#   ./install-desktop-integration.sh --uninstall remove what the install added
#
# Needs no administrator rights: everything goes under ${XDG_DATA_HOME:-~/.local/share}.
# It lives at the top of the frozen app's folder (dist/tkapp/), next to the tkapp program;
# the files it installs are in _internal/share/ (copied there by packaging/tkapp.spec).
set -eu

APP_ID=org.tkcommons.TKCommons
MIME_TYPES="application/x-tkcommons-bundle application/x-tkcommons-bundle-age"
HERE=$(cd "$(dirname "$0")" && pwd -P)
EXE="$HERE/tkapp"
SHARE="$HERE/_internal/share"
DATA="${XDG_DATA_HOME:-$HOME/.local/share}"

say() { printf '%s\n' "$*"; }
refresh() {
    # Each cache is optional: a desktop without the tool simply rescans later.
    if command -v update-mime-database >/dev/null 2>&1; then
        update-mime-database "$DATA/mime" >/dev/null 2>&1 || true
    fi
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database "$DATA/applications" >/dev/null 2>&1 || true
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1; then
        gtk-update-icon-cache -q -t -f "$DATA/icons/hicolor" >/dev/null 2>&1 || true
    fi
}

if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$DATA/applications/$APP_ID.desktop" "$DATA/mime/packages/$APP_ID.xml" \
        "$DATA/metainfo/$APP_ID.metainfo.xml"
    rm -f "$DATA"/icons/hicolor/*/apps/"$APP_ID".png "$DATA/icons/hicolor/scalable/apps/$APP_ID.svg"
    refresh
    say "TK Commons was removed from the desktop menu. Its folder and catalogues are untouched."
    exit 0
fi

if [ ! -x "$EXE" ] || [ ! -d "$SHARE" ]; then
    say "Run this script from the TK Commons folder: $EXE or $SHARE is missing." >&2
    exit 1
fi
# The program's path goes into the desktop file's Exec line inside double quotes; these
# characters would need escaping rules that some desktops get wrong, so refuse them.
case "$EXE" in
    *'"'* | *'`'* | *'$'* | *'\'* | *'%'*)
        say "Move the TK Commons folder to a path without \" \` \$ \\ or % and run this again." >&2
        exit 1
        ;;
esac

mkdir -p "$DATA/applications" "$DATA/mime/packages" "$DATA/metainfo"
# Point the menu entry at this copy of the program (a USB stick's folder, /opt/tkapp, ...).
tmp="$DATA/applications/.$APP_ID.desktop.tmp"
sed -e "s|^Exec=tkapp |Exec=\"$EXE\" |" -e '/^TryExec=/d' \
    "$SHARE/applications/$APP_ID.desktop" >"$tmp"
mv -f "$tmp" "$DATA/applications/$APP_ID.desktop"
cp -f "$SHARE/mime/packages/$APP_ID.mime.xml" "$DATA/mime/packages/$APP_ID.xml"
cp -f "$SHARE/metainfo/$APP_ID.metainfo.xml" "$DATA/metainfo/$APP_ID.metainfo.xml"
for icon in "$SHARE"/icons/hicolor/*/apps/*; do
    size_dir=$(basename "$(dirname "$(dirname "$icon")")")
    mkdir -p "$DATA/icons/hicolor/$size_dir/apps"
    cp -f "$icon" "$DATA/icons/hicolor/$size_dir/apps/"
done
refresh
# Make TK Commons the default program for bundles (only for this user).
if command -v gio >/dev/null 2>&1; then
    for type in $MIME_TYPES; do
        gio mime "$type" "$APP_ID.desktop" >/dev/null 2>&1 || true
    done
elif command -v xdg-mime >/dev/null 2>&1; then
    xdg-mime default "$APP_ID.desktop" $MIME_TYPES >/dev/null 2>&1 || true
fi
say "TK Commons is in the desktop menu; .tkb bundles now open in it."
say "Program: $EXE"
