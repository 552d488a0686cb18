#!/usr/bin/env bash
# Preprocessing benchmarks (issue 3), peers in the same run, release build:
#   mad      omics filter --mad vs numpy's np.median(np.abs(X - np.median(X, 0)), 0) + mask
#            on a dense 6,534 × 13,237 float32 matrix; same kept genes checked
#   kmeans   omics cluster-genes --k 300 vs sklearn KMeans(300, n_init=N, random_state=0) on
#            5,393 genes × 6,534 samples; inertia ratio and speed ratio
#   normalize omics hvg --flavor seurat_v3 --n-top 2000, then omics normalize --total 1e4 --log1p, vs
#            scanpy highly_variable_genes(seurat_v3) + normalize_total + log1p on 100,000 × 20,000 CSR
#            counts; same flagged genes checked
# Times are of the computation only (each tool reports it after reading the input); omics end-to-end
# wall time (read + compute + write) is printed too.
#   madlow   omics filter --mad in memory vs --low-memory (column-block streaming) on the MAD input:
#            wall time, peak RSS against the size of X, same output checked
# Usage: bench/preprocessing.sh [mad] [kmeans] [normalize] [madlow]   (default: mad kmeans)
# env: WORK (inputs), N_INIT (k-means runs, default 1), OMICS_BIN (a built binary; skips the build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
work=${WORK:-$here/inputs}
n_init=${N_INIT:-1}
which=${*:-mad kmeans}
mkdir -p "$work"
python3 "$here/preprocessing_make_input.py" "$work" $which
if [ -z "${OMICS_BIN:-}" ]; then
  (cd "$root" && swift build -c release --product omics --scratch-path .build-pre-release >/dev/null)
fi
bin=${OMICS_BIN:-$root/.build-pre-release/release/omics}
field() { sed -n "s/.*$1=\([0-9.e+-]*\).*/\1/p" | head -1; }
echo "machine: $(nproc) cores, $(python3 -c 'import numpy, sklearn, scanpy; print("numpy", numpy.__version__, "sklearn", sklearn.__version__, "scanpy", scanpy.__version__)' 2>/dev/null)"

for w in $which; do
  case $w in
  mad)
    in="$work/mad_6534x13237.h5ad"
    peer=$(python3 "$here/preprocessing_mad.py" "$in" "$work/mad_numpy_kept.txt" 3)
    start=$(date +%s.%N)
    ours=$("$bin" filter --mad "$in" "$work/mad_out.h5ad" --report "$work/mad_report.tsv" --timings 2>&1)
    wall=$(echo "$(date +%s.%N) - $start" | bc)
    awk -F'\t' 'NR>1 && $3=="True" {print NR-2}' "$work/mad_report.tsv" > "$work/mad_omics_kept.txt"
    same=$(cmp -s "$work/mad_numpy_kept.txt" "$work/mad_omics_kept.txt" && echo yes || echo NO)
    ps=$(echo "$peer" | field seconds); os=$(echo "$ours" | field compute_s)
    printf 'MAD filter 6534x13237 dense f32: numpy %.3f s, omics %.3f s (end-to-end %.2f s) -> %.1fx; kept %s genes, same kept genes: %s\n' \
      "$ps" "$os" "$wall" "$(echo "$ps / $os" | bc -l)" "$(wc -l < "$work/mad_omics_kept.txt")" "$same"
    ;;
  kmeans)
    in="$work/kmeans_6534x5393.h5ad"
    peer=$(python3 "$here/preprocessing_kmeans.py" "$in" 300 "$n_init")
    start=$(date +%s.%N)
    ours=$("$bin" cluster-genes "$in" --k 300 --n-init "$n_init" --seed 0 --out "$work/kmeans_clusters.tsv" --timings 2>&1)
    wall=$(echo "$(date +%s.%N) - $start" | bc)
    ps=$(echo "$peer" | field seconds); os=$(echo "$ours" | field compute_s)
    pi=$(echo "$peer" | field inertia); oi=$(echo "$ours" | sed -n 's/.*inertia \([0-9.e+-]*\),.*/\1/p')
    printf 'k-means k=300 n_init=%s, 5393 genes x 6534 samples: sklearn %.2f s (inertia %s, %s iterations), omics %.2f s (end-to-end %.2f s; %s) -> %.2fx; inertia ratio omics/sklearn %.5f\n' \
      "$n_init" "$ps" "$pi" "$(echo "$peer" | field n_iter)" "$os" "$wall" "$(echo "$ours" | grep -o '[0-9]* iterations')" "$(echo "$ps / $os" | bc -l)" "$(echo "$oi / $pi" | bc -l)"
    ;;
  madlow)
    in="$work/mad_6534x13237.h5ad"
    xmb=$(python3 -c 'import h5py, sys; x = h5py.File(sys.argv[1])["X"]; print(round(x.size * x.dtype.itemsize / 2**20))' "$in")
    for mode in memory stream; do
      flag=""; [ "$mode" = stream ] && flag="--low-memory"
      /usr/bin/time -f "%e %M" -o "$work/time_$mode.txt" "$bin" filter --mad $flag "$in" "$work/madlow_$mode.h5ad" --report "$work/madlow_$mode.tsv" -q
      read -r secs kb < "$work/time_$mode.txt"
      printf 'MAD filter 6534x13237 dense f32 (X %s MiB), %s: %.2f s wall, peak RSS %d MiB\n' "$xmb" "$mode" "$secs" "$((kb / 1024))"
    done
    same=$(cmp -s "$work/madlow_memory.tsv" "$work/madlow_stream.tsv" && echo yes || echo NO)
    echo "same report (genes, MADs, kept) in both modes: $same"
    ;;
  normalize)
    in="$work/counts_100kx20k.h5ad"
    peer=$(python3 "$here/preprocessing_normalize.py" "$in" "$work/norm_scanpy.h5ad" "$work/hvg_scanpy.txt" 2000)
    start=$(date +%s.%N)
    hv=$("$bin" hvg "$in" "$work/hvg_out.h5ad" --flavor seurat_v3 --n-top 2000 --timings 2>&1)
    ours=$("$bin" normalize "$work/hvg_out.h5ad" "$work/norm_out.h5ad" --total 1e4 --log1p --timings 2>&1)
    wall=$(echo "$(date +%s.%N) - $start" | bc)
    python3 -c 'import h5py, numpy as np, sys; f = h5py.File(sys.argv[1]); np.savetxt(sys.argv[2], np.flatnonzero(f["var/highly_variable"][()]), fmt="%d")' "$work/norm_out.h5ad" "$work/hvg_omics.txt"
    same=$(cmp -s "$work/hvg_scanpy.txt" "$work/hvg_omics.txt" && echo yes || echo "NO ($(comm -3 "$work/hvg_scanpy.txt" "$work/hvg_omics.txt" | wc -l) differ)")
    ps=$(echo "$peer" | field compute_total); pe=$(echo "$peer" | field end_to_end); ph=$(echo "$peer" | field hvg_only)
    oh=$(echo "$hv" | field compute_s); on=$(echo "$ours" | field compute_s)
    os=$(echo "$oh + $on" | bc -l)
    printf 'hvg(seurat_v3) + normalize_total(1e4) + log1p, 100000x20000 CSR: scanpy %.3f s (hvg %.3f), omics %.3f s (hvg %.3f) -> %.1fx; end-to-end with read and write: scanpy %.2f s, omics %.2f s -> %.1fx; same 2000 genes: %s\n' \
      "$ps" "$ph" "$os" "$oh" "$(echo "$ps / $os" | bc -l)" "$pe" "$wall" "$(echo "$pe / $wall" | bc -l)" "$same"
    ;;
  esac
done
