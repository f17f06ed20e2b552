#!/bin/sh
# Register this unpacked PackDesk folder with the desktop: menu entry, icon and `packdesk` command.
# As a user it installs into ~/.local, as root into /usr/local (all users). Nothing is copied but
# the icon and the menu entry: run it again after moving the folder. `install.sh --uninstall`
# removes them again (the station's data and logs are left alone).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" -eq 0 ]; then prefix=/usr/local; else prefix="$HOME/.local"; fi
apps="$prefix/share/applications"
icons="$prefix/share/icons/hicolor/256x256/apps"
bin="$prefix/bin"

refresh() {
  # Menus and icon caches pick up the change at once where these tools exist.
  command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$apps" || true
  command -v gtk-update-icon-cache >/dev/null 2>&1 \
    && gtk-update-icon-cache -q -t "$prefix/share/icons/hicolor" || true
}

if [ "${1:-}" = "--uninstall" ]; then
  rm -f "$apps/packdesk.desktop" "$icons/packdesk.png" "$bin/packdesk"
  refresh
  echo "PackDesk's menu entry, icon and command were removed; delete $here to remove the app."
  exit 0
fi

mkdir -p "$apps" "$icons" "$bin"
install -m 644 "$here/packdesk.png" "$icons/packdesk.png"
sed "s|^Exec=.*|Exec=\"$here/packdesk\"|" "$here/packdesk.desktop" > "$apps/packdesk.desktop"
chmod 644 "$apps/packdesk.desktop"
ln -sf "$here/packdesk" "$bin/packdesk"
refresh
echo "PackDesk is in the applications menu ($apps/packdesk.desktop); command: $bin/packdesk"
