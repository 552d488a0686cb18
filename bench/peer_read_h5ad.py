"""Peer side of the read benchmark: best of N full anndata.read_h5ad calls, in seconds."""
import sys, time, anndata as ad

path, repeats = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3
best = float("inf")
for _ in range(repeats):
    t = time.perf_counter()
    a = ad.read_h5ad(path)
    best = min(best, time.perf_counter() - t)
    X = a.X
    nbytes = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
print(f"seconds={best:.4f} bytes={nbytes}")
