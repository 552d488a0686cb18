#!/usr/bin/env python3
"""CI interop check: transformers loads what `omics encoder pretrain` / `finetune` write.

Usage: python scripts/encoder_interop.py OMICS CONFIG_JSON WORKDIR
Writes a small tokenized corpus with `datasets`, pretrains with omics from CONFIG_JSON for a few
steps, then checks with transformers that (1) BertForMaskedLM.from_pretrained loads the output with
no missing, unexpected or mismatched keys, (2) every loaded tensor equals the file, (3) the cell
embeddings (EmbExtractor's mean over genes, layers -1 and 0) that omics writes equal those from
transformers' hidden states within 1e-4, (4) the fine-tuned classifier loads as
BertForSequenceClassification with the right id2label and gives omics' predicted labels.
"""
import json, os, subprocess, sys
import numpy as np
import torch
from datasets import Dataset
from safetensors.numpy import load_file
from transformers import BertForMaskedLM, BertForSequenceClassification

omics, config, work = sys.argv[1], sys.argv[2], sys.argv[3]
rng = np.random.default_rng(0)
cells, types = [], []
for c in range(40):
    program = c % 2
    genes = [int(4 + program * 50 + g) for g in rng.permutation(30)[: 10 + c % 7]]
    cells.append([2] + genes + [3])
    types.append(["A", "B"][program])
data = os.path.join(work, "corpus.dataset")
Dataset.from_dict({"input_ids": cells, "cell_type": types, "length": [len(c) for c in cells]}).save_to_disk(data)

def run(*args):
    subprocess.run([omics, *args, "--quiet"], check=True)

pre = os.path.join(work, "pre")
run("encoder", "pretrain", data, "--config", config, "--out", pre, "--epochs", "2", "--batch-size", "8", "--seed", "3")
model, info = BertForMaskedLM.from_pretrained(pre, output_loading_info=True, attn_implementation="eager")
bad = {k: v for k, v in info.items() if v}
assert not bad, f"loading problems: {bad}"
model.eval()
stored = load_file(os.path.join(pre, "model.safetensors"))
state = model.state_dict()
for name, value in stored.items():
    assert np.array_equal(state[name].numpy(), value), f"{name} differs after loading"

worst = 0.0
for layer, index in ((-1, -2), (0, -1)):
    out = os.path.join(work, f"emb{layer}.npy")
    run("encoder", "embed", pre, data, "--out", out, f"--emb-layer={layer}")
    ours = np.load(out)
    for i, cell in enumerate(cells):
        with torch.no_grad():
            h = model(input_ids=torch.tensor([cell]), output_hidden_states=True).hidden_states[index][0]
        theirs = h[1:-1].mean(0).numpy()
        worst = max(worst, float(np.abs(ours[i] - theirs).max()))
assert worst <= 1e-4, f"cell embeddings differ by {worst}"

fine = os.path.join(work, "fine")
run("encoder", "finetune", pre, data, "--label", "cell_type", "--out", fine, "--epochs", "2", "--seed", "1")
clf, info = BertForSequenceClassification.from_pretrained(fine, output_loading_info=True, attn_implementation="eager")
bad = {k: v for k, v in info.items() if v}
assert not bad, f"classifier loading problems: {bad}"
assert clf.config.id2label == {0: "A", 1: "B"}, clf.config.id2label
clf.eval()
pred = os.path.join(work, "pred.tsv")
run("encoder", "predict", fine, data, "--out", pred)
rows = [line.rstrip("\n").split("\t") for line in open(pred)][1:]
for i, cell in enumerate(cells):
    with torch.no_grad():
        logits = clf(input_ids=torch.tensor([cell])).logits[0]
    assert clf.config.id2label[int(logits.argmax())] == rows[i][1], f"cell {i}: {rows[i]} vs {logits}"
print(f"encoder interop: pretrain output loads in transformers (no missing/unexpected keys), cell embeddings within {worst:.2e}, "
      f"fine-tuned classifier loads with id2label {clf.config.id2label} and predicts as omics on {len(cells)} cells")
