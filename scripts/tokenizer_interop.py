#!/usr/bin/env python3
"""Interop check for omics tokenize / medians / vocab (issue 4), run by scripts/test.sh.

* `datasets.load_from_disk` opens our dataset folders, and the features are exactly
  input_ids: List(int16) (V1) / List(int32) (V2), the attributes, length: int64;
* the rows equal the upstream tokenizer's output in ../shared/data/geneformer/fixtures;
* a sharded output (several Arrow files) loads as one dataset;
* the median and token .pkl files we write load with plain `pickle.load` as dicts of float / int.

usage: scripts/tokenizer_interop.py [path/to/omics]   (default .build/debug/omics)
Skips (exit 0, with a message) when ../shared/data/geneformer is absent.
"""
import json
import os
import pickle
import subprocess
import sys
import tempfile

import datasets
from datasets import Features, List, Value

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
omics = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(root, ".build/debug/omics")
shared = os.path.join(root, "..", "shared", "data", "geneformer")
if not os.path.isdir(shared):
    print("tokenizer interop: skipped (../shared/data/geneformer absent)")
    sys.exit(0)
datasets.disable_progress_bars()
fixture = os.path.join(shared, "fixtures", "geneformer_fixture.h5ad")
failures = 0


def run(*args):
    r = subprocess.run([omics, *args, "--quiet"], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"omics {' '.join(args)} failed: {r.stderr}")


def check(name, ok, detail=""):
    global failures
    if not ok:
        failures += 1
        print(f"FAILED: {name} {detail}")


with tempfile.TemporaryDirectory() as work:
    for version, dtype in (("V1", "int16"), ("V2", "int32")):
        out = os.path.join(work, f"{version}.dataset")
        run("tokenize", fixture, "--out", out, "--dictionaries", shared, "--model-version", version, "--attr", "cell_type")
        d = datasets.load_from_disk(out)
        want = Features({"input_ids": List(Value(dtype)), "cell_type": Value("string"), "length": Value("int64")})
        check(f"{version} features", d.features == want, f"{d.features} != {want}")
        check(f"{version} column order", list(d.features) == ["input_ids", "cell_type", "length"])
        with open(os.path.join(shared, "fixtures", f"expected_{version}.json")) as f:
            expected = json.load(f)
        check(f"{version} rows", [dict(r) for r in d] == expected["rows"])
        check(f"{version} expected features", {k: repr(v) for k, v in d.features.items()} == expected["features"],
              f"{ {k: repr(v) for k, v in d.features.items()} }")

    # loom input gives the same rows (needs loompy to write the loom)
    try:
        import anndata

        loom = os.path.join(work, "fixture.loom")
        anndata.read_h5ad(fixture).write_loom(loom)
        out = os.path.join(work, "loom.dataset")
        run("tokenize", loom, "--out", out, "--dictionaries", shared, "--attr", "cell_type")
        with open(os.path.join(shared, "fixtures", "expected_V2.json")) as f:
            check("loom rows", [dict(r) for r in datasets.load_from_disk(out)] == json.load(f)["rows"])
    except ImportError:
        print("tokenizer interop: loom case skipped (anndata/loompy absent)")

    # sharded output loads as one dataset, same rows
    sharded = os.path.join(work, "sharded.dataset")
    run("tokenize", fixture, fixture, fixture, "--out", sharded, "--dictionaries", shared, "--attr", "cell_type:label",
        "--cells-per-batch", "2", "--max-shard-mb", "1")
    d = datasets.load_from_disk(sharded)
    check("sharded rows", len(d) == 21 and d.features["label"] == Value("string"), f"{len(d)} {d.features}")

    # medians and vocab pickles load with plain pickle
    run("medians", fixture, "--out", os.path.join(work, "f.sketch"))
    run("medians", "export", os.path.join(work, "f.sketch"), "--out", os.path.join(work, "m.pkl"))
    with open(os.path.join(work, "m.pkl"), "rb") as f:
        medians = pickle.load(f)
    check("median pickle", isinstance(medians, dict) and len(medians) > 100
          and all(isinstance(k, str) and isinstance(v, float) and v > 0 for k, v in medians.items()))
    run("vocab", os.path.join(work, "f.sketch"), "--out", os.path.join(work, "t.pkl"))
    with open(os.path.join(work, "t.pkl"), "rb") as f:
        tokens = pickle.load(f)
    check("token pickle", list(tokens)[:4] == ["<pad>", "<mask>", "<cls>", "<eos>"]
          and list(tokens.values()) == list(range(len(tokens))))
    # our medians pickle drives our own tokenizer like the upstream file
    run("tokenize", fixture, "--out", os.path.join(work, "own.dataset"), "--token-dictionary", os.path.join(work, "t.pkl"),
        "--gene-medians", os.path.join(work, "m.pkl"))
    check("own dictionaries", len(datasets.load_from_disk(os.path.join(work, "own.dataset"))) == 7)

print(f"tokenizer interop: {'ok' if failures == 0 else f'{failures} failed'}")
sys.exit(1 if failures else 0)
