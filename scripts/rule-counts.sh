#!/usr/bin/env bash
# Findings per rule code over the shared corpora: run it before and after
# changing a rule to see the change's effect on real repositories. Prints a
# Markdown table (one row per code, one column per tree, then the total) and
# the number of files read.
#
# Usage: scripts/rule-counts.sh [--bin SPECLS] [CORPUS_DIR…]
#   CORPUS_DIR  folders whose sub-folders are repository trees; default:
#               $SPECLS_CORPUS (else ../shared/corpus beside the repository)
#   --bin       a specls binary (default: target/release/specls, built if absent)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
bin=""
dirs=()
while [ $# -gt 0 ]; do
    case "$1" in
    --bin)
        bin="$2"
        shift
        ;;
    -h | --help)
        sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    *) dirs+=("$1") ;;
    esac
    shift
done
[ ${#dirs[@]} -gt 0 ] || dirs=("${SPECLS_CORPUS:-$repo/../shared/corpus}")
if [ -z "$bin" ]; then
    bin="$repo/target/release/specls"
    [ -x "$bin" ] || (cd "$repo" && cargo build --release -q -p specls)
fi
# Each tree is checked from inside it: a relative --bin must not depend on that.
case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
trees=()
for d in "${dirs[@]}"; do
    if [ ! -d "$d" ]; then
        echo "rule-counts: $d is not a folder" >&2
        exit 2
    fi
    for t in "$d"/*/; do
        t="${t%/}"
        name="$(basename "$t")"
        case "$name" in _*) continue ;; esac
        # A tree specls finds no workspace in exits 2: not counted.
        set +e
        (cd "$t" && "$bin" check --format json . >"$tmp/$name.json" 2>/dev/null)
        rc=$?
        set -e
        [ "$rc" -le 1 ] || continue
        trees+=("$name")
        # A tree with no finding at all is counted too (grep finds nothing).
        { grep -o '"code": "[^"]*"' "$tmp/$name.json" || true; } | cut -d'"' -f4 | sort | uniq -c |
            awk -v t="$name" '{ print $2 "\t" t "\t" $1 }' >>"$tmp/counts.tsv"
        grep -o '"files": [0-9]*' "$tmp/$name.json" | awk -v t="$name" '{ print t "\t" $2 }' >>"$tmp/files.tsv"
    done
done
touch "$tmp/counts.tsv" "$tmp/files.tsv"

short() { echo "${1#*+}"; }
printf '| code |'
for t in "${trees[@]}"; do printf ' %s |' "$(short "$t")"; done
printf ' total |\n|---|'
for _ in "${trees[@]}"; do printf -- '---|'; done
printf -- '---|\n'
for code in $(cut -f1 "$tmp/counts.tsv" | sort -u); do
    printf '| `%s` |' "$code"
    total=0
    for t in "${trees[@]}"; do
        n=$(awk -F'\t' -v c="$code" -v t="$t" '$1 == c && $2 == t { print $3 }' "$tmp/counts.tsv")
        n=${n:-0}
        total=$((total + n))
        printf ' %s |' "$n"
    done
    printf ' **%s** |\n' "$total"
done
files=$(awk -F'\t' '{ s += $2 } END { print s + 0 }' "$tmp/files.tsv")
echo
echo "${#trees[@]} trees, $files Markdown files read, $(date -u '+%Y-%m-%d'), specls at $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?')"
