"""Evaluating a batch of applications: the columnar path, and the reference evaluator
for what the columnar kernels do not cover.

Both engines produce the same ``Results``: one row per claim (status, reason, amount in
fen, ceiling, capped, missing facts) and one total per application. The reference engine
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

from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import numpy as np
import numpy.typing as npt

from kfpl.columnar.kernel import STATUS, Frame, Kernel
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


@dataclass
class Results:
    """Per-claim rows and per-application totals, amounts in fen (Python ints)."""

    claims: list[tuple[Any, ...]] = field(default_factory=list)
    totals: list[tuple[int, str, int]] = field(default_factory=list)
    reference: int = 0  # applications evaluated by the reference evaluator
    why: dict[str, int] = field(default_factory=dict)  # reason -> applications

    def extend(self, other: Results) -> None:
        self.claims.extend(other.claims)
        self.totals.extend(other.totals)
        self.reference += other.reference
        for key, count in other.why.items():
            self.why[key] = self.why.get(key, 0) + count


def reference_results(
    runtime: PolicySetRuntime, apps: list[Application], numbers: list[int]
) -> Results:
    """The oracle: each application through the per-application evaluator."""
    out = Results()
    for number, app in zip(numbers, apps, strict=True):
        outcome = runtime.evaluate(app)
        total = 0
        for r in outcome.results:
            fen = int(r.amount.scaleb(2)) if r.paid else 0
            total += fen
            out.claims.append(
                (
                    number,
                    app.enterprise_id,
                    r.claim.id,
                    r.meta.id,
                    r.status,
                    r.reason,
                    fen,
                    r.ceiling,
                    r.capped,
                    ";".join(r.missing),
                )
            )
        out.totals.append((number, app.enterprise_id, total))
    return out


@dataclass
class Routed:
    """Which applications the kernels measured (``frame``, rows by their position in
    ``columnar``) and which go to the reference evaluator, with the reasons counted."""

    columnar: list[int] = field(default_factory=list)
    reference: list[int] = field(default_factory=list)
    why: dict[str, int] = field(default_factory=dict)
    frame: Frame | None = None


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

    def route(self, app: Application) -> str | None:
        """Why ``app`` goes to the reference evaluator, or None for the columnar path."""
        if self.all_reference is not None:
            return f"rule: {self.all_reference}"
        for claim in app.claims:
            if claim.measure not in self.kernels:
                return f"{claim.measure}: {self.unsupported.get(claim.measure, 'no kernel')}"
        return None

    def measured(self, apps: list[Application]) -> Routed:
        """Route each application and run the measure kernels over those the columnar
        path takes; an application whose amounts would leave int64 goes back to the
        reference evaluator and the rest are measured again."""
        routed = Routed()
        for i, app in enumerate(apps):
            reason = self.route(app)
            if reason is None:
                routed.columnar.append(i)
            else:
                routed.reference.append(i)
                routed.why[reason] = routed.why.get(reason, 0) + 1
        while True:
            frame = Frame([apps[i] for i in routed.columnar], self.runtime.inputs)
            self._kernels(frame)
            if not frame.big.any():
                routed.frame = frame
                return routed
            too_big = set(np.unique(frame.app[frame.big]).tolist())
            routed.reference += [routed.columnar[a] for a in sorted(too_big)]
            routed.why["amount beyond int64"] = routed.why.get("amount beyond int64", 0) + len(
                too_big
            )
            routed.columnar = [i for a, i in enumerate(routed.columnar) if a not in too_big]

    def run(self, apps: list[Application], numbers: list[int]) -> Results:
        routed = self.measured(apps)
        frame, columnar, reference, why = (
            routed.frame, routed.columnar, routed.reference, routed.why
        )  # fmt: skip
        assert frame is not None
        apply_set_rules(frame, self.module)
        ours = frame_results(frame, [numbers[i] for i in columnar])
        theirs = reference_results(
            self.runtime, [apps[i] for i in reference], [numbers[i] for i in reference]
        )
        # Back into input order: applications by number, claims in claim order.
        merged = Results(reference=len(reference), why=why)
        position = {numbers[i]: k for k, i in enumerate(sorted(columnar + reference))}
        merged.claims = sorted(ours.claims + theirs.claims, key=lambda row: position[row[0]])
        merged.totals = sorted(ours.totals + theirs.totals, key=lambda row: position[row[0]])
        return merged

    def _kernels(self, frame: Frame) -> None:
        if not frame.n:
            return
        order = np.argsort(frame.measure_code, kind="stable")
        ids = frame.measure_code[order]
        bounds: Any = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]]) if len(ids) else []
        ends = [*bounds[1:], len(ids)]
        for start, end in zip(bounds, ends, strict=True):
            rows: npt.NDArray[np.int64] = np.sort(order[start:end])
            self.kernels[frame.measure[rows[0]]](Kernel(frame, rows))


def frame_results(frame: Frame, numbers: list[int]) -> Results:
    out = Results()
    paid = frame.paid()
    amount = np.where(paid, frame.amount, 0)
    apps = frame.apps
    statuses = [STATUS[s] for s in frame.status.tolist()]
    amounts = amount.tolist()
    for row in range(frame.n):
        a = int(frame.app[row])
        out.claims.append(
            (
                numbers[a],
                apps[a].enterprise_id,
                frame.claims[row].id,
                frame.claims[row].measure,
                statuses[row],
                frame.reason[row],
                amounts[row],
                bool(frame.ceiling[row]),
                bool(frame.capped[row]),
                ";".join(frame.missing.get(row, ())),
            )
        )
    totals = np.zeros(len(apps), dtype=np.int64)
    np.add.at(totals, frame.app, amount)
    for a, app in enumerate(apps):
        out.totals.append((numbers[a], app.enterprise_id, int(totals[a])))
    return out


def load_module(source: str) -> ModuleType:
    from kfpl.python.evaluate import module_from_source

    return module_from_source("kfpl_generated_columnar", source, "<generated columnar>")
