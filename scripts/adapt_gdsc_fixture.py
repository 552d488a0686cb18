#!/usr/bin/env python3
"""Writes the waterfall-binarisation fixture of `omics adapt` from the real GDSC IC50 values that the
gdsctools sdist ships (gdsctools/data/IC50_v17.csv.gz: 988 cell lines × 265 drugs, natural-log IC50).

Outputs (Fixtures/adapt/):
  gdsc_ic50_v17_subset.csv   cell line (COSMIC id) + 5 drug columns (both branches of the rule)
  gdsc_waterfall_expected.json  per drug: n, Pearson r, median rule used, threshold, sensitive count —
                                computed here with numpy (an independent implementation of the rule)
Usage: pip download --no-deps --no-binary :all: gdsctools==1.0.1 -d DL && tar xzf DL/gdsctools-1.0.1.tar.gz -C DL
       python3 scripts/adapt_gdsc_fixture.py DL/gdsctools-1.0.1/gdsctools/data/IC50_v17.csv.gz Fixtures/adapt
"""
import json, sys
import numpy as np, pandas as pd

DRUGS = ['Drug_1_IC50', 'Drug_3_IC50', 'Drug_5_IC50', 'Drug_119_IC50', 'Drug_1047_IC50']


def waterfall(v):
    f = np.sort(v[np.isfinite(v)]); n = len(f)
    r = float(np.corrcoef(np.arange(n), f)[0, 1])
    if r >= 0.95:
        k = n // 2 - 1
    else:
        chord = f[0] + (np.arange(n) / (n - 1)) * (f[-1] - f[0]); k = int(np.argmax(np.abs(chord - f)))
    t = float(f[k])
    return dict(n=n, r=r, median_rule=r >= 0.95, threshold=t, sensitive=int((f <= t).sum()))


d = pd.read_csv(sys.argv[1], index_col=0)[DRUGS]
d.index.name = 'COSMIC_ID'
d.to_csv(f'{sys.argv[2]}/gdsc_ic50_v17_subset.csv', float_format='%.17g')
back = pd.read_csv(f'{sys.argv[2]}/gdsc_ic50_v17_subset.csv', index_col=0)
expected = {c: waterfall(back[c].to_numpy(dtype=float)) for c in DRUGS}
json.dump(expected, open(f'{sys.argv[2]}/gdsc_waterfall_expected.json', 'w'), indent=1, sort_keys=True)
print(json.dumps(expected, indent=1))
