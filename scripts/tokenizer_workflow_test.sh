#!/usr/bin/env bash
# Runs workflow/Snakefile locally (--cores 2) on a small sharded fixture: three shards made from
# ../shared/data/geneformer/fixtures/geneformer_fixture.h5ad, once with Geneformer's dictionaries and
# once with the corpus's own medians and vocabulary; checks that datasets.load_from_disk opens the
# combined folder as one dataset with the rows of the three shards in order.
# usage: scripts/tokenizer_workflow_test.sh [path/to/omics]
set -euo pipefail
cd "$(dirname "$0")/.."
omics=$(realpath "${1:-.build/debug/omics}")
shared=$(realpath ../shared/data/geneformer 2>/dev/null || true)
[ -n "$shared" ] && [ -d "$shared" ] || { echo "workflow test: skipped (../shared/data/geneformer absent)"; exit 0; }
python3 -c "import snakemake" 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check snakemake
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/shards"
for s in a b c; do cp "$shared/fixtures/geneformer_fixture.h5ad" "$work/shards/$s.h5ad"; done
for mode in geneformer corpus; do
  dicts=""; [ $mode = geneformer ] && dicts=$shared
  cat > "$work/config_$mode.yaml" <<YAML
omics: $omics
shards: $work/shards
out: $work/results_$mode
model_version: V2
min_count: 1
attributes: [cell_type]
dictionaries: "$dicts"
YAML
  snakemake -s workflow/Snakefile --configfile "$work/config_$mode.yaml" --cores 2 --quiet all > "$work/log" 2>&1 \
    || { cat "$work/log"; exit 1; }
  python3 - "$work/results_$mode" "$mode" "$shared" <<'PY'
import json, sys, datasets
datasets.disable_progress_bars()
out, mode, shared = sys.argv[1:4]
d = datasets.load_from_disk(out + "/corpus.dataset")
assert len(d) == 21, len(d)
assert list(d.features) == ["input_ids", "cell_type", "length"], d.features
if mode == "geneformer":
    rows = json.load(open(shared + "/fixtures/expected_V2.json"))["rows"]
    assert [dict(r) for r in d] == rows * 3, "rows differ from the upstream fixture"
print(f"workflow ({mode} dictionaries): ok, {len(d)} rows")
PY
done
