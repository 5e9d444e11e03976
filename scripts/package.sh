#!/usr/bin/env bash
# Builds the Debian package of Iris: the release app (same build as scripts/run.sh and the
# tests, so nothing is compiled twice), bundled by the Tauri bundler into a .deb, then
# finished here: the binary stripped of its symbols, `/usr/bin/iris` made a link to
# `iris-desktop` (one engine serves both: started as `iris` it is the CLI), the dependencies
# computed by dpkg-shlibdeps from what the binary links, and the package compressed with xz.
# Prints the path of the .deb (dist/iris_VERSION_amd64.deb). AppImage is not built: its
# tooling is downloaded at bundle time, which this build must not need.
# Needs: Node/npm, the Rust toolchain, dpkg-dev (dpkg-shlibdeps), binutils (strip), fakeroot.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/iris/target}
(cd ui && { [ -d node_modules/@tauri-apps/cli ] || npm install --no-audit --no-fund --loglevel=error; } && npm run build --silent)
if [ "${IRIS_PACKAGE_SKIP_BUILD:-}" != 1 ]; then
  cargo build --release -q --all-targets
fi
bin=$CARGO_TARGET_DIR/release
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
arch=$(dpkg --print-architecture)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Dependencies: the packages of the shared libraries the binary links (webkit, gtk, libheif...).
mkdir -p "$work/shlibs/debian"
printf 'Source: iris\n\nPackage: iris\nArchitecture: any\n' >"$work/shlibs/debian/control"
depends=$(cd "$work/shlibs" && dpkg-shlibdeps -O -e "$bin/iris-desktop" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "package: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

# The Tauri bundler: the binary, the main .desktop entry, icons, the "Open with" entries.
ui/node_modules/.bin/tauri bundle --bundles deb --ci >"$work/bundle.log" 2>&1 || { cat "$work/bundle.log" >&2; exit 1; }
bundled=$(ls -t "$bin"/bundle/deb/*_"${version}"_"${arch}".deb | head -1)

# Finish it: strip, the CLI link, the computed Depends (a superset of the bundler's webkit and
# gtk), checksums and size again, xz.
dpkg-deb -R "$bundled" "$work/pkg"
sed -i "s/^Depends:.*/Depends: $depends/" "$work/pkg/DEBIAN/control"
strip --strip-all "$work/pkg/usr/bin/iris-desktop"
ln -sf iris-desktop "$work/pkg/usr/bin/iris"
(cd "$work/pkg" && find usr -type f -print0 | sort -z | xargs -0 md5sum >DEBIAN/md5sums)
installed_kb=$(du -sk --exclude=DEBIAN "$work/pkg" | cut -f1)
sed -i "s/^Installed-Size:.*/Installed-Size: $installed_kb/" "$work/pkg/DEBIAN/control"
mkdir -p dist
out=dist/iris_${version}_${arch}.deb
fakeroot dpkg-deb -Zxz --build "$work/pkg" "$out" >/dev/null
echo "$out"
