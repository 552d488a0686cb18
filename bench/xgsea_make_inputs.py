#!/usr/bin/env python3
"""Inputs for bench/xgsea.sh at the scale of XGSEA's shipped data (13,879 mouse genes x 17 samples,
674 human sets of median size ~25): a seeded synthetic data set.

    python3 bench/xgsea_make_inputs.py OUTDIR

Writes OUTDIR/source.h5ad (obs group: A x 8, B x 9), OUTDIR/human.gmt, OUTDIR/orthologs.csv
(BioMart export columns, human -> mouse; 1:1 for most genes, some 1:n, some without ortholog),
OUTDIR/mouse.gmt (each human set as the union of its mouse orthologs, for the GSEApy step-1 run)
and OUTDIR/mouse_expr.tsv (genes x samples for GSEApy).
"""
import os
import sys

import numpy as np
import pandas as pd
import anndata as ad

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(2021)
n_human, n_mouse_expr, n_sets, n_samples = 19000, 13879, 674, 17
human = [f"HG{i:05d}" for i in range(n_human)]
mouse_of = {}
rows = []
for i, h in enumerate(human):
    r = rng.random()
    if r < 0.85:
        ms = [f"Mg{i:05d}"]
    elif r < 0.90:
        ms = [f"Mg{i:05d}a", f"Mg{i:05d}b"]
    else:
        ms = []
    mouse_of[h] = ms
    if not ms:
        rows.append(f"ENSG{i:011d},{h},,,")
    for k, m in enumerate(ms):
        kind = "ortholog_one2one" if len(ms) == 1 else "ortholog_one2many"
        rows.append(f"ENSG{i:011d},{h},ENSMUSG{i:09d}{k:02d},{m},{kind}")
with open(os.path.join(out, "orthologs.csv"), "w") as f:
    f.write("Gene stable ID,Gene name,Mouse gene stable ID,Mouse gene name,Mouse homology type\n")
    f.write("\n".join(rows) + "\n")
all_mouse = [m for h in human for m in mouse_of[h]]
expressed = sorted(rng.choice(len(all_mouse), size=n_mouse_expr, replace=False))
mouse_genes = [all_mouse[i] for i in expressed]
# Sets: sizes log-normal around 25 (3..835), members clustered in blocks so that sets overlap.
sizes = np.clip(np.round(np.exp(rng.normal(np.log(25), 0.9, n_sets))), 3, 835).astype(int)
sets = {}
for j, k in enumerate(sizes):
    centre = rng.integers(0, n_human)
    pool = np.arange(centre - 3 * k, centre + 3 * k) % n_human
    sets[f"SET_{j:03d}"] = [human[i] for i in sorted(set(rng.choice(pool, size=k, replace=False)))]
with open(os.path.join(out, "human.gmt"), "w") as f:
    for name, genes in sets.items():
        f.write("\t".join([name, "na"] + genes) + "\n")
with open(os.path.join(out, "mouse.gmt"), "w") as f:
    for name, genes in sets.items():
        ms = sorted({m for h in genes for m in mouse_of[h]})
        if ms:
            f.write("\t".join([name, "na"] + ms) + "\n")
labels = ["A"] * 8 + ["B"] * 9
X = np.exp(rng.normal(rng.uniform(0, 5, len(mouse_genes)), 0.5, size=(n_samples, len(mouse_genes))))
# 20 sets carry a signal.
gene_index = {g: i for i, g in enumerate(mouse_genes)}
for name in list(sets)[:20]:
    idx = [gene_index[m] for h in sets[name] for m in mouse_of[h] if m in gene_index]
    X[:8, idx] *= 1.5
X = np.log1p(X)
obs = pd.DataFrame({"group": pd.Categorical(labels)}, index=[f"S{i:02d}" for i in range(n_samples)])
ad.AnnData(X=X, obs=obs, var=pd.DataFrame(index=mouse_genes)).write_h5ad(os.path.join(out, "source.h5ad"))
pd.DataFrame(X.T, index=pd.Index(mouse_genes, name="Gene"), columns=obs.index).to_csv(os.path.join(out, "mouse_expr.tsv"), sep="\t")
print(f"{len(mouse_genes)} mouse genes x {n_samples} samples, {n_sets} human sets -> {out}", file=sys.stderr)
