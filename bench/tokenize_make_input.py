#!/usr/bin/env python3
"""Writes the tokenizer benchmark input: an h5ad of N cells x all V2 token genes plus extra unmapped
genes (25,271 columns like the background's measurement), ~2,500 non-zero raw counts per cell,
float32 CSR, obs n_counts (row sums), cell_type, filter_pass = 1.

usage: tokenize_make_input.py OUT.h5ad [--cells 20000] [--nnz 2500] [--seed 0] [--fast]
"""
import argparse
import pickle

import anndata as ad
import numpy as np
import pandas as pd
import scipy.sparse as sp

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("--cells", type=int, default=20000)
p.add_argument("--nnz", type=int, default=2500)
p.add_argument("--seed", type=int, default=0)
p.add_argument("--fast", action="store_true", help="vectorised column choice (for the 1M-cell memory run)")
p.add_argument("--tokens", default="../shared/data/geneformer/token_dictionary_gc104M.pkl")
a = p.parse_args()

rng = np.random.default_rng(a.seed)
with open(a.tokens, "rb") as f:
    tokens = pickle.load(f)
genes = [k for k in tokens if k.startswith("ENSG")]
n_genes = 25271
genes = genes + [f"ENSG9{i:010d}" for i in range(n_genes - len(genes))]  # unmapped extras
genes = np.array(genes)[rng.permutation(n_genes)]
# gene popularity ~ log-normal so some genes are in most cells
weights = rng.lognormal(0, 1.5, n_genes)
weights /= weights.sum()
indptr = np.arange(0, (a.cells + 1) * a.nnz, a.nnz, dtype=np.int64)
indices = np.empty(a.cells * a.nnz, dtype=np.int32)
if a.fast:
    # vectorised: a fixed random column permutation, shifted per cell (distinct columns per cell)
    perm = rng.permutation(n_genes)[: a.nnz]
    for s in range(0, a.cells, 10000):
        e = min(a.cells, s + 10000)
        block = (rng.integers(0, n_genes, (e - s, 1)) + perm[None, :]) % n_genes
        indices[s * a.nnz:e * a.nnz] = np.sort(block, axis=1).ravel()
else:
    for i in range(a.cells):
        indices[i * a.nnz:(i + 1) * a.nnz] = np.sort(rng.choice(n_genes, a.nnz, replace=False, p=weights))
data = (rng.negative_binomial(1, 0.3, a.cells * a.nnz) + 1).astype(np.float32)
X = sp.csr_matrix((data, indices, indptr), shape=(a.cells, n_genes))
obs = pd.DataFrame(
    {
        "n_counts": np.asarray(X.sum(axis=1)).ravel().astype(np.float32),
        "cell_type": pd.Categorical(rng.choice(["T", "B", "NK", "mono"], a.cells)),
        "filter_pass": np.ones(a.cells, dtype=np.int64),
    },
    index=[f"cell{i}" for i in range(a.cells)],
)
var = pd.DataFrame({"ensembl_id": genes}, index=genes)
ad.AnnData(X=X, obs=obs, var=var).write_h5ad(a.out)
print(f"wrote {a.out}: {a.cells} cells x {n_genes} genes, {X.nnz} non-zeros")
