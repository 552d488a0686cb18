#!/usr/bin/env python3
"""PyTorch reference numbers for OmicsNN pieces that scdeal's reference files do not cover.

Writes Fixtures/nn/reference_f64.safetensors (float64, own minimal safetensors writer, no extra
package): five steps of Adam, AdamW (one decayed and one no-decay tensor), SGD with momentum
(+ Nesterov) and Adagrad from fixed parameters and gradients; forward and input gradient of GELU
(erf and tanh), LayerNorm, Softmax, BatchNorm1d (train, PyTorch running statistics after 2 steps),
BCE, binary_cross_entropy_with_logits, Gaussian KL; cosine/linear warm-up multipliers are closed form
and tested by hand. Run:  python scripts/nn_reference.py   (needs torch; pip install torch==2.13.0+cpu)
"""
import json, os, struct
import torch

torch.manual_seed(0)
D = torch.float64
out = {}

def opt_run(name, make, steps=5):
    p1 = torch.nn.Parameter(torch.linspace(-1, 1, 6, dtype=D).reshape(2, 3))
    p2 = torch.nn.Parameter(torch.tensor([0.5, -0.25, 2.0], dtype=D))
    opt = make([p1, p2])
    g = torch.Generator().manual_seed(1)
    g1, g2 = [], []
    for s in range(steps):
        opt.zero_grad()
        p1.grad = torch.randn(2, 3, generator=g, dtype=D)
        p2.grad = torch.randn(3, generator=g, dtype=D) * 0.1
        g1.append(p1.grad.clone()); g2.append(p2.grad.clone())
        opt.step()
    out['grad.p1'] = torch.stack(g1); out['grad.p2'] = torch.stack(g2)   # same stream for every optimiser
    out[f'{name}.p1'] = p1.detach().clone(); out[f'{name}.p2'] = p2.detach().clone()

opt_run('adam', lambda ps: torch.optim.Adam(ps, lr=0.01))
opt_run('adam_l2', lambda ps: torch.optim.Adam(ps, lr=0.01, weight_decay=0.1))
opt_run('adamw', lambda ps: torch.optim.AdamW([{'params': [ps[0]], 'weight_decay': 0.1}, {'params': [ps[1]], 'weight_decay': 0.0}], lr=0.01))
opt_run('sgd', lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, weight_decay=0.01))
opt_run('sgd_nesterov', lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True))
opt_run('adagrad', lambda ps: torch.optim.Adagrad(ps, lr=0.1, lr_decay=0.01))

x = torch.randn(4, 5, dtype=D, requires_grad=True); r = torch.randn(4, 5, dtype=D)
out['x'] = x.detach().clone(); out['r'] = r
def fwd_bwd(name, f):
    if x.grad is not None: x.grad = None
    y = f(x); (y * r).sum().backward()
    out[f'{name}.y'] = y.detach().clone(); out[f'{name}.dx'] = x.grad.detach().clone()
fwd_bwd('gelu', lambda t: torch.nn.functional.gelu(t))
fwd_bwd('gelu_tanh', lambda t: torch.nn.functional.gelu(t, approximate='tanh'))
ln = torch.nn.LayerNorm(5).double()
with torch.no_grad(): ln.weight.copy_(torch.linspace(0.5, 1.5, 5, dtype=D)); ln.bias.copy_(torch.linspace(-0.2, 0.2, 5, dtype=D))
fwd_bwd('layernorm', ln)
fwd_bwd('softmax', lambda t: torch.softmax(t, -1))
bn = torch.nn.BatchNorm1d(5).double()
with torch.no_grad(): bn.weight.copy_(torch.linspace(0.5, 1.5, 5, dtype=D)); bn.bias.copy_(torch.linspace(-0.2, 0.2, 5, dtype=D))
bn.train(); bn(x.detach() * 2 + 1)
fwd_bwd('batchnorm', bn)
out['batchnorm.running_mean'] = bn.running_mean.clone(); out['batchnorm.running_var'] = bn.running_var.clone()
p = torch.sigmoid(x.detach()); t = (torch.rand(4, 5, dtype=D) > 0.5).to(D)
out['bce.target'] = t
out['bce.value'] = torch.nn.functional.binary_cross_entropy(p, t).reshape(1)
out['bce_logits.value'] = torch.nn.functional.binary_cross_entropy_with_logits(x.detach(), t).reshape(1)
mu, lv = x.detach()[:, :2], x.detach()[:, 2:4]
out['kl.sum'] = (-0.5 * torch.sum(1 + lv - mu.pow(2) - lv.exp())).reshape(1)

def save(tensors, path):
    header, blobs, off = {}, [], 0
    for k in sorted(tensors):
        b = tensors[k].contiguous().numpy().astype('<f8').tobytes()
        header[k] = {'dtype': 'F64', 'shape': list(tensors[k].shape), 'data_offsets': [off, off + len(b)]}
        blobs.append(b); off += len(b)
    h = json.dumps(header, separators=(',', ':')).encode()
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h))); f.write(h); [f.write(b) for b in blobs]

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'Fixtures', 'nn')
os.makedirs(root, exist_ok=True)
save(out, os.path.join(root, 'reference_f64.safetensors'))
print('wrote', len(out), 'tensors, torch', torch.__version__)
