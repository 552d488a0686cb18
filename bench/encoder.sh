#!/usr/bin/env bash
# Encoder benchmark (issue 9): `omics encoder embed` (release build) vs transformers with
# EmbExtractor's batching (bench/encoder_peer.py, eager attention) on the same V1-shaped random
# model (6 layers x 256, 4 heads, 2,048 positions) and N cells of 1,900-2,048 tokens; both with
# the same batch size and thread count. Prints wall time, cells/s, tokens/s, peak RSS, the ratio
# and the largest difference between the two embedding matrices. With --pretrain, also times 20
# masked-LM steps of `omics encoder pretrain` against the same steps in transformers.
#
# usage: bench/encoder.sh [--cells N] [--batch B] [--threads T] [--pretrain]
set -euo pipefail
cd "$(dirname "$0")/.."
cells=500; batch=8; threads=2; pretrain=0
while [ $# -gt 0 ]; do
  case $1 in
    --cells) cells=$2; shift ;; --batch) batch=$2; shift ;; --threads) threads=$2; shift ;;
    --pretrain) pretrain=1 ;; *) echo "unknown option $1"; exit 2 ;;
  esac
  shift
done
python3 -c "import torch, transformers, datasets" 2>/dev/null || { echo "needs torch, transformers, datasets (pip install torch==2.13.0+cpu transformers datasets)"; exit 1; }
swift build -c release --product omics --scratch-path .build-enc-release 2>&1 | tail -1
omics=.build-enc-release/release/omics
input=bench/inputs/encoder_v1_$cells
[ -d $input ] || python3 bench/encoder_make_input.py $input $cells
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
measure() {  # label, command...: prints "label wall_s peak_MB"
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" > "$work/out" 2>&1 || { cat "$work/out"; exit 1; }
  read -r wall rss < "$work/time"
  echo "$label $wall $((rss / 1024))"
}
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
tokens=$(python3 -c "from datasets import load_from_disk; print(sum(load_from_disk('$input/cells.dataset')['length']))")
echo "input: $cells cells, $tokens tokens, batch $batch, $threads threads"
read -r _ ours_s ours_mb < <(measure omics $omics encoder embed $input/model $input/cells.dataset --out $work/ours.npy \
  --model-version V1 --batch-size $batch --threads $threads --quiet)
read -r _ peer_s peer_mb < <(measure transformers python3 bench/encoder_peer.py $input/model $input/cells.dataset $work/peer.npy $batch $threads)
python3 - "$cells" "$tokens" "$ours_s" "$ours_mb" "$peer_s" "$peer_mb" "$work" <<'PY'
import sys, numpy as np
cells, tokens, os_, om, ps, pm, work = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4], float(sys.argv[5]), sys.argv[6], sys.argv[7]
d = float(np.abs(np.load(f"{work}/ours.npy") - np.load(f"{work}/peer.npy")).max())
print(f"omics embed:   {os_:8.1f} s  {cells/os_:7.2f} cells/s  {tokens/os_:9.0f} tokens/s  peak {om} MB")
print(f"transformers:  {ps:8.1f} s  {cells/ps:7.2f} cells/s  {tokens/ps:9.0f} tokens/s  peak {pm} MB")
print(f"ratio (transformers / omics): {ps/os_:.2f}x   max |embedding difference| {d:.2e}")
PY
[ $pretrain -eq 1 ] || exit 0
# pretraining steps: 72 cells cut to 512 tokens, batch 8 (9 steps; omics times all 9, the peer 8 after a warm-up step)
short=bench/inputs/encoder_v1_short
[ -d $short ] || python3 - "$input/cells.dataset" $short <<'PY'
import sys
from datasets import Dataset, load_from_disk
cells = [c[:512] for c in load_from_disk(sys.argv[1])["input_ids"][:72]]
Dataset.from_dict({"input_ids": cells, "length": [len(c) for c in cells]}).save_to_disk(sys.argv[2])
PY
read -r _ pre_s pre_mb < <(measure omics-pretrain $omics encoder pretrain $short --config $input/model/config.json \
  --out $work/pre --batch-size 8 --threads $threads --quiet)
ours_step=$(python3 -c "import json; r=json.load(open('$work/pre/report.json')); print(r['seconds_this_run']/r['steps'])")
read -r _ peer_pre_s peer_pre_mb < <(measure transformers-pretrain python3 bench/encoder_pretrain_peer.py $input/model $short 8 8 $threads)
peer_step=$(cat "$work/out")
python3 -c "o=$ours_step; p=$peer_step; print(f'pretraining step (8 x 512 tokens): omics {o:.2f} s (peak $pre_mb MB), transformers {p:.2f} s (peak $peer_pre_mb MB), ratio {p/o:.2f}x')"

