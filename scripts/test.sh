#!/usr/bin/env bash
# Runs every test from a fresh clone: installs what is missing, builds, runs the anndata interop
# check on our h5ad output, then the Swift test suites (unit, fixture-oracle, bad-input and CLI tests).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --build-tests 2>&1 | tail -1
scripts/interop.sh .build/debug/omics
{ python3 -c 'import datasets' 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check 'datasets>=4'; } && python3 scripts/tokenizer_interop.py .build/debug/omics
scripts/tokenizer_workflow_test.sh .build/debug/omics
scripts/encoder_interop.sh .build/debug/omics
swift test
