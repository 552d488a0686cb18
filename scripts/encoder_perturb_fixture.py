#!/usr/bin/env python3
"""Reference numbers for `omics encoder perturb` -> Fixtures/encoder/perturb_reference.json.

Geneformer's InSilicoPerturber definitions (geneformer-model.md §4.2) computed with transformers on
the micro model of ../shared/data/bert/micro (V2 cells of its reference file): delete removes the
gene(s); overexpress moves them to the front after <cls> (inserting absent ones); the effect is the
cosine similarity of the cell embedding (mean over the non-perturbed genes of the second-to-last
layer, each in its own context) before and after, and the shift toward a goal embedding (mean cell
embedding of the goal cells). Run: python scripts/encoder_perturb_fixture.py (torch, transformers).
"""
import json, os
import numpy as np
import torch
from safetensors.numpy import load_file
from transformers import BertForMaskedLM

root = os.path.join(os.path.dirname(__file__), "..")
micro = os.path.join(root, "..", "shared", "data", "bert", "micro")
ref = load_file(os.path.join(micro, "reference.safetensors"))
model = BertForMaskedLM.from_pretrained(os.path.join(micro, "model"), attn_implementation="eager").eval()
ids, lengths = ref["v2.input_ids"], ref["v2.lengths"]
cells = [[int(t) for t in ids[i, : lengths[i]]] for i in range(len(lengths))]

def hidden(seq, layer=-2):
    with torch.no_grad():
        return model(input_ids=torch.tensor([seq]), output_hidden_states=True).hidden_states[layer][0].double().numpy()

def cos(a, b):
    return float(a @ b / np.sqrt((a @ a) * (b @ b)))

def cell_emb(seq):  # EmbExtractor cell mean (V2: without <cls>, <eos>)
    return hidden(seq)[1:-1].mean(0)

def perturb(cell, genes, kind):
    body = cell[1:-1]
    kept_pos = [p + 1 for p, t in enumerate(body) if t not in genes]
    if kind == "delete":
        if len(kept_pos) == len(body):
            return None
        new = [cell[0]] + [cell[p] for p in kept_pos] + [cell[-1]]
        new_pos = list(range(1, 1 + len(kept_pos)))
    else:
        new = [cell[0]] + list(genes) + [cell[p] for p in kept_pos] + [cell[-1]]
        new_pos = list(range(1 + len(genes), 1 + len(genes) + len(kept_pos)))
    return new, kept_pos, new_pos

def effect(cell, genes, kind, goal=None):
    r = perturb(cell, genes, kind)
    if r is None:
        return None
    new, kept_pos, new_pos = r
    a = hidden(cell)[kept_pos].mean(0)
    b = hidden(new)[new_pos].mean(0)
    out = {"cos_sim": cos(a, b)}
    if goal is not None:
        out["goal_shift"] = cos(b, goal) - cos(a, goal)
    return out

goal = np.mean([cell_emb(cells[i]) for i in (1, 2)], axis=0)  # goal state: cells 1 and 2
gene = cells[0][3]
cases = {
    "delete_one": {"genes": [gene], "kind": "delete", "effects": [effect(c, [gene], "delete", goal) for c in cells]},
    "delete_two": {"genes": [cells[0][2], cells[1][4]], "kind": "delete",
                   "effects": [effect(c, [cells[0][2], cells[1][4]], "delete", goal) for c in cells]},
    "overexpress": {"genes": [cells[2][4], 200], "kind": "overexpress",
                    "effects": [effect(c, [cells[2][4], 200], "overexpress", goal) for c in cells]},
}
# --genes all, delete: per gene mean over cells containing it
sums = {}
for c in cells:
    for g in sorted(set(c[1:-1])):
        e = effect(c, [g], "delete")
        s = sums.setdefault(g, [0, 0.0])
        s[0] += 1
        s[1] += e["cos_sim"]
all_genes = [{"token": g, "cells": n, "mean_cos_sim": v / n} for g, (n, v) in sorted(sums.items())]
out = {"cells": cells, "goal_cells": [1, 2], "cases": cases, "all_delete": all_genes}
path = os.path.join(root, "Fixtures", "encoder", "perturb_reference.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", path, len(all_genes), "genes")
