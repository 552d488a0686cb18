#!/usr/bin/env python3
"""Check that two h5ad files hold the same AnnData, as anndata reads them.

    python3 scripts/interop_check.py IN.h5ad OUT.h5ad [--allow-layout-change] [--strict-index-dtypes]
                                                      [--hdf5-uns-dtypes]

Typical use: IN is a fixture, OUT is what `omics` wrote after reading IN. Both files are read with
`anndata.read_h5ad`; then X, layers, obs, var (index and its name, column order, values, dtypes,
categories, their order and `ordered`), obsm, varm, obsp, varp, uns (recursively, including
scalar/array dtypes and rec-arrays) and raw are compared exactly (NaN equals NaN). After the
strict comparison anndata's own `anndata.tests.helpers.assert_adata_equal` runs as a second opinion
when it is importable.

Prints one line "interop OK: IN -> OUT" and exits 0, or prints "interop FAILED: IN -> OUT" and
the first difference (element path and what differs) on stderr and exits 1. Exit 2: a file could
not be read.

Options:
  --allow-layout-change   a matrix may change between dense / csr / csc (values must still match)
  --strict-index-dtypes   sparse indices/indptr dtypes must match too (default: any integer width)
  --hdf5-uns-dtypes       also compare the on-disk dtypes of the datasets under /uns with h5py
                          (anndata returns numeric scalars as Python numbers, so float32 vs float64
                          is only visible on disk; anndata's own read+write round trip fails this
                          check, hence opt-in; files with a root encoding-type only)
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd
import scipy.sparse as sp

import anndata as ad


class Mismatch(AssertionError):
    pass


def fail(path: str, msg: str):
    raise Mismatch(f"{path}: {msg}")


# ----------------------------------------------------------------------------------------------
# matrices
# ----------------------------------------------------------------------------------------------


def _layout(m) -> str:
    if m is None:
        return "absent"
    if sp.issparse(m):
        return m.format
    return "dense"


def _canonical_csr(m) -> sp.csr_matrix:
    if sp.issparse(m):
        c = sp.csr_matrix(m, copy=True)
    else:
        c = sp.csr_matrix(np.asarray(m))
    c.sum_duplicates()
    c.sort_indices()
    # explicit zeros carry no value; a writer may or may not keep them
    if c.dtype.kind in "biufc":
        c.eliminate_zeros()
    return c


def _values_equal(a: np.ndarray, b: np.ndarray) -> bool:
    a = np.asarray(a)
    b = np.asarray(b)
    if a.shape != b.shape:
        return False
    if a.dtype.kind in "fc" or b.dtype.kind in "fc":
        return bool(np.array_equal(a, b, equal_nan=True))
    if a.dtype.kind in "OUS" or b.dtype.kind in "OUS":
        return [_norm_obj(x) for x in a.reshape(-1)] == [_norm_obj(x) for x in b.reshape(-1)]
    return bool(np.array_equal(a, b))


def _norm_obj(x):
    if isinstance(x, bytes):
        return x.decode("utf-8", "replace")
    if x is None or x is pd.NA:
        return None
    if isinstance(x, float) and np.isnan(x):
        return None
    return x


def cmp_matrix(path: str, a, b, opts) -> None:
    la, lb = _layout(a), _layout(b)
    if la == "absent" or lb == "absent":
        if la != lb:
            fail(path, f"present in one file only ({la} vs {lb})")
        return
    if la != lb and not opts.allow_layout_change:
        fail(path, f"layout {la} vs {lb}")
    if tuple(a.shape) != tuple(b.shape):
        fail(path, f"shape {tuple(a.shape)} vs {tuple(b.shape)}")
    if np.dtype(a.dtype) != np.dtype(b.dtype):
        fail(path, f"dtype {a.dtype} vs {b.dtype}")
    if opts.strict_index_dtypes and sp.issparse(a) and sp.issparse(b) and la == lb:
        for attr in ("indices", "indptr"):
            da, db = getattr(a, attr).dtype, getattr(b, attr).dtype
            if da != db:
                fail(path, f"{attr} dtype {da} vs {db}")
    if np.ndim(a) != 2:  # 1-D / n-D dense arrays (obsm entries may be n-D)
        if not _values_equal(np.asarray(a), np.asarray(b)):
            fail(path, "values differ")
        return
    ca, cb = _canonical_csr(a), _canonical_csr(b)
    if ca.nnz != cb.nnz:
        fail(path, f"number of non-zero values {ca.nnz} vs {cb.nnz}")
    if not np.array_equal(ca.indptr, cb.indptr) or not np.array_equal(ca.indices, cb.indices):
        rows = np.nonzero(np.diff(ca.indptr) != np.diff(cb.indptr))[0]
        where = f" (first differing row {rows[0]})" if rows.size else ""
        fail(path, f"non-zero pattern differs{where}")
    if not _values_equal(ca.data, cb.data):
        bad = np.nonzero(~((ca.data == cb.data) | (np.isnan(ca.data) & np.isnan(cb.data))))[0] \
            if ca.data.dtype.kind == "f" else np.nonzero(ca.data != cb.data)[0]
        if bad.size:
            k = bad[0]
            row = int(np.searchsorted(ca.indptr, k, side="right") - 1)
            fail(path, f"value at ({row}, {ca.indices[k]}) is {ca.data[k]!r} vs {cb.data[k]!r}")
        fail(path, "values differ")


# ----------------------------------------------------------------------------------------------
# data frames
# ----------------------------------------------------------------------------------------------


def cmp_index(path: str, a: pd.Index, b: pd.Index) -> None:
    la, lb = [str(x) for x in a], [str(x) for x in b]
    if len(la) != len(lb):
        fail(path, f"length {len(la)} vs {len(lb)}")
    if la != lb:
        i = next(i for i, (x, y) in enumerate(zip(la, lb)) if x != y)
        fail(path, f"entry {i} is {la[i]!r} vs {lb[i]!r}")


def cmp_series(path: str, a: pd.Series, b: pd.Series) -> None:
    da, db = a.dtype, b.dtype
    if isinstance(da, pd.CategoricalDtype) or isinstance(db, pd.CategoricalDtype):
        if not (isinstance(da, pd.CategoricalDtype) and isinstance(db, pd.CategoricalDtype)):
            fail(path, f"dtype {da} vs {db}")
        ca, cb = list(da.categories), list(db.categories)
        if ca != cb:
            fail(path, f"categories (in order) {ca} vs {cb}")
        if da.categories.dtype != db.categories.dtype and not (
            da.categories.dtype.kind in "OU" and db.categories.dtype.kind in "OU"
        ):
            fail(path, f"categories dtype {da.categories.dtype} vs {db.categories.dtype}")
        if bool(da.ordered) != bool(db.ordered):
            fail(path, f"ordered {da.ordered} vs {db.ordered}")
        codes_a, codes_b = a.cat.codes.to_numpy(), b.cat.codes.to_numpy()
        if not np.array_equal(codes_a, codes_b):
            i = int(np.nonzero(codes_a != codes_b)[0][0])
            fail(path, f"row {i}: {a.iloc[i]!r} vs {b.iloc[i]!r}")
        return
    if str(da) != str(db):
        fail(path, f"dtype {da} vs {db}")
    if isinstance(da, pd.api.extensions.ExtensionDtype):
        if isinstance(da, pd.StringDtype) and da.na_value is not db.na_value:
            fail(path, f"string na_value {da.na_value!r} vs {db.na_value!r}")
        ma, mb = a.isna().to_numpy(), b.isna().to_numpy()
        if not np.array_equal(ma, mb):
            i = int(np.nonzero(ma != mb)[0][0])
            fail(path, f"row {i}: missing {ma[i]} vs {mb[i]}")
        va = [x for x, m in zip(a.array, ma) if not m]
        vb = [x for x, m in zip(b.array, mb) if not m]
        if va != vb:
            i = next(i for i, (x, y) in enumerate(zip(va, vb)) if x != y)
            fail(path, f"non-missing value {i}: {va[i]!r} vs {vb[i]!r}")
        return
    if not _values_equal(a.to_numpy(), b.to_numpy()):
        xa, xb = a.to_numpy(), b.to_numpy()
        for i, (x, y) in enumerate(zip(xa, xb)):
            if not _values_equal(np.array([x]), np.array([y])):
                fail(path, f"row {i}: {x!r} vs {y!r}")
        fail(path, "values differ")


def cmp_frame(path: str, a: pd.DataFrame, b: pd.DataFrame) -> None:
    if not isinstance(b, pd.DataFrame):
        fail(path, f"DataFrame vs {type(b).__name__}")
    cmp_index(f"{path}.index", a.index, b.index)
    na, nb = a.index.name, b.index.name
    if (na or None) != (nb or None):
        fail(f"{path}.index.name", f"{na!r} vs {nb!r}")
    ca, cb = [str(c) for c in a.columns], [str(c) for c in b.columns]
    if ca != cb:
        fail(f"{path}.columns", f"{ca} vs {cb} (names and order must match)")
    for c in a.columns:
        cmp_series(f"{path}[{c!r}]", a[c], b[c])


# ----------------------------------------------------------------------------------------------
# generic elements (obsm / varm / obsp / varp entries, uns)
# ----------------------------------------------------------------------------------------------


def _is_scalar(x) -> bool:
    return isinstance(x, (str, bytes, bool, int, float, complex, np.generic))


def cmp_elem(path: str, a, b, opts) -> None:
    if a is None or b is None:
        if not (a is None and b is None):
            fail(path, f"{type(a).__name__} vs {type(b).__name__} (None on one side)")
        return
    if isinstance(a, Mapping):
        if not isinstance(b, Mapping):
            fail(path, f"dict vs {type(b).__name__}")
        ka, kb = set(a.keys()), set(b.keys())
        if ka != kb:
            fail(path, f"keys only in IN: {sorted(ka - kb)}, only in OUT: {sorted(kb - ka)}")
        for k in sorted(a.keys()):
            cmp_elem(f"{path}/{k}", a[k], b[k], opts)
        return
    if isinstance(a, pd.DataFrame):
        cmp_frame(path, a, b)
        return
    if sp.issparse(a) or sp.issparse(b):
        if not (sp.issparse(a) and sp.issparse(b)) and not opts.allow_layout_change:
            fail(path, f"{_layout(a)} vs {_layout(b)}")
        cmp_matrix(path, a, b, opts)
        return
    if isinstance(a, (pd.Categorical, pd.api.extensions.ExtensionArray)):
        cmp_series(path, pd.Series(a), pd.Series(b) if isinstance(b, (pd.Categorical, pd.api.extensions.ExtensionArray)) else pd.Series(np.asarray(b)))
        return
    if isinstance(a, str) or isinstance(b, str):
        if not (isinstance(a, str) and isinstance(b, str)):
            fail(path, f"{type(a).__name__} {a!r} vs {type(b).__name__} {b!r}")
        if a != b:
            fail(path, f"{a!r} vs {b!r}")
        return
    if _is_scalar(a) or _is_scalar(b):
        if not (_is_scalar(a) and _is_scalar(b)):
            fail(path, f"scalar {a!r} vs {type(b).__name__}")
        ta, tb = np.asarray(a).dtype, np.asarray(b).dtype
        if ta != tb:
            fail(path, f"scalar dtype {ta} vs {tb} ({a!r} vs {b!r})")
        if not _values_equal(np.asarray(a), np.asarray(b)):
            fail(path, f"{a!r} vs {b!r}")
        return
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)):
            fail(path, f"{type(a).__name__} vs {type(b).__name__}")
        if a.dtype.names is not None or b.dtype.names is not None:
            if a.dtype.names != b.dtype.names:
                fail(path, f"rec-array fields {a.dtype.names} vs {b.dtype.names}")
            if a.shape != b.shape:
                fail(path, f"shape {a.shape} vs {b.shape}")
            for name in a.dtype.names:
                fa, fb = a.dtype.fields[name][0], b.dtype.fields[name][0]
                sa, sb = fa.kind in "OUS", fb.kind in "OUS"
                if (sa or sb) and not (sa and sb):
                    fail(f"{path}.{name}", f"field dtype {fa} vs {fb}")
                if not (sa or sb) and fa != fb:
                    fail(f"{path}.{name}", f"field dtype {fa} vs {fb}")
                if not _values_equal(np.asarray(a[name]), np.asarray(b[name])):
                    fail(f"{path}.{name}", "values differ")
            return
        if a.shape != b.shape:
            fail(path, f"shape {a.shape} vs {b.shape}")
        sa, sb = a.dtype.kind in "OUS", b.dtype.kind in "OUS"
        if sa != sb or (not sa and a.dtype != b.dtype):
            fail(path, f"dtype {a.dtype} vs {b.dtype}")
        if not _values_equal(a, b):
            fail(path, "values differ")
        return
    # anything else (e.g. awkward arrays): fall back to equality
    if type(a) is not type(b):
        fail(path, f"{type(a).__name__} vs {type(b).__name__}")
    try:
        same = bool(a == b)
    except Exception:  # noqa: BLE001
        same = False
    if not same:
        fail(path, f"{a!r} vs {b!r}")


def cmp_mapping_slot(path: str, a, b, opts) -> None:
    ka, kb = set(a.keys()), set(b.keys())
    if ka != kb:
        fail(path, f"keys only in IN: {sorted(ka - kb)}, only in OUT: {sorted(kb - ka)}")
    for k in sorted(ka):
        va, vb = a[k], b[k]
        if isinstance(va, pd.DataFrame) or isinstance(vb, pd.DataFrame):
            if not isinstance(vb, pd.DataFrame) or not isinstance(va, pd.DataFrame):
                fail(f"{path}/{k}", f"{type(va).__name__} vs {type(vb).__name__}")
            cmp_frame(f"{path}/{k}", va, vb)
        else:
            cmp_matrix(f"{path}/{k}", va, vb, opts)


def compare(a: ad.AnnData, b: ad.AnnData, opts) -> None:
    if a.shape != b.shape:
        fail("shape", f"{a.shape} vs {b.shape}")
    cmp_index("obs_names", a.obs_names, b.obs_names)
    cmp_index("var_names", a.var_names, b.var_names)
    cmp_matrix("X", a.X, b.X, opts)
    cmp_frame("obs", a.obs, b.obs)
    cmp_frame("var", a.var, b.var)
    cmp_mapping_slot("layers", a.layers, b.layers, opts)
    cmp_mapping_slot("obsm", a.obsm, b.obsm, opts)
    cmp_mapping_slot("varm", a.varm, b.varm, opts)
    cmp_mapping_slot("obsp", a.obsp, b.obsp, opts)
    cmp_mapping_slot("varp", a.varp, b.varp, opts)
    cmp_elem("uns", dict(a.uns), dict(b.uns), opts)
    if (a.raw is None) != (b.raw is None):
        fail("raw", f"{'present' if a.raw is not None else 'absent'} in IN, "
                    f"{'present' if b.raw is not None else 'absent'} in OUT")
    if a.raw is not None:
        cmp_index("raw.var_names", a.raw.var_names, b.raw.var_names)
        cmp_matrix("raw.X", a.raw.X, b.raw.X, opts)
        cmp_frame("raw.var", a.raw.var, b.raw.var)
        cmp_mapping_slot("raw.varm", a.raw.varm, b.raw.varm, opts)

    # second opinion: anndata's own test helper (value comparison, tolerant about dtypes)
    try:
        from anndata.tests.helpers import assert_adata_equal
    except Exception:  # noqa: BLE001 - helpers need test-only dependencies
        return
    try:
        assert_adata_equal(a, b, exact=False)
    except AssertionError as e:
        fail("anndata.tests.helpers.assert_adata_equal", str(e).strip().splitlines()[0][:500] if str(e) else "failed")


def _norm_h5_dtype(dt) -> str:
    import h5py

    if h5py.check_string_dtype(dt) is not None:
        return "string"
    if dt.names is not None:
        return "{" + ", ".join(f"{n}: {_norm_h5_dtype(dt.fields[n][0])}" for n in dt.names) + "}"
    return str(dt)


def hdf5_uns_dtypes(path: str) -> dict[str, str] | None:
    """On-disk dtypes of the datasets under /uns (anndata returns numeric scalars as Python
    numbers, so a float32 -> float64 change is only visible here). None for pre-0.8 files."""
    import h5py

    with h5py.File(path, "r") as f:
        if "encoding-type" not in f.attrs or "uns" not in f:
            return None
        out: dict[str, str] = {}

        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = _norm_h5_dtype(obj.dtype)

        f["uns"].visititems(visit)
        return out


def cmp_hdf5_uns(inp: str, out: str) -> None:
    da, db = hdf5_uns_dtypes(inp), hdf5_uns_dtypes(out)
    if da is None or db is None:
        return
    for k in sorted(set(da) & set(db)):
        if da[k] != db[k]:
            fail(f"uns/{k} (on disk)", f"dtype {da[k]} vs {db[k]}")


def read(path: str) -> ad.AnnData:
    try:  # optional filters (blosc, zstd ...) for files that use them
        import hdf5plugin  # noqa: F401
    except ImportError:
        pass
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ad.read_h5ad(path)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("inp", metavar="IN.h5ad")
    p.add_argument("out", metavar="OUT.h5ad")
    p.add_argument("--allow-layout-change", action="store_true")
    p.add_argument("--strict-index-dtypes", action="store_true")
    p.add_argument("--hdf5-uns-dtypes", action="store_true")
    opts = p.parse_args(argv)
    try:
        a = read(opts.inp)
    except Exception as e:  # noqa: BLE001
        print(f"interop FAILED: cannot read {opts.inp}: {type(e).__name__}: {e}", file=sys.stderr)
        return 2
    try:
        b = read(opts.out)
    except Exception as e:  # noqa: BLE001
        print(f"interop FAILED: cannot read {opts.out}: {type(e).__name__}: {e}", file=sys.stderr)
        return 2
    try:
        compare(a, b, opts)
        if opts.hdf5_uns_dtypes:
            cmp_hdf5_uns(opts.inp, opts.out)
    except Mismatch as e:
        print(f"interop FAILED: {opts.inp} -> {opts.out}\n  {e}", file=sys.stderr)
        return 1
    print(f"interop OK: {opts.inp} -> {opts.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
