#!/usr/bin/env python3
"""Reference for `omics pca --solver randomized` (issue 3): scanpy's exact PCA (svd_solver="arpack", converged to machine precision)
of a log-normalized sparse matrix with low-rank structure (clear gaps between the leading
components, as real single-cell data have), plain and after pp.scale.

Writes Fixtures/preprocessing/pca_lowrank.h5ad (CSR float32, 400 cells × 300 genes) and
pca_lowrank.json. Usage: python3 scripts/pca_randomized_fixtures.py
"""
import json
import os

import anndata as ad
import numpy as np
import scanpy as sc
import scipy.sparse as sp

OUT = os.path.join(os.path.dirname(__file__), "..", "Fixtures", "preprocessing")
rng = np.random.default_rng(5)
n, g, rank, k = 400, 300, 6, 5
programs = rng.gamma(1.0, 1.0, size=(rank, g)) * (rng.random((rank, g)) < 0.3)
usage = rng.dirichlet(np.full(rank, 0.3), size=n) * np.array([8, 6, 4, 3, 2, 1.5])
counts = rng.poisson(usage @ programs * 3)
a = ad.AnnData(sp.csr_matrix(counts.astype(np.float32)))
a.obs_names = [f"c{i}" for i in range(n)]
a.var_names = [f"g{i}" for i in range(g)]
sc.pp.normalize_total(a, target_sum=1e4)
sc.pp.log1p(a)
a.write_h5ad(os.path.join(OUT, "pca_lowrank.h5ad"), compression="gzip")
ref = {"n_comps": k}
t = a.copy()
sc.pp.pca(t, n_comps=k, svd_solver="arpack")
ref.update(X_pca=t.obsm["X_pca"].astype(float).tolist(), PCs=t.varm["PCs"].astype(float).tolist(),
           variance=t.uns["pca"]["variance"].tolist(), variance_ratio=t.uns["pca"]["variance_ratio"].tolist())
t = a.copy()
sc.pp.scale(t)
sc.pp.pca(t, n_comps=k, svd_solver="arpack")
ref.update(scaled_PCs=t.varm["PCs"].astype(float).tolist(),
           scaled_variance_ratio=t.uns["pca"]["variance_ratio"].tolist())
with open(os.path.join(OUT, "pca_lowrank.json"), "w") as f:
    json.dump(ref, f)
print("variance ratio", np.round(ref["variance_ratio"], 4), "nnz", a.X.nnz)
