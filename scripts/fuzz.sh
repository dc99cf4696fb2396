#!/usr/bin/env bash
# Runs the fuzz targets of server/fuzz, each for SECONDS (default 600),
# one after the other, seeding each from the examples workspace. Needs a
# nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`); not part of
# CI. Crashes land in server/fuzz/artifacts/<target>/; the final statistics
# of each run are printed and appended to target/fuzz-runs.log.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]      targets: reader edits lsp
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-600}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(reader edits lsp)
log="$PWD/target/fuzz-runs.log"
mkdir -p target

# The bad messages and bytes that once ended or wedged the server, as
# `RAW\n` inputs of the lsp target (written as they are after a document is
# opened), each followed by a valid request.
lsp_seeds() {
  local dir="$1" n=0
  frame() { printf 'Content-Length: %d\r\n\r\n%s' "${#1}" "$1"; }
  local hover='{"jsonrpc":"2.0","id":77,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///nowhere.md"},"position":{"line":0,"character":0}}}'
  seed() { n=$((n + 1)); { printf 'RAW\n'; cat; frame "$hover"; } >"$dir/seed-$n"; }
  for id in 1.5 '{}' '[1]' true 9223372036854775808; do
    seed < <(frame "{\"jsonrpc\":\"2.0\",\"id\":$id,\"method\":\"textDocument/hover\"}")
  done
  for rpc in '"jsonrpc":"1.0",' '"jsonrpc":2,' ''; do
    seed < <(frame "{${rpc}\"id\":901,\"method\":\"textDocument/hover\"}")
  done
  seed < <(frame '{"jsonrpc":"2.0","id":904,"method":5}')
  head -c 1024 /dev/urandom >"$dir/.junk"
  seed < <({ printf 'Content-Length: 1024\r\n\r\n'; cat "$dir/.junk"; })
  rm -f "$dir/.junk"
  seed < <(head -c 64 /dev/zero)
  seed < <(printf 'Content-Length: 12\r\n{"jsonrpc":1}')
  seed < <(printf 'Content-Type: application/json\r\n\r\n{}')
  for len in -5 abc 1180591620717411303424; do
    seed < <(printf 'Content-Length: %s\r\n\r\n{}' "$len")
  done
  seed < <(printf 'Content-Length: 5\r\n\r\n{"jsonrpc":"2.0","method":"x"}')
}

for t in "${targets[@]}"; do
  seeds="server/fuzz/corpus/$t"
  mkdir -p "$seeds"
  if [ "$t" = reader ] && [ -z "$(ls -A "$seeds")" ]; then
    # Real files as starting points; `edits` takes structured input that
    # libFuzzer builds from scratch.
    find examples -name '*.md' -exec cp {} "$seeds/" \;
  fi
  if [ "$t" = lsp ]; then
    lsp_seeds "$seeds"
  fi
  # The lsp target's sessions share one runtime whose background work
  # (a workspace read, a reparse) outlives them, so every input ends with
  # allocations not yet freed, and libFuzzer would run LeakSanitizer after
  # each one (about 80% of the time): that per-input check is off for it
  # (the opening and closing tests look for leaks instead). Its coverage varies from run to run (threads), which made
  # the entropic scheduler's rare-feature bookkeeping take 96% of the
  # time; and AddressSanitizer's allocation stacks cost a third more.
  # A fifth of its CPU time then went to the comparison callbacks of
  # trace-compares (each session runs a whole server): it is built without
  # them, in a target directory of its own so that the other targets'
  # builds stay as they are, and a dictionary gives it the tokens those
  # comparisons taught it. Stack-use-after-return detection, which cost 7%
  # more, is off: its code is Rust (tree-sitter's C is not instrumented),
  # where a reference cannot outlive its frame. NEW_FUNC lines, which the
  # filter below drops anyway, are not symbolized.
  build=()
  extra=()
  asan="${ASAN_OPTIONS:-}"
  if [ "$t" = lsp ]; then
    build=(--no-trace-compares --target-dir target/no-trace-compares)
    extra=(-entropic=0 -detect_leaks=0 -print_funcs=0 -dict=dict/lsp.dict)
    asan="${asan:+$asan:}malloc_context_size=0:detect_stack_use_after_return=0"
  fi
  echo "== $t, ${secs}s, $(date -u +%FT%TZ), load $(cut -d' ' -f1 /proc/loadavg), commit $(git rev-parse --short HEAD)" | tee -a "$log"
  (cd server/fuzz && ASAN_OPTIONS="$asan" cargo +nightly fuzz run -O "${build[@]}" "$t" -- \
      -max_total_time="$secs" -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 "${extra[@]}" 2>&1) \
    | grep -E '^(stat::|#[0-9]+ *DONE|==[0-9]+==|SUMMARY|artifact_prefix|Test unit written|thread .* panicked)' \
    | tee -a "$log"
done
