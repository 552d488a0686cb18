#!/usr/bin/env python3
"""scanpy peer for issue 3's third target: highly_variable_genes(flavor="seurat_v3", n_top_genes=N)
on the counts, then normalize_total(target_sum=1e4) + log1p, timed without the read (compute
seconds) and with read + write (end-to-end seconds). Writes the flagged gene positions to
FLAGS_OUT. Usage: preprocessing_normalize.py INPUT.h5ad OUTPUT.h5ad FLAGS_OUT [N]"""
import sys
import time

import anndata as ad
import numpy as np
import scanpy as sc

start = time.perf_counter()
a = ad.read_h5ad(sys.argv[1])
t = time.perf_counter()
sc.pp.highly_variable_genes(a, flavor="seurat_v3", n_top_genes=int(sys.argv[4]) if len(sys.argv) > 4 else 2000)
hvg = time.perf_counter() - t
sc.pp.normalize_total(a, target_sum=1e4)
sc.pp.log1p(a)
compute = time.perf_counter() - t
a.write_h5ad(sys.argv[2])
np.savetxt(sys.argv[3], np.flatnonzero(a.var["highly_variable"].to_numpy()), fmt="%d")
print(f"compute_total={compute:.4f} hvg_only={hvg:.4f} end_to_end={time.perf_counter() - start:.4f}")
