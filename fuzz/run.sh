#!/usr/bin/env bash
# Runs the `generate` fuzz target on stable Rust (cargo-fuzz needs nightly flags: RUSTC_BOOTSTRAP
# allows them; no sanitizer, since only the stable toolchain is here). The seed corpus is copied
# at run time from the spec corpus and the hostile fixtures, never committed.
#   fuzz/run.sh [SECONDS]        default 600
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
secs="${1:-600}"
corpus_src="${OPENAPI_CORPUS:-$here/../../shared/specs}"
seeds="$here/corpus/generate"
mkdir -p "$seeds" "$here/artifacts/generate"
find "$corpus_src" -type f \( -name '*.yaml' -o -name '*.json' \) -exec cp {} "$seeds/" \; 2>/dev/null || true
for f in "$here"/../generator/tests/hostile/*.yaml "$here"/../generator/tests/hostile/*.json "$here"/../generator/tests/fixtures/*.yaml "$here"/../spec/*.yaml; do
  [ -f "$f" ] && cp "$f" "$seeds/"
done
cd "$here"
RUSTC_BOOTSTRAP=1 cargo fuzz run -s none -O generate "$seeds" -- \
  -dict="$here/openapi.dict" -max_len=32768 -timeout=20 -rss_limit_mb=4096 \
  -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$here/artifacts/generate/"
