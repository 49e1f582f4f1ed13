"""What generated columnar kernels run on: the claims of a batch as columns.

``Frame`` holds every claim of a batch of applications, in application order and, within
one, in claim order: status, reason, amount (int64 fen), the ceiling and capped flags and
the missing facts, plus the typed input columns the kernels ask for. ``Kernel`` is the
view one measure's kernel works on (its rows). The set-level rules over all claims are in
``kfpl.columnar.rules``.

Semantics are those of ``kfpl.runtime.measure.Evaluation``, column by column: a claim
stays ``live`` while it is still awarded; each step that decides a claim (a missing
fact, a failed condition, no tier) applies only to the rows still live.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from kfpl.runtime.application import Application
from kfpl.runtime.measure import _steps_passed
from kfpl.runtime.money import ZERO

INT64_MAX = 2**62  # half of int64's range: a sum or rounding of two such values still fits
Bools = npt.NDArray[np.bool_]
Ints = npt.NDArray[Any]  # int64, or object (Python integers) where int64 could overflow

AWARDED, CAPPED, NOT_ELIGIBLE, UNDETERMINED, EXCLUDED, SUPERSEDED = range(6)
STATUS = ("awarded", "capped", "not_eligible", "undetermined", "excluded", "superseded")


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


def _fen(value: Decimal) -> int:
    return int(value.scaleb(2))


def _rate(value: Decimal) -> int:
    return int(value.scaleb(10))


class Frame:
    """The claims of a batch of (validated) applications, as columns."""

    def __init__(self, apps: list[Application], inputs: dict[str, Any]) -> None:
        self.apps = apps
        self.inputs = inputs  # name -> InputSpec
        claims = [(a, c) for a, app in enumerate(apps) for c in app.claims]
        self.claims = [c for _, c in claims]
        n = len(claims)
        self.n = n
        self.app = np.fromiter((a for a, _ in claims), dtype=np.int64, count=n)
        self.index = np.fromiter((c.index for _, c in claims), dtype=np.int64, count=n)
        ids = [c.measure for _, c in claims]
        self.measure = np.array(ids, dtype=object)
        # The measures as small integers too, so selecting claims by measure is a lookup.
        self._codes: dict[str, int] = {}
        self.measure_code = np.fromiter(
            (self._codes.setdefault(m, len(self._codes)) for m in ids), np.int64, n
        )
        self.year = np.fromiter((app.year for app in apps), dtype=np.int64, count=len(apps))
        self.status = np.zeros(n, dtype=np.int8)
        self.reason = np.full(n, "", dtype=object)
        self.amount = np.zeros(n, dtype=np.int64)
        self.ceiling = np.zeros(n, dtype=bool)
        self.capped = np.zeros(n, dtype=bool)
        # Missing facts by row, only for the rows that have any (most have none).
        self.missing: defaultdict[int, list[str]] = defaultdict(list)
        self.prior_cut = np.zeros(n, dtype=np.int64)
        self.big = np.zeros(n, dtype=bool)  # an amount beyond int64: left to the reference
        self.has_history = np.fromiter((bool(app.history) for app in apps), bool, len(apps))
        self.has_past = np.fromiter((bool(app.past) for app in apps), bool, len(apps))
        self._enterprise: dict[str, tuple[list[Any], Bools]] = {}

    # -- input values of the given rows (None where missing)
    def raw(self, name: str, rows: npt.NDArray[np.int64]) -> list[Any]:
        spec = self.inputs[name]
        if spec.origin == "enterprise":
            values = self._enterprise.get(name)
            if values is None:
                column = [app.enterprise.get(name) for app in self.apps]
                values = (column, np.array([v is not None for v in column], dtype=bool))
                self._enterprise[name] = values
            column = values[0]
            return [column[a] for a in self.app[rows]]
        claims = self.claims
        return [claims[r].facts.get(name) for r in rows]

    def paid(self) -> Bools:
        return self.status <= CAPPED

    def of(self, measures: Iterable[str]) -> Bools:
        """The claims of any of ``measures``."""
        wanted = np.zeros(len(self._codes) + 1, dtype=bool)
        wanted[[self._codes[m] for m in measures if m in self._codes]] = True
        out: Bools = wanted[self.measure_code]
        return out


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


_FIELD_READERS: dict[str, Any] = {"money": _fen, "count": int, "year": int, "rate": _rate}


class Kernel:
    """One measure's claims (``rows`` of the frame) as a generated kernel sees them."""

    def __init__(self, frame: Frame, rows: npt.NDArray[np.int64]) -> None:
        self.f = frame
        self.rows = rows
        self.n = len(rows)
        self.live = np.ones(self.n, dtype=bool)
        self.present: dict[str, Bools] = {}
        self.capped = np.zeros(self.n, dtype=bool)
        self._year = frame.year[frame.app[rows]]

    # -- reading inputs: values (a neutral value where missing) and presence
    def _read(self, name: str) -> list[Any]:
        values = self.f.raw(name, self.rows)
        self.present[name] = np.fromiter((v is not None for v in values), dtype=bool, count=self.n)
        return values

    def money(self, name: str) -> Ints:
        values = self._read(name)
        return np.fromiter((0 if v is None else _fen(v) for v in values), np.int64, self.n)

    def count(self, name: str) -> Ints:
        values = self._read(name)
        return np.fromiter((0 if v is None else int(v) for v in values), np.int64, self.n)

    def rate(self, name: str) -> Ints:
        values = self._read(name)
        return np.fromiter((0 if v is None else _rate(v) for v in values), np.int64, self.n)

    def flag(self, name: str) -> Bools:
        values = self._read(name)
        return np.fromiter((v is True for v in values), dtype=bool, count=self.n)

    def text(self, name: str) -> npt.NDArray[np.object_]:
        values = self._read(name)
        out = np.empty(self.n, dtype=object)
        out[:] = values
        return out

    def members(self, name: str) -> npt.NDArray[np.object_]:
        """A set-valued input: tuples of enum values (None where missing)."""
        return self.text(name)

    def records(self, name: str) -> npt.NDArray[np.object_]:
        """A list input: lists of records (None where missing); see ``items``."""
        return self.text(name)

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

    def isin(self, values: npt.NDArray[np.object_], members: tuple[str, ...]) -> Bools:
        return np.fromiter((v in members for v in values), dtype=bool, count=self.n)

    def nonempty(self, values: npt.NDArray[np.object_]) -> Bools:
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
        exact = any(c.dtype == object for c in choices)
        out: Ints = np.empty(self.n, dtype=object) if exact else np.zeros(self.n, dtype=np.int64)
        if exact:
            out[:] = [default] * self.n if np.isscalar(default) else list(default)
        else:
            out[:] = default
        for test, choice in zip(reversed(tests), reversed(choices), strict=True):
            out[test] = choice[test]
        return out

    # -- decisions (each applies to the rows still live)
    def _decide(self, mask: Bools, status: int, reason: str) -> None:
        hit = self.live & mask
        if hit.any():
            rows = self.rows[hit]
            self.f.status[rows] = status
            self.f.reason[rows] = reason
            self.live &= ~hit

    def in_force(self, start: int, end: int) -> None:
        self._decide((self._year < start) | (self._year > end), NOT_ELIGIBLE, "not_in_force")

    def need(self, *names: str) -> None:
        """Missing facts among ``names`` leave the claim undetermined (missing in order)."""
        absent = [~self.present[name] for name in names]
        anything = np.logical_or.reduce(absent) & self.live
        if not anything.any():
            return
        for pos in np.flatnonzero(anything):
            row = self.rows[pos]
            listed = self.f.missing[row]
            for name, gone in zip(names, absent, strict=True):
                if gone[pos] and name not in listed:
                    listed.append(name)
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
        stage: npt.NDArray[np.object_],
        due: dict[str, int],
        full: int,
        clawback: str | None,
    ) -> Ints:
        return staged(self, measure, total, scale, stage, due, full, clawback)

    def missing_fact(self, mask: Bools, name: str) -> None:
        """``name`` (its earlier years) missing for the masked live rows: undetermined."""
        hit = mask & self.live
        for row in self.rows[hit]:
            if name not in self.f.missing[row]:
                self.f.missing[row].append(name)
        self._decide(hit, UNDETERMINED, "missing")

    def award(self, amount: Ints, scale: int, ceiling: bool) -> None:
        """Round to the fen, half-up (to_fen), and record the claim's own amount."""
        fen = round_half_up(amount, scale - 2)
        live = self.live
        rows = self.rows[live]
        if fen.dtype == object:
            values = fen[live]
            fits = np.fromiter((abs(v) < 2**62 for v in values), dtype=bool, count=len(values))
            self.f.big[rows[~fits]] = True
            self.f.amount[rows[fits]] = np.array([int(v) for v in values[fits]], dtype=np.int64)
        else:
            self.f.amount[rows] = fen[live]
        capped = self.capped & live
        self.f.capped[self.rows[capped]] = True
        self.f.status[self.rows[capped]] = CAPPED
        if ceiling:
            self.f.ceiling[rows] = True


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
    rounded: Ints = np.where(amount >= 0, (amount + h) // d, -((-amount + h) // d))
    return rounded


# --------------------------------------------------------------------------- history
# Earlier awards are read claim by claim, but only for the claims of applications that
# have any (a small share of a population); every other row is left as it is.


def key_values(f: Frame, row: int, keys: tuple[str, ...]) -> tuple[Any, ...]:
    """A one-time award's keys for a claim: a claim key (project, product) or a fact."""
    claim = f.claims[row]
    app = f.apps[f.app[row]]
    return tuple(
        claim.keys[k] if k in claim.keys else claim.facts.get(k, app.enterprise.get(k))
        for k in keys
    )


def _with_history(k: Kernel) -> list[int]:
    has = k.f.has_history[k.f.app[k.rows]] & k.live
    return [int(p) for p in np.flatnonzero(has)]


def _refuse(k: Kernel, positions: list[int], status: int, reason: str) -> None:
    if positions:
        mask = np.zeros(k.n, dtype=bool)
        mask[positions] = True
        k._decide(mask, status, reason)


def identified(k: Kernel, measure: str, item: str) -> None:
    """``_identified``: an earlier award of the measure that this claim, or that award,
    does not name the item of cannot be matched: undetermined, the item is missing."""
    unknown = []
    for pos in _with_history(k):
        row = int(k.rows[pos])
        app = k.f.apps[k.f.app[row]]
        mine = k.f.claims[row].keys.get(item)
        if any(
            p.measure == measure
            and p.year <= app.year
            and (mine is None or p.keys.get(item) is None)
            for p in app.history
        ):
            unknown.append(pos)
            if item not in k.f.missing[row]:
                k.f.missing[row].append(item)
    _refuse(k, unknown, UNDETERMINED, "missing")


def once(k: Kernel, measure: str, keys: tuple[str, ...]) -> None:
    """``_once``: already awarded for the same keys (in an earlier or this year)."""
    done = []
    for pos in _with_history(k):
        row = int(k.rows[pos])
        app = k.f.apps[k.f.app[row]]
        wanted = key_values(k.f, row, keys)
        if any(
            p.measure == measure
            and p.year <= app.year
            and (not keys or tuple(p.keys.get(x) for x in keys) == wanted)
            for p in app.history
        ):
            done.append(pos)
    _refuse(k, done, NOT_ELIGIBLE, "already_awarded")


def years(k: Kernel, measure: str, item: str, limit: int, consecutive: bool) -> None:
    """``_years``: at most ``limit`` years with an award (for the same item), or the
    ``limit`` consecutive years from the first award."""
    used = []
    for pos in _with_history(k):
        row = int(k.rows[pos])
        app = k.f.apps[k.f.app[row]]
        mine = k.f.claims[row].keys.get(item) if item else None
        seen = sorted(
            {
                p.year
                for p in app.history
                if p.measure == measure
                and p.year < app.year
                and (not item or p.keys.get(item) == mine)
            }
        )
        if consecutive:
            if seen and app.year >= seen[0] + limit:
                used.append(pos)
        elif len(seen) >= limit:
            used.append(pos)
    _refuse(k, used, NOT_ELIGIBLE, "years_used")


def top_up(k: Kernel, measure: str, keys: tuple[str, ...]) -> None:
    """``_top_up`` (补差): what the measure already paid for the same keys is deducted;
    a claim no higher than that gets nothing."""
    done = []
    for pos in _with_history(k):
        row = int(k.rows[pos])
        app = k.f.apps[k.f.app[row]]
        wanted = key_values(k.f, row, keys)
        paid = sum(
            _fen(p.amount)
            for p in app.history
            if p.measure == measure
            and p.year <= app.year
            and (not keys or tuple(p.keys.get(x) for x in keys) == wanted)
        )
        earlier = any(
            p.measure == measure
            and p.year <= app.year
            and (not keys or tuple(p.keys.get(x) for x in keys) == wanted)
            for p in app.history
        )
        if not earlier:
            continue
        before = int(k.f.amount[row])
        if before <= paid:
            done.append(pos)
            k.f.amount[row] = 0
        else:
            k.f.amount[row] = before - paid
    _refuse(k, done, NOT_ELIGIBLE, "already_awarded")


def _first_steps(
    k: Kernel,
    measure: str,
    name: str,
    size: Decimal,
    inclusive: bool,
    first_time: bool,
    first_year: int | None,
) -> tuple[Ints, Bools]:
    """Per row, the first step number not yet rewarded (``Evaluation.steps``): above the
    highest step the history of awards names and, with ``first_time``, above every step
    the input passed in an earlier year; and the rows whose earlier years are missing."""
    first_k = np.ones(k.n, dtype=np.int64)
    gaps = np.zeros(k.n, dtype=bool)
    apps = k.f.app[k.rows]
    if first_time:
        start = k._year - 1 if first_year is None else np.full(k.n, first_year - 1)
        # Without any past facts, every year from the policy's first on is missing.
        gaps = (start < k._year) & ~k.f.has_past[apps]
    read = k.live & (k.f.has_history[apps] | (k.f.has_past[apps] if first_time else False))
    for pos in np.flatnonzero(read).tolist():
        app = k.f.apps[apps[pos]]
        done = [p.keys.get("step") for p in app.history if p.measure == measure]
        highest = max((d for d in done if isinstance(d, Decimal)), default=ZERO)
        if first_time:
            past = app.past_values(name)
            begin = app.year - 1 if first_year is None else first_year - 1
            if any(y not in past for y in range(begin, app.year)):
                gaps[pos] = True
                continue
            for before in past.values():
                highest = max(highest, _steps_passed(before, size, inclusive) * size)
        first_k[pos] = int(highest // size) + 1
    return first_k, gaps


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
    first_k, gaps = _first_steps(k, measure, name, size_yuan, inclusive, first_time, first_year)
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
    stage: npt.NDArray[np.object_],
    due: dict[str, int],
    full: int,
    clawback: str | None,
) -> Ints:
    """``Evaluation.staged``: the share due by the stage (``due``: cumulative shares at
    ``scale`` decimals more than ``total``; a stage not listed is due in full) less what
    the measure already paid for the same project, any year; the clawback stage returns
    everything paid. Paid amounts too large for int64 send the application back."""
    paid = np.zeros(k.n, dtype=np.int64)
    factor = 10 ** (scale - 2)  # fen to the scale of the result
    apps = k.f.app[k.rows]
    for pos in np.flatnonzero(k.live & k.f.has_history[apps]).tolist():
        row = int(k.rows[pos])
        app = k.f.apps[apps[pos]]
        project = k.f.claims[row].keys.get("project")
        fen = sum(
            _fen(p.amount)
            for p in app.history
            if p.measure == measure and (project is None or p.keys.get("project") == project)
        )
        if abs(fen * factor) >= INT64_MAX // 2:
            k.f.big[row] = True
        else:
            paid[pos] = fen * factor
    share = np.fromiter((due.get(v, full) for v in stage), np.int64, k.n)
    back = np.fromiter((v == clawback for v in stage), bool, k.n)
    out: Ints = np.where(back, -paid, np.maximum(total * share - paid, 0))
    return out
