#!/usr/bin/env bash
# Packages the VS Code extension (editors/vscode) as a .vsix, without a
# prompt. With --target and --binary it is a platform-specific package that
# carries the `specls` binary in bin/, which the extension runs when
# specls.server.path is not set; without them, a package for every platform
# that looks for `specls` on PATH.
#
#   scripts/package-vscode.sh -o OUT.vsix [--target linux-x64 --binary target/release/specls]
#
# Needs the extension's npm dependencies (scripts/install-vscode-deps.sh).
# The binary is stripped of debug information on the way in.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"

out="" target="" binary=""
while [ $# -gt 0 ]; do
    case "$1" in
    -o) out="$2"; shift ;;
    --target) target="$2"; shift ;;
    --binary) binary="$2"; shift ;;
    *) echo "package-vscode: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
if [ -z "$out" ] || { [ -n "$target" ] && [ -z "$binary" ]; } || { [ -z "$target" ] && [ -n "$binary" ]; }; then
    echo "usage: package-vscode.sh -o OUT.vsix [--target TARGET --binary PATH]" >&2
    exit 2
fi
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
case "$binary" in "" | /*) ;; *) binary="$PWD/$binary" ;; esac
mkdir -p "$(dirname "$out")"

cd "$repo/editors/vscode"
# bin/ exists only while a platform package is made, so that a later
# platform-neutral package cannot carry a stale binary.
rm -rf bin
trap 'rm -rf "$repo/editors/vscode/bin"' EXIT
args=()
if [ -n "$target" ]; then
    exe="specls"
    case "$target" in win32-*) exe="specls.exe" ;; esac
    mkdir bin
    if command -v strip >/dev/null 2>&1 && [ "$exe" = specls ]; then
        strip -o "bin/$exe" "$binary"
    else
        cp "$binary" "bin/$exe"
    fi
    chmod 755 "bin/$exe"
    args=(--target "$target")
fi
npx vsce package "${args[@]}" -o "$out" </dev/null >/dev/null
echo "$out"
