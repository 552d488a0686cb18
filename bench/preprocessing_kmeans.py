#!/usr/bin/env python3
"""scikit-learn peer for k-means over genes: KMeans(n_clusters=K, n_init=N, random_state=0).fit(X.T),
timed without the read. Prints seconds=..., inertia=..., n_iter=..."""
import sys
import time

import anndata as ad
import numpy as np
from sklearn.cluster import KMeans

X = np.ascontiguousarray(ad.read_h5ad(sys.argv[1]).X.T)
k, n_init = int(sys.argv[2]), int(sys.argv[3])
t = time.perf_counter()
m = KMeans(n_clusters=k, n_init=n_init, random_state=0).fit(X)
print(f"seconds={time.perf_counter() - t:.4f} inertia={m.inertia_:.6f} n_iter={m.n_iter_}")
