#!/usr/bin/env bash
# Renders the app icon (assets/icon/iris.svg) at the sizes the desktop and the Tauri bundler
# use into src-tauri/icons/ (committed; run again after editing the SVG). Needs rsvg-convert
# (Debian: librsvg2-bin).
set -euo pipefail
cd "$(dirname "$0")/.."
out=src-tauri/icons
mkdir -p "$out"
for size in 16 24 32 48 64 128 256 512; do
  rsvg-convert -w "$size" -h "$size" assets/icon/iris.svg -o "$out/${size}x${size}.png"
done
rsvg-convert -w 256 -h 256 assets/icon/iris.svg -o "$out/128x128@2x.png"
mv "$out/512x512.png" "$out/icon.png"   # the 512 px icon, named as tauri-build looks for it
