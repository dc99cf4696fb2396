#!/usr/bin/env bash
# Whole-process benchmarks for `specls check`, the figures behind
# docs/performance.md. Not part of the test run.
#
# In one run, on the largest corpus tree (BaseOut+baseout, 890 Markdown
# files), side by side:
#   read-files        cat every Markdown file of the tree (warm page cache)
#   find+read-files   the same, listing the files with find first
#   specls            target/release/specls check --format json
#   openspec          openspec validate --all --strict --json (1.13.2)
# then peak memory (/usr/bin/time -v, maximum resident set size), and
# `specls check` over 1×, 4× and 16× copies of the whole corpus
# (scripts/make-scaled-corpus.sh).
#
# Usage: scripts/bench-check.sh [--no-build] [--no-openspec] [--no-scaled]
#                               [--out DIR]
# Environment:
#   SPECLS_CORPUS       the corpus (default: ../shared/corpus next to the repo)
#   SPECLS_BIN          a specls binary to measure instead of building one
#   OPENSPEC_BIN        an openspec executable (default: looked for in
#                       $OPENSPEC_DIR, /tmp/openspec-cli, /tmp/openspec, and
#                       installed with npm into $OPENSPEC_DIR when absent)
#   OPENSPEC_DIR        scratch folder for the npm install (/tmp/openspec-cli)
#   SPECLS_SCALED_DIR   where the scaled copies go (/tmp/specls-scaled)
#   BENCH_TREE          the tree to compare on (BaseOut+baseout)
#   BENCH_TIMER=loop    time with a date +%s%N loop even when hyperfine is
#                       installed
# Raw results (hyperfine exports, time -v output) go to --out, by default a
# fresh folder under /tmp.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
build=1
with_openspec=1
with_scaled=1
results=""
while [ $# -gt 0 ]; do
    case "$1" in
    --no-build) build=0 ;;
    --no-openspec) with_openspec=0 ;;
    --no-scaled) with_scaled=0 ;;
    --out)
        results="$2"
        shift
        ;;
    -h | --help)
        sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    *)
        echo "bench-check: unknown argument $1 (see --help)" >&2
        exit 2
        ;;
    esac
    shift
done

OPENSPEC_VERSION=1.13.2
corpus="${SPECLS_CORPUS:-$repo/../shared/corpus}"
tree_name="${BENCH_TREE:-BaseOut+baseout}"
openspec_dir="${OPENSPEC_DIR:-/tmp/openspec-cli}"
scaled_dir="${SPECLS_SCALED_DIR:-/tmp/specls-scaled}"
results="${results:-$(mktemp -d /tmp/specls-bench.XXXXXX)}"
mkdir -p "$results"
results="$(cd "$results" && pwd)"

say() { printf '%s\n' "$*"; }
section() { printf '\n== %s\n' "$*"; }

# --- the machine ---------------------------------------------------------
section "machine"
say "date:     $(date -u '+%Y-%m-%d %H:%M UTC')"
say "nproc:    $(nproc)"
say "cpu:      $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')"
say "memory:   $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo 2>/dev/null)"
say "kernel:   $(uname -sr)"
say "rustc:    $(rustc --version 2>/dev/null || echo absent)"
if git -C "$repo" rev-parse HEAD >/dev/null 2>&1; then
    dirty=$(git -C "$repo" status --porcelain --untracked-files=no | wc -l)
    say "specls:   $(git -C "$repo" rev-parse --short HEAD)$([ "$dirty" -gt 0 ] && echo " + uncommitted changes in $dirty files")"
fi
say "results:  $results"
load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
say "load:     $load (1-minute average before the run)"
if awk -v l="$load" 'BEGIN { exit !(l > 0.5) }'; then
    say "bench-check: warning: the machine is busy; other processes will inflate the figures"
fi

# --- the corpus ------------------------------------------------------------
if [ ! -d "$corpus" ]; then
    say ""
    say "bench-check: the OpenSpec corpus is absent ($corpus is not a folder; set SPECLS_CORPUS)."
    say "bench-check: every measurement needs it: skipping all of them."
    exit 0
fi
corpus="$(cd "$corpus" && pwd)"
tree="$corpus/$tree_name"
if [ ! -d "$tree/openspec" ]; then
    say "bench-check: $tree_name is not in the corpus ($tree/openspec is missing): skipping all measurements."
    exit 0
fi

# --- specls -----------------------------------------------------------------
if [ -n "${SPECLS_BIN:-}" ]; then
    specls="$SPECLS_BIN"
else
    if [ "$build" = 1 ]; then
        section "build"
        (cd "$repo" && cargo build --release -p specls)
    fi
    target="${CARGO_TARGET_DIR:-$repo/target}"
    case "$target" in /*) ;; *) target="$repo/$target" ;; esac
    specls="$target/release/specls"
fi
if [ ! -x "$specls" ]; then
    say "bench-check: no specls binary at $specls" >&2
    exit 2
fi
specls="$(cd "$(dirname "$specls")" && pwd)/$(basename "$specls")"
say "binary:   $specls"

# --- openspec ----------------------------------------------------------------
openspec=""
if [ "$with_openspec" = 1 ]; then
    for c in "${OPENSPEC_BIN:-}" "$openspec_dir/node_modules/.bin/openspec" \
        /tmp/openspec-cli/node_modules/.bin/openspec /tmp/openspec/node_modules/.bin/openspec; do
        if [ -n "$c" ] && [ -x "$c" ]; then
            openspec="$c"
            break
        fi
    done
    if [ -z "$openspec" ]; then
        if command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1; then
            section "installing @fission-ai/openspec@$OPENSPEC_VERSION into $openspec_dir"
            mkdir -p "$openspec_dir"
            if (cd "$openspec_dir" && npm install --no-audit --no-fund --silent \
                "@fission-ai/openspec@$OPENSPEC_VERSION" >/dev/null); then
                openspec="$openspec_dir/node_modules/.bin/openspec"
            else
                say "bench-check: npm install of @fission-ai/openspec@$OPENSPEC_VERSION failed: skipping the openspec comparison."
            fi
        else
            say "bench-check: npm or node is not installed: skipping the openspec comparison (install Node.js, or set OPENSPEC_BIN)."
        fi
    fi
    if [ -n "$openspec" ]; then
        v=$(OPENSPEC_TELEMETRY=0 "$openspec" --version 2>/dev/null || echo unknown)
        say "openspec: $openspec ($v)"
        [ "$v" = "$OPENSPEC_VERSION" ] || say "bench-check: warning: openspec is $v, not $OPENSPEC_VERSION"
    fi
else
    say "openspec: skipped (--no-openspec)"
fi

# --- timing helpers -------------------------------------------------------
have_hyperfine=0
if [ "${BENCH_TIMER:-}" != loop ] && command -v hyperfine >/dev/null 2>&1; then
    have_hyperfine=1
    say "timing:   $(hyperfine --version)"
else
    say "timing:   a date +%s%N loop, 3 warm-up runs and 20 timed runs (hyperfine: apt-get install hyperfine)"
fi

# time_commands CSV NAME CMD [NAME CMD]…: each command run in the current
# folder through sh, output discarded, failure ignored (specls and openspec
# exit 1 when the tree has errors). Writes name,mean_s,stddev_s,median_s,min_s,max_s.
time_commands() {
    local csv="$1"
    shift
    if [ "$have_hyperfine" = 1 ]; then
        local args=()
        while [ $# -gt 0 ]; do
            args+=(-n "$1" "$2")
            shift 2
        done
        hyperfine -i -w 3 -m 10 --style basic --export-csv "$csv.hyperfine" "${args[@]}" >&2
        # command,mean,stddev,median,user,system,min,max
        awk -F, 'NR > 1 { print $1 "," $2 "," $3 "," $4 "," $7 "," $8 }' "$csv.hyperfine" >"$csv"
        return
    fi
    : >"$csv"
    while [ $# -gt 0 ]; do
        local name="$1" cmd="$2" i t0 t1
        shift 2
        for i in 1 2 3; do sh -c "$cmd" >/dev/null 2>&1 || true; done
        local times=()
        for i in $(seq 1 20); do
            t0=$(date +%s%N)
            sh -c "$cmd" >/dev/null 2>&1 || true
            t1=$(date +%s%N)
            times+=("$(((t1 - t0) / 1000))")
        done
        printf '%s\n' "${times[@]}" | sort -n | awk -v n="$name" '
            { v[NR] = $1; s += $1; ss += $1 * $1 }
            END { m = s / NR; sd = sqrt(ss / NR - m * m);
                  md = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
                  printf "%s,%.6f,%.6f,%.6f,%.6f,%.6f\n", n, m / 1e6, sd / 1e6, md / 1e6, v[1] / 1e6, v[NR] / 1e6 }' >>"$csv"
        echo "  $name: done" >&2
    done
}

mean_of() { awk -F, -v n="$2" '$1 == n { print $2 }' "$1"; }
median_of() { awk -F, -v n="$2" '$1 == n { print $4 }' "$1"; }
ms() { awk -v s="$1" 'BEGIN { printf "%.1f ms", s * 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
# verdict OK_CONDITION_AWK: prints "met" or "NOT met".
verdict() { awk "BEGIN { exit !($1) }" && echo "met" || echo "NOT met"; }

# --- 1. side by side on one tree ------------------------------------------
section "side by side on $tree_name"
list="$results/md-files.list"
(cd "$tree" && find openspec -name '*.md' -type f -print0) >"$list"
md_files=$(tr -cd '\0' <"$list" | wc -c)
md_bytes=$(cd "$tree" && xargs -0 -a "$list" cat | wc -c)
say "tree:     $tree ($md_files Markdown files, $md_bytes bytes)"

cmds=(
    read-files "xargs -0 -a '$list' cat"
    find+read-files "find openspec -name '*.md' -type f -print0 | xargs -0 cat"
    specls "'$specls' check --format json"
)
if [ -n "$openspec" ]; then
    cmds+=(openspec "OPENSPEC_TELEMETRY=0 '$openspec' validate --all --strict --json")
fi
# Warm the page cache and check that the commands run at all.
(cd "$tree" && xargs -0 -a "$list" cat >/dev/null)
set +e
(cd "$tree" && "$specls" check --format json >"$results/specls.json")
rc=$?
set -e
say "specls check exit status: $rc (1 = the tree has errors), $(grep -c '"code"' "$results/specls.json") diagnostics"
(cd "$tree" && time_commands "$results/side-by-side.csv" "${cmds[@]}")

m_read=$(median_of "$results/side-by-side.csv" read-files)
m_find=$(median_of "$results/side-by-side.csv" find+read-files)
m_specls=$(median_of "$results/side-by-side.csv" specls)
t_read=$(mean_of "$results/side-by-side.csv" read-files)
t_specls=$(mean_of "$results/side-by-side.csv" specls)
say ""
say "| command | mean | ± σ | median | min | max |"
say "|---|---|---|---|---|---|"
awk -F, '{ printf "| %s | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms |\n", $1, $2 * 1000, $3 * 1000, $4 * 1000, $5 * 1000, $6 * 1000 }' \
    "$results/side-by-side.csv"
say ""
say "Ratios of medians (of means in brackets); verdicts use the medians."
say "specls / read-files:       $(ratio "$m_specls" "$m_read")× ($(ratio "$t_specls" "$t_read")×)  target ≤ 3×: $(verdict "$m_specls <= 3 * $m_read")"
say "specls / find+read-files:  $(ratio "$m_specls" "$m_find")×"
if [ -n "$openspec" ]; then
    m_os=$(median_of "$results/side-by-side.csv" openspec)
    t_os=$(mean_of "$results/side-by-side.csv" openspec)
    say "openspec / specls:         $(ratio "$m_os" "$m_specls")× ($(ratio "$t_os" "$t_specls")×)  target ≥ 30×: $(verdict "$m_os >= 30 * $m_specls")"
else
    say "openspec / specls:         not measured (openspec skipped or unavailable, see above)"
fi

# --- 2. peak memory ----------------------------------------------------------
section "peak memory on $tree_name"
if [ -x /usr/bin/time ] && /usr/bin/time -v true >/dev/null 2>&1; then
    rss_max=0
    for i in 1 2 3 4 5; do
        (cd "$tree" && /usr/bin/time -v "$specls" check --format json >/dev/null 2>"$results/time-v-specls.$i.txt") || true
        rss=$(awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' "$results/time-v-specls.$i.txt")
        [ "$rss" -gt "$rss_max" ] && rss_max=$rss
    done
    say "specls max RSS (worst of 5): $rss_max KB = $(awk -v k="$rss_max" 'BEGIN { printf "%.1f MB", k * 1024 / 1e6 }')  (target < 40 MB: $(verdict "$rss_max * 1024 < 40e6"))"
    if [ -n "$openspec" ]; then
        (cd "$tree" && OPENSPEC_TELEMETRY=0 /usr/bin/time -v "$openspec" validate --all --strict --json >/dev/null 2>"$results/time-v-openspec.txt") || true
        rss=$(awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' "$results/time-v-openspec.txt")
        say "openspec max RSS (one run):  $rss KB = $(awk -v k="$rss" 'BEGIN { printf "%.1f MB", k * 1024 / 1e6 }')"
    fi
else
    say "bench-check: GNU time (/usr/bin/time -v) is absent (apt-get install time): skipping peak memory."
fi

# --- 3. linear growth ---------------------------------------------------------
section "linear growth: 1×, 4×, 16× the corpus"
if [ "$with_scaled" = 0 ]; then
    say "skipped (--no-scaled)"
    exit 0
fi
SPECLS_CORPUS="$corpus" "$repo/scripts/make-scaled-corpus.sh" "$scaled_dir" 1 4 16
scales=(1 4 16)
cmds=()
for n in "${scales[@]}"; do
    (cd "$scaled_dir/x$n" && find . -name '*.md' -type f -print0) >"$results/x$n.list"
    (cd "$scaled_dir/x$n" && xargs -0 -a "$results/x$n.list" cat >/dev/null)
done
say ""
say "| scale | files | MB | specls median | ± σ | per 1× | MB/s | read-files median | specls/read | max RSS |"
say "|---|---|---|---|---|---|---|---|---|---|"
t1=""
for n in "${scales[@]}"; do
    dir="$scaled_dir/x$n"
    (cd "$dir" && time_commands "$results/x$n.csv" \
        read-files "xargs -0 -a '$results/x$n.list' cat" \
        specls "'$specls' check --format json .") 2>"$results/x$n.hyperfine.log"
    ts=$(median_of "$results/x$n.csv" specls)
    sd=$(awk -F, '$1 == "specls" { print $3 }' "$results/x$n.csv")
    tr_=$(median_of "$results/x$n.csv" read-files)
    files=$(tr -cd '\0' <"$results/x$n.list" | wc -c)
    bytes=$(cd "$dir" && xargs -0 -a "$results/x$n.list" cat | wc -c)
    [ -n "$t1" ] || t1=$ts
    rss="-"
    if [ -x /usr/bin/time ] && /usr/bin/time -v true >/dev/null 2>&1; then
        (cd "$dir" && /usr/bin/time -v "$specls" check --format json . >/dev/null 2>"$results/time-v-x$n.txt") || true
        rss=$(awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); printf "%.0f MB", $2 * 1024 / 1e6 }' "$results/time-v-x$n.txt")
    fi
    awk -v n="$n" -v f="$files" -v b="$bytes" -v t="$ts" -v sd="$sd" -v t1="$t1" -v tr="$tr_" -v rss="$rss" 'BEGIN {
        printf "| %d× | %d | %.1f | %.0f ms | %.0f ms | %.2f | %.0f | %.0f ms | %.1f× | %s |\n",
            n, f, b / 1e6, t * 1000, sd * 1000, t / (n * t1), b / 1e6 / t, tr * 1000, t / tr, rss }'
done
say ""
say "\"per 1×\" is time / (scale × time at 1×): 1.00 is exactly linear."
