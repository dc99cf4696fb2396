#!/usr/bin/env bash
# Installs the npm dependencies of the VS Code extension (editors/vscode) and
# of the TextMate grammar tests (grammars/test), exactly as their
# package-lock.json files pin them. Idempotent and quiet: a folder whose lock
# file has not changed since its last install is skipped (the lock file's
# hash is kept in its node_modules/).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"

if ! command -v npm >/dev/null 2>&1; then
    echo "install-vscode-deps: npm is not installed (Debian: apt-get install -y nodejs npm)" >&2
    exit 1
fi

for dir in editors/vscode grammars/test; do
    cd "$repo/$dir"
    stamp="node_modules/.specls-lock-sha256"
    want="$(sha256sum package-lock.json | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        continue
    fi
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
    echo "$want" >"$stamp"
done
