#!/usr/bin/env python3
"""transformers' length-grouped order for fixed permutations -> Fixtures/encoder/length_grouped.json.

The Trainer's `group_by_length` sampler (`trainer_pt_utils.get_length_grouped_indices`) draws a
random permutation with torch and then groups, sorts and swaps deterministically. omics draws its
own permutation, so the fixture pins the permutation (torch.randperm patched to return it) and
records the order transformers makes of it. Run: python scripts/encoder_sampler_fixture.py
(needs torch and transformers; pip install torch==2.13.0+cpu transformers).
"""
import json, os, random
import torch
import transformers
from transformers import trainer_pt_utils

cases = []
rng = random.Random(3)
for n, batch in [(10, 2), (37, 3), (200, 4), (1000, 2), (9, 12)]:
    lengths = [rng.randint(5, 60) for _ in range(n)]
    perm = list(range(n))
    rng.shuffle(perm)
    real = torch.randperm
    torch.randperm = lambda k, generator=None, _p=perm: torch.tensor(_p)
    try:
        order = trainer_pt_utils.get_length_grouped_indices(lengths, batch)
    finally:
        torch.randperm = real
    cases.append({"lengths": lengths, "batch_size": batch, "permutation": perm, "order": [int(i) for i in order]})

out = os.path.join(os.path.dirname(__file__), "..", "Fixtures", "encoder", "length_grouped.json")
with open(out, "w") as f:
    json.dump({"transformers": transformers.__version__, "torch": torch.__version__, "cases": cases}, f)
print("wrote", out)
