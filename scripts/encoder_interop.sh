#!/usr/bin/env bash
# Interop check for the encoder: transformers loads what `omics encoder pretrain` and `finetune`
# write, with the same embeddings and predictions (scripts/encoder_interop.py). Installs torch (CPU
# build) and transformers when missing. Needs ../shared/data/bert/micro (skips without it).
set -euo pipefail
cd "$(dirname "$0")/.."
omics=${1:-.build/debug/omics}
config=../shared/data/bert/micro/model/config.json
if [ ! -f "$config" ]; then echo "encoder interop: skipped (needs $config)"; exit 0; fi
if ! python3 -c "import torch, transformers, datasets" >/dev/null 2>&1; then
  echo "installing the Python peers for the encoder interop check (torch CPU, transformers, datasets)..."
  python3 -m pip install --quiet --disable-pip-version-check torch==2.13.0+cpu
  python3 -m pip install --quiet --disable-pip-version-check transformers 'datasets>=4'
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 scripts/encoder_interop.py "$omics" "$config" "$work" 2> >(grep -v "Loading weights" >&2)
