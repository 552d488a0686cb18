#!/usr/bin/env python3
"""Generate the reader fixtures under Fixtures/{h5ad,10x,loom,bad} and their oracle manifests.

Run from the repository root:

    python3 scripts/make_fixtures.py

The script is deterministic (fixed seeds, gzip members written with mtime=0, loompy time stamps
pinned) and overwrites the four fixture folders completely. Every good file gets an oracle
manifest `<file>.json` (MEX folders: `<folder>.json`) made by reading the file back with the peer
tool (anndata / scanpy / anndata.read_loom); the schema is documented in Fixtures/README.md.

Files are made by the real writers where those are installable (anndata.write_h5ad, scanpy,
loompy). h5py is used only to reproduce layouts whose writers are not installable: the anndata
0.6 and 0.7 legacy layouts, Cell Ranger HDF5 files, the pre-3.0 loom layout, the fixed-length
string rewrite, and the deliberately broken files (see docs/background/formats.md, sections 1-3).
"""

from __future__ import annotations

import contextlib
import gzip
import html
import io
import json
import math
import shutil
import sys
import warnings
import zlib
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

import anndata as ad
import h5py
import loompy
import scanpy as sc

try:  # optional: blosc filter for one fixture
    import hdf5plugin
except ImportError:  # pragma: no cover - the blosc fixture is skipped then
    hdf5plugin = None

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "Fixtures"
H5AD = FIX / "h5ad"
TENX = FIX / "10x"
LOOM = FIX / "loom"
BAD = FIX / "bad"

SEED = 20240607
DENSE_LIMIT = 2000  # manifests carry dense values when n_rows * n_cols <= this

V = {
    "anndata": version("anndata"),
    "scanpy": version("scanpy"),
    "loompy": version("loompy"),
    "h5py": h5py.__version__,
    "hdf5": h5py.version.hdf5_version,
    "pandas": pd.__version__,
    "numpy": np.__version__,
    "scipy": version("scipy"),
}
AD_READER = f"anndata {V['anndata']} (anndata.read_h5ad)"
AD_WRITER = f"anndata {V['anndata']} (AnnData.write_h5ad; pandas {V['pandas']}, h5py {V['h5py']})"

# Registry of everything written: path (relative to Fixtures) -> description, for the summary.
WRITTEN: list[tuple[str, str]] = []

warnings.filterwarnings("ignore", category=FutureWarning)
warnings.filterwarnings("ignore", message=".*not unique.*")
sc.settings.verbosity = 0


# --------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------


def rng(tag: str) -> np.random.Generator:
    """A generator seeded from the global seed and a per-fixture tag."""
    return np.random.default_rng([SEED, zlib.crc32(tag.encode())])


GENES = [
    "CD3D", "CD3E", "MS4A1", "CD79A", "NKG7", "GNLY", "LYZ", "CST3", "FCGR3A", "PPBP",
    "IL7R", "CCR7", "S100A8", "S100A9", "HLA-DRA", "CD14", "FCER1A", "CD8A", "GZMB", "PRF1",
    "MT-CO1", "MT-ND1", "RPL13", "RPS27", "ACTB", "GAPDH", "MALAT1", "B2M", "TMSB4X", "FTL",
]


def ensembl_ids(n: int, start: int = 100) -> list[str]:
    return [f"ENSG{start + 37 * i:011d}" for i in range(n)]


def barcodes(tag: str, n: int, suffix: str = "-1") -> list[str]:
    r = rng("barcodes/" + tag)
    seqs: list[str] = []
    while len(seqs) < n:
        s = "".join(r.choice(list("ACGT"), 16))
        if s not in seqs:
            seqs.append(s)
    return [s + suffix for s in seqs]


def gene_names(n: int) -> list[str]:
    if n <= len(GENES):
        return GENES[:n]
    return GENES + [f"GENE{i:04d}" for i in range(n - len(GENES))]


def counts(tag: str, n_obs: int, n_vars: int, density: float = 0.35, lam: float = 4.0) -> np.ndarray:
    """Integer count matrix (n_obs x n_vars) with roughly `density` non-zeros; no empty rows."""
    r = rng("counts/" + tag)
    mask = r.random((n_obs, n_vars)) < density
    mask[np.arange(n_obs), r.integers(0, n_vars, n_obs)] = True
    return (mask * (r.poisson(lam, (n_obs, n_vars)) + 1)).astype(np.int64)


def gzip_bytes(data: bytes) -> bytes:
    """Deterministic gzip member (no file name, mtime 0)."""
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=6, mtime=0) as gz:
        gz.write(data)
    return buf.getvalue()


def record(path: Path, what: str) -> None:
    WRITTEN.append((str(path.relative_to(FIX)), what))


@contextlib.contextmanager
def captured_warnings():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught


def warning_names(caught) -> list[str]:
    names: list[str] = []
    for w in caught:
        n = w.category.__name__
        if n not in names:
            names.append(n)
    return names


# --------------------------------------------------------------------------------------------
# JSON manifest rendering
# --------------------------------------------------------------------------------------------


def py(v):
    """numpy/pandas scalar -> JSON-able python value (NaN/NA -> None, inf -> "inf"/"-inf")."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, (np.integer, int)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        # float32/float16: the shortest decimal that round-trips to the same float32/float16
        f = float(str(v)) if isinstance(v, (np.float32, np.float16)) else float(v)
        if math.isnan(f):
            return None
        if math.isinf(f):
            return "inf" if f > 0 else "-inf"
        return f
    if isinstance(v, (np.complexfloating, complex)):
        return {"re": py(v.real), "im": py(v.imag)}
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, np.str_):
        return str(v)
    if isinstance(v, str):
        return v
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return str(v)


def pylist(values) -> list:
    return [py(v) for v in values]


def dtype_name(dt) -> str:
    dt = np.dtype(dt) if not isinstance(dt, (pd.api.extensions.ExtensionDtype,)) else dt
    if isinstance(dt, np.dtype) and dt.kind in ("O", "U", "S"):
        return "string"
    return str(dt)


def matrix_desc(m, with_values: bool = True) -> dict:
    """Describe X / a layer / an obsp entry."""
    if m is None:
        return {"layout": None}
    if sp.issparse(m):
        d = {
            "layout": m.format,
            "dtype": str(m.dtype),
            "shape": list(m.shape),
            "nnz": int(m.nnz),
        }
        if m.format in ("csr", "csc"):
            d["indices_dtype"] = str(m.indices.dtype)
            d["indptr_dtype"] = str(m.indptr.dtype)
            d["has_sorted_indices"] = bool(m.has_sorted_indices)
        dense = None
        if with_values and m.shape[0] * m.shape[1] <= DENSE_LIMIT:
            # scipy's toarray() of a non-canonical matrix sums duplicates; fine for fixtures
            dense = m.toarray()
    else:
        a = np.asarray(m)
        d = {"layout": "dense", "dtype": str(a.dtype), "shape": list(a.shape), "nnz": int(np.count_nonzero(a))}
        dense = a if with_values and a.size <= DENSE_LIMIT else None
    if dense is not None:
        dense = np.asarray(dense)
        d["dense"] = [[py(x) for x in row] for row in dense] if dense.ndim == 2 else pylist(dense.reshape(-1))
    return d


def column_desc(s: pd.Series) -> dict:
    dt = s.dtype
    if isinstance(dt, pd.CategoricalDtype):
        cats = dt.categories
        codes = s.cat.codes.to_numpy()
        return {
            "kind": "categorical",
            "dtype": str(codes.dtype),
            "categories_dtype": dtype_name(cats.dtype),
            "categories": pylist(cats),
            "ordered": bool(dt.ordered),
            "codes": [int(c) for c in codes],
            "values": [None if c < 0 else py(cats[c]) for c in codes],
        }
    if isinstance(dt, pd.StringDtype):
        return {
            "kind": "nullable-string",
            "dtype": "string",
            "na_value": "NaN" if dt.na_value is np.nan else "NA",
            "values": pylist(s.array),
        }
    if isinstance(dt, pd.BooleanDtype):
        return {"kind": "nullable-boolean", "dtype": "boolean", "values": pylist(s.array)}
    if isinstance(dt, (pd.Int8Dtype, pd.Int16Dtype, pd.Int32Dtype, pd.Int64Dtype,
                       pd.UInt8Dtype, pd.UInt16Dtype, pd.UInt32Dtype, pd.UInt64Dtype)):
        return {"kind": "nullable-integer", "dtype": str(dt), "values": pylist(s.array)}
    if isinstance(dt, np.dtype) and dt.kind == "b":
        return {"kind": "bool", "dtype": "bool", "values": pylist(s.to_numpy())}
    if isinstance(dt, np.dtype) and dt.kind in "iuf":
        return {"kind": "numeric", "dtype": str(dt), "values": pylist(s.to_numpy())}
    if isinstance(dt, np.dtype) and dt.kind == "c":
        return {"kind": "numeric", "dtype": str(dt), "values": pylist(s.to_numpy())}
    if isinstance(dt, np.dtype) and dt.kind in "OUS":
        return {"kind": "string", "dtype": "string", "values": pylist(s.to_numpy())}
    return {"kind": "other", "dtype": str(dt), "values": [str(x) for x in s.to_numpy()]}


def frame_desc(df: pd.DataFrame) -> dict:
    return {str(c): column_desc(df[c]) for c in df.columns}


def elem_desc(v) -> dict:
    """obsm / varm / varp entries."""
    if isinstance(v, pd.DataFrame):
        return {
            "shape": list(v.shape),
            "kind": "dataframe",
            "column_order": [str(c) for c in v.columns],
            "index": [str(i) for i in v.index],
            "columns": frame_desc(v),
        }
    if sp.issparse(v):
        d = matrix_desc(v)
        return {"shape": list(v.shape), "kind": "sparse", **{k: x for k, x in d.items() if k != "shape"}}
    a = np.asarray(v)
    d = {"shape": list(a.shape), "kind": "dense", "dtype": str(a.dtype)}
    if a.size <= DENSE_LIMIT and a.ndim >= 1:
        d["values"] = pylist(a.reshape(-1))
    return d


def render_uns(v):
    """JSON rendering of the uns tree, see Fixtures/README.md."""
    if v is None:
        return None
    if isinstance(v, dict) or (hasattr(v, "keys") and hasattr(v, "items") and not isinstance(v, pd.DataFrame)):
        return {str(k): render_uns(x) for k, x in v.items()}
    if isinstance(v, pd.DataFrame):
        return {"dataframe": {"shape": list(v.shape), "index": [str(i) for i in v.index],
                              "column_order": [str(c) for c in v.columns], "columns": frame_desc(v)}}
    if sp.issparse(v):
        return {"sparse": matrix_desc(v)}
    if isinstance(v, np.ndarray) and v.dtype.names is not None:
        return {
            "rec": {name: pylist(np.asarray(v[name]).reshape(-1)) for name in v.dtype.names},
            "rec_dtypes": {name: dtype_name(v.dtype.fields[name][0]) for name in v.dtype.names},
            "shape": list(v.shape),
        }
    if isinstance(v, (pd.Categorical, pd.api.extensions.ExtensionArray)):
        return {"extension_array": str(v.dtype), "values": pylist(v)}
    if isinstance(v, (np.ndarray, list, tuple)):
        a = np.asarray(v)
        if a.ndim == 0:
            return py(a[()])
        return {"shape": list(a.shape), "dtype": dtype_name(a.dtype), "values": pylist(a.reshape(-1))}
    return py(v)


def adata_manifest(a: ad.AnnData, *, reader: str, writer: str, warns: list[str] | None = None) -> dict:
    m = {
        "reader": reader,
        "writer": writer,
        "read_warnings": warns or [],
        "n_obs": int(a.n_obs),
        "n_vars": int(a.n_vars),
        "X": matrix_desc(a.X),
        "obs_names": [str(x) for x in a.obs_names],
        "var_names": [str(x) for x in a.var_names],
        "obs_index_name": a.obs.index.name,
        "var_index_name": a.var.index.name,
        "obs_column_order": [str(c) for c in a.obs.columns],
        "var_column_order": [str(c) for c in a.var.columns],
        "obs": frame_desc(a.obs),
        "var": frame_desc(a.var),
        "layers": {k: matrix_desc(v) for k, v in a.layers.items()},
        "obsm": {k: elem_desc(v) for k, v in a.obsm.items()},
        "varm": {k: elem_desc(v) for k, v in a.varm.items()},
        "obsp": {k: elem_desc(v) for k, v in a.obsp.items()},
        "varp": {k: elem_desc(v) for k, v in a.varp.items()},
        "uns": render_uns(a.uns),
        "raw": None,
    }
    if a.raw is not None:
        raw = a.raw
        m["raw"] = {
            "n_vars": int(raw.n_vars),
            "var_names": [str(x) for x in raw.var_names],
            "X": matrix_desc(raw.X),
            "var_column_order": [str(c) for c in raw.var.columns],
            "var": frame_desc(raw.var),
            "varm": {k: elem_desc(v) for k, v in raw.varm.items()},
        }
    return m


def _fmt_json(o, ind: int) -> str:
    pad = " " * ind

    def scalar(x):
        return json.dumps(x, ensure_ascii=False, allow_nan=False)

    def flat(x):
        return not isinstance(x, (dict, list))

    if isinstance(o, dict):
        if not o:
            return "{}"
        items = [f"{pad} {scalar(str(k))}: {_fmt_json(v, ind + 1)}" for k, v in o.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(o, list):
        if all(flat(x) for x in o):
            return json.dumps(o, ensure_ascii=False, allow_nan=False)
        items = [pad + " " + _fmt_json(x, ind + 1) for x in o]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return scalar(o)


def write_json(path: Path, obj) -> None:
    path.write_text(_fmt_json(obj, 0) + "\n", encoding="utf-8")


def _h5_dtype_name(dt) -> str:
    if h5py.check_string_dtype(dt) is not None:
        return "string"
    if dt.names is not None:
        return "{" + ", ".join(f"{n}: {_h5_dtype_name(dt.fields[n][0])}" for n in dt.names) + "}"
    return str(dt)


def uns_hdf5_dtypes(path: Path) -> dict[str, str]:
    """On-disk dtype of every dataset under /uns (anndata hands numeric scalars back as Python
    numbers, so e.g. a float32 scalar is only visible as such here)."""
    out: dict[str, str] = {}
    with h5py.File(path, "r") as f:
        if "uns" in f and isinstance(f["uns"], h5py.Group):
            def visit(name, obj):
                if isinstance(obj, h5py.Dataset):
                    out[name] = _h5_dtype_name(obj.dtype)
            f["uns"].visititems(visit)
    return out


def h5ad_manifest(path: Path, writer: str, *, note: str | None = None) -> dict:
    """Read `path` with anndata.read_h5ad and write `<path>.json`."""
    with captured_warnings() as caught:
        a = ad.read_h5ad(path)
    m = adata_manifest(a, reader=AD_READER, writer=writer, warns=warning_names(caught))
    m["uns_hdf5_dtypes"] = uns_hdf5_dtypes(path)
    if note:
        m["note"] = note
    write_json(path.with_name(path.name + ".json"), m)
    return m


# --------------------------------------------------------------------------------------------
# h5ad: AnnData objects
# --------------------------------------------------------------------------------------------


def simple_frames(tag: str, n_obs: int, n_vars: int, X: np.ndarray):
    r = rng("simple/" + tag)
    cats = np.array(["B", "NK", "T"])
    obs = pd.DataFrame(
        {
            "cell_type": pd.Categorical(cats[r.integers(0, 3, n_obs)], categories=cats),
            "n_counts": np.asarray(X).sum(axis=1).astype(np.float32),
        },
        index=barcodes(tag, n_obs),
    )
    var = pd.DataFrame(
        {
            "gene_ids": ensembl_ids(n_vars),
            "highly_variable": r.random(n_vars) < 0.5,
        },
        index=gene_names(n_vars),
    )
    return obs, var


def rich_obs(tag: str, n: int) -> pd.DataFrame:
    """One column of every obs/var kind the format has (n must be >= 8)."""
    r = rng("rich_obs/" + tag)
    ct_cats = ["B", "CD4⁺ naïve T", "NK"]
    ct_codes = r.integers(0, 3, n).astype(np.int8)
    ct_codes[2] = -1  # missing value
    stage_cats = ["early", "mid", "late"]
    stage_codes = np.arange(n) % 3
    batch_codes = r.integers(0, 3, n)
    n_genes = r.integers(50, 500, n).astype(np.int64)
    pct = np.round(r.random(n) * 10, 3)
    pct[3] = np.nan
    n_umi = pd.array(list(r.integers(100, 5000, n)), dtype="Int64")
    n_umi[4] = pd.NA
    qc = pd.array([bool(x) for x in (r.random(n) < 0.7)], dtype="boolean")
    qc[5] = pd.NA
    note = pd.array([f"note {i}" for i in range(n)], dtype=pd.StringDtype("python"))
    note[6] = pd.NA
    return pd.DataFrame(
        {
            "cell_type": pd.Categorical.from_codes(ct_codes, categories=ct_cats),
            "stage": pd.Categorical.from_codes(stage_codes, categories=stage_cats, ordered=True),
            "batch": pd.Categorical.from_codes(batch_codes, categories=[1, 2, 5]),
            "barcode_seq": [b[:16] for b in barcodes(tag + "/seq", n)],
            "is_doublet": np.arange(n) % 5 == 0,
            "n_genes": n_genes,
            "pct_mito": pct,
            "score_f32": (r.random(n) * 2 - 1).astype(np.float32),
            "n_umi_nullable": n_umi,
            "qc_pass": qc,
            "note": note,
        },
        index=barcodes(tag, n),
    )


def rich_var(tag: str, n: int) -> pd.DataFrame:
    r = rng("rich_var/" + tag)
    chrom_codes = r.integers(0, 3, n).astype(np.int8)
    chrom_codes[1] = -1
    means = r.random(n)
    means[2] = np.nan
    df = pd.DataFrame(
        {
            "gene_symbols": gene_names(n),
            "feature_types": pd.Categorical(["Gene Expression"] * n),
            "chrom": pd.Categorical.from_codes(chrom_codes, categories=["chr1", "chr2", "chrX"]),
            "highly_variable": r.random(n) < 0.5,
            "means": means,
            "n_cells": r.integers(0, 100, n).astype(np.int64),
            "is_mito": pd.array([g.startswith("MT-") if i != 0 else None for i, g in enumerate(gene_names(n))],
                                dtype="boolean"),
        },
        index=pd.Index(ensembl_ids(n), name="gene_ids"),
    )
    return df


def write_h5ad(a: ad.AnnData, name: str, what: str, *, convert: bool = True, **kw) -> Path:
    path = H5AD / name
    a.write_h5ad(path, convert_strings_to_categoricals=convert, **kw)
    h5ad_manifest(path, AD_WRITER + (f"; write_h5ad({', '.join(f'{k}={v!r}' for k, v in kw.items())})" if kw else ""))
    record(path, what)
    return path


def make_x_variants() -> None:
    n_obs, n_vars = 10, 6
    base = counts("x", n_obs, n_vars)
    obs, var = simple_frames("x", n_obs, n_vars, base)

    def mk(X):
        return ad.AnnData(X=X, obs=obs.copy(), var=var.copy())

    write_h5ad(mk(base.astype(np.float32) / 2), "x_dense_f32.h5ad", "dense X float32 (array 0.2.0, contiguous)")
    write_h5ad(mk(base.astype(np.float64) / 3), "x_dense_f64.h5ad", "dense X float64")
    write_h5ad(mk(base.astype(np.int32)), "x_dense_i32.h5ad", "dense X int32")
    write_h5ad(mk(sp.csr_matrix(base.astype(np.float32))), "x_csr_f32.h5ad",
               "csr_matrix X float32, int32 indices and indptr")
    write_h5ad(mk(sp.csc_matrix(base.astype(np.float64) / 4)), "x_csc_f64.h5ad",
               "csc_matrix X float64, int32 indices and indptr")

    m = sp.csr_matrix(base.astype(np.float32))
    m.indices = m.indices.astype(np.int64)
    m.indptr = m.indptr.astype(np.int64)
    write_h5ad(mk(m), "x_csr_i64_indices.h5ad", "csr_matrix X float32 with int64 indptr and int64 indices")

    with ad.settings.override(write_csr_csc_indices_with_min_possible_dtype=True):
        write_h5ad(mk(sp.csr_matrix(base.astype(np.float32))), "x_csr_u8_indices.h5ad",
                   "csr_matrix X with uint8 indices (settings.write_csr_csc_indices_with_min_possible_dtype)")
        n_wide = 300
        wide = counts("wide", 6, n_wide, density=0.05)
        o2, v2 = simple_frames("wide", 6, n_wide, wide)
        write_h5ad(ad.AnnData(sp.csr_matrix(wide.astype(np.float32)), obs=o2, var=v2), "x_csr_u16_indices.h5ad",
                   "csr_matrix X 6 x 300 with uint16 indices (min-possible-dtype setting)")

    # non-canonical CSR: indices not sorted within rows (third-party writers produce this)
    srt = sp.csr_matrix(base.astype(np.float32))
    data, indices, indptr = [], [], [0]
    for i in range(n_obs):
        lo, hi = srt.indptr[i], srt.indptr[i + 1]
        data.extend(srt.data[lo:hi][::-1])
        indices.extend(srt.indices[lo:hi][::-1])
        indptr.append(len(data))
    uns = sp.csr_matrix((np.array(data, np.float32), np.array(indices, np.int32), np.array(indptr, np.int32)),
                        shape=srt.shape)
    uns.has_sorted_indices = False
    write_h5ad(mk(uns), "x_csr_unsorted_indices.h5ad", "csr_matrix X whose column indices are reversed (unsorted) within each row")


def make_obs_var_types() -> None:
    n_obs, n_vars = 12, 8
    X = counts("types", n_obs, n_vars)
    a = ad.AnnData(sp.csr_matrix(X.astype(np.float32)), obs=rich_obs("types", n_obs), var=rich_var("types", n_vars))
    a.uns["title"] = "obs/var types fixture – naïve"
    a.uns["labels"] = np.array(["alpha", "béta", "gamma"], dtype=object)
    a.uns["top_genes"] = np.rec.fromarrays(
        [np.array(["CD3D", "NKG7"], dtype=object), np.array([2.5, 1.25], np.float32)], names=["names", "score"])
    a.uns["nested"] = {"level2": {"name": "deep", "value": 1.5}}
    with ad.settings.override(allow_write_nullable_strings=True):
        write_h5ad(a, "obs_var_types.h5ad",
                   "every obs/var column kind: categorical (int8 codes, -1 missing, ordered, numeric categories, "
                   "non-ASCII category), string-array, bool, int64, float64 with NaN, float32, nullable-integer, "
                   "nullable-boolean, nullable-string-array; var index named gene_ids; small uns (string, string "
                   "array, rec-array with a string field, nested dict)",
                   convert=False)


def scanpy_object() -> ad.AnnData:
    """A small but real scanpy pipeline: QC, normalize, log1p, raw, HVG subset, scale, PCA,
    neighbors, rank_genes_groups; plus hand-made entries for the remaining slot kinds."""
    n_obs, n_genes = 24, 20
    r = rng("scanpy")
    types = np.array(["B", "NK", "T"])
    labels = types[np.arange(n_obs) % 3]
    lam = np.full((n_obs, n_genes), 1.0)
    markers = {"B": ["MS4A1", "CD79A", "HLA-DRA"], "NK": ["NKG7", "GNLY", "FCER1A"], "T": ["CD3D", "CD3E", "IL7R", "CCR7"]}
    for t, genes in markers.items():
        for g in genes:
            lam[labels == t, GENES.index(g)] = 8.0
    X = r.poisson(lam).astype(np.float32)
    a = ad.AnnData(sp.csr_matrix(X), obs=pd.DataFrame(index=barcodes("scanpy", n_obs)), var=pd.DataFrame(index=GENES[:n_genes]))
    a.obs["cell_type"] = pd.Categorical(labels)
    a.var["gene_ids"] = ensembl_ids(n_genes)
    sc.pp.normalize_total(a, target_sum=1e4)
    sc.pp.log1p(a)
    a.raw = a  # raw keeps all 20 genes
    sc.pp.highly_variable_genes(a, n_top_genes=10, flavor="seurat")
    a = a[:, a.var["highly_variable"]].copy()
    a.X = a.X.toarray()  # dense X
    sc.tl.pca(a, n_comps=5, random_state=0)
    sc.pp.neighbors(a, n_neighbors=5, n_pcs=5, random_state=0)
    sc.tl.rank_genes_groups(a, "cell_type", method="wilcoxon")
    return a


def make_scanpy_pipeline() -> None:
    write_h5ad(scanpy_object(), "scanpy_pipeline.h5ad",
               f"real scanpy {V['scanpy']} pipeline (normalize_total, log1p, raw, highly_variable_genes subset, pca, "
               "neighbors, rank_genes_groups wilcoxon): dense float32 X (10 HVGs), obsm X_pca, "
               "varm PCs, obsp distances/connectivities (csr), uns pca/neighbors/hvg/log1p (base=None -> null)/"
               "rank_genes_groups (rec-arrays names, scores, pvals, pvals_adj, logfoldchanges), "
               "raw with 20 vars (csr) vs 10 in X")


def make_slots_misc() -> None:
    n_obs, n_vars = 8, 5
    r = rng("slots")
    X = counts("slots", n_obs, n_vars).astype(np.float32)
    obs, var = simple_frames("slots", n_obs, n_vars, X)
    a = ad.AnnData(X, obs=obs, var=var)
    a.layers["counts_csc"] = sp.csc_matrix(X.astype(np.int64))
    a.layers["scaled_f64"] = (X - X.mean(0)).astype(np.float64)
    a.obsm["X_umap"] = r.standard_normal((n_obs, 2)).astype(np.float32)
    a.obsm["X_sparse_feat"] = sp.csr_matrix((r.random((n_obs, 4)) < 0.4).astype(np.float32))
    a.obsm["qc_frame"] = pd.DataFrame(
        {"total": X.sum(1).astype(np.float64), "group": pd.Categorical(np.array(["a", "b"])[np.arange(n_obs) % 2])},
        index=a.obs_names)
    a.varm["loadings"] = r.standard_normal((n_vars, 3))
    a.varm["gene_flags"] = sp.csr_matrix(np.eye(n_vars, 2, dtype=np.float32))
    conn = sp.csr_matrix(np.eye(n_obs, k=1, dtype=np.float32) + np.eye(n_obs, k=-1, dtype=np.float32))
    a.obsp["connectivities"] = conn
    a.obsp["dense_affinity"] = np.round(r.random((n_obs, n_obs)), 3)
    a.varp["gene_corr"] = np.corrcoef(X.T + r.random(X.T.shape) * 0.01)
    a.varp["gene_graph"] = sp.csr_matrix(np.eye(n_vars, k=1, dtype=np.float64))
    write_h5ad(a, "slots_misc.h5ad",
               "every slot kind on a small dense-X object: layers (csc int64, dense float64), obsm (dense float32, "
               "csr, DataFrame with categorical column), varm (dense, csr), obsp (csr connectivities, dense), "
               "varp (dense, csr)")


def make_uns_types() -> None:
    n_obs, n_vars = 6, 4
    X = counts("uns", n_obs, n_vars).astype(np.float32)
    obs, var = simple_frames("uns", n_obs, n_vars, X)
    a = ad.AnnData(X, obs=obs, var=var)
    rec = np.rec.fromarrays(
        [np.array(["CD3D", "NKG7", "MS4A1"], dtype=object), np.array([1.5, -0.25, 3.0], np.float32)],
        names=["names", "score"],
    )
    a.uns.update({
        "int_scalar": np.int64(-3),
        "uint8_scalar": np.uint8(200),
        "float_scalar": 0.125,
        "float32_scalar": np.float32(1.5),
        "bool_true": True,
        "bool_false": np.bool_(False),
        "string": "plain string",
        "unicode_string": "naïve – ✓",
        "none_value": None,
        "string_array": np.array(["x", "yy", "zzz"], dtype=object),
        "bool_array": np.array([True, False, True]),
        "matrix_2d": np.arange(12, dtype=np.int32).reshape(3, 4),
        "empty_float_array": np.zeros(0, np.float64),
        "rec_array": rec,
        "sparse_in_uns": sp.csr_matrix(np.eye(3, dtype=np.float32)),
        "nested": {"level1_value": 1, "level2": {"leaf": "deep value", "numbers": np.array([1.0, 2.0])}, "empty_dict": {}},
    })
    write_h5ad(a, "uns_types.h5ad",
               "uns with numeric-scalars (int64, uint8, float64, float32, bool), strings (incl. non-ASCII), null, "
               "string/bool/int arrays, empty array, rec-array, csr in uns, nested dicts two levels deep, empty dict")


def make_raw_more_vars() -> None:
    n_obs, n_all = 6, 7
    full = counts("raw", n_obs, n_all).astype(np.float32)
    obs, var = simple_frames("raw", n_obs, n_all, full)
    a = ad.AnnData(sp.csr_matrix(full), obs=obs, var=var)
    a.raw = a
    a = a[:, [0, 2, 4, 5]].copy()
    a.X = np.log1p(a.X.toarray())
    write_h5ad(a, "raw_more_vars.h5ad", "dense X with 4 vars; raw group with csr raw/X and raw/var of 7 vars")


def make_x_absent() -> None:
    n_obs, n_vars = 5, 4
    X = counts("absent", n_obs, n_vars)
    obs, var = simple_frames("absent", n_obs, n_vars, X)
    a = ad.AnnData(obs=obs, var=var, layers={"counts": sp.csr_matrix(X.astype(np.float32)), "dense": X.astype(np.float64)})
    write_h5ad(a, "x_absent_layers_only.h5ad", "no /X at all; two layers (csr and dense); n_obs/n_vars come from obs/var")


def make_empty() -> None:
    var = pd.DataFrame({"gene_ids": ensembl_ids(5)}, index=gene_names(5))
    a = ad.AnnData(np.zeros((0, 5), np.float32), var=var)
    a.obs["cell_type"] = pd.Categorical([], categories=["A", "B"])
    a.obs["n_counts"] = np.zeros(0, np.float32)
    write_h5ad(a, "empty_0obs.h5ad", "0 observations x 5 vars: empty dense X, empty obs index, empty categorical")


def compress_source() -> ad.AnnData:
    n_obs, n_vars = 12, 8
    X = counts("compress", n_obs, n_vars).astype(np.float32)
    obs, var = simple_frames("compress", n_obs, n_vars, X)
    obs["label"] = [f"cell {i}" for i in range(n_obs)]
    a = ad.AnnData(sp.csr_matrix(X), obs=obs, var=var)
    a.layers["dense"] = X * 2
    a.uns["title"] = "compressed fixture"
    return a


def make_compressed(a: ad.AnnData) -> None:
    with ad.settings.override(allow_write_nullable_strings=True):
        write_h5ad(a.copy(), "gzip_compressed.h5ad", "csr X, dense layer, categorical/string/bool/float columns, write_h5ad(compression='gzip') (filter 1)",
                   convert=False, compression="gzip")
        write_h5ad(a.copy(), "lzf_compressed.h5ad",
                   "same content as gzip_compressed.h5ad, write_h5ad(compression='lzf') (filter 32000, h5py-only; plain libhdf5 "
                   "cannot decode it: a reader must report an unsupported filter)", convert=False, compression="lzf")
        if hdf5plugin is None:
            print("hdf5plugin not installed: skipping blosc_compressed.h5ad", file=sys.stderr)
            return
        path = H5AD / "blosc_compressed.h5ad"
        blosc = hdf5plugin.Blosc(cname="lz4", clevel=5, shuffle=hdf5plugin.Blosc.SHUFFLE)

        # The blosc filter crashes (SIGFPE) on vlen-string datasets, so only numeric/bool arrays are compressed.
        def callback(write_func, store, elem_name, elem, iospec, dataset_kwargs):
            kw = dict(dataset_kwargs)
            numeric = iospec.encoding_type in ("array", "csr_matrix", "csc_matrix") and (
                sp.issparse(elem) or (isinstance(elem, np.ndarray) and elem.dtype.kind in "biuf" and elem.ndim > 0)
            )
            if numeric:
                kw.update(dict(blosc))
            else:
                kw.pop("compression", None)
                kw.pop("compression_opts", None)
            write_func(store, elem_name, elem, dataset_kwargs=kw)

        b = a.copy()
        with h5py.File(path, "w") as f:
            ad.experimental.write_dispatched(f, "/", b, callback=callback)
        h5ad_manifest(path, f"anndata {V['anndata']} (anndata.experimental.write_dispatched with hdf5plugin "
                            f"{version('hdf5plugin')} Blosc(lz4, clevel 5, shuffle) on numeric arrays only)")
        record(path, "same content as gzip_compressed.h5ad, numeric arrays blosc-compressed (filter 32001, needs hdf5plugin)")


def make_pandas3() -> None:
    """pandas >= 3 / anndata >= 0.13 style: the obs/var index and every string column are
    nullable-string-array groups with na-value="NaN". pandas 3 is not installed here; we use pandas 2.3's
    `future.infer_string` (which gives the same `str` dtype) with anndata 0.12.19's real writer and then
    add the `na-value` attribute that anndata 0.13 writes (formats.md 1.3/1.6)."""
    path = H5AD / "pandas3_nullable_strings.h5ad"
    n_obs, n_vars = 6, 5
    X = counts("p3", n_obs, n_vars).astype(np.float32)
    with pd.option_context("future.infer_string", True):
        obs = pd.DataFrame(
            {
                "cell_type": pd.Categorical(["B", "T", "B", "NK", "T", "T"]),
                "sample": ["s1", "s2", "s3", "s4", None, "s6"],
                "n_counts": X.sum(1),
            },
            index=pd.Index(barcodes("p3", n_obs), dtype="str"),
        )
        var = pd.DataFrame({"gene_ids": ensembl_ids(n_vars)}, index=pd.Index(gene_names(n_vars), dtype="str"))
        a = ad.AnnData(X, obs=obs, var=var)
        assert isinstance(a.obs.index.dtype, pd.StringDtype), a.obs.index.dtype
        with ad.settings.override(allow_write_nullable_strings=True):
            a.write_h5ad(path, convert_strings_to_categoricals=False)
    with h5py.File(path, "r+") as f:
        def add_na(name, obj):
            if isinstance(obj, h5py.Group) and obj.attrs.get("encoding-type") == "nullable-string-array":
                obj.attrs["na-value"] = "NaN"
        f.visititems(add_na)
        assert f["obs/_index"].attrs["encoding-type"] == "nullable-string-array"
    h5ad_manifest(path, AD_WRITER + " with pandas.options.future.infer_string=True and "
                  "allow_write_nullable_strings=True, then h5py adds attr na-value='NaN' to each "
                  "nullable-string-array group (as anndata 0.13 + pandas 3 writes)",
                  note="on disk every nullable-string-array has na-value='NaN'; anndata 0.12.19 ignores that attribute "
                       "and returns pd.StringDtype with NA, hence na_value 'NA' in this manifest")
    record(path, "pandas-3 style: obs/var index and string columns are nullable-string-array groups "
                 "(values + mask, na-value='NaN'); one missing value in obs['sample']")


# --------------------------------------------------------------------------------------------
# h5ad: fixed-length string rewrite (all vlen strings -> fixed-length, datasets and attributes)
# --------------------------------------------------------------------------------------------


def _fixed_tid(nbytes: int, utf8: bool, strpad) -> h5py.h5t.TypeID:
    tid = h5py.h5t.C_S1.copy()
    tid.set_size(max(1, nbytes))
    tid.set_strpad(strpad)
    tid.set_cset(h5py.h5t.CSET_UTF8 if utf8 else h5py.h5t.CSET_ASCII)
    return tid


def _encode_strings(values) -> tuple[np.ndarray, int, bool]:
    enc = [(v.decode("utf-8") if isinstance(v, bytes) else str(v)).encode("utf-8") for v in np.asarray(values, dtype=object).reshape(-1)]
    n = max([len(e) for e in enc] + [1])
    utf8 = any(any(b > 127 for b in e) for e in enc)
    return np.array(enc, dtype=f"S{n}").reshape(np.shape(values)), n, utf8


def _space(shape) -> h5py.h5s.SpaceID:
    if shape == ():
        return h5py.h5s.create(h5py.h5s.SCALAR)
    return h5py.h5s.create_simple(tuple(shape))


def _write_fixed_attr(obj, name: str, value, strpad, nullterm: bool) -> None:
    arr, n, utf8 = _encode_strings(value)
    tid = _fixed_tid(n + (1 if nullterm else 0), utf8, strpad)
    if nullterm:
        arr = arr.astype(f"S{n + 1}")
    space = _space(np.shape(value))
    if name in obj.attrs:
        del obj.attrs[name]
    aid = h5py.h5a.create(obj.id, name.encode(), tid, space)
    aid.write(np.ascontiguousarray(arr), mtype=tid)


def _copy_attrs(src, dst, strpad, nullterm: bool) -> None:
    for name in src.attrs:
        aid = src.attrs.get_id(name)
        t = aid.get_type()
        value = src.attrs[name]
        if isinstance(t, h5py.h5t.TypeStringID):
            _write_fixed_attr(dst, name, value, strpad, nullterm)
        else:
            dst.attrs.create(name, value, dtype=src.attrs.get_id(name).dtype)


def _write_fixed_dataset(group, name: str, ds: h5py.Dataset, strpad, nullterm: bool) -> None:
    dt = ds.dtype
    if dt.names is None:  # plain string dataset (string-array, string scalar)
        raw = ds[()]
        arr, n, utf8 = _encode_strings(raw)
        n = n + (1 if nullterm else 0)
        arr = arr.astype(f"S{n}")
        tid = _fixed_tid(n, utf8, strpad)
        mem = arr
        ftype = tid
    else:  # compound (rec-array) with vlen string fields
        raw = ds[()]
        fields = []
        members = []
        for fname in dt.names:
            fdt = dt.fields[fname][0]
            if h5py.check_string_dtype(fdt) is not None:
                col, n, utf8 = _encode_strings(raw[fname])
                n = n + (1 if nullterm else 0)
                fields.append((fname, f"S{n}"))
                members.append((fname, _fixed_tid(n, utf8, strpad), col.astype(f"S{n}")))
            else:
                fields.append((fname, fdt))
                members.append((fname, h5py.h5t.py_create(fdt), raw[fname]))
        mdt = np.dtype(fields)
        mem = np.zeros(raw.shape, dtype=mdt)
        ftype = h5py.h5t.create(h5py.h5t.COMPOUND, mdt.itemsize)
        for fname, tid, col in members:
            mem[fname] = col
            ftype.insert(fname.encode(), mdt.fields[fname][1], tid)
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_obj_track_times(False)  # as h5py's high-level API does; keeps the file byte-stable
    if ds.chunks is not None:
        dcpl.set_chunk(ds.chunks)
        if ds.compression == "gzip":
            dcpl.set_deflate(ds.compression_opts)
    maxshape = tuple(h5py.h5s.UNLIMITED if m is None else m for m in (ds.maxshape or ()))
    space = h5py.h5s.SCALAR if ds.shape == () else None
    space = h5py.h5s.create(h5py.h5s.SCALAR) if ds.shape == () else h5py.h5s.create_simple(ds.shape, maxshape or None)
    did = h5py.h5d.create(group.id, name.encode(), ftype, space, dcpl=dcpl)
    if mem.size:
        did.write(h5py.h5s.ALL, h5py.h5s.ALL, np.ascontiguousarray(mem), mtype=ftype)


def rewrite_fixed_length(src_path: Path, dst_path: Path, *, nullterm: bool) -> None:
    """Copy an h5ad, turning every string dataset, compound string field and string attribute
    into fixed-length strings (NULLPAD, or NULLTERM with one spare byte). Strings with non-ASCII
    characters get the UTF-8 character set, the rest ASCII."""
    strpad = h5py.h5t.STR_NULLTERM if nullterm else h5py.h5t.STR_NULLPAD
    with h5py.File(src_path, "r") as src, h5py.File(dst_path, "w") as dst:
        _copy_attrs(src, dst, strpad, nullterm)

        def visit(name, obj):
            if isinstance(obj, h5py.Group):
                g = dst.create_group(name)
                _copy_attrs(obj, g, strpad, nullterm)
                return
            parent = dst[name.rsplit("/", 1)[0]] if "/" in name else dst
            base = name.rsplit("/", 1)[-1]
            dt = obj.dtype
            has_str = h5py.check_string_dtype(dt) is not None or (
                dt.names is not None and any(h5py.check_string_dtype(dt.fields[f][0]) is not None for f in dt.names)
            )
            if obj.shape is None:  # NULL dataspace (anndata `null`)
                d = parent.create_dataset(base, data=h5py.Empty(dt))
            elif has_str:
                _write_fixed_dataset(parent, base, obj, strpad, nullterm)
                d = parent[base]
            else:
                kw = {}
                if obj.chunks is not None:
                    kw = dict(chunks=obj.chunks, maxshape=obj.maxshape, compression=obj.compression,
                              compression_opts=obj.compression_opts, shuffle=obj.shuffle)
                d = parent.create_dataset(base, data=obj[()], dtype=dt, **kw)
            _copy_attrs(obj, d, strpad, nullterm)

        src.visititems(visit)


def check_no_vlen_strings(path: Path) -> None:
    with h5py.File(path, "r") as f:
        bad: list[str] = []

        def check_attrs(name, obj):
            for an in obj.attrs:
                t = obj.attrs.get_id(an).get_type()
                if isinstance(t, h5py.h5t.TypeStringID) and t.is_variable_str():
                    bad.append(f"{name}@{an}")

        check_attrs("/", f)

        def visit(name, obj):
            check_attrs(name, obj)
            if isinstance(obj, h5py.Dataset):
                t = obj.id.get_type()
                if isinstance(t, h5py.h5t.TypeStringID) and t.is_variable_str():
                    bad.append(name)
                if isinstance(t, h5py.h5t.TypeCompoundID):
                    for i in range(t.get_nmembers()):
                        mt = t.get_member_type(i)
                        if isinstance(mt, h5py.h5t.TypeStringID) and mt.is_variable_str():
                            bad.append(f"{name}.{t.get_member_name(i).decode()}")

        f.visititems(visit)
        assert not bad, f"vlen strings left in {path.name}: {bad}"


def make_fixed_length() -> None:
    src = H5AD / "obs_var_types.h5ad"
    for nullterm, name in ((False, "fixed_length_strings.h5ad"), (True, "fixed_length_strings_nullterm.h5ad")):
        dst = H5AD / name
        rewrite_fixed_length(src, dst, nullterm=nullterm)
        check_no_vlen_strings(dst)
        pad = "NULLTERM (size = longest + 1)" if nullterm else "NULLPAD"
        h5ad_manifest(dst, f"h5py {V['h5py']} rewrite of obs_var_types.h5ad: every vlen string dataset, compound "
                           f"string field and string attribute made fixed-length {pad}; UTF-8 cset where a value "
                           "is non-ASCII, ASCII otherwise")
        record(dst, f"obs_var_types.h5ad with every string (datasets, rec-array fields, attributes incl. "
                    f"encoding-type) fixed-length {pad}")


# --------------------------------------------------------------------------------------------
# h5ad: legacy layouts
# --------------------------------------------------------------------------------------------

VLEN = h5py.special_dtype(vlen=str)


def legacy_data(tag: str):
    n_obs, n_vars, n_raw = 8, 5, 7
    r = rng("legacy/" + tag)
    raw = counts("legacy/" + tag, n_obs, n_raw).astype(np.float32)
    X = raw[:, :n_vars]
    obs_names = barcodes("legacy/" + tag, n_obs)
    var_names = gene_names(n_raw)
    cell_type_codes = np.array([0, 1, 2, 0, 1, 2, 0, 1], np.int8)
    return dict(
        n_obs=n_obs, n_vars=n_vars, n_raw=n_raw, raw=raw, X=X, obs_names=obs_names, var_names=var_names,
        cell_type_cats=["B", "NK", "T"], cell_type_codes=cell_type_codes,
        n_counts=X.sum(1).astype(np.float32),
        louvain_codes=np.array([1, 0, 1, 0, 1, 0, 1, 1], np.int8), louvain_cats=["0", "1"],
        is_doublet=np.array([False, False, True, False, False, False, False, True]),
        gene_ids=ensembl_ids(n_raw),
        highly_variable=np.array([True, False, True, True, False]),
        pca=r.standard_normal((n_obs, 2)).astype(np.float32),
        spliced=(raw[:, :n_vars] * 0.5).astype(np.float32),
    )


def make_legacy_06() -> None:
    """anndata <= 0.6 layout (AD-0.6 `_to_dict_fixed_width_arrays`, `_write_key_value_to_h5`, h5sparse)."""
    d = legacy_data("0.6")
    path = H5AD / "legacy_anndata_0.6.h5ad"
    with h5py.File(path, "w") as f:
        # X: anndata's h5sparse wrapper -> group with h5sparse_format / h5sparse_shape
        X = sp.csr_matrix(d["X"])
        g = f.create_group("X")
        g.attrs["h5sparse_format"] = "csr"
        g.attrs["h5sparse_shape"] = np.array(X.shape, np.int64)
        for k in ("data", "indices", "indptr"):
            g.create_dataset(k, data=getattr(X, k), maxshape=(None,))
        # obs: compound record; first field "index"; categorical -> codes + uns['<col>_categories']
        obs_dt = np.dtype([("index", VLEN), ("cell_type", np.int8), ("n_counts", np.float32),
                           ("louvain", np.int8), ("is_doublet", np.bool_)])
        obs = np.zeros(d["n_obs"], obs_dt)
        obs["index"] = d["obs_names"]
        obs["cell_type"] = d["cell_type_codes"]
        obs["n_counts"] = d["n_counts"]
        obs["louvain"] = d["louvain_codes"]
        obs["is_doublet"] = d["is_doublet"]
        f.create_dataset("obs", data=obs)
        var_dt = np.dtype([("index", VLEN), ("gene_ids", VLEN), ("highly_variable", np.bool_)])
        var = np.zeros(d["n_vars"], var_dt)
        var["index"] = d["var_names"][: d["n_vars"]]
        var["gene_ids"] = d["gene_ids"][: d["n_vars"]]
        var["highly_variable"] = d["highly_variable"]
        f.create_dataset("var", data=var)
        # obsm: BoundRecArr -> compound dataset with one sub-array field per key
        obsm = np.zeros(d["n_obs"], np.dtype([("X_pca", np.float32, (2,))]))
        obsm["X_pca"] = d["pca"]
        f.create_dataset("obsm", data=obsm)
        # layers (0.6.x had them): plain datasets
        f.create_dataset("layers/spliced", data=d["spliced"])
        # uns: categories, scalars as 1-element arrays, strings vlen
        f.create_dataset("uns/cell_type_categories", data=np.array(d["cell_type_cats"], dtype=object), dtype=VLEN)
        f.create_dataset("uns/louvain_categories", data=np.array(d["louvain_cats"], dtype=object), dtype=VLEN)
        f.create_dataset("uns/n_pcs", data=np.array([2], np.int64))
        f.create_dataset("uns/title", data=np.array(["legacy 0.6 fixture"], dtype=object), dtype=VLEN)
        f.create_dataset("uns/neighbors/params/n_neighbors", data=np.array([15], np.int64))
        # raw as top-level raw.X / raw.var
        RX = sp.csr_matrix(d["raw"])
        g = f.create_group("raw.X")
        g.attrs["h5sparse_format"] = "csr"
        g.attrs["h5sparse_shape"] = np.array(RX.shape, np.int64)
        for k in ("data", "indices", "indptr"):
            g.create_dataset(k, data=getattr(RX, k), maxshape=(None,))
        rvar = np.zeros(d["n_raw"], np.dtype([("index", VLEN), ("gene_ids", VLEN)]))
        rvar["index"] = d["var_names"]
        rvar["gene_ids"] = d["gene_ids"]
        f.create_dataset("raw.var", data=rvar)
    h5ad_manifest(path, f"h5py {V['h5py']} reproducing the anndata 0.6.22 h5ad layout (formats.md 1.4)")
    record(path, "anndata 0.6 layout: no encoding attrs; obs/var compound datasets (vlen 'index' field, int8 "
                 "codes, bool), categories in uns/<col>_categories, X and raw.X as h5sparse groups "
                 "(h5sparse_format/h5sparse_shape), obsm compound with sub-array field, 1-element scalars, "
                 "top-level raw.X / raw.var")


def _write_df_010(f, key: str, df_cols: list[tuple[str, object]], index: list[str], index_name: str = "_index"):
    """anndata 0.7 `write_dataframe` (dataframe 0.1.0)."""
    g = f.create_group(key)
    g.attrs["encoding-type"] = "dataframe"
    g.attrs["encoding-version"] = "0.1.0"
    g.attrs["column-order"] = [c for c, _ in df_cols] if df_cols else np.zeros(0, np.float64)
    g.attrs["_index"] = index_name
    g.create_dataset(index_name, data=np.array(index, dtype=object), dtype=VLEN)
    for name, val in df_cols:
        if isinstance(val, pd.Categorical):
            ck = f"__categories/{name}"
            g.create_dataset(ck, data=np.array(val.categories, dtype=object), dtype=VLEN)
            g.create_dataset(name, data=val.codes)
            g[name].attrs["categories"] = g[ck].ref
            g[ck].attrs["ordered"] = bool(val.ordered)
        elif isinstance(val, np.ndarray) and val.dtype == object:
            g.create_dataset(name, data=val, dtype=VLEN)
        else:
            g[name] = np.asarray(val)


def _write_sparse_07(f, key: str, m) -> None:
    g = f.create_group(key)
    g.attrs["encoding-type"] = f"{m.format}_matrix"
    g.attrs["encoding-version"] = "0.1.0"
    g.attrs["shape"] = np.array(m.shape, np.int64)
    for k in ("data", "indices", "indptr"):
        g.create_dataset(k, data=getattr(m, k), maxshape=(None,))


def make_legacy_07() -> None:
    """anndata 0.7.x layout (AD-0.7.8 `_io/h5ad.py`)."""
    d = legacy_data("0.7")
    path = H5AD / "legacy_anndata_0.7.h5ad"
    with h5py.File(path, "w") as f:
        _write_sparse_07(f, "X", sp.csr_matrix(d["X"]))
        raw = f.create_group("raw")
        raw.attrs["encoding-type"] = "raw"
        raw.attrs["encoding-version"] = "0.1.0"
        raw.attrs["shape"] = np.array(d["raw"].shape, np.int64)
        _write_sparse_07(f, "raw/X", sp.csr_matrix(d["raw"]))
        _write_df_010(f, "raw/var", [("gene_ids", np.array(d["gene_ids"], dtype=object))], d["var_names"])
        _write_df_010(
            f, "obs",
            [
                ("cell_type", pd.Categorical.from_codes(d["cell_type_codes"], d["cell_type_cats"])),
                ("stage", pd.Categorical.from_codes(np.array([0, 1, 2, 1, 0, 2, 1, 0], np.int8),
                                                    ["early", "mid", "late"], ordered=True)),
                ("n_counts", d["n_counts"]),
                ("is_doublet", d["is_doublet"]),
                ("sample_label", np.array([f"sample-{i}" for i in range(d["n_obs"])], dtype=object)),
            ],
            d["obs_names"],
        )
        _write_df_010(
            f, "var",
            [("gene_symbols", np.array(d["var_names"][: d["n_vars"]], dtype=object)),
             ("highly_variable", d["highly_variable"])],
            d["gene_ids"][: d["n_vars"]], index_name="gene_ids",
        )
        f.create_dataset("obsm/X_pca", data=d["pca"])
        f.create_dataset("layers/spliced", data=d["spliced"])
        conn = sp.csr_matrix(np.eye(d["n_obs"], k=1, dtype=np.float32) + np.eye(d["n_obs"], k=-1, dtype=np.float32))
        _write_sparse_07(f, "obsp/connectivities", conn)
        f.create_dataset("uns/n_pcs", data=np.array(2, np.int64))
        f.create_dataset("uns/title", data="legacy 0.7 fixture", dtype=VLEN)
        f.create_dataset("uns/cell_type_colors", data=np.array(["#1f77b4", "#ff7f0e", "#2ca02c"], dtype=object), dtype=VLEN)
        f.create_dataset("uns/neighbors/params/n_neighbors", data=np.array(15, np.int64))
        f.create_dataset("uns/neighbors/params/method", data="umap", dtype=VLEN)
    h5ad_manifest(path, f"h5py {V['h5py']} reproducing the anndata 0.7.8 h5ad layout (formats.md 1.4)")
    record(path, "anndata 0.7 layout: no root encoding attrs; dataframe 0.1.0 with categorical columns as code "
                 "datasets whose attr `categories` is an HDF5 object reference to <df>/__categories/<col> "
                 "(attr ordered); csr_matrix 0.1.0 X / raw/X / obsp; raw group with shape attr; plain "
                 "datasets without encoding attrs in obsm/layers/uns; var index named gene_ids")


# --------------------------------------------------------------------------------------------
# 10x Genomics
# --------------------------------------------------------------------------------------------

TENX_FEATURES = [
    # id, name, feature_type, genome
    ("ENSG00000167286", "CD3D", "Gene Expression", "GRCh38"),
    ("ENSG00000105374", "NKG7", "Gene Expression", "GRCh38"),
    ("ENSG00000156738", "MS4A1", "Gene Expression", "GRCh38"),
    ("ENSG00000284770", "TBCE", "Gene Expression", "GRCh38"),
    ("ENSG00000090006", "LTBP4", "Gene Expression", "GRCh38"),
    ("ENSG00000285053", "TBCE", "Gene Expression", "GRCh38"),  # duplicated symbol (real in GRCh38)
    ("ENSG00000163220", "S100A9", "Gene Expression", "GRCh38"),
    ("ENSG00000198804", "MT-CO1", "Gene Expression", "GRCh38"),
    ("CD3", "CD3_TotalSeqB", "Antibody Capture", ""),
]


def tenx_matrix(tag: str, n_features: int, n_bc: int) -> sp.csc_matrix:
    """features x barcodes CSC of int counts (Cell Ranger orientation)."""
    m = counts("10x/" + tag, n_bc, n_features, density=0.45).T
    return sp.csc_matrix(m.astype(np.int32))


def _cr_string_dataset(group, name, data, **kw):
    """Cell Ranger `create_hdf5_string_dataset`: fixed-length ASCII with XML char refs."""
    if data is None or len(data) == 0:
        group.create_dataset(name, dtype=np.dtype((np.bytes_, 1)))  # NULL dataspace
        return
    enc = [x.encode("ascii", "xmlcharrefreplace") if x else b"" for x in data]
    n = max(1, max(len(x) for x in enc))
    group.create_dataset(name, data=enc, dtype=np.dtype((np.bytes_, n)), **kw)


def make_10x_v3_h5() -> None:
    path = TENX / "v3_filtered_feature_bc_matrix.h5"
    n_bc = 10
    m = tenx_matrix("v3", len(TENX_FEATURES), n_bc)
    m.sort_indices()
    bcs = barcodes("10x", n_bc)
    with h5py.File(path, "w") as f:
        f.attrs["filetype"] = "matrix"
        f.attrs["version"] = 2
        f.attrs["software_version"] = "cellranger-7.1.0"
        f.attrs["chemistry_description"] = np.bytes_(b"Single Cell 3' v3")
        f.attrs["library_ids"] = np.array([b"fixture_lib"], dtype="S11")
        f.attrs["original_gem_groups"] = np.array([1], np.int64)
        g = f.create_group("matrix")
        fg = g.create_group("features")
        _cr_string_dataset(fg, "_all_tag_keys", ["genome"])
        _cr_string_dataset(fg, "feature_type", [t for _, _, t, _ in TENX_FEATURES], compression="gzip")
        _cr_string_dataset(fg, "genome", [x for _, _, _, x in TENX_FEATURES], compression="gzip")
        _cr_string_dataset(fg, "id", [i for i, _, _, _ in TENX_FEATURES], compression="gzip")
        _cr_string_dataset(fg, "name", [n for _, n, _, _ in TENX_FEATURES], compression="gzip")
        _cr_string_dataset(g, "barcodes", bcs, compression="gzip")
        for attr, dtype in (("data", np.int32), ("indices", np.int64), ("indptr", np.int64), ("shape", np.int32)):
            arr = np.array(getattr(m, attr) if attr != "shape" else m.shape, dtype=dtype)
            g.create_dataset(attr, data=arr, chunks=(80000,), maxshape=(None,), compression="gzip", shuffle=True)
    with captured_warnings() as caught:
        a = sc.read_10x_h5(path, gex_only=False)
    man = adata_manifest(a, reader=f"scanpy {V['scanpy']} (scanpy.read_10x_h5(gex_only=False))",
                         writer=f"h5py {V['h5py']} reproducing the Cell Ranger >= 3 matrix HDF5 layout (formats.md 2.1)",
                         warns=warning_names(caught))
    man["tenx"] = {"n_features": len(TENX_FEATURES), "n_barcodes": n_bc, "nnz": int(m.nnz),
                   "orientation": "on disk: CSC features x barcodes; manifest: cells x features"}
    write_json(path.with_name(path.name + ".json"), man)
    record(path, "Cell Ranger v3 HDF5: /matrix CSC (data int32, indices/indptr int64, shape int32, gzip+shuffle, "
                 "chunks 80000), features/{id,name,feature_type,genome,_all_tag_keys} fixed-length ASCII S, "
                 "duplicated symbol TBCE, one Antibody Capture feature with empty genome")


def _pytables_attrs(obj, cls: str, version_: str = "1.1") -> None:
    obj.attrs["CLASS"] = np.bytes_(cls.encode())
    obj.attrs["VERSION"] = np.bytes_(version_.encode())
    obj.attrs["TITLE"] = np.bytes_(b"")


def _write_v2_genome(f, genome: str, m: sp.csc_matrix, genes: list[tuple[str, str]], bcs: list[str]) -> None:
    g = f.create_group(genome)
    _pytables_attrs(g, "GROUP", "1.0")
    items = [
        ("barcodes", np.array([b.encode() for b in bcs])),
        ("data", m.data.astype(np.int32)),
        ("gene_names", np.array([n.encode("ascii", "xmlcharrefreplace") for _, n in genes])),
        ("genes", np.array([i.encode() for i, _ in genes])),
        ("indices", m.indices.astype(np.int64)),
        ("indptr", m.indptr.astype(np.int64)),
        ("shape", np.array(m.shape, np.int32)),
    ]
    for name, arr in items:
        ds = g.create_dataset(name, data=arr, chunks=(min(len(arr), 4096),), compression="gzip",
                              compression_opts=1, shuffle=True)
        _pytables_attrs(ds, "CARRAY")


def _tenx_v2_manifest(path: Path, genomes: list[str]) -> None:
    per = {}
    for gname in genomes:
        with captured_warnings() as caught:
            a = sc.read_10x_h5(path, genome=gname, gex_only=False)
        per[gname] = adata_manifest(a, reader=f"scanpy {V['scanpy']} (scanpy.read_10x_h5(genome={gname!r}, gex_only=False))",
                                    writer=f"h5py {V['h5py']} reproducing the Cell Ranger 1.x/2.x (PyTables) HDF5 layout "
                                           "(formats.md 2.2)", warns=warning_names(caught))
    if len(genomes) == 1:
        man = per[genomes[0]]
        man["genome"] = genomes[0]
    else:
        try:
            sc.read_10x_h5(path, gex_only=False)
            err = None
        except Exception as e:  # noqa: BLE001
            # Relative path, so the manifest does not depend on where the repository is checked out.
            err = f"{type(e).__name__}: {e}".replace(str(path), str(Path(path).resolve().relative_to(ROOT)))
        man = {"reader": f"scanpy {V['scanpy']} (scanpy.read_10x_h5(genome=..., gex_only=False))",
               "writer": per[genomes[0]]["writer"],
               "genomes": per, "error_without_genome": err}
    write_json(path.with_name(path.name + ".json"), man)


def make_10x_v2_h5() -> None:
    genes = [(i, n) for i, n, t, _ in TENX_FEATURES if t == "Gene Expression"]
    path = TENX / "v2_one_genome.h5"
    m = tenx_matrix("v2", len(genes), 8)
    with h5py.File(path, "w") as f:
        _pytables_attrs(f, "GROUP", "1.0")
        f.attrs["PYTABLES_FORMAT_VERSION"] = np.bytes_(b"2.1")
        _write_v2_genome(f, "GRCh38", m, genes, barcodes("10xv2", 8))
    _tenx_v2_manifest(path, ["GRCh38"])
    record(path, "Cell Ranger 2 HDF5: one genome group /GRCh38 with barcodes, data, gene_names, genes, indices, "
                 "indptr, shape (CSC genes x barcodes); PyTables-style CLASS/VERSION/TITLE attrs; duplicated symbol")

    path = TENX / "v2_two_genomes.h5"
    mouse = [("ENSMUSG00000002033", "Cd3g"), ("ENSMUSG00000026581", "Sell"), ("ENSMUSG00000030789", "Itgax")]
    with h5py.File(path, "w") as f:
        _pytables_attrs(f, "GROUP", "1.0")
        f.attrs["PYTABLES_FORMAT_VERSION"] = np.bytes_(b"2.1")
        _write_v2_genome(f, "hg19", tenx_matrix("hg19", len(genes), 6), genes, barcodes("barnyard", 6))
        _write_v2_genome(f, "mm10", tenx_matrix("mm10", len(mouse), 5), mouse, barcodes("barnyard", 7)[2:])
    _tenx_v2_manifest(path, ["hg19", "mm10"])
    record(path, "Cell Ranger 2 barnyard HDF5: two genome groups /hg19 (6 barcodes) and /mm10 (5 barcodes, partly "
                 "overlapping); scanpy needs genome=")


def make_mex() -> None:
    # v3: same content as the v3 HDF5 file
    folder = TENX / "mex_v3"
    folder.mkdir(parents=True, exist_ok=True)
    n_bc = 10
    m = tenx_matrix("v3", len(TENX_FEATURES), n_bc)
    m.sort_indices()
    bcs = barcodes("10x", n_bc)
    coo_cols = []
    for j in range(m.shape[1]):  # barcode (column) order, like Cell Ranger's save_mex
        for p in range(m.indptr[j], m.indptr[j + 1]):
            coo_cols.append((m.indices[p] + 1, j + 1, int(m.data[p])))
    meta = json.dumps({"software_version": "cellranger-7.1.0", "format_version": 2})
    lines = ["%%MatrixMarket matrix coordinate integer general", f"%metadata_json: {meta}",
             f"{m.shape[0]} {m.shape[1]} {len(coo_cols)}"] + [f"{i} {j} {v}" for i, j, v in coo_cols]
    (folder / "matrix.mtx.gz").write_bytes(gzip_bytes(("\n".join(lines) + "\n").encode()))
    (folder / "features.tsv.gz").write_bytes(
        gzip_bytes("".join(f"{i}\t{n}\t{t}\n" for i, n, t, _ in TENX_FEATURES).encode()))
    (folder / "barcodes.tsv.gz").write_bytes(gzip_bytes("".join(b + "\n" for b in bcs).encode()))
    _mex_manifest(folder, "Cell Ranger >= 3 MEX folder (formats.md 2.3)")
    record(folder, "MEX v3: matrix.mtx.gz (%%MatrixMarket coordinate integer general + %metadata_json, 1-based, "
                   "barcode order), features.tsv.gz (id, name, type; duplicated TBCE, Antibody Capture), "
                   "barcodes.tsv.gz; same counts as v3_filtered_feature_bc_matrix.h5")

    # v2: uncompressed, genes.tsv with 2 columns; same data as v2_one_genome.h5
    folder = TENX / "mex_v2"
    folder.mkdir(parents=True, exist_ok=True)
    genes = [(i, n) for i, n, t, _ in TENX_FEATURES if t == "Gene Expression"]
    m = tenx_matrix("v2", len(genes), 8)
    bcs = barcodes("10xv2", 8)
    entries = []
    for j in range(m.shape[1]):
        for p in range(m.indptr[j], m.indptr[j + 1]):
            entries.append(f"{m.indices[p] + 1} {j + 1} {int(m.data[p])}")
    text = "%%MatrixMarket matrix coordinate integer general\n%\n" + f"{m.shape[0]} {m.shape[1]} {len(entries)}\n" + "\n".join(entries) + "\n"
    (folder / "matrix.mtx").write_text(text)
    (folder / "genes.tsv").write_text("".join(f"{i}\t{n}\n" for i, n in genes))
    (folder / "barcodes.tsv").write_text("".join(b + "\n" for b in bcs))
    _mex_manifest(folder, "Cell Ranger 2 MEX folder (formats.md 2.3)")
    record(folder, "MEX v2: uncompressed matrix.mtx (header + '%' line), genes.tsv (id, symbol), barcodes.tsv; "
                   "same counts as v2_one_genome.h5")


def _mex_manifest(folder: Path, what: str) -> None:
    with captured_warnings() as caught:
        a = sc.read_10x_mtx(folder, var_names="gene_symbols", make_unique=True, gex_only=False)
    man = adata_manifest(
        a, reader=f"scanpy {V['scanpy']} (scanpy.read_10x_mtx(var_names='gene_symbols', make_unique=True, gex_only=False))",
        writer=f"python (gzip mtime=0) writing the {what}", warns=warning_names(caught))
    write_json(folder.with_name(folder.name + ".json"), man)


# --------------------------------------------------------------------------------------------
# loom
# --------------------------------------------------------------------------------------------

PINNED_TIME = "20240101T000000.000000Z"


@contextlib.contextmanager
def pinned_loom_time():
    """loompy stamps CreationDate / last_modified with utcnow(); pin its `timestamp` function while
    writing so the file is byte-stable (editing the attributes afterwards would leave the old strings
    in freed HDF5 global-heap space)."""
    mods = [m for n, m in list(sys.modules.items()) if n.startswith("loompy") and hasattr(m, "timestamp")]
    saved = [(m, m.timestamp) for m in mods]
    try:
        for m in mods:
            m.timestamp = lambda: PINNED_TIME
        yield
    finally:
        for m, fn in saved:
            m.timestamp = fn


def loom_manifest(path: Path, writer: str) -> None:
    with captured_warnings() as caught:
        a = ad.io.read_loom(path, sparse=True, obs_names="CellID", var_names="Gene")
    man = adata_manifest(a, reader=f"anndata {V['anndata']} (anndata.io.read_loom(sparse=True, obs_names='CellID', "
                                   f"var_names='Gene')) + loompy {V['loompy']}", writer=writer, warns=warning_names(caught))
    with loompy.connect(str(path), "r", validate=False) as lc:
        man["loom"] = {
            "spec_version": str(loompy.utils.get_loom_spec_version(lc._file)) if hasattr(loompy.utils, "get_loom_spec_version") else None,
            "matrix_shape_genes_x_cells": list(lc.shape),
            "layers": sorted(k for k in lc.layers.keys()),
            "row_attrs": sorted(lc.ra.keys()),
            "col_attrs": sorted(lc.ca.keys()),
            "row_graphs": sorted(lc.row_graphs.keys()),
            "col_graphs": sorted(lc.col_graphs.keys()),
            "global_attrs": {k: py(v) if np.ndim(v) == 0 else pylist(np.asarray(v).reshape(-1))
                             for k, v in sorted(lc.attrs.items()) if k not in ("CreationDate", "last_modified")},
        }
    write_json(path.with_name(path.name + ".json"), man)


def make_loom_v3() -> None:
    path = LOOM / "loom_v3.loom"
    n_genes, n_cells = 12, 15
    c = counts("loom", n_cells, n_genes).T.astype(np.float32)  # genes x cells
    r = rng("loom")
    genes = gene_names(n_genes)
    row_attrs = {"Gene": np.array(genes), "ensembl_id": np.array(ensembl_ids(n_genes)),
                 "gene_length": r.integers(500, 5000, n_genes).astype(np.int64)}
    col_attrs = {
        "CellID": np.array(barcodes("loom", n_cells)),
        "n_counts": c.sum(0).astype(np.float64),
        "filter_pass": (np.arange(n_cells) % 4 != 0),
        "mito_fraction": np.round(r.random(n_cells) * 0.2, 4).astype(np.float32),
        "cell_type": np.array(["B", "NK", "T"])[np.arange(n_cells) % 3],
        "X_umap": r.standard_normal((n_cells, 2)),
    }
    unspliced = np.floor(c / 2).astype(np.float32)
    with pinned_loom_time():
        loompy.create(str(path), {"": c, "unspliced": unspliced}, row_attrs, col_attrs,
                      file_attrs={"title": "omics fixture"})
        with loompy.connect(str(path), "r+", validate=False) as lc:
            knn = sp.coo_matrix((np.ones(n_cells, np.float32), (np.arange(n_cells), (np.arange(n_cells) + 1) % n_cells)),
                                shape=(n_cells, n_cells))
            lc.col_graphs["KNN"] = knn
    loom_manifest(path, f"loompy {V['loompy']} (loompy.create + connect to add a col graph; loompy.timestamp pinned "
                        f"to {PINNED_TIME})")
    record(path, "loom 3.0.0 via loompy.create: /matrix 12 genes x 15 cells float32, layer 'unspliced', row attrs "
                 "Gene/ensembl_id/gene_length, col attrs CellID/n_counts/filter_pass(bool->uint8)/mito_fraction/"
                 "cell_type and 2-D X_umap, col graph KNN, global attr title in /attrs")


def make_loom_v2() -> None:
    """Pre-3.0 loom (loompy 2.x style): fixed-length null-padded ASCII strings with XML entities,
    global attributes as HDF5 attributes on the root group."""
    path = LOOM / "loom_v2_legacy.loom"
    n_genes, n_cells = 10, 12
    c = counts("loom2", n_cells, n_genes).T.astype(np.float32)
    r = rng("loom2")
    genes = gene_names(n_genes)
    full_names = [f"{g} gene" for g in genes]
    full_names[1] = "α-actinin 4"  # non-ASCII -> XML character reference on disk
    with h5py.File(path, "w") as f:
        f.attrs["LOOM_SPEC_VERSION"] = np.bytes_(b"2.0.1")
        f.attrs["CreationDate"] = np.bytes_(PINNED_TIME.encode())
        f.attrs["last_modified"] = np.bytes_(PINNED_TIME.encode())
        f.attrs["title"] = np.bytes_(b"legacy loom fixture")
        chunks = (min(64, n_genes), min(64, n_cells))
        f.create_dataset("matrix", data=c, chunks=chunks, maxshape=(n_genes, None), compression="gzip",
                         compression_opts=2, fletcher32=False)
        f.create_dataset("layers/ambiguous", data=np.ceil(c * 0.3).astype(np.float32), chunks=chunks,
                         maxshape=(n_genes, None), compression="gzip", compression_opts=2)

        def sattr(group, name, values):
            enc = [html.escape(v, quote=False).encode("ascii", "xmlcharrefreplace") for v in values]
            n = max(len(e) for e in enc)
            group.create_dataset(name, data=np.array(enc, dtype=f"S{n}"), compression="gzip", compression_opts=2,
                                 chunks=(len(enc),), maxshape=(None,))

        ra = f.create_group("row_attrs")
        sattr(ra, "Gene", genes)
        sattr(ra, "Accession", ensembl_ids(n_genes))
        sattr(ra, "full_name", full_names)
        ca = f.create_group("col_attrs")
        sattr(ca, "CellID", barcodes("loom2", n_cells))
        ca.create_dataset("n_counts", data=c.sum(0).astype(np.float64))
        ca.create_dataset("ClusterID", data=(np.arange(n_cells) % 3).astype(np.int64))
        ca.create_dataset("filter_pass", data=(np.arange(n_cells) % 5 != 0).astype(np.uint8))
        ca.create_dataset("tSNE", data=r.standard_normal((n_cells, 2)))
        f.create_group("row_graphs")
        f.create_group("col_graphs")
    loom_manifest(path, f"h5py {V['h5py']} reproducing the loom 2.0.1 layout (formats.md 3)")
    record(path, "pre-3.0 loom (LOOM_SPEC_VERSION 2.0.1 as root attribute): fixed-length S strings with XML entity "
                 "for non-ASCII (row attr full_name), global attrs as HDF5 root attributes, layer 'ambiguous', "
                 "row attr Gene/Accession, col attrs CellID/n_counts/ClusterID/filter_pass(uint8)/tSNE(2-D)")


# --------------------------------------------------------------------------------------------
# bad inputs
# --------------------------------------------------------------------------------------------

BAD_LIST: list[dict] = []


def bad(name: str, must: str, *, python: str | None = None) -> Path:
    path = BAD / name
    BAD_LIST.append({"file": name, "must_fail_with": must, "python_behaviour": python})
    return path


def _python_read(path: Path) -> str:
    """What anndata 0.12.19 does with the file (recorded for information)."""
    try:
        with captured_warnings():
            a = ad.read_h5ad(path)
        try:
            if a.X is not None and sp.issparse(a.X):
                a.X.check_format(full_check=True)
            return f"anndata.read_h5ad returns {a.n_obs} x {a.n_vars} without error"
        except Exception as e:  # noqa: BLE001
            return f"anndata.read_h5ad succeeds; scipy check_format(full_check=True) raises {type(e).__name__}: {e}"
    except Exception as e:  # noqa: BLE001
        msg = str(e).splitlines()[0] if str(e) else ""
        return f"anndata.read_h5ad raises {type(e).__name__}: {msg[:200]}"


def _python_text(path: Path) -> str | None:
    """What the Python reference readers do with a broken text file (recorded for information)."""
    import scipy.io

    def err(e):
        return f"{type(e).__name__}: {str(e).splitlines()[0][:160] if str(e) else ''}"

    name = path.name
    try:
        if name.endswith(".txt.gz") and "series_matrix" in name:
            text = gzip.decompress(path.read_bytes()).decode()
            body = text.split("!series_matrix_table_begin\n")[1].split("!series_matrix_table_end")[0]
            df = pd.read_csv(io.StringIO(body), sep="\t", index_col=0, na_values=["NA", "null", "NULL", "Null"])
            return ("pandas.read_csv (as GEOparse does) silently keeps the table, column GSM900002 becomes dtype "
                    f"{df['GSM900002'].dtype} (strings)")
        if name.endswith(".gz"):
            gzip.decompress(path.read_bytes())
            return "gzip.decompress succeeds (!)"
        if name.endswith(".mtx"):
            m = scipy.io.mmread(path)
            return f"scipy.io.mmread returns a {m.shape} matrix without error (!)"
        if name.endswith(".gmt"):
            lines = path.read_text().splitlines()
            return f"a tab split of line 2 yields {len(lines[1].split(chr(9)))} field (name, description and genes run together)"
    except Exception as e:  # noqa: BLE001
        prefix = {"gz": "gzip.decompress", "mtx": "scipy.io.mmread"}.get(name.rsplit(".", 1)[-1], "reader")
        return f"{prefix} raises {err(e)}"
    return None


def _small_csr(path: Path) -> None:
    n_obs, n_vars = 6, 5
    X = counts("bad", n_obs, n_vars).astype(np.float32)
    obs, var = simple_frames("bad", n_obs, n_vars, X)
    ad.AnnData(sp.csr_matrix(X), obs=obs, var=var).write_h5ad(path)


def _replace(f, key, data) -> None:
    attrs = dict(f[key].attrs)
    del f[key]
    f.create_dataset(key, data=data)
    for k, v in attrs.items():
        f[key].attrs[k] = v


def make_bad() -> None:
    good = H5AD / "x_csr_f32.h5ad"
    raw = good.read_bytes()

    p = bad("truncated.h5ad", "a truncated-file / HDF5 open error naming the file (the first half of a good h5ad)")
    p.write_bytes(raw[: len(raw) // 2])
    p = bad("not_hdf5.h5ad", "not an HDF5 file (bad signature) error naming the file")
    p.write_text("obs_names,gene1,gene2\ncell1,1,0\n# this is a CSV file with an .h5ad name\n")
    p = bad("empty.h5ad", "empty file / not an HDF5 file error")
    p.write_bytes(b"")

    p = bad("unknown_encoding_x.h5ad", "unsupported element error naming /X and encoding-type 'fancy_matrix'")
    _small_csr(p)
    with h5py.File(p, "r+") as f:
        f["X"].attrs["encoding-type"] = "fancy_matrix"

    p = bad("csr_indptr_wrong_length.h5ad", "invalid sparse matrix: /X/indptr has 6 entries, expected n_obs+1 = 7")
    _small_csr(p)
    with h5py.File(p, "r+") as f:
        _replace(f, "X/indptr", f["X/indptr"][:-1])

    p = bad("csr_indices_out_of_range.h5ad", "invalid sparse matrix: a column index in /X/indices is >= n_vars (5)")
    _small_csr(p)
    with h5py.File(p, "r+") as f:
        ind = f["X/indices"][()]
        ind[3] = 9
        _replace(f, "X/indices", ind)

    p = bad("csr_indptr_non_monotonic.h5ad", "invalid sparse matrix: /X/indptr decreases (non-monotonic)")
    _small_csr(p)
    with h5py.File(p, "r+") as f:
        ip = f["X/indptr"][()]
        ip[2], ip[3] = ip[3], ip[2]
        if ip[2] <= ip[3]:
            ip[2] = ip[3] + 1
        _replace(f, "X/indptr", ip)

    p = bad("x_shape_mismatch.h5ad", "shape mismatch: /X is 7 x 5 but obs has 6 rows")
    n_obs, n_vars = 6, 5
    X = counts("bad", n_obs, n_vars).astype(np.float32)
    obs, var = simple_frames("bad", n_obs, n_vars, X)
    ad.AnnData(X, obs=obs, var=var).write_h5ad(p)
    with h5py.File(p, "r+") as f:
        _replace(f, "X", np.vstack([X, X[:1]]))

    p = bad("invalid_utf8_string.h5ad", "invalid UTF-8 error naming /var/gene_ids (element 2 holds bytes ff fe)")
    _small_csr(p)
    with h5py.File(p, "r+") as f:
        vals = [v for v in f["var/gene_ids"][()]]
        vals[2] = b"ENSG\xff\xfe01"
        attrs = dict(f["var/gene_ids"].attrs)
        del f["var/gene_ids"]
        f.create_dataset("var/gene_ids", data=np.array(vals, dtype=object), dtype=h5py.string_dtype("utf-8"))
        for k, v in attrs.items():
            f["var/gene_ids"].attrs[k] = v

    p = bad("categorical_codes_out_of_range.h5ad",
            "invalid categorical: /obs/cell_type/codes holds 7 but there are only 3 categories")
    _small_csr(p)
    with h5py.File(p, "r+") as f:
        codes = f["obs/cell_type/codes"][()]
        codes[1] = 7
        _replace(f, "obs/cell_type/codes", codes)

    BAD_LIST.append({"file": "../h5ad/lzf_compressed.h5ad",
                     "must_fail_with": "unsupported HDF5 filter 32000 (lzf) error naming the dataset; plain "
                                       "libhdf5 cannot decode it (the file itself is valid and has a manifest)",
                     "python_behaviour": "anndata.read_h5ad reads it (h5py bundles lzf)"})
    if (H5AD / "blosc_compressed.h5ad").exists():
        BAD_LIST.append({"file": "../h5ad/blosc_compressed.h5ad",
                         "must_fail_with": "unsupported HDF5 filter 32001 (blosc) error naming the dataset (valid "
                                           "file, readable only with hdf5plugin)",
                         "python_behaviour": "anndata.read_h5ad reads it after `import hdf5plugin`"})

    for entry in BAD_LIST:
        if entry["file"].endswith(".h5ad") and entry["python_behaviour"] is None:
            entry["python_behaviour"] = _python_read(BAD / entry["file"])

    # text formats
    hdr = "%%MatrixMarket matrix coordinate integer general\n"
    p = bad("mtx_malformed_entry.mtx", "parse error at line 5 of the MTX (entry '2 x 3' has a non-integer column)")
    p.write_text(hdr + "%\n3 4 3\n1 1 5\n2 x 3\n3 4 1\n")
    p = bad("mtx_index_out_of_range.mtx", "index error at line 5: row 4 exceeds the declared 3 rows")
    p.write_text(hdr + "%\n3 4 3\n1 1 5\n4 2 3\n3 4 1\n")
    p = bad("mtx_truncated.mtx.gz", "truncated gzip stream (unexpected end of file) error naming the file")
    lines = [hdr.rstrip("\n"), "%", "200 50 400"] + [f"{(i * 7) % 200 + 1} {(i * 3) % 50 + 1} {i % 9 + 1}" for i in range(400)]
    gz = gzip_bytes(("\n".join(lines) + "\n").encode())
    p.write_bytes(gz[: len(gz) // 2])

    p = bad("gmt_no_tab.gmt", "GMT parse error at line 2: no tab separator (fields are space-separated)")
    p.write_text("SET_A\thttp://example.org/a\tCD3D\tCD3E\tIL7R\n"
                 "SET_B http://example.org/b NKG7 GNLY GZMB\n")

    p = bad("series_matrix_non_numeric.txt.gz",
            "GEO series matrix table error: value 'n/a?' for GSM900002 / 1007_s_at is not numeric (line of the table)")
    sm = "\n".join([
        '!Series_title\t"Fixture series with a broken value"',
        '!Series_geo_accession\t"GSE900000"',
        '!Series_sample_id\t"GSM900001 GSM900002 GSM900003 "',
        "",
        '!Sample_title\t"s1"\t"s2"\t"s3"',
        '!Sample_geo_accession\t"GSM900001"\t"GSM900002"\t"GSM900003"',
        '!Sample_characteristics_ch1\t"tissue: liver"\t"tissue: liver"\t"tissue: lung"',
        "!series_matrix_table_begin",
        '"ID_REF"\t"GSM900001"\t"GSM900002"\t"GSM900003"',
        '"1007_s_at"\t7.12\tn/a?\t6.5',
        '"1053_at"\t5.01\t4.99\tnull',
        '"117_at"\t3.3\t\t2.8',
        "!series_matrix_table_end",
    ]) + "\n"
    p.write_bytes(gzip_bytes(sm.encode()))

    p = bad("truncated.txt.gz", "truncated gzip stream (unexpected end of file) error naming the file")
    text = "".join(f"gene{i}\t{i * 0.5:.2f}\t{(i * 37) % 101}\n" for i in range(600))
    gz = gzip_bytes(text.encode())
    p.write_bytes(gz[: len(gz) // 2])

    for entry in BAD_LIST:
        if entry["python_behaviour"] is None:
            entry["python_behaviour"] = _python_text(BAD / entry["file"])
    for e in BAD_LIST:
        if not e["file"].startswith(".."):
            record(BAD / e["file"], e["must_fail_with"])

    # README + machine-readable list
    write_json(BAD / "expected.json", {"generated_by": "scripts/make_fixtures.py", "cases": BAD_LIST})
    rows = "\n".join(
        f"| `{e['file']}` | {e['must_fail_with']} | {e['python_behaviour'] or '—'} |" for e in BAD_LIST
    )
    (BAD / "README.md").write_text(f"""# Bad inputs

Generated by `scripts/make_fixtures.py`; do not edit by hand. Each file must make the omics reader
fail with a typed error that names the file (and the element or line where it applies) — never a
crash, hang or silently wrong result. `expected.json` holds the same table for tests.
The "Python behaviour" column records what the reference stack (anndata {V['anndata']}, h5py {V['h5py']})
does with the file, for information: several broken files are *accepted* by anndata.

| file | must fail with | Python behaviour |
|---|---|---|
{rows}
""", encoding="utf-8")


# --------------------------------------------------------------------------------------------
# verification and README
# --------------------------------------------------------------------------------------------


def verify() -> None:
    """Every good h5ad opens with anndata (legacy ones with OldFormatWarning); sizes are small."""
    for path in sorted(H5AD.glob("*.h5ad")):
        with captured_warnings() as caught:
            a = ad.read_h5ad(path)
        names = warning_names(caught)
        if path.name.startswith("legacy"):
            assert "OldFormatWarning" in names, (path.name, names)
        assert a.n_obs >= 0
    total = 0
    for p in FIX.rglob("*"):
        if p.is_file() and any(part in ("h5ad", "10x", "loom", "bad") for part in p.relative_to(FIX).parts[:1]):
            size = p.stat().st_size
            total += size
            assert size < 100_000, f"{p} is {size} bytes"
    assert total < 3_000_000, total
    print(f"{len(WRITTEN)} fixtures, {total} bytes in total")


def write_readme() -> None:
    rows = []
    for rel, what in WRITTEN:
        p = FIX / rel
        size = sum(x.stat().st_size for x in p.rglob("*")) if p.is_dir() else p.stat().st_size
        rows.append(f"| `{rel}` | {size} | {what} |")
    table = "\n".join(rows)
    versions = ", ".join(f"{k} {v}" for k, v in V.items())
    hp = f", hdf5plugin {version('hdf5plugin')}" if hdf5plugin is not None else ""
    (FIX / "README.md").write_text(f"""# Test fixtures

Generated by `python3 scripts/make_fixtures.py` (run from the repository root; it rewrites
`Fixtures/h5ad`, `Fixtures/10x`, `Fixtures/loom`, `Fixtures/bad` and this file). Do not edit by hand.

Tools: {versions}{hp} (see `scripts/requirements.txt`). Files are written by the real tools where
installable (`AnnData.write_h5ad`, scanpy, `loompy.create`); h5py reproduces only layouts whose
writers cannot be installed (anndata 0.6/0.7, Cell Ranger HDF5, loom < 3.0, the fixed-length
string rewrite, broken files). Layout references: `docs/background/formats.md` sections 1–3.

Determinism: seeded generators, gzip members with mtime 0 and no name, loompy time stamps pinned
to `{PINNED_TIME}`. HDF5 files written by h5py/HDF5 {V['hdf5']} carry no time stamps (h5py does not
track object times by default), so a second run reproduces every file byte for byte with the same
library versions.

## Files

| file | bytes | what it covers |
|---|---|---|
{table}

Bad inputs are listed with the error each must produce in `bad/README.md` (and `bad/expected.json`).

## Oracle manifests

Every good file `F` has `F.json` beside it (a MEX folder `D/` has `D.json`), produced by reading `F`
with the peer tool:

| files | reader |
|---|---|
| `h5ad/*.h5ad` | `anndata.read_h5ad(F)` (blosc file: after `import hdf5plugin`) |
| `10x/*.h5` | `scanpy.read_10x_h5(F, gex_only=False)` (legacy files: `genome=` each genome) |
| `10x/mex_*/` | `scanpy.read_10x_mtx(D, var_names="gene_symbols", make_unique=True, gex_only=False)` |
| `loom/*.loom` | `anndata.io.read_loom(F, sparse=True, obs_names="CellID", var_names="Gene")` |

Schema (all keys always present unless noted; JSON is UTF-8, NaN/NA/missing are `null`,
±infinity would be the strings `"inf"`/`"-inf"`):

```
{{
  "reader": "anndata 0.12.19 (anndata.read_h5ad)",   // tool + call that produced this manifest
  "writer": "...",                                   // what wrote the file
  "read_warnings": ["OldFormatWarning", ...],        // warning classes raised while reading
  "n_obs": N, "n_vars": M,
  "X": MATRIX,
  "obs_names": [...], "var_names": [...],
  "obs_index_name": null | "name", "var_index_name": null | "gene_ids",
  "obs_column_order": [...], "var_column_order": [...],   // JSON objects are unordered: use these
  "obs": {{"col": COLUMN}}, "var": {{"col": COLUMN}},
  "layers": {{"name": MATRIX}},
  "obsm": {{"name": ELEM}}, "varm": {{"name": ELEM}}, "obsp": {{"name": ELEM}}, "varp": {{"name": ELEM}},
  "uns": UNS,
  "raw": null | {{"n_vars": K, "var_names": [...], "X": MATRIX, "var_column_order": [...],
                 "var": {{"col": COLUMN}}, "varm": {{"name": ELEM}}}}
}}
MATRIX = {{"layout": null}}                                   // X absent
       | {{"layout": "dense"|"csr"|"csc", "dtype": "float32", "shape": [r, c],
          "nnz": K,                                          // sparse: stored entries; dense: count of non-zeros
          "indices_dtype": "int32", "indptr_dtype": "int64", "has_sorted_indices": bool,   // sparse only, as read
          "dense": [[row 0...], [row 1...]]}}                 // only if r*c <= {DENSE_LIMIT}; row-major
COLUMN = {{"kind": "categorical", "dtype": "<codes dtype, e.g. int8>", "categories_dtype": "string"|"int64"|...,
          "categories": [...], "ordered": bool, "codes": [... -1 = missing ...], "values": [... null = missing ...]}}
       | {{"kind": "string" | "numeric" | "bool", "dtype": "string"|"float64"|"int64"|"bool"|..., "values": [...]}}
       | {{"kind": "nullable-integer", "dtype": "Int64", "values": [... null ...]}}
       | {{"kind": "nullable-boolean", "dtype": "boolean", "values": [...]}}
       | {{"kind": "nullable-string", "dtype": "string", "na_value": "NA"|"NaN", "values": [...]}}
ELEM   = {{"kind": "dense", "shape": [...], "dtype": "...", "values": [flattened row-major, if size <= {DENSE_LIMIT}]}}
       | {{"kind": "sparse", "shape": [...], ...MATRIX fields...}}
       | {{"kind": "dataframe", "shape": [n, ncols], "column_order": [...], "index": [...], "columns": {{"col": COLUMN}}}}
UNS    = dict -> JSON object (recursively); None -> null; str / numbers / bools -> JSON values;
         array -> {{"shape": [...], "dtype": "float64"|"string"|..., "values": [flattened]}};
         rec-array -> {{"rec": {{"field": [values]}}, "rec_dtypes": {{"field": "float32"|"string"}}, "shape": [n]}};
         sparse -> {{"sparse": MATRIX}}; DataFrame -> {{"dataframe": {{...}}}}
```

Extra keys: h5ad manifests have `"uns_hdf5_dtypes": {{"path/under/uns": "float32"|"string"|"{{f: dtype, ...}}"}}`
(on-disk dtypes read with h5py: anndata returns numeric scalars as Python numbers) and sometimes
`"note"`; 10x v3 manifests have `"tenx"` (on-disk orientation and counts); a legacy 10x file with
several genomes has instead `{{"reader", "writer", "genomes": {{"hg19": MANIFEST, "mm10": MANIFEST}},
"error_without_genome": "..."}}`; a single-genome legacy file adds `"genome"`; loom manifests add
`"loom"` (spec version, on-disk genes x cells shape, layer/attribute/graph names, global attrs).
Values are exactly what the peer tool returns: e.g. scanpy converts 10x counts to float32, keeps
duplicated symbols in `read_10x_h5` (no make_unique) and `read_loom` puts 2-D column attributes in
`obsm`. float32 values are written as the exact decimal of the float32 (compare after rounding to Float).
""", encoding="utf-8")


def main() -> None:
    for d in (H5AD, TENX, LOOM, BAD):
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
    make_x_variants()
    make_obs_var_types()
    make_scanpy_pipeline()
    make_slots_misc()
    make_uns_types()
    make_raw_more_vars()
    make_x_absent()
    make_empty()
    make_compressed(compress_source())
    make_pandas3()
    make_fixed_length()
    make_legacy_06()
    make_legacy_07()
    make_10x_v3_h5()
    make_10x_v2_h5()
    make_mex()
    make_loom_v3()
    make_loom_v2()
    make_bad()
    verify()
    write_readme()


if __name__ == "__main__":
    main()
