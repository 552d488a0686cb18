#!/usr/bin/env python3
"""Fixtures and reference values for issue 3 (preprocessing), made by numpy/scanpy/scikit-learn.

Writes Fixtures/preprocessing/*.h5ad (inputs) and *.json (what the peer tool returns on them).
Usage: python3 scripts/preprocessing_fixtures.py
"""
import json
import os
import warnings

import anndata as ad
import numpy as np
import scanpy as sc
import scipy.sparse as sp
from sklearn.cluster import KMeans

warnings.filterwarnings("ignore")
OUT = os.path.join(os.path.dirname(__file__), "..", "Fixtures", "preprocessing")
os.makedirs(OUT, exist_ok=True)


def names(prefix, n):
    return [f"{prefix}{i}" for i in range(n)]


def write(adata, name, ref=None):
    adata.write_h5ad(os.path.join(OUT, name + ".h5ad"))
    if ref is not None:
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            json.dump(ref, f, indent=1, sort_keys=True)


def mad_ref(X):
    X = np.asarray(X, dtype=np.float64)
    mad = np.median(np.abs(X - np.median(X, 0)), 0)
    keep = mad >= mad.mean()
    order = sorted(range(len(mad)), key=lambda g: (-mad[g], g))
    return {"mad": mad.tolist(), "kept_mean": np.flatnonzero(keep).tolist(), "threshold_mean": float(mad.mean()),
            "kept_top7": sorted(order[:7])}


def counts(rng, n_obs, n_vars, density=0.3, scale=5.0):
    lam = rng.gamma(0.6, scale, size=(1, n_vars)) * rng.gamma(2.0, 0.5, size=(n_obs, 1))
    X = rng.poisson(lam).astype(np.float32)
    X[rng.random(X.shape) > density + 0.4] = 0
    return X


rng = np.random.default_rng(20261126)

# --- MAD: dense float32 (even number of samples), sparse CSR and CSC (odd), int32 dense ---
X = (rng.normal(size=(40, 30)) * rng.gamma(1.0, 1.0, size=30)).astype(np.float32)
X[:, 3] = 1.5  # constant gene: MAD 0
a = ad.AnnData(X, obs={"sample": names("s", 40)}, var={"gene": names("g", 30)})
a.obs_names = names("s", 40); a.var_names = names("g", 30)
a.layers["scaled"] = (X * 2).astype(np.float32)
a.obsm["X_meta"] = rng.normal(size=(40, 2))
a.varm["loading"] = rng.normal(size=(30, 3))
a.uns["note"] = "mad fixture"
ref = mad_ref(X)
ref["layer_scaled"] = mad_ref(a.layers["scaled"])
write(a, "mad_dense", ref)

Xs = counts(rng, 51, 25)
for layout, mat in (("csr", sp.csr_matrix(Xs)), ("csc", sp.csc_matrix(Xs))):
    b = ad.AnnData(mat)
    b.obs_names = names("c", 51); b.var_names = names("gene", 25)
    write(b, f"mad_sparse_{layout}", mad_ref(Xs))

Xi = rng.integers(0, 20, size=(11, 9)).astype(np.int32)
c = ad.AnnData(Xi); c.obs_names = names("c", 11); c.var_names = names("g", 9)
write(c, "mad_int32", mad_ref(Xi))

# NaN in X
Xn = X.copy(); Xn[5, 7] = np.nan
n = ad.AnnData(Xn); n.obs_names = names("s", 40); n.var_names = names("g", 30)
write(n, "mad_nan")

# --- QC filters (scanpy filter_cells / filter_genes) ---
Xq = counts(rng, 60, 40, density=0.15)
Xq[:5, :] = 0
Xq[:, :4] = 0
Xq[7, 4] = 3
q = ad.AnnData(sp.csr_matrix(Xq)); q.obs_names = names("c", 60); q.var_names = names("g", 40)
write(q, "qc_counts")
r = q.copy()
sc.pp.filter_cells(r, min_genes=8)
sc.pp.filter_cells(r, min_counts=40)
sc.pp.filter_genes(r, min_cells=3)
sc.pp.filter_genes(r, min_counts=10)
write(r, "qc_counts_scanpy", {
    "obs": r.obs_names.tolist(), "var": r.var_names.tolist(),
    "n_genes": r.obs["n_genes"].tolist(), "obs_n_counts": r.obs["n_counts"].astype(float).tolist(),
    "n_cells": r.var["n_cells"].tolist(), "var_n_counts": r.var["n_counts"].astype(float).tolist(),
    "args": {"min_genes": 8, "min_cell_counts": 40, "min_cells": 3, "min_counts": 10}})

# --- normalize_total / log1p ---
Xc = counts(rng, 50, 35, density=0.35)
Xc[:, 0] = rng.poisson(400, size=50)  # a highly expressed gene
norm = ad.AnnData(sp.csr_matrix(Xc)); norm.obs_names = names("c", 50); norm.var_names = names("g", 35)
write(norm, "normalize_counts")
refs = {}
t = norm.copy(); sc.pp.normalize_total(t, target_sum=1e4); refs["total_1e4"] = t.X.toarray().astype(float).ravel().tolist()
sc.pp.log1p(t); refs["total_1e4_log1p"] = t.X.toarray().astype(float).ravel().tolist()
t = norm.copy(); sc.pp.normalize_total(t); refs["total_median"] = t.X.toarray().astype(float).ravel().tolist()
t = norm.copy(); sc.pp.normalize_total(t, target_sum=1e4, exclude_highly_expressed=True, max_fraction=0.05)
refs["total_1e4_exclude_0.05"] = t.X.toarray().astype(float).ravel().tolist()
t = norm.copy(); sc.pp.log1p(t); refs["log1p"] = t.X.toarray().astype(float).ravel().tolist()
refs["shape"] = [50, 35]
write(norm, "normalize_counts", refs)

# --- HVG (seurat and cell_ranger on log data, seurat_v3 on counts) ---
Xh = counts(rng, 120, 80, density=0.3, scale=3.0)
h = ad.AnnData(sp.csr_matrix(Xh)); h.obs_names = names("c", 120); h.var_names = names("g", 80)
h.obs["batch"] = ["a" if i % 3 else "b" for i in range(120)]
write(h, "hvg_counts")
hv = {}
t = h.copy(); sc.pp.highly_variable_genes(t, flavor="seurat_v3", n_top_genes=20)
hv["seurat_v3_top20"] = {k: t.var[k].astype(float).tolist() for k in ["highly_variable", "means", "variances", "variances_norm", "highly_variable_rank"]}
t = h.copy(); sc.pp.highly_variable_genes(t, flavor="seurat_v3", n_top_genes=20, batch_key="batch")
hv["seurat_v3_top20_batch"] = {"highly_variable": t.var["highly_variable"].astype(float).tolist()}
t = h.copy(); sc.pp.normalize_total(t, target_sum=1e4); sc.pp.log1p(t)
write(t, "hvg_log")
l1 = t.copy(); sc.pp.highly_variable_genes(l1, flavor="seurat")
hv["seurat_default"] = {k: l1.var[k].astype(float).tolist() for k in ["highly_variable", "means", "dispersions", "dispersions_norm"]}
l2 = t.copy(); sc.pp.highly_variable_genes(l2, flavor="seurat", n_top_genes=15)
hv["seurat_top15"] = {"highly_variable": l2.var["highly_variable"].astype(float).tolist()}
l3 = t.copy(); sc.pp.highly_variable_genes(l3, flavor="cell_ranger", n_top_genes=15)
hv["cell_ranger_top15"] = {k: l3.var[k].astype(float).tolist() for k in ["highly_variable", "means", "dispersions", "dispersions_norm"]}
l4 = t.copy(); sc.pp.highly_variable_genes(l4, flavor="seurat", batch_key="batch")
hv["seurat_batch"] = {"highly_variable": l4.var["highly_variable"].astype(float).tolist()}
for flavour in hv.values():  # JSON has no NaN: missing dispersions are written as null
    for k, v in flavour.items():
        flavour[k] = [None if isinstance(x, float) and np.isnan(x) else x for x in v]
with open(os.path.join(OUT, "hvg.json"), "w") as f:
    json.dump(hv, f, indent=1, sort_keys=True)

# --- PCA (scanpy, full SVD so the reference is exact) ---
Xp = rng.normal(size=(60, 25)) @ np.diag(np.linspace(3, 0.2, 25)) + rng.normal(size=(1, 25))
p = ad.AnnData(Xp.astype(np.float64)); p.obs_names = names("c", 60); p.var_names = names("g", 25)
write(p, "pca_dense")
t = p.copy(); sc.pp.pca(t, n_comps=6, svd_solver="full")
write(p, "pca_dense", {"X_pca": t.obsm["X_pca"].tolist(), "PCs": t.varm["PCs"].tolist(),
                       "variance": t.uns["pca"]["variance"].tolist(), "variance_ratio": t.uns["pca"]["variance_ratio"].tolist(),
                       "n_comps": 6})

# --- k-means over genes (samples × genes matrix; each gene a point in sample space) ---
centers = rng.normal(scale=4, size=(6, 30))
G = np.vstack([centers[i % 6] + rng.normal(size=30) for i in range(180)])  # 180 genes × 30 samples
km = ad.AnnData(G.T.astype(np.float64)); km.obs_names = names("s", 30); km.var_names = names("g", 180)
write(km, "kmeans_genes")
kref = {}
for k in (6, 12):
    m = KMeans(n_clusters=k, n_init=10, random_state=0).fit(G)
    kref[f"k{k}_n_init10"] = {"inertia": float(m.inertia_), "labels": m.labels_.tolist()}
    m1 = KMeans(n_clusters=k, n_init=1, random_state=0).fit(G)
    kref[f"k{k}_n_init1"] = {"inertia": float(m1.inertia_)}
write(km, "kmeans_genes", kref)
# --- PCA with fewer cells than genes (Gram route), plain and scaled (sc.pp.scale then pca) ---
Xw = rng.normal(size=(20, 50)) @ np.diag(np.linspace(2, 0.5, 50)) + rng.normal(size=(1, 50)) * 3
Xw[:, 7] = 2.0  # constant gene (scale leaves it 0)
w = ad.AnnData(Xw.astype(np.float64)); w.obs_names = names("c", 20); w.var_names = names("g", 50)
write(w, "pca_wide")
t = w.copy(); sc.pp.pca(t, n_comps=5, svd_solver="full")
ts = w.copy(); sc.pp.scale(ts); sc.pp.pca(ts, n_comps=5, svd_solver="full")
write(w, "pca_wide", {"X_pca": t.obsm["X_pca"].tolist(), "PCs": t.varm["PCs"].tolist(),
                      "variance": t.uns["pca"]["variance"].tolist(), "variance_ratio": t.uns["pca"]["variance_ratio"].tolist(),
                      "scaled_X_pca": ts.obsm["X_pca"].tolist(), "scaled_PCs": ts.varm["PCs"].tolist(),
                      "scaled_variance_ratio": ts.uns["pca"]["variance_ratio"].tolist(), "n_comps": 5})
print("wrote", OUT)
