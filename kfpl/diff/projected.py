"""Each version's reading of a population held as columns, projected from one reading.

The column form of ``kfpl.diff.validated``: the population is read once into
``Columns`` against what either version declares (``Shared``: the union of the inputs,
every measure reading every fact), and each version's ``Columns`` is computed from that
one, column by column, doing what ``Version.adapt`` and ``Reader.fit`` do to each
application dict before the version's reader sees it:

* claims under the version's ids (a renamed measure by its alias); a claim of a measure
  the version does not have is dropped and the others renumbered in order;
* a field, fact or enum value only the other version declares is left out, and counted
  once per application in the reader's ``left_out``;
* an earlier award of a measure only the other version has is left out (counted);
* the facts a claim's measure does not read are left out silently.

Wherever the version's own reader would refuse an application, or could read a value
differently (a field neither version declares, a profile field given as a claim fact,
an enum value outside both versions, set members in another order, a differently typed
input), the projection declines (None) and the impact reads the population the dict way,
which gives the version's own result or message. tests/test_impact_projected.py checks
that each projection equals ``columns_from_applications`` of the version's own reading.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from kfpl.columnar.columns import Codes, Columns, History, Past, Values
from kfpl.columnar.splice import take_values
from kfpl.runtime.application import InputSpec

if TYPE_CHECKING:
    from kfpl.diff.impact import Version

Bools = npt.NDArray[np.bool_]
LeftOut = Counter[tuple[str, str, str]]


class Declined(Exception):
    """The version may read this population otherwise than the projection would."""


def _same(a: InputSpec, b: InputSpec) -> bool:
    return (a.type, a.origin, a.fields) == (b.type, b.origin, b.fields)


def _apps(owner: npt.NDArray[np.int64], mask: Bools) -> int:
    """How many distinct applications own the masked rows."""
    return len(np.unique(owner[mask])) if mask.any() else 0


class _Projector:
    def __init__(self, cols: Columns, v: Version, union: dict[str, InputSpec]) -> None:
        assert v.reader is not None
        self.cols = cols
        self.v = v
        self.union = union
        self.inputs = v.runtime.inputs
        self.other = v.reader.other_inputs
        self.other_measures = v.reader.other_measures
        self.reads = v.reads
        self.left_out: LeftOut = Counter()
        self.every = True  # every claim kept (set by ``claims``)

    # -- one input's values, as ``Reader._value`` then the version's reader sees them
    def _value(
        self,
        key: str,
        values: Values,
        owner: npt.NDArray[np.int64],
        among: Bools,
        read: Bools,
        origin: str,
    ) -> Values | None:
        """``values`` over the rows ``among`` (the others are not there); ``read``: the
        rows whose measure reads the fact. None: left out entirely."""
        present = values.present & among
        if not present.any():
            return None
        spec, other, theirs = self.inputs.get(key), self.other.get(key), self.union.get(key)
        if spec is None:
            if other is None:
                raise Declined  # neither version declares it: the reader refuses it
            kind = "field" if other.origin == "enterprise" else "fact"
            self.left_out[(kind, key, "")] += _apps(owner, present)
            return None
        if theirs is None or not _same(spec, theirs):
            raise Declined
        if origin == "claim" and spec.origin == "enterprise" and (present & read).any():
            raise Declined  # a profile field given as a claim's fact: refused
        if spec.type == "set" and spec.members != theirs.members and (present & read).any():
            raise Declined  # members are kept in each version's order
        kept = present & read
        if spec.type == "enum":
            codes = values.data
            assert isinstance(codes, Codes)
            for word_code, word in enumerate(codes.vocabulary):
                if word in spec.members:
                    continue
                rows = present & (codes.codes == word_code)
                if not rows.any():
                    continue
                if other is not None and not (other.type == "enum" and word not in other.members):
                    self.left_out[("value", key, word)] += _apps(owner, rows)
                    kept &= ~rows
                elif (rows & read).any():
                    raise Declined  # outside both versions' values: refused
        if not kept.any():
            return None  # no row the version reads: as if never given
        if np.array_equal(kept, values.present):
            return values  # nothing left out: the union's column itself
        return Values(values.type, values.data, kept)

    def enterprise(self) -> dict[str, Values]:
        out = {}
        every = np.ones(self.cols.n_apps, dtype=bool)
        owner = np.arange(self.cols.n_apps, dtype=np.int64)
        for key, values in self.cols.enterprise.items():
            kept = self._value(key, values, owner, every, every, "enterprise")
            if kept is not None:
                out[key] = kept
        return out

    def _mapped(self, codes: Codes) -> list[str]:
        aliases = self.v.aliases
        return [w if w in self.reads else aliases.get(w, w) for w in codes.vocabulary]

    def claims(self) -> tuple[npt.NDArray[np.int64], Codes, dict[str, Values]]:
        """The kept claim rows, their measures under the version's ids, their facts."""
        cols = self.cols
        mapped = self._mapped(cols.measure)
        known = np.array([m in self.reads for m in mapped] + [False], dtype=bool)
        among = known[cols.measure.codes]
        every = bool(among.all())  # no claim dropped: columns are kept, not copied
        rows = np.arange(cols.n_claims, dtype=np.int64) if every else np.flatnonzero(among)
        facts = {}
        for key, values in cols.facts.items():
            reading = np.array(
                [m in self.reads and key in self.reads[m] for m in mapped] + [False], dtype=bool
            )
            read = reading[cols.measure.codes]
            kept = self._value(key, values, cols.claim_app, among, read, "claim")
            if kept is not None:
                facts[key] = kept if every else take_values(kept, rows)
        self.every = every
        return rows, _recode(mapped, cols.measure.codes[rows]), facts

    def history(self) -> History:
        h = self.cols.history
        mapped = self._mapped(h.measure)
        keep = np.ones(len(mapped) + 1, dtype=bool)
        for code, mid in enumerate(mapped):
            if mid in self.reads:
                continue
            rows = h.measure.codes == code
            if not rows.any():
                continue
            if mid not in self.other_measures:
                raise Declined  # a measure neither version has: refused
            self.left_out[("measure", mid, "")] += _apps(h.app, rows)
            keep[code] = False
        if keep.all():
            return History(
                h.app, _recode(mapped, h.measure.codes), h.year, h.amount, h.keys, h.step
            )
        rows = np.flatnonzero(keep[h.measure.codes])
        return History(
            h.app[rows],
            _recode(mapped, h.measure.codes[rows]),
            h.year[rows],
            h.amount[rows],
            {k: Codes(c.codes[rows], c.vocabulary) for k, c in h.keys.items()},
            h.step[rows],
        )

    def past(self) -> Past:
        p = self.cols.past
        for key, values in p.facts.items():
            if not values.present.any():
                continue
            spec, theirs = self.inputs.get(key), self.union.get(key)
            if spec is None or spec.type == "list" or theirs is None or not _same(spec, theirs):
                raise Declined
            if spec.type == "set" and spec.members != theirs.members:
                raise Declined
            if spec.type == "enum":
                codes = values.data
                assert isinstance(codes, Codes)
                used = np.unique(codes.codes[values.present])
                if any(codes.vocabulary[c] not in spec.members for c in used.tolist()):
                    raise Declined
        return p

    def run(self) -> Columns:
        cols = self.cols
        enterprise = self.enterprise()
        rows, measure, facts = self.claims()
        history = self.history()
        past = self.past()
        if self.every:
            return replace(
                cols, enterprise=enterprise, measure=measure, facts=facts, history=history
            )
        app = cols.claim_app[rows]
        return replace(
            cols,
            enterprise=enterprise,
            claim_app=app,
            claim_index=_renumbered(app),
            claim_id=cols.claim_id.take(rows),
            measure=measure,
            keys={k: c.take(rows) for k, c in cols.keys.items()},
            facts=facts,
            history=history,
            past=past,
            claim_date=take_values(cols.claim_date, rows),
        )


def _recode(words: list[str], codes: npt.NDArray[np.int32]) -> Codes:
    """Codes into ``words`` (which may repeat: two ids mapped to one) as codes into
    the distinct words, in first-seen order."""
    vocabulary: list[str] = []
    index: dict[str, int] = {}
    table = np.array([index.setdefault(w, len(index)) for w in words] + [-1], dtype=np.int32)
    vocabulary = list(index)
    return Codes(table[codes], vocabulary)


def _renumbered(app: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Each row's position among the rows of its application (rows in application order)."""
    if not len(app):
        return app.copy()
    first = np.ones(len(app), dtype=bool)
    first[1:] = app[1:] != app[:-1]
    starts = np.flatnonzero(first)
    out: npt.NDArray[np.int64] = np.arange(len(app), dtype=np.int64) - np.repeat(
        starts, np.diff(np.r_[starts, len(app)])
    )
    return out


def project(
    cols: Columns, v: Version, union: dict[str, InputSpec]
) -> tuple[Columns, LeftOut] | None:
    """The version's reading of the union-read ``cols`` and what it leaves out, or None
    where the version could read the population otherwise."""
    projector = _Projector(cols, v, union)
    try:
        return projector.run(), projector.left_out
    except Declined:
        return None
