#!/usr/bin/env bash
# Tokenize benchmark (issue 4): omics tokenize (release build) vs Geneformer's tokenizer pipeline
# (bench/tokenize_peer_geneformer.py) on the same generated h5ad: 20,000 cells x 25,271 genes,
# 2,500 non-zero raw counts per cell, V2 dictionaries from ../shared/data/geneformer.
# Prints wall time, cells/s and peak RSS of each, and the ratio. With --memory, also tokenizes a
# 1,000,000-cell file (200 non-zeros per cell) and compares peak RSS with the size of its X.
#
# usage: bench/tokenize.sh [--memory] [--threads N]
set -euo pipefail
cd "$(dirname "$0")/.."
memory=0; threads=0
while [ $# -gt 0 ]; do
  case $1 in --memory) memory=1 ;; --threads) threads=$2; shift ;; *) echo "unknown option $1"; exit 2 ;; esac
  shift
done
dicts=../shared/data/geneformer
[ -d "$dicts" ] || { echo "needs $dicts (Geneformer dictionaries)"; exit 1; }
python3 -c "import anndata, datasets" 2>/dev/null || python3 -m pip install --quiet anndata datasets
# the tree is shared with other developers: retry when a file changes during the build
for attempt in 1 2 3 4; do
  if swift build -c release --product omics --scratch-path .build-tok-release 2>&1 | tail -1 | tee /dev/stderr | grep -q "Build of product\|Compiling\|Build complete"; then break; fi
  sleep 15
done
omics=.build-tok-release/release/omics
mkdir -p bench/inputs
input=bench/inputs/tok_20k.h5ad
[ -f $input ] || python3 bench/tokenize_make_input.py $input
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

measure() {  # label, command...: prints "label wall_s peak_MB" (CPU seconds on stderr)
  local label=$1; shift
  /usr/bin/time -f "%e %M %U %S" -o "$work/time" "$@" > "$work/out" 2>&1 || { cat "$work/out"; exit 1; }
  read -r wall rss user sys < "$work/time"
  echo "$label: CPU $user s user + $sys s system" >&2
  echo "$label $wall $((rss / 1024))"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
cells=20000
read -r _ ow om < <(measure omics $omics tokenize $input --out "$work/omics.dataset" --dictionaries $dicts --attr cell_type --threads $threads -q)
read -r _ pw pm < <(measure peer python3 bench/tokenize_peer_geneformer.py $input "$work/peer.dataset" $dicts --nproc 2)
python3 - "$ow" "$om" "$pw" "$pm" $cells <<'PY'
import sys
ow, om, pw, pm, n = float(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
print(f"omics tokenize : {ow:7.2f} s  {n / ow:9.0f} cells/s  peak {om:6d} MB")
print(f"geneformer peer: {pw:7.2f} s  {n / pw:9.0f} cells/s  peak {pm:6d} MB")
print(f"ratio          : {pw / ow:.1f}x faster, {pm / max(om, 1):.1f}x less memory")
PY
python3 - "$work/omics.dataset" "$work/peer.dataset" <<'PY'
import sys, datasets
a, b = datasets.load_from_disk(sys.argv[1]), datasets.load_from_disk(sys.argv[2])
same = sum(x == y for x, y in zip(a["input_ids"], b["input_ids"]))
multiset = sum(sorted(x) == sorted(y) for x, y in zip(a["input_ids"], b["input_ids"]))
print(f"rows identical to the peer: {same}/{len(a)}; same tokens (order aside): {multiset}/{len(a)} (differences: upstream's unstable argsort inside exact ties, float32 rounding)")
print(f"features: {a.features}")
PY

if [ $memory = 1 ]; then
  big=bench/inputs/tok_1m.h5ad
  [ -f $big ] || python3 bench/tokenize_make_input.py $big --cells 1000000 --nnz 200 --fast
  xmb=$(python3 -c "import h5py; f=h5py.File('$big'); print(sum(f['X'][k].id.get_storage_size() for k in ('data','indices','indptr')) // 2**20)")
  read -r _ bw bm < <(measure omics $omics tokenize $big --out "$work/big.dataset" --dictionaries $dicts --threads $threads -q)
  echo "1,000,000 cells: $bw s, $(python3 -c "print(round(1e6 / $bw))") cells/s, peak $bm MB; X on disk $xmb MB"
fi
