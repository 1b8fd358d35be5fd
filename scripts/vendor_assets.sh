#!/usr/bin/env bash
# Installs the front-end libraries from npm (exact versions in package-lock.json) and
# copies the built files into platform_core/static/vendor/, which is git-ignored.
# The platform serves them itself: no CDN, ever.
set -euo pipefail
XL_SCRIPT=vendor_assets
source "$(dirname "${BASH_SOURCE[0]}")/_lib.sh"
cd "$XL_ROOT"

DEST=platform_core/static/vendor
# source file in node_modules -> name under $DEST
ASSETS=(
    "node_modules/htmx.org/dist/htmx.min.js:htmx.min.js"
    "node_modules/htmx-ext-ws/dist/ws.min.js:htmx-ext-ws.min.js"
    "node_modules/echarts/dist/echarts.min.js:echarts.min.js"
    "node_modules/hls.js/dist/hls.min.js:hls.min.js"
    # hls.min.js ends with a sourceMappingURL: collectstatic (manifest storage) fails without the map.
    "node_modules/hls.js/dist/hls.min.js.map:hls.min.js.map"
)

if ! command -v npm >/dev/null 2>&1; then
    apt_install nodejs npm
fi

# `npm ci` wipes and reinstalls node_modules; skip it when node_modules was already
# installed from this exact lock file (a re-run then needs no registry at all).
stamp=node_modules/.xinglin-lock.sha256
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "npm ci"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$want" >"$stamp"
fi

mkdir -p "$DEST"
for pair in "${ASSETS[@]}"; do
    src="${pair%%:*}"
    dst="$DEST/${pair#*:}"
    [ -s "$src" ] || die "$src is missing after npm ci"
    cp -f "$src" "$dst"
done
# A record of what was vendored, for humans and for debugging.
node -e '
const l = require("./package-lock.json").packages;
for (const n of ["htmx.org", "htmx-ext-ws", "echarts", "hls.js"]) console.log(n + " " + l["node_modules/" + n].version);
' >"$DEST/VERSIONS.txt"
log "vendored into $DEST: $(cd "$DEST" && ls | tr '\n' ' ')"
