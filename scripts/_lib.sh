# shellcheck shell=bash
# Shared helpers for scripts/demo and scripts/test. Sourced, never run directly.
# Everything here is idempotent: calling a helper twice does no harm.

# Repo root, whatever directory the caller was started from.
XL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
XL_UV_VERSION="0.13.8"

# Colours only on a terminal: CI logs stay plain text.
if [ -t 1 ]; then XL_B=$'\033[1;34m' XL_Y=$'\033[1;33m' XL_R=$'\033[1;31m' XL_0=$'\033[0m'
else XL_B='' XL_Y='' XL_R='' XL_0=''; fi
log() { printf '%s[%s]%s %s\n' "$XL_B" "${XL_SCRIPT:-xinglin}" "$XL_0" "$*"; }
warn() { printf '%s[%s] %s%s\n' "$XL_Y" "${XL_SCRIPT:-xinglin}" "$*" "$XL_0" >&2; }
die() { printf '%s[%s] %s%s\n' "$XL_R" "${XL_SCRIPT:-xinglin}" "$*" "$XL_0" >&2; exit 1; }

# Non-interactive apt: CI has no stdin and nobody answers prompts.
export DEBIAN_FRONTEND=noninteractive
# Never try to download a Python build (no network outside the registries);
# uv must use the machine's Python 3.11.
export UV_PYTHON_DOWNLOADS=never

XL_APT_UPDATED=0
# as_root CMD...: we usually are root; fall back to sudo for a developer laptop.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# apt_install PKG...: installs only the packages not installed yet, with one
# `apt-get update` per run (the package lists may be empty on a fresh machine).
apt_install() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' \
            || missing+=("$pkg")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    command -v apt-get >/dev/null || die "missing packages (${missing[*]}) and no apt-get to install them"
    if [ "$XL_APT_UPDATED" -eq 0 ]; then
        log "apt-get update"
        as_root apt-get update -qq
        XL_APT_UPDATED=1
    fi
    log "apt-get install ${missing[*]}"
    as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# ensure_uv: sets $UV to a working uv. A fresh machine has none, so we install the
# pinned version from PyPI into a small bootstrap venv under var/ (works with pyenv,
# with Debian's "externally managed" Python, and without write access to ~/.local).
ensure_uv() {
    local boot="$XL_ROOT/var/tools/uv-venv"
    if [ -x "$boot/bin/uv" ] && "$boot/bin/uv" --version >/dev/null 2>&1; then
        UV="$boot/bin/uv"
    elif command -v uv >/dev/null 2>&1 && uv --version >/dev/null 2>&1; then
        # (a pyenv shim exists even when uv is not installed: hence the --version check)
        UV="$(command -v uv)"
    else
        log "installing uv ${XL_UV_VERSION} into var/tools/uv-venv"
        local py
        py="$(command -v python3.11 || command -v python3)" || die "python3 not found"
        rm -rf "$boot"
        "$py" -m venv "$boot" || die "could not create a venv with $py (Debian: apt-get install python3-venv)"
        "$boot/bin/python" -m pip install -q --disable-pip-version-check "uv==${XL_UV_VERSION}"
        # pip only bootstraps uv; drop it so the checkout holds no third-party web assets (pip's
        # vendored libraries reference CDNs) and nothing but uv runs from here.
        "$boot/bin/python" -m pip uninstall -q -y pip >/dev/null
        UV="$boot/bin/uv"
    fi
    export UV
    log "using $("$UV" --version) ($UV)"
}

# uv_sync: the locked environment in .venv (dev group included, as uv does by default).
uv_sync() {
    ensure_uv
    log "uv sync --frozen"
    (cd "$XL_ROOT" && "$UV" sync --frozen)
}

# ensure_msgfmt: compilemessages needs GNU gettext.
ensure_msgfmt() {
    command -v msgfmt >/dev/null 2>&1 || apt_install gettext
}

# manage ARGS...: Django's manage.py in the project venv.
manage() {
    (cd "$XL_ROOT" && .venv/bin/python manage.py "$@")
}

# compile_messages: compiles only the project's own catalogues. Without --ignore,
# compilemessages walks every locale/ folder under the cwd, .venv and node_modules included.
compile_messages() {
    # Nothing to compile (and compilemessages would error out) when no locale/ exists.
    if [ -z "$(cd "$XL_ROOT" && find . \( -path ./.venv -o -path ./node_modules -o -path ./.git \
            -o -path ./var \) -prune -o -type d -name locale -print -quit)" ]; then
        warn "no locale/ folder found: skipping compilemessages"
        return 0
    fi
    ensure_msgfmt
    log "manage.py compilemessages"
    manage compilemessages --ignore=.venv --ignore=node_modules --ignore=var \
        --ignore=staticfiles --ignore=.git >/dev/null
}
