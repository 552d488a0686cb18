#!/usr/bin/env python3
"""DeepProfile's VAE recipe in PyTorch (the peer for bench/deepprofile.sh).

  make OUT.h5ad            a 1,000-sample × 2,000-gene input: 20 hidden sample-level factors
                           through random gene loadings plus noise (numpy default_rng(0))
  train IN.h5ad LATENTS RUNS COMPONENTS
                           z-score (ddof 0), exact PCA (numpy SVD) to COMPONENTS scores, then for every
                           latent size and run the VAE of deepprofile-study VAE_3Layers_Model.py:
                           Dense→BN(eps 1e-3, momentum 0.99 Keras = 0.01 torch)→ReLU ×2, μ/logσ² heads,
                           decoder Dense(h2,relu)→Dense(h1,relu)→Dense(D); Glorot-uniform, zero bias;
                           loss mean_i[Σ_j(x−x̂)² + KL_i]; Adam lr 5e-4, ε 1e-7; batch 50 (last partial
                           batch kept), 50 epochs, shuffled; float32; torch.set_num_threads(THREADS=2).
Prints the training seconds (all VAEs) and the mean final loss.
"""
import os, sys, time
import numpy as np

def make(path):
    import anndata as ad
    rng = np.random.default_rng(0)
    n, g, k = 1000, 2000, 20
    factors = rng.normal(size=(n, k)); loadings = rng.normal(size=(k, g)) * (rng.random((k, g)) < 0.1)
    x = (factors @ loadings + rng.normal(scale=0.5, size=(n, g)) + 5).astype(np.float32)
    a = ad.AnnData(X=x)
    a.obs_names = [f'sample{i}' for i in range(n)]; a.var_names = [f'gene{j}' for j in range(g)]
    a.write_h5ad(path)

def train(path, latents, runs, components):
    import anndata as ad
    import torch
    torch.set_num_threads(int(os.environ.get('THREADS', '2')))
    x = np.asarray(ad.read_h5ad(path).X, dtype=np.float64)
    started = time.time()
    z = (x - x.mean(0)) / x.std(0)
    u, s, vt = np.linalg.svd(z - z.mean(0), full_matrices=False)
    data = torch.tensor((u[:, :components] * s[:components]).astype(np.float32))
    n, D = data.shape
    def dense(i, o):
        l = torch.nn.Linear(i, o); torch.nn.init.xavier_uniform_(l.weight); torch.nn.init.zeros_(l.bias); return l
    finals = []
    for d in latents:
        h1, h2 = (100, 25) if d <= 5 else (250, 50) if d <= 10 else (250, 100)
        for r in range(runs):
            torch.manual_seed(123456 * r)
            enc = torch.nn.Sequential(dense(D, h1), torch.nn.BatchNorm1d(h1, eps=1e-3, momentum=0.01), torch.nn.ReLU(),
                                      dense(h1, h2), torch.nn.BatchNorm1d(h2, eps=1e-3, momentum=0.01), torch.nn.ReLU())
            zm, zl = dense(h2, d), dense(h2, d)
            dec = torch.nn.Sequential(dense(d, h2), torch.nn.ReLU(), dense(h2, h1), torch.nn.ReLU(), dense(h1, D))
            params = [*enc.parameters(), *zm.parameters(), *zl.parameters(), *dec.parameters()]
            opt = torch.optim.Adam(params, lr=5e-4, eps=1e-7)
            for epoch in range(50):
                perm = torch.randperm(n); tot = 0.0
                for st in range(0, n, 50):
                    xb = data[perm[st:st + 50]]
                    h = enc(xb); mu, lv = zm(h), zl(h)
                    zz = mu + torch.exp(lv / 2) * torch.randn_like(mu)
                    loss = (((xb - dec(zz)) ** 2).sum(1) - 0.5 * (1 + lv - mu ** 2 - lv.exp()).sum(1)).mean()
                    opt.zero_grad(); loss.backward(); opt.step(); tot += loss.item() * len(xb)
            finals.append(tot / n)
            enc.eval()
            with torch.no_grad(): zm(enc(data))
    print(f'pytorch {torch.__version__}: {len(finals)} VAEs trained in {time.time() - started:.2f} s '
          f'(threads {torch.get_num_threads()}); mean final loss {np.mean(finals):.4g}')

if __name__ == '__main__':
    if sys.argv[1] == 'make': make(sys.argv[2])
    else: train(sys.argv[2], [int(v) for v in sys.argv[3].split(',')], int(sys.argv[4]), int(sys.argv[5]))
