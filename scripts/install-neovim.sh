#!/usr/bin/env bash
# Installs Neovim for the end-to-end editor test (tests/tests/neovim.rs):
# Debian's package when `nvim` is not on PATH. Idempotent and quiet; runs as
# root without sudo, or with sudo when there is one and we are not root.
# Debian 12 ships Neovim 0.7.2, the oldest version the plugin supports.
set -euo pipefail

if command -v nvim >/dev/null 2>&1; then
    exit 0
fi

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
# A fresh machine may have no package lists yet.
if ! apt-cache show neovim >/dev/null 2>&1; then
    $sudo apt-get update -qq >/dev/null
fi
$sudo apt-get install -y -qq --no-install-recommends neovim >/dev/null
nvim --version | head -n 1
