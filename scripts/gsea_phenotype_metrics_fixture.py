#!/usr/bin/env python3
"""Builds the metric fixtures of Fixtures/gsea_phenotype/: GSEApy 1.3.x phenotype-permutation GSEA
with the ranking metrics other than signal_to_noise and t_test (those are in
scripts/gsea_phenotype_fixture.py), on positive-valued data as the ratio metrics need.

    python3 scripts/gsea_phenotype_metrics_fixture.py   # rewrites the metrics_* files

Files (Fixtures/gsea_phenotype/):
- metrics_expr.h5ad        X (24 x 300, float64, all > 0), obs: group (A/B alternating, first A),
                           var index M001..M300
- metrics_sets.gmt         8 sets (2 planted up in A, 1 up in B, 5 random)
- metrics_<metric>_ranking.tsv  GSEApy's ranking (gene<TAB>value, %.17g, GSEApy's order)
- metrics_<metric>_results.tsv  res2d: Term ES NES NOM p-val FDR q-val FWER p-val Lead_genes
  for metric in abs_signal_to_noise, ratio_of_classes, diff_of_classes, log2_ratio_of_classes

GSEApy adds 1e-8 to every value before the metric; it is given X - 1e-8 so that it ranks X.
"""
import os
import sys

import numpy as np
import pandas as pd
import anndata as ad
import gseapy

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Fixtures", "gsea_phenotype")
SEED = 20251126
METRICS = ["abs_signal_to_noise", "ratio_of_classes", "diff_of_classes", "log2_ratio_of_classes"]


def main():
    rng = np.random.default_rng(SEED)
    n, g = 24, 300
    genes = [f"M{i:03d}" for i in range(1, g + 1)]
    labels = np.array(["A" if i % 2 == 0 else "B" for i in range(n)])
    is_a = labels == "A"
    # Positive, expression-like values: log-normal around gene means 2..200.
    log_means = rng.uniform(np.log(2), np.log(200), g)
    X = np.exp(rng.normal(log_means, 0.35, size=(n, g)))
    X[np.ix_(is_a, np.arange(0, 25))] *= 1.8
    X[np.ix_(is_a, np.arange(25, 40))] *= 1.3
    X[np.ix_(~is_a, np.arange(40, 65))] *= 1.8
    obs = pd.DataFrame({"group": pd.Categorical(labels, categories=["A", "B"])}, index=[f"S{i:02d}" for i in range(n)])
    ad.AnnData(X=X, obs=obs, var=pd.DataFrame(index=genes)).write_h5ad(os.path.join(OUT, "metrics_expr.h5ad"))

    sets = {"UP_IN_A": genes[0:25], "WEAK_UP_IN_A": genes[25:40], "UP_IN_B": genes[40:65]}
    for j in range(5):
        pick = sorted(rng.choice(np.arange(65, g), size=int(rng.integers(15, 40)), replace=False))
        sets[f"RANDOM_{j + 1}"] = [genes[i] for i in pick]
    gmt = os.path.join(OUT, "metrics_sets.gmt")
    with open(gmt, "w") as f:
        for name, members in sets.items():
            f.write("\t".join([name, "na"] + members) + "\n")

    df = pd.DataFrame((X - 1e-8).T, index=genes, columns=obs.index)
    df.index.name = "Gene"
    for method in METRICS:
        gs = gseapy.gsea(
            data=df.copy(), gene_sets=gmt, cls=list(labels), permutation_type="phenotype", method=method,
            permutation_num=1000, min_size=10, max_size=500, weight=1.0, threads=1, seed=7, outdir=None,
            no_plot=True, verbose=False,
        )
        with open(os.path.join(OUT, f"metrics_{method}_ranking.tsv"), "w") as f:
            for gene, v in gs.ranking.items():
                f.write(f"{gene}\t{v:.17g}\n")
        with open(os.path.join(OUT, f"metrics_{method}_results.tsv"), "w") as f:
            f.write("Term\tES\tNES\tNOM p-val\tFDR q-val\tFWER p-val\tLead_genes\n")
            for _, r in gs.res2d.sort_values("Term").iterrows():
                f.write(
                    f"{r['Term']}\t{float(r['ES']):.17g}\t{float(r['NES']):.17g}\t{float(r['NOM p-val']):.17g}\t"
                    f"{float(r['FDR q-val']):.17g}\t{float(r['FWER p-val']):.17g}\t{r['Lead_genes']}\n"
                )
    print("gseapy", gseapy.__version__, "->", os.path.abspath(OUT), file=sys.stderr)


if __name__ == "__main__":
    main()
