#!/usr/bin/env bash
# Re-runs the real OpenSpec CLI (1.13.2, from npm) over every corpus tree,
# compares its output with the recorded output, and runs the parity test
# against the fresh output. Not part of `cargo test`: it needs npm.
#
#   scripts/openspec-parity.sh            # corpus from $SPECLS_CORPUS or ../shared/corpus
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
corpus=${SPECLS_CORPUS:-$root/../shared/corpus}
cli_dir=${OPENSPEC_CLI_DIR:-$root/target/openspec-cli}
out=$root/target/openspec-validate

if [ ! -d "$corpus/_openspec-1.13.2-validate" ]; then
  echo "corpus not found at $corpus (set SPECLS_CORPUS)" >&2
  exit 2
fi
if ! command -v npm >/dev/null; then
  echo "npm is needed to install @fission-ai/openspec@1.13.2" >&2
  exit 2
fi
if [ ! -x "$cli_dir/node_modules/.bin/openspec" ]; then
  mkdir -p "$cli_dir"
  npm install --silent --prefix "$cli_dir" @fission-ai/openspec@1.13.2
fi
openspec=$cli_dir/node_modules/.bin/openspec
mkdir -p "$out"
same=0
changed=0
for tree in "$corpus"/*/; do
  name=$(basename "$tree")
  [ -d "$tree/openspec" ] || continue
  # validate exits 1 when an item is invalid; the JSON is what matters.
  (cd "$tree" && OPENSPEC_TELEMETRY=0 "$openspec" validate --all --json --no-interactive 2>/dev/null || true) |
    python3 -c 'import json,sys; d=json.load(sys.stdin); d.pop("root",None); [i.pop("durationMs",None) for i in d["items"]]; print(json.dumps(d,indent=1,sort_keys=True))' >"$out/$name.json"
  recorded=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d.pop("root",None); [i.pop("durationMs",None) for i in d["items"]]; print(json.dumps(d,indent=1,sort_keys=True))' "$corpus/_openspec-1.13.2-validate/$name.json")
  if [ "$recorded" = "$(cat "$out/$name.json")" ]; then
    same=$((same + 1))
  else
    changed=$((changed + 1))
    echo "differs from the recorded output: $name" >&2
  fi
done
echo "openspec validate re-run: $same trees as recorded, $changed differ"

# The rule fixture: a workspace that triggers every mirrored rule.
fixture=$root/server/tests/parity-fixture
(cd "$fixture" && OPENSPEC_TELEMETRY=0 "$openspec" validate --all --json --no-interactive 2>/dev/null || true) |
  python3 -c 'import json,sys; d=json.load(sys.stdin); d.pop("root",None); [i.pop("durationMs",None) for i in d["items"]]; print(json.dumps(d,indent=1,sort_keys=True))' >"$out/parity-fixture.json"
if diff -q <(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])),indent=1,sort_keys=True))' "$root/server/tests/parity-fixture.openspec-1.13.2.json") "$out/parity-fixture.json" >/dev/null; then
  echo "rule fixture: the CLI's output equals the recorded output"
else
  echo "rule fixture: the CLI's output differs from server/tests/parity-fixture.openspec-1.13.2.json" >&2
fi

cd "$root"
SPECLS_OPENSPEC_VALIDATE_DIR=$out SPECLS_OPENSPEC_FIXTURE_OUTPUT=$out/parity-fixture.json SPECLS_CORPUS=$corpus \
  cargo test -q -p specls --test parity -- --nocapture --test-threads 1
