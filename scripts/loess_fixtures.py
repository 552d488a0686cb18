#!/usr/bin/env python3
"""Reference fits of scikit-misc's loess (netlib dloess, the smoother scanpy's seurat_v3 uses).

Writes Fixtures/preprocessing/loess.json: for each case the x, y inputs, span, degree and
skmisc's fitted values (surface="interpolate", the default), so the Swift port is checked
without Python. Usage: python3 scripts/loess_fixtures.py
"""
import json
import os

import numpy as np
from skmisc.loess import loess

OUT = os.path.join(os.path.dirname(__file__), "..", "Fixtures", "preprocessing", "loess.json")
rng = np.random.default_rng(11)
cases = {}


def add(name, x, y, span=0.3, degree=2):
    m = loess(x, y, span=span, degree=degree)
    m.fit()
    cases[name] = {"x": x.tolist(), "y": y.tolist(), "span": span, "degree": degree,
                   "fitted": np.asarray(m.outputs.fitted_values).tolist()}


x = rng.uniform(-2, 3, 40); add("uniform_40", x, np.sin(x) + rng.normal(0, 0.2, 40))
x = rng.uniform(0, 10, 700); add("uniform_700", x, np.log1p(x) * 2 + rng.normal(0, 0.5, 700))
x = rng.uniform(0, 10, 700); add("uniform_700_linear", x, x ** 0.5 + rng.normal(0, 0.3, 700), span=0.5, degree=1)
# ties in x (rounded), as log means of integer counts have
x = np.round(rng.gamma(2, 1, 1500), 1); add("ties_1500", x, x ** 1.3 + rng.normal(0, 0.4, 1500))
# the seurat_v3 shape: log10 variance against log10 mean of count genes
mu = rng.gamma(0.4, 2.0, 5000) + 1e-3
var = mu + mu ** 2 / rng.uniform(0.5, 20, 5000)
add("mean_variance_5000", np.log10(mu), np.log10(var * rng.lognormal(0, 0.3, 5000)))
with open(OUT, "w") as f:
    json.dump(cases, f)
print("wrote", OUT, {k: len(v["x"]) for k, v in cases.items()})
