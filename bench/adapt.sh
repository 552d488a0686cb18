#!/usr/bin/env bash
# `omics adapt` acceptance protocol and speed (issue 7; scdeal.md §5.2–5.4), aligned mode, release build:
#   S1       synthetic Gaussian with a target-only nuisance factor, seeds 0–4
#   R1-cyto  pseudo-bulk → single PBMCs (scanpy's pbmc68k_reduced), seeds 0–4
# Inputs: scripts/adapt_make_inputs.py (the prototype's exact draws) under bench/inputs/adapt.
# Prints per-seed AUROC / weighted F1 (source-only vs adapted), the gates, wall time and peak memory
# of all omics runs; with torch installed, the same for the PyTorch prototype of the same recipe
# (bench/adapt_proto_aligned.py) on the same inputs and thread count.
# Usage: bench/adapt.sh [s1] [r1cyto]    env: THREADS (default 2), SEEDS (default "0 1 2 3 4"), OMICS_BIN
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
work=$here/inputs/adapt
runs=$work/runs
threads=${THREADS:-2}
seeds=${SEEDS:-0 1 2 3 4}
tasks=${*:-s1 r1cyto}
python3 "$root/scripts/adapt_make_inputs.py" "$work" --seeds $seeds --r1 2>/dev/null
if [ -z "${OMICS_BIN:-}" ]; then
  (cd "$root" && swift build -c release --product omics --scratch-path .build-adapt-release >/dev/null)
fi
bin=${OMICS_BIN:-$root/.build-adapt-release/release/omics}
mkdir -p "$runs"
echo "machine: $(nproc) cores; threads $threads; load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%F)"
status=0
for task in $tasks; do
  total=0; peak=0
  for s in $seeds; do
    rm -rf "$runs/${task}_seed$s"
    /usr/bin/time -f '%e %M' -o "$runs/time.txt" "$bin" adapt "$work/${task}_seed${s}_source.h5ad" \
      "$work/${task}_seed${s}_target.h5ad" --label response --out "$runs/${task}_seed$s" --seed "$s" \
      --threads "$threads" --quiet
    read -r sec kb < "$runs/time.txt"
    total=$(echo "$total + $sec" | bc); [ "$kb" -gt "$peak" ] && peak=$kb
  done
  python3 "$here/adapt_score.py" "$task" "$work" "$runs" $seeds 2>/dev/null || status=1
  echo "omics $task: $(echo $seeds | wc -w) seeds in $total s wall, peak RSS $((peak / 1024)) MiB"
  if python3 -c 'import torch' 2>/dev/null; then
    /usr/bin/time -f '%e %M' -o "$runs/time.txt" env THREADS="$threads" OMP_NUM_THREADS="$threads" \
      python3 "$here/adapt_proto_aligned.py" "$work" "$task" $seeds 2>/dev/null
    read -r psec pkb < "$runs/time.txt"
    echo "prototype (PyTorch $(python3 -c 'import torch; print(torch.__version__)')) $task: $psec s wall, peak RSS $((pkb / 1024)) MiB"
    echo "speed $task: omics $total s vs prototype $psec s wall -> omics $(echo "scale=2; $psec / $total" | bc)x faster (gate: >= 3x); memory $((pkb / 1024)) vs $((peak / 1024)) MiB"
    echo "load average after $task: $(cut -d' ' -f1-3 /proc/loadavg)"
  fi
done
exit $status
