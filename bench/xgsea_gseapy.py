#!/usr/bin/env python3
"""GSEApy 1.3.1 phenotype-permutation GSEA on bench/xgsea_make_inputs.py's mouse data: the peer for
XGSEA's step 1. Usage: xgsea_gseapy.py DIR PERMUTATIONS THREADS"""
import sys

import pandas as pd
import gseapy

d, perms, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = pd.read_csv(f"{d}/mouse_expr.tsv", sep="\t", index_col=0)
gseapy.gsea(data=data, gene_sets=f"{d}/mouse.gmt", cls=["A"] * 8 + ["B"] * 9, permutation_type="phenotype",
            method="signal_to_noise", permutation_num=perms, min_size=15, max_size=500, threads=threads, seed=7,
            outdir=None, no_plot=True, verbose=False)
