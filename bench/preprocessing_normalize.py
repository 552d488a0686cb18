#!/usr/bin/env python3
"""scanpy peer: normalize_total(target_sum=1e4) + log1p, timed without the read. Prints seconds=..."""
import sys
import time

import anndata as ad
import scanpy as sc

a = ad.read_h5ad(sys.argv[1])
t = time.perf_counter()
sc.pp.normalize_total(a, target_sum=1e4)
sc.pp.log1p(a)
print(f"seconds={time.perf_counter() - t:.4f}")
