"""Writes the read benchmark's inputs: a 30,000 × 20,000 CSR float32 h5ad with 1,000 non-zeros per cell
(30 M non-zeros), uncompressed and gzip-compressed, as formats.md §5.1 describes. Seeded."""
import sys, numpy as np, scipy.sparse as sp, anndata as ad, pandas as pd

out = sys.argv[1]
n_obs, n_vars, per_cell = 30_000, 20_000, 1_000
rng = np.random.default_rng(0)
indptr = np.arange(0, (n_obs + 1) * per_cell, per_cell, dtype=np.int32)
indices = np.empty(n_obs * per_cell, dtype=np.int32)
for i in range(n_obs):
    indices[i * per_cell:(i + 1) * per_cell] = np.sort(rng.choice(n_vars, per_cell, replace=False))
data = rng.gamma(1.0, 2.0, size=n_obs * per_cell).astype(np.float32)
X = sp.csr_matrix((data, indices, indptr), shape=(n_obs, n_vars))
obs = pd.DataFrame({"batch": pd.Categorical(rng.choice(["a", "b", "c"], n_obs)),
                    "n_counts": np.asarray(X.sum(axis=1)).ravel(),
                    "label": rng.integers(0, 10, n_obs)}, index=[f"cell{i}" for i in range(n_obs)])
var = pd.DataFrame(index=[f"gene{j}" for j in range(n_vars)])
a = ad.AnnData(X=X, obs=obs, var=var)
a.write_h5ad(f"{out}/csr_30k_x_20k.h5ad")
a.write_h5ad(f"{out}/csr_30k_x_20k_gzip.h5ad", compression="gzip")
