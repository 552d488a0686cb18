#!/usr/bin/env python3
"""Builds Fixtures/gsea_phenotype/: a small expression h5ad (40 samples x 600 genes, two classes,
planted gene sets) and the results of GSEApy 1.3.x phenotype-permutation GSEA on it, so that the
Swift tests need no Python.

    python3 scripts/gsea_phenotype_fixture.py        # rewrites Fixtures/gsea_phenotype/

Files:
- expr.h5ad            X (40 x 600, float64, dense), obs: group (categorical A/B, first sample A),
                       group3 (A/B/C), dose (float, for Pearson), var index G0001..G0600
- sets.gmt             12 gene sets (3 planted, 9 random; some genes absent from the matrix)
- s2n_ranking.tsv      GSEApy's ranking metric (signal_to_noise), gene<TAB>value (%.17g), sorted
- s2n_results.tsv      GSEApy res2d (Term ES NES NOM p-val FDR q-val FWER p-val Lead_genes), %.17g
- s2n_null.tsv         GSEApy's 1000 null ES per set (set<TAB>v1<TAB>...<TAB>v1000)
- ttest_ranking.tsv    the same for method="t_test"
- ttest_results.tsv
- pearson_ranking.tsv  Pearson r of each gene with obs.dose (numpy, two-pass), sorted
- GSE_phenotype_series_matrix.txt  samples S00..S11 of expr.h5ad as a GEO series matrix
- bad_*.h5ad           8 x 20 inputs that must fail: one class only, a class of one sample, a NaN

GSEApy adds 1e-8 to every expression value before the metric (gsea.py `_filter_data`); it is
given X - 1e-8 here so that the values it ranks are X itself (to rounding), and the metric can
be compared exactly with ours, which does not add the offset.
"""
import os
import sys

import numpy as np
import pandas as pd
import anndata as ad
import gseapy

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Fixtures", "gsea_phenotype")
SEED = 20240611
PERMS = 1000


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(SEED)
    n_a, n_b, n_genes = 20, 20, 600
    n = n_a + n_b
    genes = [f"G{i:04d}" for i in range(1, n_genes + 1)]
    # Interleave the classes, first sample A (GSEApy's positive class is the first label seen).
    labels = np.array(["A" if i % 2 == 0 else "B" for i in range(n)])
    is_a = labels == "A"
    # Log-scale expression: gene means 0..10 (the sigma floor 0.2*|mean| is active for many genes),
    # gene sds 0.3..1.5.
    means = rng.uniform(0.0, 10.0, n_genes)
    sds = rng.uniform(0.3, 1.5, n_genes)
    X = rng.normal(means, sds, size=(n, n_genes))
    # A shared sample factor on genes 400..449 (coherent but not differential).
    factor = rng.normal(0, 1, n)
    X[:, 400:450] += 0.8 * factor[:, None]
    # Planted: up in A (genes 0..29), up in B (genes 30..54), weakly up in A (genes 55..74).
    X[np.ix_(is_a, np.arange(0, 30))] += 0.9 * sds[0:30]
    X[np.ix_(~is_a, np.arange(30, 55))] += 0.9 * sds[30:55]
    X[np.ix_(is_a, np.arange(55, 75))] += 0.35 * sds[55:75]
    # One constant gene and one all-zero gene: GSEApy drops them (zero within-class sd).
    X[:, 590] = 5.0
    X[:, 591] = 0.0
    dose = np.round(rng.uniform(0, 10, n), 3)
    X[:, 100:130] += 0.12 * (dose - dose.mean())[:, None]

    obs = pd.DataFrame(
        {
            "group": pd.Categorical(labels, categories=["A", "B"]),
            "group3": pd.Categorical(np.where(np.arange(n) % 5 == 4, "C", labels), categories=["A", "B", "C"]),
            "dose": dose,
        },
        index=[f"S{i:02d}" for i in range(n)],
    )
    adata = ad.AnnData(X=X.astype(np.float64), obs=obs, var=pd.DataFrame(index=genes))
    adata.write_h5ad(os.path.join(OUT, "expr.h5ad"))

    sets = {
        "PLANTED_UP_IN_A": genes[0:30],
        "PLANTED_UP_IN_B": genes[30:55] + ["NOT_IN_DATA_1", "NOT_IN_DATA_2"],
        "PLANTED_WEAK_A": genes[55:75],
        "COHERENT_FACTOR": genes[400:450],
        "DOSE_GENES": genes[100:130],
    }
    pool = list(range(130, 400)) + list(range(450, 590))
    for j in range(7):
        size = int(rng.integers(15, 61))
        pick = sorted(rng.choice(pool, size=size, replace=False))
        sets[f"RANDOM_{j + 1:02d}"] = [genes[i] for i in pick]
    with open(os.path.join(OUT, "sets.gmt"), "w") as f:
        for name, members in sets.items():
            f.write("\t".join([name, "na"] + members) + "\n")

    # GSEApy input: genes x samples, with the 1e-8 it adds taken off beforehand.
    df = pd.DataFrame((X - 1e-8).T, index=genes, columns=obs.index)
    df.index.name = "Gene"
    cls = list(labels)
    for method, tag in (("signal_to_noise", "s2n"), ("t_test", "ttest")):
        gs = gseapy.gsea(
            data=df.copy(), gene_sets=os.path.join(OUT, "sets.gmt"), cls=cls, permutation_type="phenotype",
            method=method, permutation_num=PERMS, min_size=15, max_size=500, weight=1.0, threads=1, seed=7,
            outdir=None, no_plot=True, verbose=False,
        )
        with open(os.path.join(OUT, f"{tag}_ranking.tsv"), "w") as f:
            for g, v in gs.ranking.items():
                f.write(f"{g}\t{v:.17g}\n")
        res = gs.res2d.sort_values("Term")
        with open(os.path.join(OUT, f"{tag}_results.tsv"), "w") as f:
            f.write("Term\tES\tNES\tNOM p-val\tFDR q-val\tFWER p-val\tLead_genes\n")
            for _, r in res.iterrows():
                f.write(
                    f"{r['Term']}\t{float(r['ES']):.17g}\t{float(r['NES']):.17g}\t{float(r['NOM p-val']):.17g}\t"
                    f"{float(r['FDR q-val']):.17g}\t{float(r['FWER p-val']):.17g}\t{r['Lead_genes']}\n"
                )
        if tag == "s2n":
            # The null ES are not exposed by gseapy.gsea; rerun its Rust core with the very inputs
            # GSEA.run passes (filtered data + 1e-8, loaded sets, same seed) to get them.
            from gseapy.gse import Metric, gsea_rs
            dat, _ = gs.load_data()
            group = [x == gs.pheno_pos for x in gs.groups]
            gsum = gsea_rs(
                dat.index.to_list(), dat.values.tolist(), gs.gmt, group, Metric.Signal2Noise, 1.0, 15, 500,
                PERMS, 1, 7,
            )
            by_term = {s.term: s for s in gsum.summaries}
            with open(os.path.join(OUT, "s2n_null.tsv"), "w") as f:
                for term in sorted(by_term):
                    summary = by_term[term]
                    assert abs(summary.es - float(gs.res2d.set_index("Term").loc[term, "ES"])) < 1e-12
                    f.write(term + "\t" + "\t".join(f"{v:.17g}" for v in summary.esnull) + "\n")

    # Pearson r with dose (two-pass, as omics computes it).
    keep = [i for i in range(n_genes) if X[:, i].std() > 0]
    y = dose - dose.mean()
    rows = []
    for i in keep:
        x = X[:, i] - X[:, i].mean()
        rows.append((genes[i], float(np.dot(x, y) / np.sqrt(np.dot(x, x) * np.dot(y, y)))))
    rows.sort(key=lambda t: -t[1])
    with open(os.path.join(OUT, "pearson_ranking.tsv"), "w") as f:
        for g, v in rows:
            f.write(f"{g}\t{v:.17g}\n")
    # The first 12 samples as a GEO series matrix (phenotype in !Sample_characteristics_ch1).
    with open(os.path.join(OUT, "GSE_phenotype_series_matrix.txt"), "w") as f:
        ids = [f"GSM9{i:05d}" for i in range(12)]
        f.write('!Series_title\t"gsea phenotype fixture"\n')
        f.write("!Sample_title\t" + "\t".join(f'"{obs.index[i]}"' for i in range(12)) + "\n")
        f.write("!Sample_geo_accession\t" + "\t".join(f'"{g}"' for g in ids) + "\n")
        f.write("!Sample_characteristics_ch1\t" + "\t".join(f'"group: {labels[i]}"' for i in range(12)) + "\n")
        f.write("!series_matrix_table_begin\n")
        f.write('"ID_REF"\t' + "\t".join(f'"{g}"' for g in ids) + "\n")
        for j, g in enumerate(genes):
            f.write(f'"{g}"\t' + "\t".join(f"{X[i, j]:.17g}" for i in range(12)) + "\n")
        f.write("!series_matrix_table_end\n")

    # Bad inputs (small): one class only, a class of one sample, a NaN in X.
    small = rng.normal(5, 1, size=(8, 20))
    sgenes = genes[:20]
    bad = {
        "bad_one_class.h5ad": (small, ["A"] * 8),
        "bad_small_class.h5ad": (small, ["A"] * 7 + ["B"]),
        "bad_nan.h5ad": (np.where(np.arange(160).reshape(8, 20) == 45, np.nan, small), ["A", "B"] * 4),
    }
    for name, (values, labs) in bad.items():
        a = ad.AnnData(
            X=values, obs=pd.DataFrame({"group": pd.Categorical(labs)}, index=[f"S{i}" for i in range(8)]),
            var=pd.DataFrame(index=sgenes),
        )
        a.write_h5ad(os.path.join(OUT, name))
    print("gseapy", gseapy.__version__, "->", os.path.abspath(OUT), file=sys.stderr)


if __name__ == "__main__":
    main()
