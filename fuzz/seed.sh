#!/usr/bin/env bash
# Fills fuzz/corpus/raw_bytes with the seed specs: specs/*.toml and tests/cases/**/*.toml.
# (The structured target needs no seeds: its inputs are `arbitrary` bytes, not TOML.)
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/raw_bytes corpus/structured
find ../specs ../tests/cases -name '*.toml' | while read -r f; do
  # Flatten the path into a unique file name, e.g. tests-cases-valid-groups.toml.
  name=$(echo "${f#../}" | tr '/' '-')
  cp "$f" "corpus/raw_bytes/seed-$name"
done
echo "seeded $(ls corpus/raw_bytes | wc -l) files in fuzz/corpus/raw_bytes"
