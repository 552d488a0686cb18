#!/usr/bin/env python3
"""The peer of `omics encoder pretrain` steps: the same BertForMaskedLM (from MODEL's config,
dropout as configured), Geneformer's collator (DataCollatorForLanguageModeling, 15 %, specials
<pad>/<mask>), AdamW (Trainer defaults) with the no-decay set, clipping 1.0, on batches of BATCH
cells taken in length-grouped order; STEPS steps, torch.set_num_threads(THREADS). Prints seconds
per step (after one warm-up step).
usage: bench/encoder_pretrain_peer.py MODEL DATASET STEPS BATCH THREADS
"""
import sys, time
import torch
from datasets import load_from_disk
from transformers import BertConfig, BertForMaskedLM

model_dir, data_dir, steps, batch, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
torch.set_num_threads(threads)
torch.manual_seed(0)
model = BertForMaskedLM(BertConfig.from_pretrained(model_dir), ).train()
model.set_attn_implementation("eager") if hasattr(model, "set_attn_implementation") else None
cells = list(load_from_disk(data_dir)["input_ids"])
cells.sort(key=len, reverse=True)
decay = [p for n, p in model.named_parameters() if not ("bias" in n or "LayerNorm" in n)]
no_decay = [p for n, p in model.named_parameters() if ("bias" in n or "LayerNorm" in n)]
opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.001}, {"params": no_decay, "weight_decay": 0.0}], lr=1e-4)

def batch_at(k):
    members = cells[(k * batch) % len(cells):][:batch]
    width = max(map(len, members))
    ids = torch.zeros((len(members), width), dtype=torch.long)
    for r, c in enumerate(members):
        ids[r, : len(c)] = torch.tensor(c)
    mask = (ids != 0).long()
    labels = ids.clone()
    sel = (torch.rand(ids.shape) < 0.15) & (ids > 1)
    labels[~sel] = -100
    r = torch.rand(ids.shape)
    ids[sel & (r < 0.8)] = 1
    rand = sel & (r >= 0.8) & (r < 0.9)
    ids[rand] = torch.randint(0, model.config.vocab_size, ids.shape)[rand]
    return ids, mask, labels

def step(k):
    ids, mask, labels = batch_at(k)
    opt.zero_grad(set_to_none=True)
    model(input_ids=ids, attention_mask=mask, labels=labels).loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()

step(0)
start = time.time()
for k in range(1, steps + 1):
    step(k)
print(f"{(time.time() - start) / steps:.3f}")
