#!/usr/bin/env python3
"""Scores `omics adapt` runs of the acceptance protocol (scdeal.md §5.4) and prints the gates.

Usage: adapt_score.py TASK INPUTS RUNS SEEDS...
  TASK   s1 | r1cyto;  INPUTS holds {task}_seed{S}_target.h5ad (obs 'truth');
  RUNS   holds {task}_seed{S}/ (omics adapt output folders).
"""
import json, sys
import numpy as np, anndata as ad, pandas as pd
from sklearn.metrics import roc_auc_score, f1_score

task, inputs, runs, seeds = sys.argv[1], sys.argv[2], sys.argv[3], [int(s) for s in sys.argv[4:]]
rows = []
for s in seeds:
    y = ad.read_h5ad(f'{inputs}/{task}_seed{s}_target.h5ad').obs['truth'].to_numpy().astype(int)
    p = pd.read_csv(f'{runs}/{task}_seed{s}/predictions.tsv', sep='\t')
    rep = json.load(open(f'{runs}/{task}_seed{s}/report.json'))
    r = dict(seed=s, bulk=rep['bulk_test']['auroc'],
             auc_so=roc_auc_score(y, p.prob_source_only), auc_ad=roc_auc_score(y, p.prob_adapted),
             f1_so=f1_score(y, p.label_source_only, average='weighted'), f1_ad=f1_score(y, p.label_adapted, average='weighted'))
    rows.append(r)
    print(f"{task} seed {s}: bulk AUROC {r['bulk']:.3f} | source-only AUROC {r['auc_so']:.3f} F1 {r['f1_so']:.3f} | "
          f"adapted AUROC {r['auc_ad']:.3f} F1 {r['f1_ad']:.3f}")
m = lambda k: float(np.mean([r[k] for r in rows]))
gain_auc, gain_f1 = m('auc_ad') - m('auc_so'), m('f1_ad') - m('f1_so')
up_auc = sum(r['auc_ad'] > r['auc_so'] for r in rows); up_f1 = sum(r['f1_ad'] > r['f1_so'] for r in rows)
n = len(rows); need = int(np.ceil(0.8 * n))
print(f"{task} mean: source-only AUROC {m('auc_so'):.3f} F1 {m('f1_so'):.3f}; adapted AUROC {m('auc_ad'):.3f} F1 {m('f1_ad'):.3f}; "
      f"gains AUROC {gain_auc:+.3f} ({up_auc}/{n} up), F1 {gain_f1:+.3f} ({up_f1}/{n} up); bulk AUROC min {min(r['bulk'] for r in rows):.3f}")
if task == 's1':
    gates = {'AUROC gain >= +0.01': gain_auc >= 0.01, f'AUROC up in >= {need}/{n}': up_auc >= need,
             'F1 gain >= +0.04': gain_f1 >= 0.04, 'adapted AUROC >= 0.97': m('auc_ad') >= 0.97}
else:
    gates = {'F1 gain >= +0.08': gain_f1 >= 0.08, f'F1 up in >= {need}/{n}': up_f1 >= need,
             'AUROC >= source-only - 0.01': m('auc_ad') >= m('auc_so') - 0.01, 'adapted AUROC >= 0.75': m('auc_ad') >= 0.75}
gates['bulk AUROC >= 0.95 (every seed)'] = all(r['bulk'] >= 0.95 for r in rows)
for k, v in gates.items():
    print(f"  gate {k}: {'PASS' if v else 'FAIL'}")
sys.exit(0 if all(gates.values()) else 1)
