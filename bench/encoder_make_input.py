#!/usr/bin/env python3
"""Inputs of the encoder benchmark: a V1-shaped random BertForMaskedLM (6 layers x 256, 4 heads,
intermediate 512, ReLU, 2,048 positions, V1 vocabulary 25,426) saved with save_pretrained, and a
tokenized dataset of N V1 cells of 1,900-2,048 tokens (no <cls>/<eos>) saved with datasets.
usage: bench/encoder_make_input.py OUT_DIR N_CELLS
"""
import os, sys
import numpy as np
import torch
from datasets import Dataset
from transformers import BertConfig, BertForMaskedLM

out, n = sys.argv[1], int(sys.argv[2])
torch.manual_seed(0)
config = BertConfig(vocab_size=25426, hidden_size=256, num_hidden_layers=6, num_attention_heads=4,
                    intermediate_size=512, hidden_act="relu", max_position_embeddings=2048,
                    hidden_dropout_prob=0.02, attention_probs_dropout_prob=0.02, pad_token_id=0)
BertForMaskedLM(config).save_pretrained(os.path.join(out, "model"))
rng = np.random.default_rng(1)
cells = [rng.choice(np.arange(2, 25426), size=int(rng.integers(1900, 2049)), replace=False).tolist() for _ in range(n)]
Dataset.from_dict({"input_ids": cells, "length": [len(c) for c in cells]}).save_to_disk(os.path.join(out, "cells.dataset"))
print(f"wrote {out}: model and {n} cells")
