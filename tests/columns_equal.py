"""Where two ``Columns`` differ (a test helper): every field, value by value."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import numpy as np

from kfpl.columnar.columns import Codes, Columns, History, Past, Values


def differences(a: Any, b: Any, path: str = "columns") -> list[str]:
    """What differs between ``a`` and ``b`` (empty: the same), ``where`` aside."""
    if isinstance(a, Codes) and isinstance(b, Codes):
        out = []
        if a.vocabulary != b.vocabulary:
            out.append(f"{path}.vocabulary: {a.vocabulary[:6]} != {b.vocabulary[:6]}")
        if not np.array_equal(a.codes, b.codes):
            out.append(f"{path}.codes: {a.codes[:8]} != {b.codes[:8]}")
        return out
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        x, y = np.asarray(a), np.asarray(b)
        if x.dtype != y.dtype:
            return [f"{path}: dtype {x.dtype} != {y.dtype}"]
        if x.shape != y.shape:
            return [f"{path}: shape {x.shape} != {y.shape}"]
        bad = [i for i, (p, q) in enumerate(zip(x.tolist(), y.tolist(), strict=True)) if p != q]
        return [f"{path}[{i}]: {x[i]!r} != {y[i]!r}" for i in bad[:3]]
    if isinstance(a, dict) and isinstance(b, dict):
        out = [f"{path}: keys {sorted(set(a) ^ set(b))} in one only"] if set(a) != set(b) else []
        for key in sorted(set(a) & set(b)):
            out += differences(a[key], b[key], f"{path}.{key}")
        return out
    if isinstance(a, Values | History | Past | Columns) and type(a) is type(b):
        out = []
        for f in fields(a):
            if f.name != "where":
                out += differences(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}")
        return out
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]
