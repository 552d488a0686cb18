#!/usr/bin/env bash
# Runs every test from a fresh clone: installs what is missing, builds, runs the anndata interop
# check on our h5ad output, then the Swift test suites (unit, fixture-oracle, bad-input and CLI tests).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --build-tests 2>&1 | tail -1
scripts/interop.sh .build/debug/omics
swift test
