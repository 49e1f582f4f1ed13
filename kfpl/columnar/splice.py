"""Columns of several populations as one, and some of a population's applications.

The table reader builds most applications column by column and hands the few it cannot
prove valid to the reference reader (``kfpl.columnar.tables``); ``splice`` puts the two
back together in input order, in the form ``columns_from_applications`` gives: codes in
order of first appearance, an input only where some row gives it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from kfpl.columnar.columns import Codes, Columns, History, Ints, Past, Values

_NEUTRAL = {"bool": np.bool_}


def absent(kind: str, n: int) -> Values:
    """``n`` rows of ``kind`` where nothing is given."""
    present = np.zeros(n, dtype=np.bool_)
    if kind in ("text", "enum"):
        return Values(kind, Codes(np.full(n, -1, dtype=np.int32), []), present)
    if kind in ("set", "list"):
        return Values(kind, np.full(n, None, dtype=object), present)
    return Values(kind, np.zeros(n, dtype=_NEUTRAL.get(kind, np.int64)), present)


def take_values(v: Values, rows: Ints) -> Values:
    data = v.data.take(rows) if isinstance(v.data, Codes) else v.data[rows]
    return Values(v.type, data, v.present[rows])


def concat_values(parts: Sequence[Values]) -> Values:
    kind = parts[0].type
    present = np.concatenate([p.present for p in parts])
    if kind in ("text", "enum"):
        return Values(kind, Codes.concat([p.data for p in parts]), present)
    return Values(kind, np.concatenate([p.data for p in parts]), present)


def _concat_inputs(parts: Sequence[dict[str, Values]], sizes: Sequence[int]) -> dict[str, Values]:
    names = dict.fromkeys(name for part in parts for name in part)
    out = {}
    for name in names:
        kind = next(part[name].type for part in parts if name in part)
        out[name] = concat_values(
            [part.get(name) or absent(kind, size) for part, size in zip(parts, sizes, strict=True)]
        )
    return out


def concat(parts: Sequence[Columns]) -> Columns:
    """The applications of ``parts`` one after the other."""
    offsets = np.cumsum([0, *(p.n_apps for p in parts)])[:-1]

    def ints(get: str) -> Ints:
        return np.concatenate([getattr(p, get) for p in parts])

    def apps(arrays: Sequence[Ints]) -> Ints:
        return np.concatenate([a + o for a, o in zip(arrays, offsets, strict=True)])

    history = [p.history for p in parts]
    past = [p.past for p in parts]
    return Columns(
        n_apps=sum(p.n_apps for p in parts),
        year=ints("year"),
        enterprise_id=Codes.concat([p.enterprise_id for p in parts]),
        enterprise=_concat_inputs([p.enterprise for p in parts], [p.n_apps for p in parts]),
        claim_app=apps([p.claim_app for p in parts]),
        claim_index=ints("claim_index"),
        claim_id=Codes.concat([p.claim_id for p in parts]),
        measure=Codes.concat([p.measure for p in parts]),
        keys={k: Codes.concat([p.keys[k] for p in parts]) for k in parts[0].keys},
        facts=_concat_inputs([p.facts for p in parts], [p.n_claims for p in parts]),
        history=History(
            app=apps([h.app for h in history]),
            measure=Codes.concat([h.measure for h in history]),
            year=np.concatenate([h.year for h in history]),
            amount=np.concatenate([h.amount for h in history]),
            keys={k: Codes.concat([h.keys[k] for h in history]) for k in history[0].keys},
            step=np.concatenate([h.step for h in history]),
        ),
        past=Past(
            app=apps([q.app for q in past]),
            year=np.concatenate([q.year for q in past]),
            facts=_concat_inputs([q.facts for q in past], [q.n for q in past]),
        ),
        app_date=concat_values([p.app_date for p in parts]),
        claim_date=concat_values([p.claim_date for p in parts]),
        where=[w for p in parts for w in p.where]
        if all(len(p.where) == p.n_apps for p in parts)
        else [],
    )


def _rows_of(row_app: Ints, position: Ints) -> tuple[Ints, Ints]:
    """The rows whose application is taken, ordered by its new position (stable), and
    their new application numbers."""
    new = position[row_app]
    kept = np.flatnonzero(new >= 0)
    order = np.argsort(new[kept], kind="stable")
    rows: Ints = kept[order]
    return rows, new[rows]


def take(cols: Columns, apps: Ints) -> Columns:
    """The applications ``apps`` (positions in ``cols``), in that order."""
    position: Ints = np.full(cols.n_apps, -1, dtype=np.int64)
    position[apps] = np.arange(len(apps), dtype=np.int64)
    claims, claim_app = _rows_of(cols.claim_app, position)
    hist, hist_app = _rows_of(cols.history.app, position)
    past, past_app = _rows_of(cols.past.app, position)
    h = cols.history
    return Columns(
        n_apps=len(apps),
        year=cols.year[apps],
        enterprise_id=cols.enterprise_id.take(apps),
        enterprise={k: take_values(v, apps) for k, v in cols.enterprise.items()},
        claim_app=claim_app,
        claim_index=cols.claim_index[claims],
        claim_id=cols.claim_id.take(claims),
        measure=cols.measure.take(claims),
        keys={k: c.take(claims) for k, c in cols.keys.items()},
        facts={k: take_values(v, claims) for k, v in cols.facts.items()},
        history=History(
            app=hist_app,
            measure=h.measure.take(hist),
            year=h.year[hist],
            amount=h.amount[hist],
            keys={k: c.take(hist) for k, c in h.keys.items()},
            step=h.step[hist],
        ),
        past=Past(
            app=past_app,
            year=cols.past.year[past],
            facts={k: take_values(v, past) for k, v in cols.past.facts.items()},
        ),
        app_date=take_values(cols.app_date, apps),
        claim_date=take_values(cols.claim_date, claims),
        where=[cols.where[i] for i in apps.tolist()] if cols.where else [],
    )


def first_seen(codes: Codes) -> Codes:
    """The same words, the vocabulary in order of first appearance and only the words
    some row has (what ``encode`` gives)."""
    used = codes.codes[codes.codes >= 0]
    words, first = np.unique(used, return_index=True)
    ordered = words[np.argsort(first, kind="stable")]
    lookup = np.full(len(codes.vocabulary) + 1, -1, dtype=np.int32)  # [-1] stays -1
    lookup[ordered] = np.arange(len(ordered), dtype=np.int32)
    out: npt.NDArray[np.int32] = lookup[codes.codes]
    return Codes(out, [codes.vocabulary[i] for i in ordered.tolist()])


def canonical(cols: Columns) -> Columns:
    """``cols`` in the form ``columns_from_applications`` gives (see the module)."""

    def inputs(given: dict[str, Values]) -> dict[str, Values]:
        out = {}
        for name, v in given.items():
            if v.present.any():
                data = first_seen(v.data) if isinstance(v.data, Codes) else v.data
                out[name] = Values(v.type, data, v.present)
        return out

    h = cols.history
    return Columns(
        n_apps=cols.n_apps,
        year=cols.year,
        enterprise_id=first_seen(cols.enterprise_id),
        enterprise=inputs(cols.enterprise),
        claim_app=cols.claim_app,
        claim_index=cols.claim_index,
        claim_id=first_seen(cols.claim_id),
        measure=first_seen(cols.measure),
        keys={k: first_seen(c) for k, c in cols.keys.items()},
        facts=inputs(cols.facts),
        history=History(
            h.app,
            first_seen(h.measure),
            h.year,
            h.amount,
            {k: first_seen(c) for k, c in h.keys.items()},
            h.step,
        ),
        past=Past(cols.past.app, cols.past.year, inputs(cols.past.facts)),
        app_date=cols.app_date,
        claim_date=cols.claim_date,
        where=cols.where,
    )


def splice(cols: Columns, replaced: Ints, others: Columns) -> Columns:
    """``cols`` with its applications ``replaced`` (sorted positions) taken from
    ``others`` (the same applications, in that order)."""
    keep: Ints = np.setdiff1d(np.arange(cols.n_apps, dtype=np.int64), replaced)
    joined = concat([take(cols, keep), others])
    order = np.empty(cols.n_apps, dtype=np.int64)  # application -> its place in joined
    order[keep] = np.arange(len(keep), dtype=np.int64)
    order[replaced] = len(keep) + np.arange(len(replaced), dtype=np.int64)
    return canonical(take(joined, order))
