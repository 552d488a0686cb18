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
# wall and CPU (user+sys) seconds of a command, from GNU time: prints "wall cpu"
timed() { /usr/bin/time -f "TIMED %e %U %S" "$@" 2>&1 >/dev/null | awk '/^TIMED/ {printf "%s %.2f\n", $2, $3+$4}'; }
run_omics() { # $1 = eps
  timed "$bin" gsea prerank --ranks "$rnk" --gene-sets "$gmt" --out "$work/omics$1" --permutations "$perms" \
    --threads "$threads" --seed 42 --plots 0 --eps "$1" --quiet
}
run_gseapy() { # $1 = method
  timed python3 "$here/gsea_gseapy.py" "$rnk" "$gmt" "$perms" "$threads" "$1" "$work/g$1"
}
echo "fgsea example: 12000 genes, 586 sets (15-500), $perms permutations, $threads threads; load: $(cut -d' ' -f1-3 /proc/loadavg)"
o_simple=$(run_omics 0)        # permutations only (as GSEApy permutation mode)
o_ml=$(run_omics 1e-50)        # permutations + multilevel for small p (as fgseaMultilevel)
sig=$(awk -F'\t' 'NR>1 && $3!="NA" && $3<0.01' "$work/omics1e-50/gsea_prerank.tsv" | wc -l)
g_perm=$(run_gseapy permutation)
g_ml=$(run_gseapy multilevel)
python3 - "$o_simple" "$o_ml" "$g_perm" "$g_ml" "$sig" <<'PY'
import sys
o, oml, gp, gml = (tuple(map(float, a.split())) for a in sys.argv[1:5])
sig = int(sys.argv[5])
print(f"{'mode':<40} {'GSEApy wall/cpu s':>18} {'omics wall/cpu s':>17} {'speedup wall (cpu)':>19}")
for name, g, x in [("permutation (p from permutations only)", gp, o), ("multilevel (small p by splitting)", gml, oml)]:
    print(f"{name:<40} {g[0]:8.2f}/{g[1]:<8.2f} {x[0]:8.2f}/{x[1]:<7.2f} {g[0]/x[0]:8.1f}x ({g[1]/x[1]:.1f}x)")
print(f"omics multilevel run: {sig} sets with padj < 0.01 (fgsea: 77-78); GSEApy timings include Python start-up and import")
PY
