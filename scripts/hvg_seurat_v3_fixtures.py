#!/usr/bin/env python3
"""seurat_v3 reference for `omics hvg --flavor seurat_v3` (issue 3), made by scanpy + scikit-misc.

Writes Fixtures/preprocessing/hvg_v3_counts.h5ad (CSR float32 counts, 300 cells × 1,500 genes,
negative-binomial-like genes with a spread of means and dispersions, three batches) and
hvg_v3.json with scanpy's var columns for: no batch (n_top 200), batch_key (seurat_v3 and
seurat_v3_paper, n_top 200). Usage: python3 scripts/hvg_seurat_v3_fixtures.py
"""
import json
import os
import warnings

import anndata as ad
import numpy as np
import scanpy as sc
import scipy.sparse as sp

warnings.filterwarnings("ignore")
OUT = os.path.join(os.path.dirname(__file__), "..", "Fixtures", "preprocessing")
rng = np.random.default_rng(23)
n, g = 300, 1500
mu = rng.gamma(0.5, 0.8, g) + 0.02
theta = rng.uniform(0.3, 15, g)
lam = rng.gamma(theta, mu / theta, size=(n, g)) * rng.lognormal(0, 0.25, size=(n, 1))
X = rng.poisson(lam).astype(np.float32)
a = ad.AnnData(sp.csr_matrix(X))
a.obs_names = [f"c{i}" for i in range(n)]
a.var_names = [f"g{i}" for i in range(g)]
a.obs["batch"] = [("b2", "a1", "c3")[i % 3] for i in range(n)]
a.write_h5ad(os.path.join(OUT, "hvg_v3_counts.h5ad"), compression="gzip")
cols = ["highly_variable", "highly_variable_rank", "means", "variances", "variances_norm"]
ref = {}
for key, kw in {"single": {}, "batch": {"batch_key": "batch"},
                "batch_paper": {"batch_key": "batch", "flavor": "seurat_v3_paper"}}.items():
    t = a.copy()
    sc.pp.highly_variable_genes(t, **{"flavor": "seurat_v3", "n_top_genes": 200, **kw})
    ref[key] = {c: [None if np.isnan(v) else float(v) for v in t.var[c].astype(float)] for c in cols}
    if "batch_key" in kw:
        ref[key]["highly_variable_nbatches"] = t.var["highly_variable_nbatches"].astype(int).tolist()
with open(os.path.join(OUT, "hvg_v3.json"), "w") as f:
    json.dump(ref, f)
print("nnz", a.X.nnz, {k: sum(v["highly_variable"]) for k, v in ref.items()})
