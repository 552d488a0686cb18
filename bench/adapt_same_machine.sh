#!/usr/bin/env bash
# Runs the omics side and the PyTorch prototype side of bench/adapt.sh on one machine that has
# torch but no Swift toolchain: DIR holds `omics` (release binary) and `libs.tar.xz` (its shared
# libraries, from ldd), the inputs are under bench/inputs/adapt. Both sides are pinned to the same
# two cores (taskset -c 0,1) with two threads. Output: per-seed lines and totals on stdout.
# Usage: bench/adapt_same_machine.sh DIR [tasks...]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=$1; shift
tasks=${*:-s1 r1cyto}
work=$here/inputs/adapt
runs=${OUT:-/tmp}/adapt_runs
mkdir -p "$runs" /tmp/adapt_libs
tar xJf "$dir/libs.tar.xz" -C /tmp/adapt_libs
export LD_LIBRARY_PATH=/tmp/adapt_libs/lib
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'); pinned to cores 0,1"
python3 -c 'import torch, sklearn, anndata; print("torch", torch.__version__, "sklearn", sklearn.__version__)'
"$dir/omics" --help >/dev/null && echo "omics runs here" || echo "omics does not run here"
for task in $tasks; do
  t0=$(date +%s.%N); peak=0
  for s in 0 1 2 3 4; do
    rm -rf "$runs/${task}_seed$s"
    /usr/bin/time -f '%M' -o /tmp/mem.txt taskset -c 0,1 "$dir/omics" adapt "$work/${task}_seed${s}_source.h5ad" \
      "$work/${task}_seed${s}_target.h5ad" --label response --out "$runs/${task}_seed$s" --seed $s --threads 2 --quiet
    kb=$(cat /tmp/mem.txt); [ "$kb" -gt "$peak" ] && peak=$kb
  done
  echo "omics $task: 5 seeds $(echo "$(date +%s.%N) - $t0" | bc) s wall, peak RSS $((peak / 1024)) MiB"
  python3 "$here/adapt_score.py" "$task" "$work" "$runs" 0 1 2 3 4 2>/dev/null
  /usr/bin/time -f '%e s wall, peak RSS %M kB' -o /tmp/ptime.txt env THREADS=2 OMP_NUM_THREADS=2 taskset -c 0,1 \
    python3 "$here/adapt_proto_aligned.py" "$work" "$task" 0 1 2 3 4 2>/dev/null
  echo "prototype $task: $(cat /tmp/ptime.txt)"
done
