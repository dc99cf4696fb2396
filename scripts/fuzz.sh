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

for t in "${targets[@]}"; do
  seeds="server/fuzz/corpus/$t"
  mkdir -p "$seeds"
  if [ "$t" = reader ] && [ -z "$(ls -A "$seeds")" ]; then
    # Real files as starting points; the other targets take structured
    # input that libFuzzer builds from scratch.
    find examples -name '*.md' -exec cp {} "$seeds/" \;
  fi
  echo "== $t, ${secs}s, $(date -u +%FT%TZ), load $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$log"
  (cd server/fuzz && cargo +nightly fuzz run -O "$t" -- \
      -max_total_time="$secs" -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 2>&1) \
    | grep -E '^(stat::|#[0-9]+ *DONE|==[0-9]+==|SUMMARY|artifact_prefix|Test unit written|thread .* panicked)' \
    | tee -a "$log"
done
