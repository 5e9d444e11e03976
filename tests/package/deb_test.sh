#!/usr/bin/env bash
# The installable package, installed for real: builds the .deb (scripts/package.sh), installs
# it with dpkg, and checks what a person gets: `iris` and `iris-desktop` on the PATH (the CLI
# indexing and searching a demo library through the link), a window from the installed app
# under Xvfb, valid .desktop entries in the Graphics category, the "Open with" MIME types
# (photos: image/jpeg, image/heic...; folders: inode/directory), icons at the standard sizes,
# Depends covering every shared library the binary links; then `dpkg -r` removes the program
# and leaves the user's library as it was. Needs root (dpkg -i). Every step prints one line;
# the first failure ends the test with its reason.
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
export XDG_CONFIG_HOME=$tmp/config XDG_DATA_HOME=$tmp/data IRIS_CACHE_DIR=${IRIS_CACHE_DIR:-$tmp/cache}
unset IRIS_LIBRARY IRIS_MODEL
trap 'dpkg -r iris >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }
step() { echo "ok: $*"; }

deb=$(IRIS_PACKAGE_SKIP_BUILD=${IRIS_PACKAGE_SKIP_BUILD:-} scripts/package.sh | tail -1)
[ -f "$deb" ] || fail "scripts/package.sh made no .deb ($deb)"
step "built $deb, $(stat -c %s "$deb") bytes"

dpkg -i "$deb" >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "dpkg -i"; }
step "installed: $(dpkg-query -W -f='${Package} ${Version}, ${Installed-Size} KiB installed' iris)"

[ "$(command -v iris)" = /usr/bin/iris ] || fail "iris is not /usr/bin/iris: $(command -v iris || echo none)"
[ "$(command -v iris-desktop)" = /usr/bin/iris-desktop ] || fail "iris-desktop is not on the PATH"
[ "$(readlink /usr/bin/iris)" = iris-desktop ] || fail "/usr/bin/iris is not a link to iris-desktop"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
[ "$(iris --version)" = "iris $version" ] || fail "iris --version says: $(iris --version)"
[ "$(iris-desktop --version)" = "iris-desktop $version" ] || fail "iris-desktop --version says: $(iris-desktop --version)"
if readelf -S --wide /usr/bin/iris-desktop | grep -q "\.symtab"; then fail "the installed binary still has its symbol table"; fi
step "iris and iris-desktop $version on the PATH, one stripped binary"

iris demo "$tmp/photos" --count 6 --seed 5 >/dev/null
iris --library "$tmp/library" --model demo index "$tmp/photos" >/dev/null 2>&1 || fail "the installed iris could not index"
photos=$(iris --library "$tmp/library" --model demo --json status | tr -d ' \n' | sed -n 's/.*"photos":\([0-9]*\).*/\1/p')
[ "$photos" = 6 ] || fail "the installed iris indexed $photos photos, not 6"
iris --library "$tmp/library" --model demo --json search "a red circle" -k 3 | grep -q '"score"' || fail "the installed iris could not search"
step "the installed CLI indexed 6 demo photos and searched them"

apps=/usr/share/applications
for entry in Iris.desktop iris-find-similar.desktop iris-add-folder.desktop; do
  [ -f "$apps/$entry" ] || fail "no $apps/$entry"
  desktop-file-validate "$apps/$entry" || fail "$entry does not validate"
done
grep -qx 'Categories=Graphics;Photography;' "$apps/Iris.desktop" || fail "Iris.desktop is not in Graphics"
grep -q '^Exec=iris-desktop %F$' "$apps/Iris.desktop" || fail "Iris.desktop does not pass files"
similar=$(grep '^MimeType=' "$apps/iris-find-similar.desktop")
for mime in image/jpeg image/heic image/png image/avif; do
  case "$similar;" in *"=$mime;"* | *";$mime;"*) ;; *) fail "Find similar does not offer $mime: $similar" ;; esac
done
grep -q '^Name=Find similar photos with Iris$' "$apps/iris-find-similar.desktop" || fail "the photo entry's name"
grep -q '^MimeType=inode/directory;$' "$apps/iris-add-folder.desktop" || fail "Add to Iris is not offered for folders"
grep -q '^Name=Add to Iris$' "$apps/iris-add-folder.desktop" || fail "the folder entry's name"
update-desktop-database "$apps" 2>/dev/null || true
grep -q '^image/heic=.*iris-find-similar.desktop' "$apps/mimeinfo.cache" || fail "image/heic is not in the MIME cache"
grep -q '^inode/directory=.*iris-add-folder.desktop' "$apps/mimeinfo.cache" || fail "inode/directory is not in the MIME cache"
step "3 desktop entries valid; Open with: photos -> Find similar photos with Iris, folders -> Add to Iris (xdg-mime default for image/heic: $(xdg-mime query default image/heic 2>/dev/null || echo none))"

for size in 16x16 24x24 32x32 48x48 64x64 128x128 256x256 512x512; do
  icon=/usr/share/icons/hicolor/$size/apps/iris-desktop.png
  [ -f "$icon" ] || fail "no icon $icon"
  [ "$(identify -format '%wx%h' "$icon")" = "$size" ] || fail "$icon is $(identify -format '%wx%h' "$icon")"
done
step "icons at 16, 24, 32, 48, 64, 128, 256 and 512 px"

depends=$(dpkg-query -W -f='${Depends}' iris)
for soname in $(readelf -d /usr/bin/iris-desktop | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
  path=$(ldconfig -p | awk -v s="$soname" '!found && $1 == s && /x86-64/ {print $NF; found = 1}')
  [ -n "$path" ] || fail "$soname is not installed"
  owner=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null || dpkg -S "/usr$(readlink -f "$path")" 2>/dev/null || dpkg -S "${path#/usr}" 2>/dev/null || true)
  owner=${owner%%:*}
  [ -n "$owner" ] || fail "no package owns $path"
  case ", $depends," in *", $owner "* | *", $owner,"*) ;; *) fail "$soname ($owner) is not in Depends: $depends" ;; esac
done
step "Depends ($depends) covers every library the binary links"

# "Add to Iris" on a folder starts the app with the folder: it becomes a root and is indexed.
xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  iris-desktop --model demo --library "$1" "$2" & app=$!
  for _ in $(seq 120); do
    if xwininfo -root -tree | grep -q "\"Iris\": (\"iris-desktop\""; then
      for _ in $(seq 60); do
        if iris --library "$1" --model demo --json status | tr -d " \n" | grep -q "\"photos\":6,"; then
          [ -n "$3" ] && import -window root "$3/deb-installed-window.png"
          kill $app; exit 0
        fi
        sleep 0.5
      done
      kill $app; exit 2
    fi
    kill -0 $app 2>/dev/null || exit 1
    sleep 0.5
  done
  kill $app; exit 1' _ "$tmp/window-library" "$tmp/photos" "${IRIS_ARTIFACTS:-}" || fail "the installed iris-desktop showed no window, or did not index the folder it was given (exit $?)"
step "the installed iris-desktop opened its window under Xvfb and indexed the folder it was started with"

library_before=$(find "$tmp/library" -type f | sort | xargs md5sum | md5sum)
dpkg -r iris >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "dpkg -r"; }
[ ! -e /usr/bin/iris ] && [ ! -e /usr/bin/iris-desktop ] || fail "dpkg -r left the program"
[ ! -e "$apps/iris-find-similar.desktop" ] || fail "dpkg -r left the desktop entries"
[ "$(find "$tmp/library" -type f | sort | xargs md5sum | md5sum)" = "$library_before" ] || fail "dpkg -r changed the library"
step "dpkg -r removed the program and left the library as it was"
echo "deb package: all checks passed"
