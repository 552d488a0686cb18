#!/usr/bin/env python3
"""Float64 reference numbers for DeepProfile's VAE (background transfer-models.md §1.3, §1.4, §7.1).

The VAE of deepprofile-study `VAE_3Layers_Model.py`, written in PyTorch float64 with Keras 2.2's
conventions spelt out by hand:
  encoder  Dense(h1) → BN → ReLU → Dense(h2) → BN → ReLU → (μ, logσ²) Dense(d) each
  decoder  Dense(h2, relu) → Dense(h1, relu) → Dense(D)
  BN       batch statistics with the biased variance and eps 1e-3 in training; moving statistics
           m ← 0.99·m + 0.01·batch, the batch variance first scaled by n/(n − 1 − eps) (Keras 2.2)
  loss     mean_i [ Σ_j (x_ij − x̂_ij)² + β·KL_i ],  KL_i = −½ Σ_k (1 + lv − μ² − e^lv)
  Adam     Keras 2: lr_t = lr·√(1−β₂ᵗ)/(1−β₁ᵗ),  θ −= lr_t·m/(√v + 1e-7)
Sizes (§7.1.1): n = 8, D = 20, h1 = 12, h2 = 6, d = 3. Weights Glorot-uniform from numpy
default_rng(0), biases and BN γ/β random (so that every term is exercised), ε fixed.

Writes Fixtures/deepprofile/vae_reference_f64.safetensors with tensors named as the Swift
ParameterStore names them (`init.<name>`, `step1.<name>`, `step10.<name>`), the forward values,
per-sample loss terms, autograd gradients (`grad.<name>`, `grad.x`), the eval-mode μ after 10 steps,
integrated gradients (zero baseline, 50 left-Riemann steps) of every μ unit for every sample, their
gene mapping through a fixed components matrix (d × G mean |·|) and the completeness terms.
Run: python scripts/deepprofile_reference.py   (torch 2.13 CPU, numpy)
"""
import json, os, struct
import numpy as np
import torch

D64 = torch.float64
n, D, h1, h2, d, G = 8, 20, 12, 6, 3, 30
EPS_BN, MOM, LR, EPS_ADAM, B1, B2 = 1e-3, 0.99, 5e-4, 1e-7, 0.9, 0.999
rng = np.random.default_rng(0)

def glorot(fan_in, fan_out):
    lim = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-lim, lim, size=(fan_out, fan_in))   # stored (out, in) as torch/Swift

linears = [('encoder.dense1', D, h1), ('encoder.dense2', h1, h2), ('z_mean', h2, d), ('z_log_var', h2, d),
           ('decoder.dense1', d, h2), ('decoder.dense2', h2, h1), ('decoder.output', h1, D)]
bns = [('encoder.bn1', h1), ('encoder.bn2', h2)]
P = {}
for name, i, o in linears:
    P[name + '.weight'] = glorot(i, o)
    P[name + '.bias'] = rng.normal(0, 0.1, size=o)
for name, c in bns:
    P[name + '.weight'] = 1 + rng.normal(0, 0.1, size=c)
    P[name + '.bias'] = rng.normal(0, 0.1, size=c)
buffers = {}
for name, c in bns:
    buffers[name + '.running_mean'] = np.zeros(c)
    buffers[name + '.running_var'] = np.ones(c)
X = rng.normal(0, 1, size=(n, D))
EPS = rng.normal(0, 1, size=(11, n, d))        # ε of the forward check (0) and of the 10 Adam steps
COMP = rng.normal(0, 1, size=(D, G)) / np.sqrt(G)   # stands in for sklearn's components_ (D × G)

params = {k: torch.tensor(v, dtype=D64, requires_grad=True) for k, v in P.items()}

def dense(h, name):
    return h @ params[name + '.weight'].T + params[name + '.bias']

def bn(h, name, training, bufs):
    g, b = params[name + '.weight'], params[name + '.bias']
    if training:
        mean = h.mean(0)
        var = ((h - mean) ** 2).mean(0)
        m = h.shape[0]
        with torch.no_grad():
            bufs[name + '.running_mean'] = MOM * bufs[name + '.running_mean'] + (1 - MOM) * mean.detach().numpy()
            bufs[name + '.running_var'] = MOM * bufs[name + '.running_var'] + (1 - MOM) * var.detach().numpy() * m / (m - 1 - EPS_BN)
    else:
        mean = torch.tensor(bufs[name + '.running_mean'], dtype=D64)
        var = torch.tensor(bufs[name + '.running_var'], dtype=D64)
    return (h - mean) / torch.sqrt(var + EPS_BN) * g + b

def encode(x, training, bufs):
    h = torch.relu(bn(dense(x, 'encoder.dense1'), 'encoder.bn1', training, bufs))
    h = torch.relu(bn(dense(h, 'encoder.dense2'), 'encoder.bn2', training, bufs))
    return dense(h, 'z_mean'), dense(h, 'z_log_var')

def vae(x, eps, bufs, beta=1.0):
    mu, lv = encode(x, True, bufs)
    z = mu + torch.exp(lv / 2) * eps
    h = torch.relu(dense(z, 'decoder.dense1'))
    h = torch.relu(dense(h, 'decoder.dense2'))
    xh = dense(h, 'decoder.output')
    recon = ((x - xh) ** 2).sum(1)
    kl = -0.5 * (1 + lv - mu ** 2 - torch.exp(lv)).sum(1)
    loss = (recon + beta * kl).mean()
    return mu, lv, z, xh, recon, kl, loss

out = {}
for k, v in P.items(): out['init.' + k] = torch.tensor(v)
for k, v in buffers.items(): out['init.' + k] = torch.tensor(v)
out['x'] = torch.tensor(X); out['epsilon'] = torch.tensor(EPS); out['components'] = torch.tensor(COMP)

# forward, loss and gradients (training mode, batch statistics)
x = torch.tensor(X, dtype=D64, requires_grad=True)
bufs = {k: v.copy() for k, v in buffers.items()}
mu, lv, z, xh, recon, kl, loss = vae(x, torch.tensor(EPS[0]), bufs)
loss.backward()
for k, t in [('mu', mu), ('logvar', lv), ('z', z), ('xhat', xh), ('recon', recon), ('kl', kl)]:
    out['forward.' + k] = t.detach().clone()
out['forward.loss'] = loss.detach().reshape(1)
out['grad.x'] = x.grad.detach().clone()
for k, p in params.items(): out['grad.' + k] = p.grad.detach().clone()
for k, v in bufs.items(): out['forward.' + k] = torch.tensor(v)
# β = 0.5 value, for the β factor
out['forward.loss_beta_half'] = vae(torch.tensor(X), torch.tensor(EPS[0]), {k: v.copy() for k, v in buffers.items()}, beta=0.5)[6].detach().reshape(1)

# Keras-Adam training steps (same batch, ε of step s = EPS[s])
bufs = {k: v.copy() for k, v in buffers.items()}
m = {k: torch.zeros_like(p) for k, p in params.items()}
v = {k: torch.zeros_like(p) for k, p in params.items()}
losses = []
for t in range(1, 11):
    for p in params.values(): p.grad = None
    loss = vae(torch.tensor(X), torch.tensor(EPS[t]), bufs)[6]
    loss.backward()
    losses.append(loss.item())
    lr_t = LR * np.sqrt(1 - B2 ** t) / (1 - B1 ** t)
    with torch.no_grad():
        for k, p in params.items():
            m[k] = B1 * m[k] + (1 - B1) * p.grad
            v[k] = B2 * v[k] + (1 - B2) * p.grad ** 2
            p -= lr_t * m[k] / (torch.sqrt(v[k]) + EPS_ADAM)
    if t in (1, 10):
        for k, p in params.items(): out[f'step{t}.{k}'] = p.detach().clone()
        for k, b in bufs.items(): out[f'step{t}.{k}'] = torch.tensor(b)
out['train.losses'] = torch.tensor(losses, dtype=D64)

# inference μ (moving statistics) and integrated gradients of μ_c, zero baseline, 50 left-Riemann steps
with torch.no_grad():
    out['eval.mu'] = encode(torch.tensor(X), False, bufs)[0].clone()
    mu0 = encode(torch.zeros(1, D, dtype=D64), False, bufs)[0][0]
steps = 50
ig = np.zeros((n, d, D))
for c in range(d):
    total = torch.zeros(n, D, dtype=D64)
    for s in range(steps):
        xs = (torch.tensor(X) * (s / steps)).requires_grad_(True)
        mu_s = encode(xs, False, bufs)[0]
        g, = torch.autograd.grad(mu_s[:, c].sum(), xs)
        total += g
    ig[:, c, :] = (torch.tensor(X) * total / steps).numpy()
out['ig.attributions'] = torch.tensor(ig)                       # n × d × D
out['ig.mu_zero'] = mu0.clone()
genes = np.abs(ig @ COMP).mean(0)                              # d × G
out['ig.gene_weights'] = torch.tensor(genes)
completeness = np.abs(ig.sum(2) - (out['eval.mu'].numpy() - mu0.numpy()))
out['ig.completeness_error'] = torch.tensor(completeness)
print('IG completeness: max |Σ attr − (μ(x) − μ(0))| =', completeness.max(),
      'relative to max |μ(x) − μ(0)|:', completeness.max() / np.abs(out['eval.mu'].numpy() - mu0.numpy()).max())

def save(tensors, path):
    header, blobs, off = {}, [], 0
    for k in sorted(tensors):
        b = tensors[k].detach().contiguous().numpy().astype('<f8').tobytes()
        header[k] = {'dtype': 'F64', 'shape': list(tensors[k].shape), 'data_offsets': [off, off + len(b)]}
        blobs.append(b); off += len(b)
    h = json.dumps(header, separators=(',', ':')).encode()
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h))); f.write(h); [f.write(b) for b in blobs]

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'Fixtures', 'deepprofile')
os.makedirs(root, exist_ok=True)
save(out, os.path.join(root, 'vae_reference_f64.safetensors'))
print('wrote', len(out), 'tensors; loss', out['forward.loss'].item(), '; torch', torch.__version__)
