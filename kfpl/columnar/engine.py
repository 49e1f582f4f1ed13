"""Evaluating a batch of applications: the columnar path, and the reference evaluator
for what the columnar kernels do not cover.

Both engines produce the same ``Results``: tables (arrays, text as codes) of one row per
claim (status, reason, amount in fen, ceiling, capped, missing facts) and one total per
application. The columnar path computes on ``Columns`` (``run_columns``); ``run`` makes
them from validated application objects. The reference engine
is ``kfpl.python.evaluate.Program`` run application by application; it is the oracle the
differential tests compare the columnar engine with.

Which applications the columnar path leaves to the reference evaluator, and why:

* an application claiming a measure the kernels do not implement (``UNSUPPORTED`` in
  the generated module, with the reason: a 首次 condition, a joint cap per project, …;
  no measure of policies/ or of the Wenzhou fixture is);
* every application, when a set-level rule is unsupported;
* an application whose amounts would leave int64 (never with the declared bounds of
  real policies, but the bound is checked, not assumed: e.g. what a thousand earlier
  awards of a staged measure add up to).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from types import ModuleType
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from kfpl.columnar.columns import Codes, Columns, columns_from_applications, encode
from kfpl.columnar.kernel import STATUS, Frame, Kernel, sorted_sums
from kfpl.columnar.rules import apply_set_rules
from kfpl.runtime.application import Application
from kfpl.runtime.engine import PolicySetRuntime

CLAIM_COLUMNS = (
    "application",
    "enterprise",
    "claim",
    "measure",
    "status",
    "reason",
    "amount",
    "ceiling",
    "capped",
    "missing",
)

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
T = TypeVar("T", bound="Table")


class Table:
    """Columns of equal length (numpy arrays, or ``Codes`` for text); a row reads as
    the tuple of its values (``STATUS`` words for a status, "" for missing text)."""

    def __len__(self) -> int:
        return len(getattr(self, fields(self)[0].name))  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        columns = []
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if isinstance(value, Codes):
                columns.append([w or "" for w in value.words()])
            elif f.name == "status":
                columns.append([STATUS[s] for s in value.tolist()])
            else:
                columns.append(value.tolist())
        return iter(zip(*columns, strict=True))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Table) and type(other) is type(self) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def take(self: T, rows: Ints) -> T:
        columns = [getattr(self, f.name) for f in fields(self)]  # type: ignore[arg-type]
        return type(self)(*(c.take(rows) if isinstance(c, Codes) else c[rows] for c in columns))

    @classmethod
    def concat(cls: type[T], parts: Sequence[T]) -> T:
        out: list[Any] = []
        for f in fields(cls):  # type: ignore[arg-type]
            values = [getattr(p, f.name) for p in parts]
            if isinstance(values[0], Codes):
                out.append(Codes.concat(values))
            else:
                out.append(np.concatenate(values))
        return cls(*out)


@dataclass(eq=False)
class ClaimTable(Table):
    """One row per claim (``CLAIM_COLUMNS``): amounts in fen, status codes (``STATUS``)."""

    application: Ints
    enterprise: Codes
    claim: Codes
    measure: Codes
    status: npt.NDArray[np.int8]
    reason: Codes
    amount: Ints
    ceiling: Bools
    capped: Bools
    missing: Codes  # the missing facts, ``;`` between names ("" where none)

    @classmethod
    def empty(cls) -> ClaimTable:
        none = np.zeros(0, dtype=np.int64)
        text = encode(())
        flags = np.zeros(0, dtype=bool)
        return cls(none, text, text, text, none.astype(np.int8), text, none, flags, flags, text)


@dataclass(eq=False)
class TotalTable(Table):
    """One row per application: its number, enterprise and total paid (fen)."""

    application: Ints
    enterprise: Codes
    total: Ints

    @classmethod
    def empty(cls) -> TotalTable:
        return cls(np.zeros(0, dtype=np.int64), encode(()), np.zeros(0, dtype=np.int64))


class Results:
    """Claims and totals as tables; parts added by ``extend`` are joined when read."""

    def __init__(
        self,
        claims: ClaimTable | None = None,
        totals: TotalTable | None = None,
        reference: int = 0,
        why: dict[str, int] | None = None,
    ) -> None:
        self._claims = [claims if claims is not None else ClaimTable.empty()]
        self._totals = [totals if totals is not None else TotalTable.empty()]
        self.reference = reference  # applications evaluated by the reference evaluator
        self.why = dict(why or {})  # reason -> applications

    @property
    def claims(self) -> ClaimTable:
        if len(self._claims) > 1:
            self._claims = [ClaimTable.concat(self._claims)]
        return self._claims[0]

    @property
    def totals(self) -> TotalTable:
        if len(self._totals) > 1:
            self._totals = [TotalTable.concat(self._totals)]
        return self._totals[0]

    def extend(self, other: Results) -> None:
        self._claims.append(other.claims)
        self._totals.append(other.totals)
        self.reference += other.reference
        for key, count in other.why.items():
            self.why[key] = self.why.get(key, 0) + count

    def by_application(self) -> Results:
        """Claims and totals in order of their application's number (stable)."""
        claims, totals = self.claims, self.totals
        return Results(
            claims.take(np.argsort(claims.application, kind="stable")),
            totals.take(np.argsort(totals.application, kind="stable")),
            self.reference,
            self.why,
        )


def reference_results(
    runtime: PolicySetRuntime, apps: list[Application], numbers: list[int]
) -> Results:
    """The oracle: each application through the per-application evaluator."""
    rows: list[tuple[Any, ...]] = []
    totals: list[int] = []
    for number, app in zip(numbers, apps, strict=True):
        outcome = runtime.evaluate(app)
        total = 0
        for r in outcome.results:
            fen = int(r.amount.scaleb(2)) if r.paid else 0
            total += fen
            rows.append(
                (
                    number,
                    app.enterprise_id,
                    r.claim.id,
                    r.meta.id,
                    STATUS.index(r.status),
                    r.reason,
                    fen,
                    r.ceiling,
                    r.capped,
                    ";".join(r.missing),
                )
            )
        totals.append(total)
    columns: list[Any] = [list(c) for c in zip(*rows, strict=True)] if rows else [[]] * 10
    claims = ClaimTable(
        np.array(columns[0], dtype=np.int64),
        encode(columns[1]),
        encode(columns[2]),
        encode(columns[3]),
        np.array(columns[4], dtype=np.int8),
        encode(columns[5]),
        np.array(columns[6], dtype=np.int64),
        np.array(columns[7], dtype=bool),
        np.array(columns[8], dtype=bool),
        encode(columns[9]),
    )
    return Results(
        claims,
        TotalTable(
            np.array(numbers, dtype=np.int64),
            encode(app.enterprise_id for app in apps),
            np.array(totals, dtype=np.int64),
        ),
    )


@dataclass
class Routed:
    """Which applications the kernels measured (``columnar``: the active ones of
    ``frame``) and which go to the reference evaluator, with the reasons counted. Both
    are positions among the applications given."""

    reference: list[int] = field(default_factory=list)
    why: dict[str, int] = field(default_factory=dict)
    frame: Frame | None = None

    @property
    def columnar(self) -> list[int]:
        assert self.frame is not None
        out: list[int] = np.flatnonzero(self.frame.active).tolist()
        return out


class ColumnarEngine:
    """The generated kernels of a policy set, and the reference runtime beside them."""

    def __init__(self, module: ModuleType, runtime: PolicySetRuntime) -> None:
        self.module = module
        self.runtime = runtime
        self.kernels: dict[str, Callable[[Kernel], None]] = module.KERNELS
        self.unsupported: dict[str, str] = module.UNSUPPORTED
        self.all_reference = next(
            (why for key, why in self.unsupported.items() if key not in module.MEASURES), None
        )

    def _why(self, measure: str) -> str:
        return f"{measure}: {self.unsupported.get(measure, 'no kernel')}"

    def route(self, app: Application) -> str | None:
        """Why ``app`` goes to the reference evaluator, or None for the columnar path."""
        if self.all_reference is not None:
            return f"rule: {self.all_reference}"
        for claim in app.claims:
            if claim.measure not in self.kernels:
                return self._why(claim.measure)
        return None

    def routes(self, columns: Columns) -> dict[int, str]:
        """``route`` of the applications of ``columns`` the reference evaluator takes
        (the first claim without a kernel, in claim order), by position."""
        if self.all_reference is not None:
            return dict.fromkeys(range(columns.n_apps), f"rule: {self.all_reference}")
        out: dict[int, str] = {}
        vocabulary = columns.measure.vocabulary
        without = np.array([m not in self.kernels for m in vocabulary] + [True], dtype=bool)
        codes = columns.measure.codes
        if not without[:-1].any():  # every measure claimed has a kernel
            if not len(codes) or codes.min() >= 0:
                return out
            bad = np.flatnonzero(codes < 0)
        else:
            bad = np.flatnonzero(without[codes])
        apps, first = np.unique(columns.claim_app[bad], return_index=True)
        for a, row in zip(apps.tolist(), bad[first].tolist(), strict=True):
            out[a] = self._why(vocabulary[columns.measure.codes[row]])
        return out

    def measured(self, apps: list[Application]) -> Routed:
        return self.measured_columns(columns_from_applications(apps, self.runtime.inputs))

    def measured_columns(self, columns: Columns) -> Routed:
        """Route each application and run the measure kernels over those the columnar
        path takes; an application whose amounts would leave int64 goes back to the
        reference evaluator and the rest are measured again."""
        routed = Routed()
        frame = Frame(columns, self.runtime.inputs)
        reasons = self.routes(columns)
        for reason in reasons.values():
            routed.why[reason] = routed.why.get(reason, 0) + 1
        routed.reference = sorted(reasons)
        if routed.reference:
            frame.active[routed.reference] = False
            frame.reset()  # the applications left to the reference are inactive
        while True:
            self._kernels(frame)
            if not frame.big.any():
                routed.frame = frame
                return routed
            too_big = np.unique(frame.app[frame.big])
            frame.active[too_big] = False
            routed.reference = sorted(routed.reference + too_big.tolist())
            routed.why["amount beyond int64"] = routed.why.get("amount beyond int64", 0) + len(
                too_big
            )
            frame.reset()

    def run(self, apps: list[Application], numbers: list[int]) -> Results:
        columns = columns_from_applications(apps, self.runtime.inputs)
        return self.run_columns(
            columns,
            numbers,
            lambda at: reference_results(
                self.runtime, [apps[i] for i in at], [numbers[i] for i in at]
            ),
        )

    def run_columns(
        self,
        columns: Columns,
        numbers: list[int],
        reference: Callable[[list[int]], Results] | None = None,
    ) -> Results:
        """The columnar path over ``columns``; ``reference(positions)`` evaluates the
        applications it leaves to the reference evaluator (without it, there must be
        none). In input order."""
        routed = self.measured_columns(columns)
        frame = routed.frame
        assert frame is not None
        apply_set_rules(frame, self.module)
        ours = frame_results(frame, np.array(numbers, dtype=np.int64))
        if not routed.reference:
            ours.why = routed.why
            return ours
        if reference is None:
            raise ValueError(f"{len(routed.reference)} applications need the reference evaluator")
        theirs = reference(routed.reference)
        # Back into input order: applications by position, claims in claim order.
        position = {numbers[i]: i for i in routed.reference}
        theirs_key = [position[a] for a in theirs.claims.application.tolist()]
        claims_key = np.concatenate(
            [frame.app[frame.active[frame.app]], np.array(theirs_key, dtype=np.int64)]
        )
        totals_key = np.concatenate(
            [np.flatnonzero(frame.active), np.array(routed.reference, dtype=np.int64)]
        )
        claims = ClaimTable.concat([ours.claims, theirs.claims])
        totals = TotalTable.concat([ours.totals, theirs.totals])
        return Results(
            claims.take(np.argsort(claims_key, kind="stable")),
            totals.take(np.argsort(totals_key, kind="stable")),
            len(routed.reference),
            routed.why,
        )

    def _kernels(self, frame: Frame) -> None:
        active = None if frame.active.all() else frame.active[frame.app]
        for mid in frame.measures:
            kernel = self.kernels.get(mid)
            if kernel is None:
                continue  # only earlier awards name it, or its applications are inactive
            rows = frame.rows_of(mid)
            if active is not None:
                rows = rows[np.flatnonzero(active[rows])]
            if len(rows):
                kernel(Kernel(frame, rows))


def frame_results(frame: Frame, numbers: Ints) -> Results:
    """The claims and totals of the frame's active applications (``numbers``: of every
    application of the frame)."""
    c = frame.c
    amount = frame.amount * frame.paid()  # (a product costs less than np.where)
    totals = sorted_sums(frame.app, amount, frame.n_apps)  # claims in application order
    enterprise = Codes(c.enterprise_id.codes[frame.app], c.enterprise_id.vocabulary)
    claims = ClaimTable(
        numbers[frame.app],
        enterprise,
        c.claim_id,
        c.measure,
        frame.status,
        Codes(frame.reason, frame.reasons),
        amount,
        frame.ceiling,
        frame.capped,
        frame.missing(),
    )
    out = Results(claims, TotalTable(numbers, c.enterprise_id, totals))
    if frame.active.all():
        return out
    apps = np.flatnonzero(frame.active)
    return Results(claims.take(np.flatnonzero(frame.active[frame.app])), out.totals.take(apps))


def load_module(source: str) -> ModuleType:
    from kfpl.python.evaluate import module_from_source

    return module_from_source("kfpl_generated_columnar", source, "<generated columnar>")
