#!/usr/bin/env python3
"""Does PyTorch load an OmicsNN checkpoint? (issue 7: "readable by safetensors.torch.load_file").

  OMICS_NN_EXPORT_DIR=/tmp/x swift test --filter CheckpointExport
  python scripts/nn_interop_check.py /tmp/x          (needs torch and safetensors)

Loads /tmp/x/bulk_model/model.safetensors with safetensors.torch.load_file, puts it into the scDEAL
bulk model (upstream key names) with load_state_dict(strict=True), runs it in eval mode on the saved
input, and compares with OmicsNN's eval output (float32, 1e-5 relative)."""
import json, os, sys
import torch, torch.nn as nn
from safetensors.torch import load_file

d = sys.argv[1]
G, H, LAT, PH = 12, [8, 6], 4, [5, 3]
def block(i, o, relu):
    return nn.Sequential(*([nn.Linear(i, o), nn.BatchNorm1d(o)] + ([nn.ReLU()] if relu else []) + [nn.Dropout(0.0)]))
class Head(nn.Module):
    def __init__(s):
        super().__init__(); dd = [LAT] + PH
        s.predictor = nn.Sequential(*[block(dd[i], dd[i + 1], True) for i in range(len(PH))])
        s.output = nn.Sequential(nn.Linear(dd[-1], 2), nn.Sigmoid())
    def forward(s, z): return s.output(s.predictor(z))
class Bulk(nn.Module):
    def __init__(s):
        super().__init__(); dd = [G] + H
        s.encoder = nn.Sequential(*[block(dd[i], dd[i + 1], False) for i in range(len(H))])
        s.bottleneck = nn.Linear(dd[-1], LAT); s.predictor = Head()
    def forward(s, x): return s.predictor(s.bottleneck(s.encoder(x)))
m = Bulk()
sd = load_file(os.path.join(d, 'bulk_model', 'model.safetensors'))
m.load_state_dict(sd, strict=True)
cfg = json.load(open(os.path.join(d, 'bulk_model', 'config.json')))
io = load_file(os.path.join(d, 'bulk_model_io.safetensors'))
m.eval()
with torch.no_grad(): y = m(io['x'])
err = ((y - io['eval_out']).abs() / io['eval_out'].abs().clamp_min(1e-6)).max().item()
nbt = sd['encoder.0.1.num_batches_tracked']
print(f"loaded {len(sd)} tensors strictly; config {cfg}; num_batches_tracked {nbt.dtype} {tuple(nbt.shape)} = {nbt.item()}; "
      f"eval output max relative difference {err:.2e}")
sys.exit(0 if err < 1e-5 and nbt.dtype == torch.int64 else 1)
