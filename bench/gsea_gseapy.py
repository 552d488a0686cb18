#!/usr/bin/env python3
"""GSEApy prerank peer for bench/gsea.sh: times gseapy.prerank on the fgsea example.

Usage: gsea_gseapy.py RNK GMT PERMUTATIONS THREADS METHOD(permutation|multilevel) OUTDIR
Prints `seconds=<wall time of the prerank call>` and `sig=<sets with FDR q < 0.01>`.
"""
import sys
import time

import gseapy
import pandas as pd

rnk, gmt, perms, threads, method, outdir = sys.argv[1:7]
ranks = pd.read_csv(rnk, sep="\t", header=0, dtype={0: str}).set_index("ID").iloc[:, 0]
start = time.perf_counter()
kwargs = dict(rnk=ranks, gene_sets=gmt, min_size=15, max_size=500, permutation_num=int(perms),
              threads=int(threads), seed=42, outdir=None, no_plot=True, verbose=False)
try:
    res = gseapy.prerank(method=method, **kwargs)
except TypeError:
    if method != "permutation":
        raise
    res = gseapy.prerank(**kwargs)
seconds = time.perf_counter() - start
table = res.res2d
q = pd.to_numeric(table["FDR q-val"], errors="coerce")
print(f"seconds={seconds:.3f} sig={(q < 0.01).sum()} sets={len(table)}")
