#!/usr/bin/env python3
"""Peer for bench/tokenize.sh: Geneformer's TranscriptomeTokenizer h5ad path (upstream
geneformer/tokenizer.py @7ec90d65, as described line by line in ../shared/docs/background/geneformer.md
§1.2-1.8), re-typed here because the upstream package is not installable in this environment
(its dictionaries are Git-LFS on Hugging Face). Same libraries and the same steps:

  sc.read_h5ad / anndata.read_h5ad of the whole file; ensembl_id_collapsed via the mapping dict;
  filter_pass selection; chunks of 512 cells: X_view / n_counts * 10_000 / norm_factor_vector;
  rank_genes = argsort(-x) per CSR row; Dataset.from_dict + .map(format_cell_features, num_proc);
  save_to_disk.

usage: tokenize_peer_geneformer.py INPUT.h5ad OUT_DIR DICT_DIR [--nproc 2] [--attr cell_type]
prints: cells, seconds, cells/s (peak RSS is measured by the caller).
"""
import argparse
import pickle
import time

import anndata as ad
import numpy as np
from datasets import Dataset


def rank_genes(gene_vector, gene_tokens):
    sorted_indices = np.argsort(-gene_vector)
    return gene_tokens[sorted_indices]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("input")
    p.add_argument("out")
    p.add_argument("dicts")
    p.add_argument("--nproc", type=int, default=2)
    p.add_argument("--attr", default="cell_type")
    a = p.parse_args()
    t0 = time.time()
    with open(f"{a.dicts}/token_dictionary_gc104M.pkl", "rb") as f:
        gene_token_dict = pickle.load(f)
    with open(f"{a.dicts}/gene_median_dictionary_gc104M.pkl", "rb") as f:
        gene_median_dict = pickle.load(f)
    with open(f"{a.dicts}/ensembl_mapping_dict_gc104M.pkl", "rb") as f:
        gene_mapping_dict = pickle.load(f)
    gene_keys = list(gene_token_dict.keys())
    gene_keys_set = set(gene_keys)
    gene_mapping_dict = {k: v for k, v in gene_mapping_dict.items() if v in gene_keys_set}
    genelist_dict = dict(zip(gene_keys, [True] * len(gene_keys)))

    adata = ad.read_h5ad(a.input)
    # sum_ensembl_ids: no collisions in the bench input, so only the collapsed column is added
    adata.var["ensembl_id_collapsed"] = adata.var.ensembl_id.str.upper().map(gene_mapping_dict)
    coding_miRNA_loc = np.where([genelist_dict.get(i, False) for i in adata.var["ensembl_id_collapsed"]])[0]
    norm_factor_vector = np.array([gene_median_dict[i] for i in adata.var["ensembl_id_collapsed"].iloc[coding_miRNA_loc]])
    coding_miRNA_ids = adata.var["ensembl_id_collapsed"].iloc[coding_miRNA_loc]
    coding_miRNA_tokens = np.array([gene_token_dict[i] for i in coding_miRNA_ids])
    filter_pass_loc = np.where([i == 1 for i in adata.obs["filter_pass"]])[0]
    tokenized_cells = []
    file_cell_metadata = {a.attr: []}
    chunk_size = 512
    target_sum = 10_000
    for i in range(0, len(filter_pass_loc), chunk_size):
        idx = filter_pass_loc[i:i + chunk_size]
        n_counts = adata[idx].obs["n_counts"].values[:, None]
        X_view0 = adata[idx, :].X
        X_view = X_view0[:, coding_miRNA_loc]
        X_norm_unscaled = X_view / n_counts * target_sum
        X_norm = X_norm_unscaled / norm_factor_vector
        X_norm = X_norm.tocsr() if hasattr(X_norm, "tocsr") else X_norm
        tokenized_cells += [rank_genes(X_norm[i].data, coding_miRNA_tokens[X_norm[i].indices]) for i in range(X_norm.shape[0])]
        file_cell_metadata[a.attr] += adata[idx].obs[a.attr].astype(str).tolist()
    t_tok = time.time()

    # create_dataset (tokenizer.py L711-782)
    dataset_dict = {"input_ids": tokenized_cells}
    dataset_dict.update(file_cell_metadata)
    output_dataset = Dataset.from_dict(dataset_dict)

    def format_cell_features(example):
        example["input_ids"] = example["input_ids"][0:4096 - 2]
        example["input_ids"] = np.insert(example["input_ids"], 0, gene_token_dict.get("<cls>"))
        example["input_ids"] = np.insert(example["input_ids"], len(example["input_ids"]), gene_token_dict.get("<eos>"))
        example["length"] = len(example["input_ids"])
        return example

    output_dataset_truncated = output_dataset.map(format_cell_features, num_proc=a.nproc)
    output_dataset_truncated.save_to_disk(a.out)
    t1 = time.time()
    n = len(output_dataset_truncated)
    print(f"peer cells {n} tokenize_s {t_tok - t0:.2f} dataset_s {t1 - t_tok:.2f} total_s {t1 - t0:.2f} cells_per_s {n / (t1 - t0):.0f}")


if __name__ == "__main__":
    main()
