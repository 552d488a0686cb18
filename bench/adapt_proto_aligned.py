#!/usr/bin/env python3
"""Times the PyTorch prototype of the `aligned` recipe (../shared/data/scdeal/scdeal_acceptance_proto.py)
on the inputs `omics adapt` reads, so both tools see the same data and the same recipe:
bulk DAE (40 epochs) → encoder + predictor (40) → warm-started target encoder with multi-bandwidth
MMD (60, Adam 1e-3), bulk model frozen. Only the prototype's functions are used (its other six
variants are not run). Prints per seed: seconds, source-only and adapted AUROC / weighted F1.

Usage: adapt_proto_aligned.py INPUTS TASK SEEDS...   (torch.set_num_threads(2) unless THREADS is set)
"""
import copy, importlib.util, os, sys, time
import numpy as np, torch
from sklearn.preprocessing import MinMaxScaler

here = os.path.dirname(os.path.abspath(__file__))
path = os.path.join(here, '..', '..', 'shared', 'data', 'scdeal', 'scdeal_acceptance_proto.py')
if not os.path.exists(path):  # a machine without ../shared: a copy beside the inputs
    path = os.path.join(here, 'inputs', 'adapt', 'proto', 'scdeal_acceptance_proto.py')
spec = importlib.util.spec_from_file_location('proto', path)
proto = importlib.util.module_from_spec(spec); spec.loader.exec_module(proto)

def load(inputs, task, seed):
    """The h5ad inputs through anndata, or their .npz copies under INPUTS/npz (machines without anndata)."""
    try:
        import anndata as ad
        S = ad.read_h5ad(f'{inputs}/{task}_seed{seed}_source.h5ad'); T = ad.read_h5ad(f'{inputs}/{task}_seed{seed}_target.h5ad')
        return (np.asarray(S.X, dtype=np.float64), S.obs['response'].to_numpy().astype(int),
                np.asarray(T.X, dtype=np.float64), T.obs['truth'].to_numpy().astype(int))
    except ImportError:
        z = np.load(f'{inputs}/npz/{task}_seed{seed}.npz')
        return z['Xs'].astype(np.float64), z['ys'], z['Xt'].astype(np.float64), z['yt']


inputs, task, seeds = sys.argv[1], sys.argv[2], [int(s) for s in sys.argv[3:]]
torch.set_num_threads(int(os.environ.get('THREADS', '2')))
total = 0.0
for seed in seeds:
    Xs0, ys, Xt0, yt = load(inputs, task, seed)
    t0 = time.time()
    rng = np.random.default_rng(seed); torch.manual_seed(seed); gen = torch.Generator().manual_seed(seed)
    Xs = MinMaxScaler().fit_transform(Xs0); Xt = MinMaxScaler().fit_transform(Xt0)
    Tf = lambda a: torch.tensor(a, dtype=torch.float32); L = lambda a: torch.tensor(a, dtype=torch.long)
    ps = rng.permutation(len(ys)); nte = int(0.2 * len(ys)); te, rest = ps[:nte], ps[nte:]; nva = int(0.2 * len(rest)); va, tr = rest[:nva], rest[nva:]
    pt = rng.permutation(len(yt)); ntv = int(0.2 * len(yt)); tva, ttr = pt[:ntv], pt[ntv:]
    G = Xs.shape[1]
    ae = proto.fit_dae(proto.AE(G, 32, [512, 256], 0.3), Tf(Xs[tr]), Tf(Xs[va]), 40, 200, gen)
    src = proto.fit_pred(proto.SrcModel(ae, proto.Pred(32, [16, 8], 0.3)), Tf(Xs[tr]), L(ys[tr]), Tf(Xs[va]), L(ys[va]), 40, 200, gen)
    with torch.no_grad():
        bulk = proto.metrics(src(Tf(Xs[te])).numpy(), ys[te]); so = proto.metrics(src(Tf(Xt)).numpy(), yt)
    warm = copy.deepcopy(ae); warm.eval()
    tgt = proto.fit_target_only_ms(src, warm, Tf(Xs[tr]), Tf(Xs[va]), Tf(Xt[ttr]), Tf(Xt[tva]), 60, 200, gen)
    with torch.no_grad(): adp = proto.metrics(src.pred(tgt.encode(Tf(Xt))).numpy(), yt)
    dt = time.time() - t0; total += dt
    print(f"proto {task} seed {seed} ({dt:.1f} s): bulk AUROC {bulk['auroc']:.3f} | source-only AUROC {so['auroc']:.3f} F1 {so['f1w']:.3f} | "
          f"adapted AUROC {adp['auroc']:.3f} F1 {adp['f1w']:.3f}", flush=True)
print(f"proto {task} total {total:.1f} s")
