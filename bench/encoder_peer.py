#!/usr/bin/env python3
"""The peer of `omics encoder embed`: Geneformer's EmbExtractor cell embeddings with transformers on
CPU (eager attention, torch.set_num_threads(THREADS)): cells sorted by length (longest first),
padded per batch of BATCH, hidden state of layer -1 (second-to-last), mean over each cell's real
tokens (V1: no specials), rows put back in dataset order and saved as .npy.
usage: bench/encoder_peer.py MODEL DATASET OUT.npy BATCH THREADS
"""
import sys, time
import numpy as np
import torch
from datasets import load_from_disk
from transformers import BertForMaskedLM

model_dir, data_dir, out, batch, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
torch.set_num_threads(threads)
model = BertForMaskedLM.from_pretrained(model_dir, attn_implementation="eager").eval()
cells = load_from_disk(data_dir)["input_ids"]
order = sorted(range(len(cells)), key=lambda i: -len(cells[i]))
emb = np.zeros((len(cells), model.config.hidden_size), dtype=np.float32)
start = time.time()
with torch.no_grad():
    for s in range(0, len(order), batch):
        members = order[s : s + batch]
        width = max(len(cells[i]) for i in members)
        ids = torch.zeros((len(members), width), dtype=torch.long)
        mask = torch.zeros_like(ids)
        for r, i in enumerate(members):
            ids[r, : len(cells[i])] = torch.tensor(cells[i])
            mask[r, : len(cells[i])] = 1
        h = model.bert(input_ids=ids, attention_mask=mask, output_hidden_states=True).hidden_states[-2]
        for r, i in enumerate(members):
            emb[i] = h[r, : len(cells[i])].mean(0).numpy()
np.save(out, emb)
print(f"peer: {len(cells)} cells in {time.time() - start:.1f} s", file=sys.stderr)
