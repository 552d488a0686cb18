#!/usr/bin/env bash
# Interop check: converts every readable h5ad fixture with omics and asserts that anndata reads
# our output exactly as it reads the input (scripts/interop_check.py). Needs the Python peers
# (installed here when missing) and a built omics (path as $1, default .build/debug/omics).
set -euo pipefail
cd "$(dirname "$0")/.."
omics=${1:-.build/debug/omics}
if ! python3 -c "import anndata" >/dev/null 2>&1; then
  echo "installing the Python peers for the interop check (anndata)..."
  python3 -m pip install --quiet --disable-pip-version-check anndata==0.12.19 h5py==3.16.0 pandas==2.3.3
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0; failed=0
for f in Fixtures/h5ad/*.h5ad; do
  name=$(basename "$f")
  case $name in lzf_*|blosc_*) continue ;; esac
  out="$work/${name%.*}.h5ad"
  if "$omics" convert "$f" "$out" --quiet && python3 scripts/interop_check.py "$f" "$out" --hdf5-uns-dtypes >/dev/null 2>"$work/err"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "interop FAILED: $f"; cat "$work/err"
  fi
done
echo "interop: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
