"""Tiers and steps checked as intervals: overlaps and gaps, each with a witness value.

A tier row is an interval of the input it reads (`more than 20亿 and at most 30亿` is
(20亿, 30亿]). Under the default hit policy exactly one row must match every value an
eligible application can have: values from 0 up, narrowed by the measure's `requires`
lines on the same input. Membership is constant between the rows' bounds, so testing
every bound and one point inside each gap between bounds decides the question exactly,
and the point tested is the witness shown to the drafter ("investment = 20亿 matches
two tiers").
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from kfpl.check.base import Context, Ty, fmt_value
from kfpl.diagnostics import Secondary
from kfpl.runtime.bilingual import Text
from kfpl.syntax import nodes as n

_LOWER = ("at_least", "more_than")
_WORDS = {"at_least": "at least", "more_than": "more than", "at_most": "at most",
          "less_than": "less than", "equal": "=="}  # fmt: skip


@dataclass(frozen=True)
class Interval:
    """lo/hi of None are unbounded; closed ends include the bound."""

    lo: Decimal | None = None
    lo_closed: bool = False
    hi: Decimal | None = None
    hi_closed: bool = False

    def contains(self, x: Decimal) -> bool:
        if self.lo is not None and (x < self.lo or (x == self.lo and not self.lo_closed)):
            return False
        return not (self.hi is not None and (x > self.hi or (x == self.hi and not self.hi_closed)))

    def meet(self, other: Interval) -> Interval:
        lo, lo_closed = self.lo, self.lo_closed
        if other.lo is not None and (
            lo is None or other.lo > lo or (other.lo == lo and not other.lo_closed)
        ):
            lo, lo_closed = other.lo, other.lo_closed
        hi, hi_closed = self.hi, self.hi_closed
        if other.hi is not None and (
            hi is None or other.hi < hi or (other.hi == hi and not other.hi_closed)
        ):
            hi, hi_closed = other.hi, other.hi_closed
        return Interval(lo, lo_closed, hi, hi_closed)

    def is_empty(self) -> bool:
        if self.lo is None or self.hi is None:
            return False
        return self.lo > self.hi or (self.lo == self.hi and not (self.lo_closed and self.hi_closed))

    def points(self) -> list[Decimal]:
        return [p for p in (self.lo, self.hi) if p is not None]


def bound_interval(op: str, value: Decimal) -> Interval:
    if op == "at_least":
        return Interval(lo=value, lo_closed=True)
    if op == "more_than":
        return Interval(lo=value, lo_closed=False)
    if op == "at_most":
        return Interval(hi=value, hi_closed=True)
    if op == "less_than":
        return Interval(hi=value, hi_closed=False)
    return Interval(value, True, value, True)  # equal


NON_NEGATIVE = Interval(lo=Decimal(0), lo_closed=True)


# --------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class Row:
    node: n.TierRow
    interval: Interval
    text: str


def _row_text(row: n.TierRow) -> str:
    if row.otherwise:
        return "otherwise"
    bounds = [b for b in (row.low, row.high) if b is not None]
    return " and ".join(f"{_WORDS[b.op]} {b.value.text}" for b in bounds)


def _row_span(row: n.TierRow) -> n.Span:
    bounds = [b for b in (row.low, row.high) if b is not None]
    if not bounds or any(b.span.line == 0 for b in bounds):
        span = row.span
        return n.Span(span.file, span.line, span.column, span.line, span.column + 9)
    first, last = bounds[0].span, bounds[-1].span
    if last.line != first.line:
        return first
    return n.Span(first.file, first.line, first.column, last.end_line, last.end_column)


def row_interval(ctx: Context, row: n.TierRow, on: str) -> Interval | None:
    """The row's interval, or None (reported) when its bounds contradict each other."""
    bounds = [b for b in (row.low, row.high) if b is not None]
    interval = Interval()
    if len(bounds) == 2 and (bounds[0].op in _LOWER) == (bounds[1].op in _LOWER):
        side = Text("下限", "lower") if bounds[0].op in _LOWER else Text("上限", "upper")
        fix = "at most" if bounds[0].op in _LOWER else "at least"
        example = f"`{_WORDS[bounds[0].op]} {bounds[0].value.text} and {fix} …`"
        ctx.error(
            "KF0503",
            Text(f"该档有两个{side.zh}", f"this tier has two {side.en} bounds"),
            _row_span(row),
            label=Text.same(f"`{_row_text(row)}`"),
            help=Text(
                f"应由一个下限和一个上限组成，如 {example}",
                f"join a lower and an upper bound, e.g. {example}",
            ),
        )
        return None
    for bound in bounds:
        interval = interval.meet(bound_interval(bound.op, bound.value.value))
    if interval.is_empty():
        ctx.error(
            "KF0503",
            Text(
                f"`{on}` 的任何取值都不满足 `{_row_text(row)}`",
                f"no value of `{on}` is {_row_text(row)}",
            ),
            _row_span(row),
            label=Text("该档永远不会命中", "this tier can never match"),
            help=Text(
                "交换两个数字，或改正其中之一", "swap the two numbers, or correct one of them"
            ),
        )
        return None
    return interval


# --------------------------------------------------------------------------- witnesses


def _nice_above(x: Decimal, integral: bool) -> Decimal:
    """A round number above x: 20亿 -> 30亿, 0 -> 1."""
    if x <= 0:
        return Decimal(1)
    digits = math.floor(x.log10()) if x >= 1 else 0
    step = Decimal(10) ** digits
    return x + step if not integral else (x + step).to_integral_value(rounding=ROUND_FLOOR)


def _between(a: Decimal, b: Decimal, integral: bool) -> Decimal | None:
    if integral:
        low = a.to_integral_value(rounding=ROUND_FLOOR) + 1
        return low if low < b else None
    mid = (a + b) / 2
    rounded = mid.quantize(Decimal("0.01")) if abs(mid) < Decimal("1e20") else mid
    return rounded if a < rounded < b else mid


def candidates(points: set[Decimal], integral: bool) -> list[tuple[Decimal, bool]]:
    """Each bound, a point inside each gap between bounds and one above the last.

    The flag says whether the point is itself a bound (a preferred witness)."""
    ordered = sorted(points)
    out: list[tuple[Decimal, bool]] = []
    for i, p in enumerate(ordered):
        if not integral or p == p.to_integral_value():
            out.append((p, True))
        if i + 1 < len(ordered):
            mid = _between(p, ordered[i + 1], integral)
            if mid is not None:
                out.append((mid, False))
    if ordered:
        out.append((_nice_above(ordered[-1], integral), False))
    else:
        out.append((Decimal(0), False))
    return sorted(out)


# --------------------------------------------------------------------------- the sweep

MAX_OVERLAPS = 20  # pairs of overlapping rows reported per table: enough to fix the first ones


def _starts_before(row: Row, x: Decimal) -> bool:
    """The row's lower end is at or below x (x may be inside the row from here on)."""
    lo = row.interval.lo
    return lo is None or lo < x or (lo == x and row.interval.lo_closed)


def _ended_before(row: Row, x: Decimal) -> bool:
    hi = row.interval.hi
    return hi is not None and (hi < x or (hi == x and not row.interval.hi_closed))


def sweep(
    rows: list[Row], xs: list[Decimal], want_overlaps: Callable[[], bool]
) -> Iterator[tuple[Decimal, list[int]]]:
    """For each x (ascending), the indices of the rows that contain it, in row order.

    Rows enter the active set when the sweep reaches their lower end and leave it past
    their upper end (a heap), so the whole pass is O((rows + points) log rows); the
    overlapping rows beyond the first (the row that decides under `first match`) are
    listed, up to ``MAX_OVERLAPS``, only while ``want_overlaps()`` says so."""
    order = sorted(
        range(len(rows)),
        key=lambda i: (rows[i].interval.lo is not None, rows[i].interval.lo or 0,
                       not rows[i].interval.lo_closed),
    )  # fmt: skip
    ends: list[tuple[Decimal, bool, int]] = []  # (hi, open end first, index)
    active: list[int] = []  # a heap of row indices: its top is the first row in order
    alive: set[int] = set()
    nxt = 0
    for x in xs:
        while nxt < len(order) and _starts_before(rows[order[nxt]], x):
            i = order[nxt]
            nxt += 1
            if _ended_before(rows[i], x):
                continue
            alive.add(i)
            heapq.heappush(active, i)
            hi = rows[i].interval.hi
            if hi is not None:
                heapq.heappush(ends, (hi, rows[i].interval.hi_closed, i))
        while ends and _ended_before(rows[ends[0][2]], x):
            alive.discard(heapq.heappop(ends)[2])
        while active and active[0] not in alive:
            heapq.heappop(active)
        if not active:
            yield x, []
        elif len(alive) == 1 or not want_overlaps():
            yield x, [active[0]]
        else:
            yield x, heapq.nsmallest(MAX_OVERLAPS + 1, alive)


# --------------------------------------------------------------------------- the check


def requires_domain(measure: n.Measure | None, on: str) -> Interval:
    """Values of ``on`` that an eligible claim can have, from top-level `requires` lines."""
    domain = NON_NEGATIVE
    if measure is None:
        return domain
    todo: list[n.Cond] = list(measure.requires)
    while todo:
        cond = todo.pop()
        if isinstance(cond, n.AllOf):
            todo.extend(cond.operands)
        elif isinstance(cond, n.Compare) and cond.name == on:
            domain = domain.meet(bound_interval(cond.op, cond.value.value))
    return domain


def check_tiers(ctx: Context, tiers: n.Tiers, ty: Ty, measure: n.Measure | None) -> None:
    rows = _rows(ctx, tiers.rows, tiers.on)
    if rows is None:
        return
    domain = requires_domain(measure, tiers.on)
    if domain.is_empty():
        return
    integral = ty.kind in ("count", "year")
    points = {p for row in rows for p in row.interval.points()} | set(domain.points())
    has_otherwise = any(row.otherwise for row in tiers.rows)
    overlaps: dict[tuple[int, int], Decimal] = {}
    first_hits: set[int] = set()
    gap: tuple[Decimal, bool] | None = None
    inside = [(x, b) for x, b in candidates(points, integral) if domain.contains(x)]
    bound_at = dict(inside)
    wanted = (lambda: len(overlaps) < MAX_OVERLAPS) if not tiers.first_match else (lambda: False)
    for x, hits in sweep(rows, [x for x, _ in inside], wanted):
        is_bound = bound_at[x]
        if hits:
            first_hits.add(hits[0])
        for j in hits[1:]:
            overlaps.setdefault((hits[0], j), x)
        if not hits and not has_otherwise and (gap is None or (is_bound and not gap[1])):
            gap = (x, is_bound)
    if not tiers.first_match:
        for (i, j), x in overlaps.items():
            _report_overlap(ctx, Text.same(tiers.on), ty, rows[i], rows[j], x)
    else:
        for i, row in enumerate(rows):
            if i not in first_hits:
                ctx.warning(
                    "KF0505",
                    Text(
                        f"档次 `{row.text}` 永远不会适用：其全部取值已被前面的档次取走",
                        f"tier `{row.text}` never applies: earlier tiers take all its values",
                    ),
                    _row_span(row.node),
                    label=Text("在 `first match` 下无法命中", "unreachable under `first match`"),
                    help=Text(
                        "删去该行，或将其移至覆盖它的各行之前",
                        "delete the row, or move it above the rows that cover it",
                    ),
                )
    if gap is not None:
        _report_gap(ctx, Text.same(tiers.on), ty, rows, gap[0], domain)


def _rows(ctx: Context, nodes: tuple[n.TierRow, ...], on: str) -> list[Row] | None:
    rows: list[Row] = []
    ok = True
    otherwise = [r for r in nodes if r.otherwise]
    for extra in otherwise[1:]:
        ctx.error("KF0504", Text("出现第二个 `otherwise` 行", "a second `otherwise` row"),
                  extra.span, label=Text("第二个 `otherwise`", "second `otherwise`"),
                  help=Text("只保留一个 `otherwise` 行，并置于最后",
                            "keep one `otherwise` row, as the last row"))  # fmt: skip
        ok = False
    if otherwise and nodes[-1] is not otherwise[0]:
        ctx.error("KF0504", Text("`otherwise` 必须是最后一行", "`otherwise` must be the last row"),
                  otherwise[0].span,
                  label=Text("其后各行永远不会适用", "rows after it could never apply"),
                  help=Text("将 `otherwise` 行移至末尾", "move the `otherwise` row to the end"),
                  )  # fmt: skip
        ok = False
    for row in nodes:
        if row.otherwise:
            continue
        interval = row_interval(ctx, row, on)
        if interval is None:
            ok = False
        else:
            rows.append(Row(row, interval, _row_text(row)))
    return rows if ok else None


def _report_overlap(ctx: Context, on: Text, ty: Ty, first: Row, second: Row, x: Decimal
                    ) -> None:  # fmt: skip
    shared = first.interval.meet(second.interval)
    value = fmt_value(x, ty)
    if shared.lo is not None and shared.lo == shared.hi:
        less, more = f"`less than {value}`", f"`more than {value}`"
        help = Text(
            f"两档都包含 {value}：在前一档写 {less}，或在后一档写 {more}"
            "（以上、以下含本数，超过、不满不含本数）",
            f"both tiers include {value}: write {less} in the first, or "
            f"{more} in the second (`以上`/`以下` include the number, `超过`/`不满` do not)",
        )
    else:
        help = Text(
            "使各档界限互不重叠（如 `more than 20亿 and at most 30亿`），"
            "或在各行之后写 `first match`，取首个匹配的档次",
            "give the tiers bounds that do not overlap (e.g. `more than 20亿 and at most 30亿`), "
            "or write `first match` after the rows to take the first tier that matches",
        )
    ctx.error(
        "KF0501",
        Text(
            f"档次 `{first.text}` 与 `{second.text}` 重叠：{on.zh} = {value} 同时满足两档",
            f"tiers `{first.text}` and `{second.text}` overlap: {on.en} = {value} matches both",
        ),
        _row_span(second.node),
        label=Text(f"{on.zh} = {value} 时也满足此档", f"also matches {on.en} = {value}"),
        help=help,
        secondary=(Secondary(_row_span(first.node), Text("先满足的档次", "first match")),),
    )


def _report_gap(ctx: Context, on: Text, ty: Ty, rows: list[Row], x: Decimal, domain: Interval
                ) -> None:  # fmt: skip
    value = fmt_value(x, ty)
    touching = [r for r in rows if x in r.interval.points()]
    if touching:
        least, most = f"`at least {value}`", f"`at most {value}`"
        help = Text(
            f"{value} 本身不在任何一档内：请在相邻的某一档写 {least} 或 {most}",
            f"{value} itself is in no tier: write {least} or {most} in one of the tiers next to it",
        )
    else:
        requires = f"`requires {on.en} …`"
        help = Text(
            f"补写覆盖 {value} 的档次、一行 `otherwise -> …`；如此类申报不符合条件，"
            f"可补写一行 {requires}",
            f"add a tier that covers {value}, an `otherwise -> …` row, or a {requires} "
            "line if such applications are not eligible",
        )
    target = touching[0] if touching else min(
        rows, key=lambda r: abs((r.interval.lo if r.interval.lo is not None else r.interval.hi
                                 or Decimal(0)) - x))  # fmt: skip
    ctx.error(
        "KF0502",
        Text(f"{on.zh} = {value} 时没有可适用的档次", f"no tier matches {on.en} = {value}"),
        _row_span(target.node),
        label=Text(
            f"{on.zh} = {value} 不在任何一档内", f"{on.en} = {value} falls outside every tier"
        ),
        help=help,
    )


def check_steps(ctx: Context, steps: n.Steps, ty: Ty) -> None:
    """Each step threshold (size, 2×size, …) must be read by exactly one row."""
    size = steps.size.value
    if size <= 0:
        ctx.error(
            "KF0506",
            Text(
                f"台阶为 {steps.size.text}，永远无法递进",
                f"a step of {steps.size.text} never advances",
            ),
            steps.size.span,
            label=Text("台阶必须为正数", "steps must be positive"),
            help=Text("写成正数台阶，如 `50亿`", "write a positive step, e.g. `50亿`"),
        )
        return
    rows = _rows(ctx, steps.rows, steps.on)
    if rows is None:
        return
    points: set[Decimal] = {size}
    for row in rows:
        for p in row.interval.points():
            k = max(1, int(p / size))
            points.update({size * k, size * (k + 1)})
    points.add(max(points) + size)
    has_otherwise = any(row.otherwise for row in steps.rows)
    reported: set[tuple[int, int]] = set()
    at = Text(f"`{steps.on}` 的台阶", f"the step at {steps.on}")
    for x, hits in sweep(rows, sorted(points), lambda: len(reported) < MAX_OVERLAPS):
        for j in hits[1:]:
            if (hits[0], j) not in reported:
                reported.add((hits[0], j))
                _report_overlap(ctx, at, ty, rows[hits[0]], rows[j], x)
        if not hits and not has_otherwise and rows:
            _report_gap(ctx, at, ty, rows, x, NON_NEGATIVE)
            break
