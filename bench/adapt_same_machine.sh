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
python3 -c "import tarfile, sys; tarfile.open(sys.argv[1]).extractall(sys.argv[2])" "$dir/libs.tar.xz" /tmp/adapt_libs
[ -f "$dir/libs2.tar.xz" ] && python3 -c "import tarfile, sys; tarfile.open(sys.argv[1]).extractall(sys.argv[2])" "$dir/libs2.tar.xz" /tmp/adapt_libs
export LD_LIBRARY_PATH=/tmp/adapt_libs/lib
pin=""; command -v taskset >/dev/null && pin="taskset -c 0,1"
tm() { if [ -x /usr/bin/time ]; then /usr/bin/time -f "$1" -o "$2" "${@:3}"; else echo 0 > "$2"; "${@:3}"; fi; }
now() { date +%s.%N; }
sub() { python3 -c "print(round($1 - $2, 2))"; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2); pinned: ${pin:-no taskset}"
python3 -c 'import torch, sklearn; print("torch", torch.__version__, "sklearn", sklearn.__version__)'
"$dir/omics" --help >/dev/null && echo "omics runs here" || echo "omics does not run here"
for task in $tasks; do
  t0=$(now); peak=0
  for s in 0 1 2 3 4; do
    rm -rf "$runs/${task}_seed$s"
    tm '%M' /tmp/mem.txt $pin "$dir/omics" adapt "$work/${task}_seed${s}_source.h5ad" \
      "$work/${task}_seed${s}_target.h5ad" --label response --out "$runs/${task}_seed$s" --seed $s --threads 2 --quiet
    rm -rf "$runs/${task}_seed$s/target.h5ad" "$runs/${task}_seed$s/model" "$runs/${task}_seed$s/training.svg"
    kb=$(tail -1 /tmp/mem.txt); [ "$kb" -gt "$peak" ] 2>/dev/null && peak=$kb
  done
  echo "omics $task: 5 seeds $(sub "$(now)" "$t0") s wall, peak RSS $((peak / 1024)) MiB"
  python3 "$here/adapt_score.py" "$task" "$work" "$runs" 0 1 2 3 4 2>/dev/null
  t0=$(now)
  tm '%e s wall, peak RSS %M kB' /tmp/ptime.txt env THREADS=2 OMP_NUM_THREADS=2 $pin python3 "$here/adapt_proto_aligned.py" "$work" "$task" 0 1 2 3 4 2>&1 | grep -v Warning
  echo "prototype $task: $(sub "$(now)" "$t0") s; $(cat /tmp/ptime.txt)"
done
