#!/usr/bin/env bash
# The main job on the bundled example data: installs what is missing, builds omics (release),
# then inspects and converts the example files of every supported format and prints what they hold.
# Outputs go to ./out/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product omics 2>&1 | tail -1
omics=.build/release/omics
mkdir -p out
examples=(
  "Fixtures/10x/v3_filtered_feature_bc_matrix.h5"
  "Fixtures/10x/mex_v3"
  "Fixtures/loom/loom_v3.loom"
  "Fixtures/geo/GSE900001_series_matrix.txt"
  "Fixtures/h5ad/legacy_anndata_0.6.h5ad"
  "Fixtures/h5ad/scanpy_pipeline.h5ad"
)
for input in "${examples[@]}"; do
  name=$(basename "$input"); name=${name%%.*}
  echo
  echo "=== $input"
  $omics inspect "$input"
  $omics convert "$input" "out/$name.h5ad"
done
echo
echo "=== converted files (out/*.h5ad) open in anndata unchanged; for example:"
$omics inspect out/v3_filtered_feature_bc_matrix.h5ad
