#!/usr/bin/env bash
# `omics deepprofile train` speed against the same VAE recipe in PyTorch (issue 8): 1,000 samples ×
# 2,000 genes → PCA 500 components, latent sizes 5, 10, 25 × 10 runs each, batch 50, 50 epochs, both
# on THREADS cores (default 2). omics: release build, --no-attributions (the peer trains only), the
# whole command timed (read, z-score, PCA, 30 VAEs, k-means into 30 nodes, writing); PyTorch: z-score,
# PCA, 30 VAEs (bench/deepprofile_torch.py). Prints both wall times, peak RSS and the ratio.
# Usage: bench/deepprofile.sh     env: THREADS (default 2), RUNS (default 10), OMICS_BIN,
#   TORCH_THREADS (default THREADS: torch.set_num_threads for the peer; 1 shows PyTorch without its
#   OpenMP contention on a busy 2-vCPU machine)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
work=$here/inputs/deepprofile
threads=${THREADS:-2}
torch_threads=${TORCH_THREADS:-$threads}
runs=${RUNS:-10}
mkdir -p "$work"
[ -f "$work/input.h5ad" ] || python3 "$here/deepprofile_torch.py" make "$work/input.h5ad" 2>/dev/null
if [ -z "${OMICS_BIN:-}" ]; then
  (cd "$root" && swift build -c release --product omics >/dev/null)
fi
bin=${OMICS_BIN:-$root/.build/release/omics}
echo "machine: $(nproc) cores; threads $threads; load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%F %H:%M UTC')"
rm -rf "$work/omics_out"
/usr/bin/time -f '%e %M' -o "$work/time_omics.txt" "$bin" deepprofile train "$work/input.h5ad" --out "$work/omics_out" \
  --components 500 --latent 5,10,25 --runs "$runs" --nodes 30 --threads "$threads" --no-attributions --quiet
read -r osec okb < "$work/time_omics.txt"
otrain=$(python3 -c "import json; print(round(json.load(open('$work/omics_out/report.json'))['timings_seconds']['training'], 2))")
echo "omics: $osec s wall (VAE training $otrain s), peak RSS $((okb / 1024)) MiB"
/usr/bin/time -f '%e %M' -o "$work/time_torch.txt" env THREADS="$torch_threads" python3 "$here/deepprofile_torch.py" train \
  "$work/input.h5ad" 5,10,25 "$runs" 500 2>/dev/null
read -r tsec tkb < "$work/time_torch.txt"
echo "pytorch: $tsec s wall, peak RSS $((tkb / 1024)) MiB"
echo "speed-up (wall): $(python3 -c "print(round($tsec / $osec, 2))")×"
