"""What generated columnar kernels run on: the claims of a batch as columns.

``Frame`` holds every claim of a batch of applications (``kfpl.columnar.columns.Columns``,
in application order and, within one, in claim order): status, reason, amount (int64
fen), the ceiling and capped flags and the missing facts; the kernels read their inputs
straight from the typed columns (text as codes), and earlier awards and past facts as
tables. ``Kernel`` is the
view one measure's kernel works on (its rows). The set-level rules over all claims are in
``kfpl.columnar.rules``.

Semantics are those of ``kfpl.runtime.measure.Evaluation``, column by column: a claim
stays ``live`` while it is still awarded; each step that decides a claim (a missing
fact, a failed condition, no tier) applies only to the rows still live.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from kfpl.columnar.columns import Codes, Columns, Values, fen_of, rate_of

INT64_MAX = 2**62  # half of int64's range: a sum or rounding of two such values still fits
Bools = npt.NDArray[np.bool_]
Ints = npt.NDArray[Any]  # int64, or object (Python integers) where int64 could overflow

AWARDED, CAPPED, NOT_ELIGIBLE, UNDETERMINED, EXCLUDED, SUPERSEDED = range(6)
STATUS = ("awarded", "capped", "not_eligible", "undetermined", "excluded", "superseded")
SKIPPED = len(STATUS)  # a claim of an application left to the reference evaluator


@dataclass(frozen=True)
class Info:
    """What the set-level rules need to know about a measure."""

    policy: str
    matter: str | None
    matching: bool
    item: str
    once: str | None
    caps: tuple[tuple[str, int], ...]  # (scope, fen)

    @property
    def once_keys(self) -> tuple[str, ...]:
        return tuple(self.once.split(",")) if self.once else ()


@dataclass(frozen=True)
class Stack:
    id: str
    policy: str
    key: str
    across: str
    keep: str
    matching_only: bool
    tie: str


@dataclass(frozen=True)
class YearlyCap:
    id: str
    policy: str
    limit: str
    trim: str


@dataclass(frozen=True)
class GroupCap:
    id: str
    policy: str
    measures: tuple[str, ...]
    amount: int  # fen


class Frame:
    """The claims of a batch of (validated) applications, as columns (``Columns``), and
    what the kernels and set rules decide about them.

    Measures are small integers (``measure_code``; ``measures`` gives the ids), the same
    for claims and earlier awards; so are reasons (``reason`` into ``reasons``) and the
    keys earlier awards are matched on (``key_codes``). Missing facts are kept sparse:
    (rows, name) in the order they were found. Applications not ``active`` (left to the
    reference evaluator) have their claims ``SKIPPED``, which no rule pays or counts.
    """

    def __init__(self, columns: Columns, inputs: dict[str, Any]) -> None:
        self.c = columns
        self.inputs = inputs  # name -> InputSpec
        self.n = columns.n_claims
        self.n_apps = columns.n_apps
        self.app = columns.claim_app
        self.index = columns.claim_index
        self.year = columns.year
        # One vocabulary of measures for claims and earlier awards, the claims' first:
        # their codes are the frame's (no copy) unless their vocabulary repeats a word.
        self._codes: dict[str, int] = {}
        claimed = columns.measure
        for word in claimed.vocabulary:
            self._codes.setdefault(word, len(self._codes))
        if len(self._codes) == len(claimed.vocabulary):
            self.measure_code: Ints = claimed.codes
        else:
            self.measure_code = claimed.recoded(self._codes)
        h = columns.history
        self.h_app, self.h_year, self.h_amount, self.h_step = h.app, h.year, h.amount, h.step
        self.h_measure = h.measure.recoded(self._codes).astype(np.int64)
        self.measures = list(self._codes)
        self.has_history = np.bincount(h.app, minlength=self.n_apps)[: self.n_apps] > 0
        # The years of the batch: a period holding all of them needs no test per claim.
        self.year_span = (int(self.year.min()), int(self.year.max())) if self.n_apps else (0, 0)
        self._rows: dict[int, npt.NDArray[np.int64]] = {}  # measure code -> claims
        if len(claimed.vocabulary) > _FEW_MEASURES:
            # Claims by measure (a stable sort), so that one measure's rows are a slice.
            by_measure = np.argsort(_small(self.measure_code), kind="stable")
            sizes = np.bincount(self.measure_code + 1, minlength=len(self.measures) + 1)
            starts = np.cumsum(sizes).tolist()  # code c's rows end at starts[c + 1]
            for code in range(len(self.measures)):
                self._rows[code] = by_measure[starts[code] : starts[code + 1]]
        # Earlier awards by measure then application (input order within).
        self._h_by_app = np.argsort(self.h_app, kind="stable")
        self._h_app_starts: Ints | None = None  # where each application's begin (pairs)
        self._h_of: dict[int, Ints] = {}  # measure code -> its earlier awards
        self._h_counts: dict[int, tuple[Ints, Ints]] = {}  # code -> ``_app_counts``
        self._h_by_measure = self._h_by_app[
            np.argsort(_small(self.h_measure[self._h_by_app]), kind="stable")
        ]
        self._h_measure_starts = np.searchsorted(
            self.h_measure[self._h_by_measure], np.arange(len(self.measures) + 1)
        )
        self._keys: dict[str, tuple[Ints, Ints]] = {}
        self._key_words: dict[str, list[str]] = {}
        self._everywhere: dict[int, bool] = {}  # id of a Values of ``c`` -> all present
        self.active = np.ones(self.n_apps, dtype=bool)
        self.reset()

    def reset(self) -> None:
        """Every decision undone (the claims of inactive applications ``SKIPPED``)."""
        n = self.n
        if self.active.all():
            self.status = np.full(n, AWARDED, dtype=np.int8)
        else:
            self.status = np.where(self.active[self.app], AWARDED, SKIPPED).astype(np.int8)
        self._reason_codes: dict[str, int] = {"": 0}
        self.reason = np.zeros(n, dtype=np.int32)  # the codes of the results' ``Codes``
        self.amount = np.zeros(n, dtype=np.int64)
        self.ceiling = np.zeros(n, dtype=bool)
        self.capped = np.zeros(n, dtype=bool)
        self._missing: list[tuple[npt.NDArray[np.int64], str]] = []
        self.prior_cut = np.zeros(n, dtype=np.int64)
        self.big = np.zeros(n, dtype=bool)  # an amount beyond int64: left to the reference

    def everywhere(self, values: Values) -> bool:
        """Whether ``values`` (an input of the columns) is present in every row."""
        key = id(values)
        if key not in self._everywhere:
            self._everywhere[key] = bool(values.present.all())
        return self._everywhere[key]

    # -- codes
    def code(self, measure: str) -> int:
        """A measure's code (-2 if no claim or earlier award names it)."""
        return self._codes.get(measure, -2)

    def reason_code(self, reason: str) -> int:
        return self._reason_codes.setdefault(reason, len(self._reason_codes))

    @property
    def reasons(self) -> list[str]:
        return list(self._reason_codes)

    def add_missing(self, rows: npt.NDArray[np.int64], name: str) -> None:
        """``name`` is missing for ``rows`` (listed once per claim, in the order found)."""
        if len(rows):
            self._missing.append((np.asarray(rows, dtype=np.int64), name))

    def missing(self) -> Codes:
        """Per claim, its missing facts joined by ``;`` ("" where none)."""
        out = np.zeros(self.n, dtype=np.int32)
        vocabulary: dict[str, int] = {"": 0}
        if self._missing:
            names: dict[str, int] = {}
            rows = np.concatenate([r for r, _ in self._missing])
            which = np.concatenate(
                [np.full(len(r), names.setdefault(x, len(names))) for r, x in self._missing]
            )
            _, first = np.unique(rows * len(names) + which, return_index=True)
            first.sort()  # the first mention of each (claim, name), in the order found
            rows, which = rows[first], which[first]
            order = np.argsort(rows, kind="stable")
            rows, which = rows[order], which[order]
            listed = list(names)
            starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
            sizes = np.diff(np.r_[starts, len(rows)])
            # A claim missing one fact: that name (most); several: joined one by one.
            single = starts[sizes == 1]
            codes = np.array([vocabulary.setdefault(x, len(vocabulary)) for x in listed])
            out[rows[single]] = codes[which[single]]
            words = which.tolist()
            several = sizes > 1
            for start, size in zip(starts[several].tolist(), sizes[several].tolist(), strict=True):
                text = ";".join(listed[w] for w in words[start : start + size])
                out[rows[start]] = vocabulary.setdefault(text, len(vocabulary))
        return Codes(out, list(vocabulary))

    def key_codes(self, name: str) -> tuple[Ints, Ints]:
        """What claims and earlier awards are matched on (``key_values``), as integers
        that are equal where the values are: per claim its ``name`` (a claim key, else
        the fact, else the enterprise's input) and per earlier award the key it names;
        -1 where not named. Text is a position in ``key_words(name)``; a value that is
        not text is below -9, so never equal to an earlier award's key."""
        if name not in self._keys:
            words: dict[str, int] = {}
            others: dict[Any, int] = {}
            claim = np.full(self.n, -1, dtype=np.int64)
            if name in self.c.keys:
                claim[:] = self.c.keys[name].recoded(words)
            else:
                enterprise = self.c.enterprise.get(name)
                if enterprise is not None:
                    _key_into(claim, _value_codes(enterprise, words, others)[self.app])
                fact = self.c.facts.get(name)
                if fact is not None:
                    _key_into(claim, _value_codes(fact, words, others))
            history = np.full(len(self.h_app), -1, dtype=np.int64)
            if name in self.c.history.keys:
                history[:] = self.c.history.keys[name].recoded(words)
            self._keys[name] = (claim, history)
            self._key_words[name] = list(words)
        return self._keys[name]

    def key_words(self, name: str) -> list[str]:
        """The text behind the codes of ``key_codes(name)``."""
        self.key_codes(name)
        return self._key_words[name]

    # -- rows
    def rows_of(self, measure: str) -> npt.NDArray[np.int64]:
        """The claims of ``measure``, in order."""
        code = self.code(measure)
        if code < 0:
            return np.zeros(0, dtype=np.int64)
        if code not in self._rows:  # few measures: one comparison each beats a sort
            self._rows[code] = np.flatnonzero(self.measure_code == code)
        return self._rows[code]

    def history_of(self, measures: Iterable[str] | None = None) -> npt.NDArray[np.int64]:
        """The earlier awards of ``measures`` (None: all), by application, input order
        within one."""
        if measures is None:
            return self._h_by_app
        codes = [c for c in (self.code(m) for m in measures) if c >= 0]
        if len(codes) == 1:  # one array per measure, so ``pairs`` can keep its counts
            c = codes[0]
            if c not in self._h_of:
                start, end = self._h_measure_starts[c], self._h_measure_starts[c + 1]
                self._h_of[c] = self._h_by_measure[start:end]
            return self._h_of[c]
        wanted = np.zeros(len(self.measures) + 1, dtype=bool)
        wanted[codes] = True
        out: npt.NDArray[np.int64] = self._h_by_app[wanted[self.h_measure[self._h_by_app]]]
        return out

    def pairs(
        self, apps: npt.NDArray[np.int64], history: npt.NDArray[np.int64]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Every (position in ``apps``, earlier award in ``history``) of the same
        application; ``history`` sorted by application. By position, then input order."""
        if history is self._h_by_app:  # all of them: where each application's begin
            if self._h_app_starts is None:
                self._h_app_starts = starts_by(self.h_app, self.n_apps)
            lo = self._h_app_starts[apps]
            counts = self._h_app_starts[apps + 1] - lo
        elif len(apps) * 16 < self.n_apps:  # few applications: a binary search each
            owners = self.h_app[history]
            lo = np.searchsorted(owners, apps, "left")
            counts = np.searchsorted(owners, apps, "right") - lo
        else:  # a count per application (searches would cost more)
            per_app, ends = self._app_counts(history)
            counts = per_app[apps]
            lo = ends[apps] - counts
        at = np.repeat(np.arange(len(apps), dtype=np.int64), counts)
        offset = np.repeat(lo - (np.cumsum(counts) - counts), counts)
        return at, history[np.arange(len(at), dtype=np.int64) + offset]

    def _app_counts(self, history: npt.NDArray[np.int64]) -> tuple[Ints, Ints]:
        """Per application, how many of ``history`` it has and where they end; kept for
        the earlier awards of one measure (``history_of``), which several steps ask."""
        code = next((c for c, rows in self._h_of.items() if rows is history), None)
        if code is not None and code in self._h_counts:
            return self._h_counts[code]
        per_app = np.bincount(self.h_app[history], minlength=self.n_apps)
        out = per_app, np.cumsum(per_app)
        if code is not None:
            self._h_counts[code] = out
        return out

    def paid(self) -> Bools:
        return self.status <= CAPPED

    def of(self, measures: Iterable[str]) -> Bools:
        """The claims of any of ``measures``."""
        wanted = np.zeros(len(self.measures) + 1, dtype=bool)
        wanted[[self._codes[m] for m in measures if m in self._codes]] = True
        out: Bools = wanted[self.measure_code]
        return out


# Up to this many measures claimed, each measure's claims are found (when asked for)
# by a comparison over all claims, about 1 ms per million claims and measure, rather
# than by one stable sort of them all, about 10 ms per million.
_FEW_MEASURES = 12


def _small(codes: Ints) -> Ints:
    """Codes as int8 or int16 where they fit: numpy's stable sort of those is a radix
    sort (the fewer bytes, the faster)."""
    most = int(codes.max()) if len(codes) else 0
    if most < 2**7:
        return codes.astype(np.int8)
    return codes.astype(np.int16) if most < 2**15 else codes


def _value_codes(values: Values, words: dict[str, int], others: dict[Any, int]) -> Ints:
    """An input's values as key codes: text into ``words``; other values into ``others``
    as -10 and below (so never equal to an earlier award's key); -1 where missing."""
    if isinstance(values.data, Codes):
        return values.data.recoded(words).astype(np.int64)
    data = values.data
    if data.dtype == object:  # sets: tuples of members
        distinct = list(dict.fromkeys(data.tolist()))
        inverse = np.array([distinct.index(v) for v in data.tolist()], dtype=np.int64)
    else:
        unique, inverse = np.unique(data, return_inverse=True)
        distinct = unique.tolist()
    table = np.array([-10 - others.setdefault(v, len(others)) for v in distinct], np.int64)
    out: Ints = np.where(values.present, table[inverse.reshape(-1)], -1)
    return out


def _key_into(target: Ints, codes: Ints) -> None:
    """``codes`` where they name a value (a fact over the enterprise's input)."""
    named = codes != -1
    target[named] = codes[named]


def starts_by(owner: Ints, n: int) -> Ints:
    """Where each owner ``0..n`` begins among rows sorted by owner (``n``: the end)."""
    out: Ints = np.concatenate([[0], np.cumsum(np.bincount(owner, minlength=n)[:n])])
    return out


def starts_of(gid: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    """True at the first row of each group (``gid`` sorted)."""
    first = np.ones(len(gid), dtype=bool)
    if len(gid) > 1:
        first[1:] = gid[1:] != gid[:-1]
    return first


def sorted_sums(owner: npt.NDArray[np.int64], values: Ints, n: int) -> Ints:
    """Per owner ``0..n-1``, the sum of its ``values`` (int64, wrapping as ``np.add``),
    ``owner`` ascending: one sum per run."""
    if not len(owner):
        return np.zeros(n, dtype=np.int64)
    starts = np.flatnonzero(starts_of(owner))
    sums: Ints = np.add.reduceat(values, starts)
    if len(starts) == n:  # every owner has a value: the sums are in order
        return sums
    out = np.zeros(n, dtype=np.int64)
    out[owner[starts]] = sums
    return out


def ascending(values: npt.NDArray[Any]) -> bool:
    return len(values) < 2 or bool((values[1:] >= values[:-1]).all())


def owner_sums(at: npt.NDArray[np.int64], values: Ints, n: int) -> Ints:
    """Per owner ``0..n-1``, the sum of its ``values`` (≥ 0), saturated at ``INT64_MAX``:
    beyond that every limit is exceeded anyway (a thousand awards of 10^17 fen would
    leave int64)."""
    out = np.zeros(n, dtype=np.int64)
    if not len(at):
        return out
    if ascending(at):  # owners in runs: a sum per run, no scattered additions
        starts = np.flatnonzero(starts_of(at))
        most = int(np.diff(np.r_[starts, len(at)]).max())
        if int(values.max()) <= INT64_MAX // most:
            out[at[starts]] = np.add.reduceat(values, starts)
            return out
    else:
        most = int(np.bincount(at).max())
        if int(values.max()) <= INT64_MAX // most:
            np.add.at(out, at, values)
            return out
    exact = np.zeros(n, dtype=object)
    np.add.at(exact, at, values.astype(object))
    saturated: Ints = np.minimum(exact, INT64_MAX).astype(np.int64)
    return saturated


@dataclass
class Items:
    """The records of a list input over a kernel's rows, flattened: ``owner`` is the
    position of each record's claim in the kernel, ``cols`` its fields as int64."""

    owner: npt.NDArray[np.int64]
    cols: dict[str, Ints]
    longest: int  # records of the longest list

    @property
    def n(self) -> int:
        return len(self.owner)


_FIELD_READERS: dict[str, Any] = {"money": fen_of, "count": int, "year": int, "rate": rate_of}


class Kernel:
    """One measure's claims (``rows`` of the frame) as a generated kernel sees them."""

    def __init__(self, frame: Frame, rows: npt.NDArray[np.int64]) -> None:
        self.f = frame
        self.rows = rows  # ascending
        self.n = len(rows)
        self.live = np.ones(self.n, dtype=bool)
        self.present: dict[str, Bools | None] = {}  # None: present in every row
        self.capped = np.zeros(self.n, dtype=bool)
        self._apps = frame.app[rows]

    @cached_property
    def _year(self) -> Ints:
        """Each row's application year (read by the period and history tests only)."""
        out: Ints = self.f.year[self._apps]
        return out

    # -- reading inputs: values (a neutral value where missing) and presence
    def _read(self, name: str) -> Any:
        spec = self.f.inputs[name]
        if spec.origin == "enterprise":
            values, at = self.f.c.enterprise.get(name), self._apps
        else:
            values, at = self.f.c.facts.get(name), self.rows
        if values is None:  # no claim names it: missing everywhere
            self.present[name] = np.zeros(self.n, dtype=bool)
            if spec.type in ("text", "enum"):
                return Codes(np.full(self.n, -1, dtype=np.int32), [])
            if spec.type in ("set", "list"):
                return np.full(self.n, None, dtype=object)
            return np.zeros(self.n, dtype=bool if spec.type == "bool" else np.int64)
        if self.f.everywhere(values):  # (need() then has nothing to find)
            self.present[name] = None
        else:
            self.present[name] = values.present[at]
        if isinstance(values.data, Codes):
            return values.data.take(at)
        return values.data[at]

    def money(self, name: str) -> Ints:
        out: Ints = self._read(name)
        return out

    def count(self, name: str) -> Ints:
        out: Ints = self._read(name)
        return out

    def rate(self, name: str) -> Ints:
        out: Ints = self._read(name)
        return out

    def flag(self, name: str) -> Bools:
        out: Bools = self._read(name)
        return out

    def text(self, name: str) -> Codes:
        """Text and enum inputs: codes into the vocabulary (-1 where missing)."""
        out: Codes = self._read(name)
        return out

    def members(self, name: str) -> npt.NDArray[np.object_]:
        """A set-valued input: tuples of enum values (None where missing)."""
        out: npt.NDArray[np.object_] = self._read(name)
        return out

    def records(self, name: str) -> npt.NDArray[np.object_]:
        """A list input: lists of records (None where missing); see ``items``."""
        out: npt.NDArray[np.object_] = self._read(name)
        return out

    def items(self, values: npt.NDArray[np.object_], fields: tuple[tuple[str, str], ...]) -> Items:
        """A list input's records (``each``): one row per record, fields in fen/ints."""
        counts = [len(v) if v else 0 for v in values]
        owner = np.repeat(np.arange(self.n, dtype=np.int64), counts)
        flat = [record for v in values if v for record in v]
        cols = {
            field: np.fromiter(
                (_FIELD_READERS[kind](record[field]) for record in flat), np.int64, len(flat)
            )
            for field, kind in fields
        }
        return Items(owner, cols, max(counts, default=0))

    def cap_items(self, it: Items, amount: Ints, limit: int) -> Ints:
        """A cap per record: a claim with any record over it is capped (as ``ev.cap``)."""
        over = np.asarray(amount > limit, dtype=bool)
        hit = np.zeros(self.n, dtype=bool)
        hit[it.owner[over]] = True
        self.capped |= self.live & hit
        return np.minimum(amount, limit)

    def sum_items(self, it: Items, amount: Ints, bound: int) -> Ints:
        """Each claim's records summed; on Python integers where the longest list times
        the bound of one record's amount could leave int64."""
        if amount.dtype != object and it.longest * bound <= INT64_MAX:
            out = np.zeros(self.n, dtype=np.int64)
            np.add.at(out, it.owner, amount)
            return out
        sums = [0] * self.n
        for owner, value in zip(it.owner.tolist(), amount.tolist(), strict=True):
            sums[owner] += int(value)
        exact = np.empty(self.n, dtype=object)
        exact[:] = sums
        return exact

    def contains(
        self, values: npt.NDArray[np.object_], members: tuple[str, ...], quantifier: str
    ) -> Bools:
        """``contains`` on a set input (``Evaluation.contains``)."""
        wanted = set(members)
        if quantifier == "all":
            held = (v is not None and wanted.issubset(v) for v in values)
        else:
            held = (v is not None and not wanted.isdisjoint(v) for v in values)
        return np.fromiter(held, dtype=np.bool_, count=self.n)

    def size_of(self, values: npt.NDArray[np.object_]) -> Ints:
        """How many values a set input holds (0 where missing; decided by ``need``)."""
        return np.fromiter((len(v) if v else 0 for v in values), np.int64, self.n)

    # -- helpers the generated expressions use
    def exact(self, values: Ints) -> npt.NDArray[np.object_]:
        """The same integers as Python ints: arithmetic that cannot overflow."""
        out = np.empty(len(values), dtype=object)
        out[:] = [int(v) for v in values]
        return out

    def const(self, value: int, n: int | None = None) -> Ints:
        n = self.n if n is None else n
        if abs(value) < 2**62:
            return np.full(n, value, dtype=np.int64)
        out = np.empty(n, dtype=object)
        out[:] = [value] * n
        return out

    def none(self) -> Bools:
        return np.zeros(self.n, dtype=bool)

    def all(self) -> Bools:
        return np.ones(self.n, dtype=bool)

    def isin(self, values: Codes | npt.NDArray[np.object_], members: tuple[str, ...]) -> Bools:
        """Text (codes) among ``members`` (False where missing)."""
        if isinstance(values, Codes):
            table = np.zeros(len(values.vocabulary) + 1, dtype=bool)  # the last: missing
            table[[c for c in map(values.code_of, members) if c >= 0]] = True
            out: Bools = table[values.codes]
            return out
        return np.fromiter((v in members for v in values), dtype=bool, count=self.n)

    def nonempty(self, values: Codes | npt.NDArray[np.object_]) -> Bools:
        if isinstance(values, Codes):
            table = np.array([bool(w) for w in values.vocabulary] + [False], dtype=bool)
            out: Bools = table[values.codes]
            return out
        return np.fromiter((bool(v) for v in values), dtype=bool, count=self.n)

    def increase(self, new: Ints, old: Ints) -> Ints:
        out: Ints = np.maximum(new - old, 0)
        return out

    def steps_of(self, base: Ints, size: int) -> Ints:
        out: Ints = np.maximum(base, 0) // size
        return out

    def by_year(self, values: tuple[tuple[int, int], ...], default: int) -> Ints:
        """A dated parameter: the value in force on 1 January of the application year
        (the first value before any is in force, as ``Evaluation.param``)."""
        out = np.full(self.n, default, dtype=np.int64)
        for first, value in values:  # in the order they took effect
            out = np.where(self._year >= first, value, out)
        return out

    def select(self, tests: tuple[Bools, ...], choices: tuple[Ints, ...], default: Any) -> Ints:
        if any(c.dtype == object for c in choices):
            out: Ints = np.empty(self.n, dtype=object)
            out[:] = [default] * self.n if np.isscalar(default) else list(default)
            for test, choice in zip(reversed(tests), reversed(choices), strict=True):
                out[test] = choice[test]
            return out
        out = np.zeros(self.n, dtype=np.int64)
        out[:] = default
        # The first test that holds wins: applied last. Arithmetic, not a masked copy
        # (about three times faster); both values are below 2^62, so their difference
        # fits int64.
        for test, choice in zip(reversed(tests), reversed(choices), strict=True):
            out += test * (choice - out)
        return out

    # -- decisions (each applies to the rows still live)
    def _decide(self, mask: Bools, status: int, reason: str) -> None:
        hit = self.live & mask
        if hit.any():
            rows = self.rows[np.flatnonzero(hit)]  # (faster than a boolean index)
            self.f.status[rows] = status
            self.f.reason[rows] = self.f.reason_code(reason)
            self.live &= ~hit

    def in_force(self, start: int, end: int) -> None:
        first, last = self.f.year_span
        if start <= first and last <= end:
            return  # every application's year is in the period
        self._decide((self._year < start) | (self._year > end), NOT_ELIGIBLE, "not_in_force")

    def need(self, *names: str) -> None:
        """Missing facts among ``names`` leave the claim undetermined (missing in order)."""
        known = [self.present[name] for name in names]
        absent = [~p for p in known if p is not None and not p.all()]
        if not absent:
            return
        anything = absent[0]  # a new array: ~present
        for gone in absent[1:]:
            anything |= gone
        anything &= self.live
        if not anything.any():
            return
        for name, present in zip(names, known, strict=True):
            if present is not None:
                self.f.add_missing(self.rows[np.flatnonzero(~present & anything)], name)
        self._decide(anything, UNDETERMINED, "missing")

    def require(self, ok: Bools, reason: str = "condition") -> None:
        self._decide(~ok, NOT_ELIGIBLE, reason)

    def exclude(self, hit: Bools) -> None:
        self._decide(hit, EXCLUDED, "excluded")

    def fail(self, mask: Bools, reason: str) -> None:
        self._decide(mask, NOT_ELIGIBLE, reason)

    def ceiling(self, mask: Bools) -> None:
        self.f.ceiling[self.rows[mask & self.live]] = True

    def cap(self, amount: Ints, limit: int) -> Ints:
        over = amount > limit
        self.capped |= self.live & np.asarray(over, dtype=bool)
        return np.minimum(amount, limit)

    # -- earlier awards (module functions below)
    def identified(self, measure: str, item: str) -> None:
        identified(self, measure, item)

    def once(self, measure: str, keys: tuple[str, ...]) -> None:
        once(self, measure, keys)

    def years(self, measure: str, item: str, limit: int, consecutive: bool) -> None:
        years(self, measure, item, limit, consecutive)

    def top_up(self, measure: str, keys: tuple[str, ...]) -> None:
        top_up(self, measure, keys)

    def steps(
        self,
        measure: str,
        name: str,
        value: Ints,
        size: tuple[int, Decimal],
        rows: tuple[tuple[int | None, int | None, int], ...],
        inclusive: bool,
        first_time: bool,
        first_year: int | None,
        exact: bool,
    ) -> Ints:
        return steps(
            self, measure, name, value, size, rows, inclusive, first_time, first_year, exact
        )

    def staged(
        self,
        measure: str,
        total: Ints,
        scale: int,
        stage: Codes,
        due: dict[str, int],
        full: int,
        clawback: str | None,
    ) -> Ints:
        return staged(self, measure, total, scale, stage, due, full, clawback)

    def missing_fact(self, mask: Bools, name: str) -> None:
        """``name`` (its earlier years) missing for the masked live rows: undetermined."""
        hit = mask & self.live
        self.f.add_missing(self.rows[np.flatnonzero(hit)], name)
        self._decide(hit, UNDETERMINED, "missing")

    def award(self, amount: Ints, scale: int, ceiling: bool) -> None:
        """Round to the fen, half-up (to_fen), and record the claim's own amount."""
        live = self.live
        if amount.dtype == object:
            rows = self.rows[live]
            fen = round_half_up(amount[live], scale - 2)
            fits = np.fromiter((abs(v) < 2**62 for v in fen), dtype=bool, count=len(fen))
            self.f.big[rows[~fits]] = True
            self.f.amount[rows[fits]] = np.array([int(v) for v in fen[fits]], dtype=np.int64)
        else:
            # Every row written, 0 where not live (as before the kernel): a product
            # costs less than selecting the live rows.
            fen = round_half_up(amount, scale - 2)
            self.f.amount[self.rows] = fen if live.all() else fen * live
        capped = self.capped & live
        if capped.any():
            rows = self.rows[np.flatnonzero(capped)]
            self.f.capped[rows] = True
            self.f.status[rows] = CAPPED
        if ceiling:
            self.f.ceiling[self.rows] |= live


def round_half_up(amount: Ints, digits: int) -> Ints:
    """Integers of 10^-(digits+2) yuan to fen, ties away from zero (ROUND_HALF_UP)."""
    if digits <= 0:
        return amount * 10 ** (-digits) if digits else amount
    d = 10**digits
    h = d // 2
    if amount.dtype == object:
        out = np.empty(len(amount), dtype=object)
        out[:] = [(v + h) // d if v >= 0 else -((-v + h) // d) for v in amount]
        return out
    # One floor division: -((-v + h) // d) == (v + h - 1) // d for v < 0 (d is even),
    # and the amounts are below 2^62, so v + h stays in int64.
    rounded: Ints = (amount + (h - (amount < 0))) // d
    return rounded


# --------------------------------------------------------------------------- history
# Earlier awards are matched to claims as pairs (the kernel's row, the award) of one
# application (``Frame.pairs``), only for the live rows of applications that have any
# and only over the awards of the measure asked about; the tests are then columns.


def _earlier(k: Kernel, measure: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(position in the kernel, earlier award of ``measure``) for the live rows."""
    pos = np.flatnonzero(k.live & k.f.has_history[k._apps])
    at, award = k.f.pairs(k._apps[pos], k.f.history_of((measure,)))
    return pos[at], award


def _same_keys(k: Kernel, pos: Ints, award: Ints, keys: tuple[str, ...]) -> Bools:
    """The award names the claim's keys (``key_values``; unnamed equals unnamed)."""
    same = np.ones(len(pos), dtype=bool)
    for key in keys:
        claim, history = k.f.key_codes(key)
        same &= claim[k.rows[pos]] == history[award]
    return same


def _mark(k: Kernel, positions: Ints) -> Bools:
    mask = np.zeros(k.n, dtype=bool)
    mask[positions] = True
    return mask


def identified(k: Kernel, measure: str, item: str) -> None:
    """``_identified``: an earlier award of the measure that this claim, or that award,
    does not name the item of cannot be matched: undetermined, the item is missing."""
    pos, award = _earlier(k, measure)
    claim, history = k.f.key_codes(item)
    unknown = (k.f.h_year[award] <= k._year[pos]) & (
        (claim[k.rows[pos]] == -1) | (history[award] == -1)
    )
    k.missing_fact(_mark(k, pos[unknown]), item)


def once(k: Kernel, measure: str, keys: tuple[str, ...]) -> None:
    """``_once``: already awarded for the same keys (in an earlier or this year)."""
    pos, award = _earlier(k, measure)
    done = (k.f.h_year[award] <= k._year[pos]) & _same_keys(k, pos, award, keys)
    k._decide(_mark(k, pos[done]), NOT_ELIGIBLE, "already_awarded")


def years(k: Kernel, measure: str, item: str, limit: int, consecutive: bool) -> None:
    """``_years``: at most ``limit`` years with an award (for the same item), or the
    ``limit`` consecutive years from the first award."""
    pos, award = _earlier(k, measure)
    counted = k.f.h_year[award] < k._year[pos]
    if item:
        counted &= _same_keys(k, pos, award, (item,))
    pos, year = pos[counted], k.f.h_year[award[counted]]
    if consecutive:
        first = np.full(k.n, np.iinfo(np.int64).max // 2, dtype=np.int64)
        if len(pos):  # pos ascending (``Frame.pairs``): the earliest year of each run
            starts = np.flatnonzero(starts_of(pos))
            first[pos[starts]] = np.minimum.reduceat(year, starts)
        used = k._year >= first + limit
    else:
        seen = np.unique(pos * 10_000 + year) // 10_000  # years are 1000..9999
        used = np.bincount(seen, minlength=k.n) >= limit
    k._decide(used & k.f.has_history[k._apps], NOT_ELIGIBLE, "years_used")


def top_up(k: Kernel, measure: str, keys: tuple[str, ...]) -> None:
    """``_top_up`` (补差): what the measure already paid for the same keys is deducted;
    a claim no higher than that gets nothing."""
    pos, award = _earlier(k, measure)
    same = (k.f.h_year[award] <= k._year[pos]) & _same_keys(k, pos, award, keys)
    pos, award = pos[same], award[same]
    earlier = _mark(k, pos)
    paid = owner_sums(pos, k.f.h_amount[award], k.n)[earlier]
    rows = k.rows[earlier]
    before = k.f.amount[rows]
    nothing = before <= paid
    k.f.amount[rows] = np.where(nothing, 0, before - paid)
    k._decide(_mark(k, np.flatnonzero(earlier)[nothing]), NOT_ELIGIBLE, "already_awarded")


def _first_steps(
    k: Kernel,
    measure: str,
    name: str,
    size: int,
    unit: int,
    inclusive: bool,
    first_time: bool,
    first_year: int | None,
) -> tuple[Ints, Bools]:
    """Per row, the first step number not yet rewarded (``Evaluation.steps``): above the
    highest step the history of awards names and, with ``first_time``, above every step
    the input passed in an earlier year; and the rows whose earlier years are missing.
    ``size`` is the step in the input's units, ``unit`` those units per yuan."""
    highest = np.zeros(k.n, dtype=np.int64)
    pos, award = _earlier(k, measure)
    step = k.f.h_step[award]
    named = step >= 0
    if named.any():
        # step fen → step number, exactly (fen × units per yuan can leave int64).
        number = step[named]
        if int(number.max()) <= INT64_MAX // unit and 100 * size <= INT64_MAX:
            number = number * unit // (100 * size)
        else:
            number = number.astype(object) * unit // (100 * size)
        number = np.minimum(number, INT64_MAX).astype(np.int64)
        np.maximum.at(highest, pos[named], number)
    gaps = np.zeros(k.n, dtype=bool)
    if first_time:
        begin = k._year - 1 if first_year is None else np.full(k.n, first_year - 1)
        past = k.f.c.past
        values = past.facts.get(name)
        per_app = np.zeros(k.f.n_apps, dtype=np.int64)
        years_known = np.zeros(k.f.n_apps, dtype=np.int64)
        if values is not None:
            rows = np.flatnonzero(values.present & (past.year < k.f.year[past.app]))
            # One value per application and year: the last recorded (``past_values``).
            key = past.app[rows] * 10_000 + past.year[rows]  # years are 1000..9999
            if not ascending(key):  # (past years are usually given in order)
                order = np.argsort(key, kind="stable")
                rows, key = rows[order], key[order]
            rows = rows[np.r_[key[1:] != key[:-1], True]] if len(rows) else rows
            value = values.data[rows]
            passed = np.where(value > 0, value // size, 0)
            if not inclusive:
                passed = passed - ((value > 0) & (passed * size == value))
            owner = past.app[rows]  # ascending: the highest step per run
            if len(rows):
                starts = np.flatnonzero(starts_of(owner))
                per_app[owner[starts]] = np.maximum(np.maximum.reduceat(passed, starts), 0)
            first = np.full(k.f.n_apps, 0, dtype=np.int64)
            first[k._apps] = begin
            counted = past.year[rows] >= first[owner]
            years_known = np.bincount(owner[counted], minlength=k.f.n_apps)[: k.f.n_apps]
        gaps = years_known[k._apps] < k._year - begin
        highest = np.maximum(highest, per_app[k._apps])
    return highest + 1, gaps


def steps(
    k: Kernel,
    measure: str,
    name: str,
    value: Ints,
    size: tuple[int, Decimal],
    rows: tuple[tuple[int | None, int | None, int], ...],
    inclusive: bool,
    first_time: bool,
    first_year: int | None,
    exact: bool,
) -> Ints:
    """Step awards in closed form: each row pays its amount times the number of new steps
    (from the first not yet rewarded to the last the value passed or reached) whose
    threshold falls in it; ``rows`` give those step numbers as bounds (None: open)."""
    scaled_size, size_yuan = size
    unit = int(Decimal(scaled_size) / size_yuan)
    first_k, gaps = _first_steps(
        k, measure, name, scaled_size, unit, inclusive, first_time, first_year
    )
    k.missing_fact(gaps, name)
    last_k = np.where(value > 0, value // scaled_size, 0)
    if not inclusive:
        last_k = last_k - ((value > 0) & (last_k * scaled_size == value))
    total: Ints = np.zeros(k.n, dtype=object if exact else np.int64)
    if exact:
        total[:] = [0] * k.n
    paid_to = np.zeros(k.n, dtype=np.int64)  # the highest step now paid, as a step number
    for lo, hi, amount in rows:
        k_lo = first_k if lo is None else np.maximum(first_k, lo)
        k_hi = last_k if hi is None else np.minimum(last_k, hi)
        count = np.maximum(k_hi - k_lo + 1, 0)
        total = total + (count.astype(object) if exact else count) * amount
        paid_to = np.where(count > 0, np.maximum(paid_to, k_hi), paid_to)
    k.fail(paid_to == 0, "no_new_step")
    return total


def staged(
    k: Kernel,
    measure: str,
    total: Ints,
    scale: int,
    stage: Codes,
    due: dict[str, int],
    full: int,
    clawback: str | None,
) -> Ints:
    """``Evaluation.staged``: the share due by the stage (``due``: cumulative shares at
    ``scale`` decimals more than ``total``; a stage not listed is due in full) less what
    the measure already paid for the same project, any year; the clawback stage returns
    everything paid. Paid amounts too large for int64 send the application back."""
    factor = 10 ** (scale - 2)  # fen to the scale of the result
    pos, award = _earlier(k, measure)
    claim, history = k.f.key_codes("project")
    mine = claim[k.rows[pos]]
    same = (mine == -1) | (mine == history[award])
    fen = owner_sums(pos[same], k.f.h_amount[award[same]], k.n)
    big = fen >= -(-(INT64_MAX // 2) // factor)  # fen × factor ≥ INT64_MAX // 2
    k.f.big[k.rows[big]] = True
    paid = np.where(big, 0, fen) * factor
    words: list[str | None] = [*stage.vocabulary, None]  # code -1 (missing) is the last
    share = np.array([full if w is None else due.get(w, full) for w in words], np.int64)
    share = share[stage.codes]
    back = np.array([w == clawback for w in words], dtype=bool)[stage.codes]
    out: Ints = np.where(back, -paid, np.maximum(total * share - paid, 0))
    return out
