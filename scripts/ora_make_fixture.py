#!/usr/bin/env python3
"""Writes the ORA reference fixture under Fixtures/ora/ (run from the repository root).

Inputs: a universe of 3,000 genes, a query of 200 genes (20 outside the universe, 5 repeated),
and 45 gene sets of 3 to 700 genes (some with genes outside the universe, five strongly enriched
so p-values reach 1e-241). Expected values for the sets tested with
--min-size 5 --max-size 500, by GSEApy's universe rule (query and sets intersected with the
universe; N = |universe|; sets with k = 0 not tested):

  pvalue_exact       P(X >= k) as an exact rational (Python integers), rounded to a double
  log10_pvalue_exact its log10 (mpmath, 30 digits), valid below the double range
  pvalue_scipy       scipy.stats.hypergeom.sf(k - 1, N, M, n)
  padj_statsmodels   statsmodels multipletests(p, method="fdr_bh") on pvalue_exact
  padj_scipy         scipy.stats.false_discovery_control(p, method="bh") on pvalue_exact

Seeded (numpy default_rng(20240605)); rerunning rewrites the same files.
"""
import math
import os
from fractions import Fraction

import mpmath
import numpy as np
import scipy
import statsmodels
from scipy.stats import false_discovery_control, hypergeom
from statsmodels.stats.multitest import multipletests

OUT = "Fixtures/ora"
MIN_SIZE, MAX_SIZE = 5, 500
mpmath.mp.dps = 30
rng = np.random.default_rng(20240605)

universe = [f"G{i:04d}" for i in range(1, 3001)]
outside = [f"X{i:03d}" for i in range(1, 61)]
query_in = list(rng.choice(universe, size=180, replace=False))
query = query_in + outside[:20] + query_in[:5]  # 5 repeats
rng.shuffle(query)

sets = []
sizes = [3, 4, 6, 8, 10, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120, 150, 200, 250, 300, 400, 480, 499, 500, 520, 700]
for i, size in enumerate(sizes):
    genes = list(rng.choice(universe, size=size, replace=False))
    if i % 3 == 0:
        genes += outside[20 + i % 30: 20 + i % 30 + 3]  # genes outside the universe
    sets.append((f"RANDOM_{i + 1:02d}", genes))
for i in range(15):  # mildly enriched: a share of query genes plus random ones
    share = 2 + 3 * i
    genes = list(rng.choice(query_in, size=share, replace=False)) + list(rng.choice(universe, size=40 + 10 * i, replace=False))
    sets.append((f"MIXED_{i + 1:02d}", list(dict.fromkeys(genes))))
for i, share in enumerate([30, 60, 100, 150, 170]):  # strongly enriched
    genes = list(rng.choice(query_in, size=share, replace=False)) + list(rng.choice(universe, size=5 * i, replace=False))
    sets.append((f"ENRICHED_{i + 1}", list(dict.fromkeys(genes))))

os.makedirs(OUT, exist_ok=True)
with open(f"{OUT}/universe.txt", "w") as f:
    f.write("# ORA fixture universe (scripts/ora_make_fixture.py)\n" + "\n".join(universe) + "\n")
with open(f"{OUT}/genes.txt", "w") as f:
    f.write("# ORA fixture query (scripts/ora_make_fixture.py)\n" + "\n".join(query) + "\n")
with open(f"{OUT}/sets.gmt", "w") as f:
    for name, genes in sets:
        f.write("\t".join([name, "na"] + genes) + "\n")

U = set(universe)
q = []
for g in query:
    if g in U and g not in q:
        q.append(g)
N, n = len(U), len(q)
rows = []
for name, genes in sets:
    members = set(genes) & U
    M = len(members)
    if not (MIN_SIZE <= M <= MAX_SIZE):
        continue
    hits = [g for g in q if g in members]
    k = len(hits)
    if k == 0:
        continue
    num = sum(math.comb(M, x) * math.comb(N - M, n - x) for x in range(k, min(n, M) + 1))
    exact = Fraction(num, math.comb(N, n))
    log10 = mpmath.log10(mpmath.mpf(num)) - mpmath.log10(mpmath.mpf(math.comb(N, n)))
    rows.append(dict(term=name, k=k, M=M, n=n, N=N, pvalue_exact=float(exact), log10_pvalue_exact=float(log10),
                     pvalue_scipy=float(hypergeom.sf(k - 1, N, M, n)), genes=";".join(hits)))
p = np.array([r["pvalue_exact"] for r in rows])
sm = multipletests(p, method="fdr_bh")[1]
sc = false_discovery_control(p, method="bh")
for r, a, b in zip(rows, sm, sc):
    r["padj_statsmodels"] = float(a)
    r["padj_scipy"] = float(b)
cols = ["term", "k", "M", "n", "N", "pvalue_exact", "log10_pvalue_exact", "pvalue_scipy", "padj_statsmodels", "padj_scipy", "genes"]
with open(f"{OUT}/expected.tsv", "w") as f:
    f.write(f"# scipy {scipy.__version__}, statsmodels {statsmodels.__version__}, mpmath {mpmath.__version__}; "
            f"--min-size {MIN_SIZE} --max-size {MAX_SIZE}\n")
    f.write("\t".join(cols) + "\n")
    for r in rows:
        f.write("\t".join(repr(r[c]) if isinstance(r[c], float) else str(r[c]) for c in cols) + "\n")
print(f"{len(rows)} tested sets of {len(sets)}; N={N} n={n}; min p = {min(r['log10_pvalue_exact'] for r in rows):.1f} (log10)")
