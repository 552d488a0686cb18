#!/usr/bin/env python3
"""Writes the inputs of the `omics adapt` acceptance protocol (background scdeal.md §5.2).

S1 (synthetic Gaussian, target-only nuisance factor): for each seed, exactly the draws of
`gauss_task` in ../shared/data/scdeal/scdeal_acceptance_proto.py (numpy default_rng(seed)), so the
data equal the prototype's. Writes per seed:
  OUT/s1_seed{S}_source.h5ad  400 samples × 100 genes, obs 'response' (0/1)
  OUT/s1_seed{S}_target.h5ad  600 cells × 100 genes, obs 'truth' (0/1, for scoring only)
Genes are named g000..g099 on both sides. X is float32 (the prototype's float64 rounded).

R1-cyto (--r1): pseudo-bulk → single cells from scanpy's bundled pbmc68k_reduced, as the
prototype's pseudobulk_task: OUT/r1cyto_seed{S}_{source,target}.h5ad (765 genes).

Usage: python3 scripts/adapt_make_inputs.py OUT [--seeds 0 1 2] [--r1]
"""
import argparse, os
import numpy as np
import anndata as ad
import pandas as pd


def gauss_task(rng, G=100, n_src=400, n_tgt=600, s_nuis=4.0):
    mu = np.zeros(G); lg = rng.choice(G, 20, replace=False); mu[lg] = rng.choice([-1, 1], 20) * 1.0
    a = np.zeros(G); ng = np.concatenate([lg[:10], rng.choice(np.setdiff1d(np.arange(G), lg), 30, replace=False)]); a[ng] = rng.normal(0, 1, 40)
    def draw(n, s):
        y = (rng.random(n) < 0.5).astype(int); X = np.outer(y, mu) + rng.normal(0, 1, (n, G))
        if s > 0: X += np.outer(rng.normal(0, s, n), a)
        return X, y
    Xs, ys = draw(n_src, 0.0); Xt, yt = draw(n_tgt, s_nuis)
    return Xs, ys, Xt, yt


def load_pbmc_cyto():
    import scanpy
    path = os.path.join(os.path.dirname(scanpy.__file__), 'datasets', '10x_pbmc68k_reduced.h5ad')
    a = ad.read_h5ad(path)
    E = np.expm1(a.raw.X.toarray()); sf = np.array([r[r > 0].min() for r in E]); C = np.rint(E / sf[:, None])
    lab = a.obs.bulk_labels.astype(str).values
    keep = ~np.isin(lab, ['CD34+', 'CD14+ Monocyte', 'Dendritic'])
    y = np.isin(lab, ['CD56+ NK', 'CD8+ Cytotoxic T', 'CD8+/CD45RA+ Naive Cytotoxic']).astype(int)
    return C[keep], y[keep], list(a.raw.var_names)


def pseudobulk_task(C, y, rng, n_bulk=400, cells_per=30):
    n = len(y); perm = rng.permutation(n); A, B = perm[: n // 2], perm[n // 2:]
    A1, A0 = A[y[A] == 1], A[y[A] == 0]
    Xs, ys = [], []
    for _ in range(n_bulk):
        f = rng.beta(0.5, 0.5); k1 = int(round(f * cells_per))
        idx = np.concatenate([rng.choice(A1, k1), rng.choice(A0, cells_per - k1)])
        s = C[idx].sum(0); Xs.append(np.log2(1 + 1e6 * s / s.sum())); ys.append(int(f > 0.5))
    Ct = C[B]; Xt = np.log1p(1e4 * Ct / Ct.sum(1, keepdims=True))
    return np.array(Xs), np.array(ys), Xt, y[B]


def write(path, X, genes, prefix, column, labels):
    obs = pd.DataFrame({column: np.asarray(labels, dtype=np.int64)}, index=[f'{prefix}{i:04d}' for i in range(X.shape[0])])
    ad.AnnData(X=X.astype(np.float32), obs=obs, var=pd.DataFrame(index=genes)).write_h5ad(path)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('out'); p.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2]); p.add_argument('--r1', action='store_true')
    a = p.parse_args(); os.makedirs(a.out, exist_ok=True)
    genes = [f'g{i:03d}' for i in range(100)]
    for s in a.seeds:
        Xs, ys, Xt, yt = gauss_task(np.random.default_rng(s))
        write(f'{a.out}/s1_seed{s}_source.h5ad', Xs, genes, 'bulk', 'response', ys)
        write(f'{a.out}/s1_seed{s}_target.h5ad', Xt, genes, 'cell', 'truth', yt)
    if a.r1:
        C, y, g = load_pbmc_cyto()
        for s in a.seeds:
            Xs, ys, Xt, yt = pseudobulk_task(C, y, np.random.default_rng(s))
            write(f'{a.out}/r1cyto_seed{s}_source.h5ad', Xs, g, 'bulk', 'response', ys)
            write(f'{a.out}/r1cyto_seed{s}_target.h5ad', Xt, g, 'cell', 'truth', yt)


if __name__ == '__main__':
    main()
