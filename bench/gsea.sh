#!/usr/bin/env bash
# GSEA prerank benchmark (issue 5): omics vs GSEApy 1.3.1 on fgsea's example (12,000 genes,
# 586 Reactome sets of 15-500 genes), same permutations, same threads, in one run; prints the
# wall times and the speed ratio. Release build of omics.
# Usage: bench/gsea.sh [permutations=1000] [threads=all cores]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
perms=${1:-1000}
threads=${2:-$(nproc)}
data="$root/../shared/data/gsea_fixtures/fgsea_example"
rnk="$data/naive.vs.th1.rnk"; gmt="$data/mouse.reactome.gmt"
[ -f "$rnk" ] || { echo "missing $rnk (../shared/data/gsea_fixtures)"; exit 1; }
(cd "$root" && swift build -c release --product omics --scratch-path .build-gsea-release >/dev/null)
bin="$root/.build-gsea-release/release/omics"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }
now() { python3 -c 'import time; print(time.perf_counter())'; }
run_omics() { # $1 = eps
  local t0 t1; t0=$(now)
  "$bin" gsea prerank --ranks "$rnk" --gene-sets "$gmt" --out "$work/omics" --permutations "$perms" \
    --threads "$threads" --seed 42 --plots 0 --eps "$1" --quiet
  t1=$(now); python3 -c "print(f'{$t1-$t0:.3f}')"
}
echo "fgsea example: 12000 genes, 586 sets (15-500), $perms permutations, $threads threads"
o_simple=$(run_omics 0)        # permutations only (as GSEApy permutation mode)
o_ml=$(run_omics 1e-50)        # permutations + multilevel for small p (as fgseaMultilevel)
sig=$(awk -F'\t' 'NR>1 && $3!="NA" && $3<0.01' "$work/omics/gsea_prerank.tsv" | wc -l)
g_perm=$(python3 "$here/gsea_gseapy.py" "$rnk" "$gmt" "$perms" "$threads" permutation "$work/g1" | field seconds)
g_ml=$(python3 "$here/gsea_gseapy.py" "$rnk" "$gmt" "$perms" "$threads" multilevel "$work/g2" | field seconds)
python3 - "$o_simple" "$o_ml" "$g_perm" "$g_ml" "$sig" <<'PY'
import sys
os_, oml, gp, gml, sig = map(float, sys.argv[1:])
print(f"{'mode':<44} {'GSEApy_s':>9} {'omics_s':>9} {'speedup':>8}")
print(f"{'permutation (p from permutations only)':<44} {gp:9.3f} {os_:9.3f} {gp/os_:7.1f}x")
print(f"{'multilevel (small p by multilevel splitting)':<44} {gml:9.3f} {oml:9.3f} {gml/oml:7.1f}x")
print(f"omics multilevel run: {int(sig)} sets with padj < 0.01 (fgsea: 77-78)")
PY
