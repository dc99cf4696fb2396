#!/usr/bin/env bash
# Builds scaled copies of the shared OpenSpec corpus for the linear-growth
# measurements in docs/performance.md:
#
#   OUT/x1/copy-01/<tree>/openspec/…
#   OUT/x4/copy-01 … copy-04/<tree>/openspec/…
#   OUT/x16/copy-01 … copy-16/<tree>/openspec/…
#
# Every copy is a real copy (no hard links, so the page cache holds each
# copy's bytes separately), made writable so that `rm -rf OUT` works. Each
# tree of each copy is its own workspace root; `specls check OUT/xN` finds
# them all. A scale that is already complete is left as it is.
#
# Usage: scripts/make-scaled-corpus.sh [OUT] [SCALE…]
#   OUT     default: ${SPECLS_SCALED_DIR:-/tmp/specls-scaled}
#   SCALE   default: 1 4 16
# The corpus is $SPECLS_CORPUS, else ../shared/corpus next to the repository.
# Never point OUT inside the repository: corpus files are not to be copied
# into it.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
corpus="${SPECLS_CORPUS:-$repo/../shared/corpus}"
out="${1:-${SPECLS_SCALED_DIR:-/tmp/specls-scaled}}"
shift || true
scales=("$@")
[ ${#scales[@]} -gt 0 ] || scales=(1 4 16)

if [ ! -d "$corpus" ]; then
    echo "make-scaled-corpus: the OpenSpec corpus is absent ($corpus is not a folder; set SPECLS_CORPUS): nothing to do" >&2
    exit 3
fi
corpus="$(cd "$corpus" && pwd)"

out="$(realpath -m "$out")"
case "$out/" in
"$repo"/*)
    echo "make-scaled-corpus: $out is inside the repository; choose a folder outside it (e.g. /tmp)" >&2
    exit 2
    ;;
esac
mkdir -p "$out"

# The trees: folders of the corpus that hold openspec/.
trees=()
for d in "$corpus"/*/; do
    d="${d%/}"
    [ -d "$d/openspec" ] && trees+=("$(basename "$d")")
done
if [ ${#trees[@]} -eq 0 ]; then
    echo "make-scaled-corpus: no OpenSpec tree (a folder holding openspec/) in $corpus" >&2
    exit 3
fi

for n in "${scales[@]}"; do
    dest="$out/x$n"
    if [ -f "$dest/.complete" ]; then
        echo "make-scaled-corpus: $dest is already built ($n copies)"
        continue
    fi
    rm -rf "$dest"
    mkdir -p "$dest"
    for i in $(seq 1 "$n"); do
        copy="$(printf '%s/copy-%02d' "$dest" "$i")"
        mkdir -p "$copy"
        for t in "${trees[@]}"; do
            cp -R "$corpus/$t" "$copy/$t"
        done
    done
    chmod -R u+w "$dest"
    touch "$dest/.complete"
    files=$(find "$dest" -name '*.md' -type f | wc -l)
    bytes=$(find "$dest" -name '*.md' -type f -print0 | xargs -0 cat | wc -c)
    echo "make-scaled-corpus: $dest: $n copies of ${#trees[@]} trees, $files Markdown files, $bytes bytes"
done
