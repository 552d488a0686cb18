#!/usr/bin/env bash
# XGSEA benchmark (issue 5) at the scale of XGSEA's shipped data: 13,879 mouse genes x 17 samples,
# 674 human sets. There is no runnable peer for the whole method (the original is MATLAB without a
# licence), so the run times omics xgsea (all three steps), omics gsea phenotype on the mapped sets
# (step 1 alone) and GSEApy 1.3.1's phenotype GSEA on the same mapped sets (step 1's peer), same
# permutations and threads, and prints the ratios. Release build of omics.
# Usage: bench/xgsea.sh [permutations=1000] [threads=all cores]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
perms=${1:-1000}
threads=${2:-$(nproc)}
(cd "$root" && swift build -c release --product omics >/dev/null)
bin="$root/.build/release/omics"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
python3 "$here/xgsea_make_inputs.py" "$work" 2>/dev/null
timed() { /usr/bin/time -f "TIMED %e %U %S" "$@" 2>&1 >/dev/null | awk '/^TIMED/ {printf "%s %.2f\n", $2, $3+$4}'; }
echo "XGSEA scale: 13879 mouse genes x 17 samples, 674 human sets; $perms permutations, $threads threads; load: $(cut -d' ' -f1-3 /proc/loadavg)"
x=$(timed "$bin" xgsea --expr "$work/source.h5ad" --labels group --classes A,B --gene-sets "$work/human.gmt" \
  --orthologs "$work/orthologs.csv" --source-species mouse --target-species human --out "$work/x" \
  --permutations "$perms" --threads "$threads" --quiet)
p=$(timed "$bin" gsea phenotype --expr "$work/source.h5ad" --labels group --classes A,B --gene-sets "$work/mouse.gmt" \
  --out "$work/p" --permutations "$perms" --threads "$threads" --plots 0 --quiet)
g=$(timed python3 "$here/xgsea_gseapy.py" "$work" "$perms" "$threads")
"$bin" xgsea --expr "$work/source.h5ad" --labels group --classes A,B --gene-sets "$work/human.gmt" \
  --orthologs "$work/orthologs.csv" --source-species mouse --target-species human --out "$work/x2" \
  --permutations "$perms" --threads "$threads" 2>&1 | grep '^xgsea:' | sed 's/^/  /'
printf "omics xgsea (3 steps)           wall %6.2f s  cpu %6.2f s\n" $x
printf "omics gsea phenotype (step 1)   wall %6.2f s  cpu %6.2f s\n" $p
printf "GSEApy phenotype GSEA (step 1)  wall %6.2f s  cpu %6.2f s\n" $g
awk -v g="${g%% *}" -v p="${p%% *}" -v x="${x%% *}" 'BEGIN {
  printf "step 1: GSEApy / omics = %.1fx; whole XGSEA in omics vs GSEApy step 1 alone = %.1fx\n", g / p, g / x }'
