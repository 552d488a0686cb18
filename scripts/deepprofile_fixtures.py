#!/usr/bin/env python3
"""Small real-data fixture for the DeepProfile smoke tests (background §7.1.7) and its calibration.

Input: scanpy's wheel-shipped `datasets/10x_pbmc68k_reduced.h5ad` (700 PBMCs × 765 genes, scaled).
Writes Fixtures/deepprofile/pbmc68k_reduced_200.h5ad: the 200 genes of largest variance, obs
`bulk_labels` only (700 × 200 float32, gzip) — small enough to commit.

Calibration (printed, recorded in Docs/deepprofile.md): the §7.1.7 recipe in PyTorch float32 on this
file — z-score (ddof 0), PCA(50) scores (exact SVD), one VAE d = 10, h = (250, 50), batch 50,
50 epochs, Keras-Adam (lr 5e-4, ε 1e-7), Keras BN (eps 1e-3, momentum 0.99), seed 0 — its
epoch-50 / epoch-1 loss ratio and the 5-NN leave-one-out accuracy of bulk_labels on μ.
Run: python scripts/deepprofile_fixtures.py
"""
import os
import numpy as np
import anndata as ad
import scanpy
import torch

here = os.path.dirname(os.path.abspath(__file__))
src = os.path.join(os.path.dirname(scanpy.__file__), 'datasets', '10x_pbmc68k_reduced.h5ad')
a = ad.read_h5ad(src)
X = np.asarray(a.X, dtype=np.float64)
top = np.sort(np.argsort(-X.var(0), kind='stable')[:200])
small = ad.AnnData(X=a.X[:, top].astype(np.float32), obs=a.obs[['bulk_labels']].copy(), var=a.var.iloc[top][[]].copy())
out = os.path.join(here, '..', 'Fixtures', 'deepprofile', 'pbmc68k_reduced_200.h5ad')
small.write_h5ad(out, compression='gzip')
print('wrote', out, small.shape, os.path.getsize(out), 'bytes')

# calibration of the smoke-test thresholds
Z = np.asarray(small.X, dtype=np.float64)
Z = (Z - Z.mean(0)) / Z.std(0)
U, S, Vt = np.linalg.svd(Z - Z.mean(0), full_matrices=False)
scores = (U[:, :50] * S[:50]).astype(np.float32)
torch.manual_seed(0)
x = torch.tensor(scores)
def dense(i, o):
    l = torch.nn.Linear(i, o); torch.nn.init.xavier_uniform_(l.weight); torch.nn.init.zeros_(l.bias); return l
enc = torch.nn.Sequential(dense(50, 250), torch.nn.BatchNorm1d(250, eps=1e-3, momentum=0.01), torch.nn.ReLU(),
                          dense(250, 50), torch.nn.BatchNorm1d(50, eps=1e-3, momentum=0.01), torch.nn.ReLU())
zm, zl = dense(50, 10), dense(50, 10)
dec = torch.nn.Sequential(dense(10, 50), torch.nn.ReLU(), dense(50, 250), torch.nn.ReLU(), dense(250, 50))
params = [*enc.parameters(), *zm.parameters(), *zl.parameters(), *dec.parameters()]
opt = torch.optim.Adam(params, lr=5e-4, eps=1e-7)
losses = []
for epoch in range(50):
    perm = torch.randperm(700); tot = 0
    for s in range(0, 700, 50):
        xb = x[perm[s:s + 50]]
        h = enc(xb); mu, lv = zm(h), zl(h)
        z = mu + torch.exp(lv / 2) * torch.randn_like(mu)
        loss = (((xb - dec(z)) ** 2).sum(1) - 0.5 * (1 + lv - mu ** 2 - lv.exp()).sum(1)).mean()
        opt.zero_grad(); loss.backward(); opt.step(); tot += loss.item() * len(xb)
    losses.append(tot / 700)
enc.eval()
with torch.no_grad(): mu = zm(enc(x)).numpy()
labels = small.obs['bulk_labels'].astype(str).values
d = ((mu[:, None, :] - mu[None, :, :]) ** 2).sum(2); np.fill_diagonal(d, np.inf)
nn = np.argsort(d, 1)[:, :5]
pred = [max(set(labels[r]), key=list(labels[r]).count) for r in nn]
acc = np.mean(np.array(pred) == labels)
print(f'calibration: loss epoch 1 {losses[0]:.3f}, epoch 50 {losses[-1]:.3f}, ratio {losses[-1] / losses[0]:.3f}; 5-NN accuracy {acc:.3f}; chance (largest class) {240/700:.3f}')
