#!/usr/bin/env python3
"""Inputs for bench/preprocessing.sh (issue 3), written with anndata, uncompressed:
  mad_6534x13237.h5ad     dense float32, DeepProfile's size (6,534 samples × 13,237 genes)
  kmeans_6534x5393.h5ad   dense float64, 6,534 samples × 5,393 genes with 300 gene clusters plus noise
  counts_100kx20k.h5ad    CSR float32 counts, 100,000 cells × 20,000 genes (normalize + log1p + hvg)
Usage: preprocessing_make_input.py WORKDIR [which...]"""
import os
import sys

import anndata as ad
import numpy as np
import scipy.sparse as sp

work = sys.argv[1]
which = set(sys.argv[2:]) or {"mad", "kmeans", "counts"}
os.makedirs(work, exist_ok=True)
rng = np.random.default_rng(3)

if ("mad" in which or "madlow" in which) and not os.path.exists(f"{work}/mad_6534x13237.h5ad"):
    n, g = 6534, 13237
    X = rng.standard_normal((n, g), dtype=np.float32)
    X *= rng.gamma(1.5, 1.0, size=g).astype(np.float32)
    X += rng.normal(6, 2, size=g).astype(np.float32)
    a = ad.AnnData(X)
    a.obs_names = [f"s{i}" for i in range(n)]; a.var_names = [f"g{i}" for i in range(g)]
    a.write_h5ad(f"{work}/mad_6534x13237.h5ad")

if "kmeans" in which and not os.path.exists(f"{work}/kmeans_6534x5393.h5ad"):
    n, g, k = 6534, 5393, 300
    centers = rng.standard_normal((k, n))
    labels = rng.integers(0, k, size=g)
    G = centers[labels] * rng.gamma(2.0, 0.5, size=(g, 1)) + rng.standard_normal((g, n)) * 1.5
    a = ad.AnnData(np.ascontiguousarray(G.T))
    a.obs_names = [f"s{i}" for i in range(n)]; a.var_names = [f"g{i}" for i in range(g)]
    a.write_h5ad(f"{work}/kmeans_6534x5393.h5ad")

if ("counts" in which or "normalize" in which) and not os.path.exists(f"{work}/counts_100kx20k.h5ad"):
    n, g, per_cell = 100_000, 20_000, 1_500
    gene_p = rng.gamma(0.3, 1.0, size=g); gene_p /= gene_p.sum()
    indptr = np.arange(0, (n + 1) * per_cell, per_cell, dtype=np.int64)
    indices = np.empty(n * per_cell, dtype=np.int32)
    for i in range(0, n, 5000):
        block = min(5000, n - i)
        cols = rng.choice(g, size=(block, per_cell), p=gene_p)
        cols.sort(axis=1)
        indices[i * per_cell:(i + block) * per_cell] = cols.ravel()
    data = rng.poisson(2.0, size=n * per_cell).astype(np.float32) + 1
    X = sp.csr_matrix((data, indices, indptr), shape=(n, g))
    X.sum_duplicates()
    a = ad.AnnData(X)
    a.obs_names = [f"c{i}" for i in range(n)]; a.var_names = [f"g{i}" for i in range(g)]
    a.write_h5ad(f"{work}/counts_100kx20k.h5ad")
