#!/usr/bin/env bash
# The main job on the bundled example data: installs what is missing, builds omics (release),
# then inspects and converts the example files of every supported format and prints what they hold.
# Outputs go to ./out/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product omics 2>&1 | tail -1
omics=.build/release/omics
rm -rf out && mkdir -p out
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

echo
echo "=== preprocessing: MAD gene filter, normalize + log1p, PCA, k-means gene clusters"
$omics filter --mad Fixtures/preprocessing/mad_dense.h5ad out/mad_filtered.h5ad --report out/mad_genes.tsv --plot out/mad.svg
$omics normalize --total 1e4 --log1p out/v3_filtered_feature_bc_matrix.h5ad out/normalized.h5ad
$omics pca --n-comps 3 out/mad_filtered.h5ad out/pca.h5ad
$omics cluster-genes Fixtures/preprocessing/kmeans_genes.h5ad --k 4 --seed 0 --out out/gene_clusters.tsv
head -5 out/gene_clusters.tsv

echo
echo "=== prerank GSEA on the bundled ranked list and gene sets"
$omics gsea prerank --ranks Fixtures/gsea/small.rnk --gene-sets Fixtures/gsea/small.gmt --out out/gsea \
  --min-size 1 --permutations 1000 --seed 1
head -5 out/gsea/gsea_prerank.tsv

if [ -f ../shared/data/geneformer/fixtures/geneformer_fixture.h5ad ]; then
  echo
  echo "=== Geneformer tokenization (V2) of the shared parity fixture"
  $omics tokenize ../shared/data/geneformer/fixtures/geneformer_fixture.h5ad --out out/tokenized \
    --model-version V2 --attr cell_type --dictionaries ../shared/data/geneformer
  ls out/tokenized
fi
