"""One version over a population on the columnar engine, for the impact report.

``kfpl.columnar.engine.ColumnarEngine.run`` gives claims and totals; the impact also
counts the applications where a yearly total rule *binds* (the reference evaluator's
decision naming claims: the limit is missing, or the year's awards exceed it). That is
only visible between the other set rules and the yearly total, so this module takes the
engine's measured frame (``ColumnarEngine.measured``) and runs the set rules with a look
just before each yearly total (``apply_set_rules(…, before_yearly=…)``). Applications
the kernels leave to the reference evaluator (``ColumnarEngine.route``) are evaluated
there, and their decisions read as the reference impact reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kfpl.columnar.columns import Columns, columns_from_applications
from kfpl.columnar.engine import ColumnarEngine, Routed
from kfpl.columnar.kernel import STATUS, Frame, YearlyCap
from kfpl.columnar.rules import apply_set_rules, yearly_rows
from kfpl.runtime.application import Application


@dataclass
class Evaluated:
    """Per application, in input order: total in fen and whether a yearly total bound;
    and every claim (in no particular order) as its measure, status, paid fen, capped."""

    totals: list[int] = field(default_factory=list)
    binds: list[bool] = field(default_factory=list)
    measure: list[str] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    fen: list[int] = field(default_factory=list)
    capped: list[bool] = field(default_factory=list)


class NeedsReference(Exception):
    """Some applications of a column population need the reference evaluator, which
    reads Application objects: the caller evaluates the population as objects."""


def _totals(frame: Frame) -> Any:
    """Per application of the frame, what its claims are paid (fen)."""
    totals = np.zeros(frame.n_apps, dtype=np.int64)
    np.add.at(totals, frame.app, np.where(frame.paid(), frame.amount, 0))
    return totals


def evaluate(engine: ColumnarEngine, apps: list[Application], claims: bool = True) -> Evaluated:
    """``claims=False``: the totals only (the attribution's re-runs need no more)."""
    columns = columns_from_applications(apps, engine.runtime.inputs)
    return _evaluate(engine, engine.measured_columns(columns), claims, apps)


def evaluate_columns(engine: ColumnarEngine, columns: Columns, claims: bool = True) -> Evaluated:
    """``evaluate`` of a population held as columns; ``NeedsReference`` where the
    kernels leave an application to the reference evaluator."""
    return _evaluate(engine, engine.measured_columns(columns), claims, None)


def _evaluate(
    engine: ColumnarEngine, routed: Routed, claims: bool, apps: list[Application] | None
) -> Evaluated:
    frame, columnar = routed.frame, routed.columnar
    assert frame is not None
    if routed.reference and apps is None:
        raise NeedsReference(routed.why)
    n = frame.n_apps
    out = Evaluated(totals=[0] * n, binds=[False] * n)
    if not claims:
        apply_set_rules(frame, engine.module)
        totals = _totals(frame).tolist()
        for i in columnar:
            out.totals[i] = totals[i]
        for i in routed.reference:
            assert apps is not None
            outcome = engine.runtime.evaluate(apps[i])
            out.totals[i] = sum(int(r.amount.scaleb(2)) for r in outcome.results if r.paid)
        return out
    infos = engine.module.MEASURES
    measure_policies = {info.policy for info in infos.values()}
    bound = np.zeros(n, dtype=bool)

    def binds(rule: YearlyCap) -> None:
        bound[:] |= _binds(frame, rule, infos, measure_policies)

    apply_set_rules(frame, engine.module, before_yearly=binds)
    yearly = [r for r in engine.module.SET_RULES if isinstance(r, YearlyCap)]
    # What the report counts of each claim, straight from the frame's columns.
    rows = np.flatnonzero(frame.active[frame.app])
    out.fen = np.where(frame.paid(), frame.amount, 0)[rows].tolist()
    out.status = [STATUS[s] for s in frame.status[rows].tolist()]
    out.measure = [frame.measures[m] for m in frame.measure_code[rows].tolist()]
    out.capped = frame.capped[rows].tolist()
    totals = _totals(frame).tolist()
    for i in columnar:
        out.totals[i] = totals[i]
        out.binds[i] = bool(bound[i])
    yearly_ids = {r.id for r in yearly}
    for i in routed.reference:
        assert apps is not None
        outcome = engine.runtime.evaluate(apps[i])
        total = 0
        for r in outcome.results:
            fen = int(r.amount.scaleb(2)) if r.paid else 0
            total += fen
            out.measure.append(r.meta.id)
            out.status.append(r.status)
            out.fen.append(fen)
            out.capped.append(r.capped)
        out.totals[i] = total
        out.binds[i] = any(d.claims and d.rule in yearly_ids for d in outcome.decisions)
    return out


def _binds(f: Frame, rule: YearlyCap, infos: dict[str, Any], measure_policies: set[str]) -> Any:
    """Per application of the frame: does ``rule`` decide on named claims (the
    reference's ``_yearly_cap``: paid claims it applies to, and the limit missing or
    the year's awards over it)? Read before the rule cuts anything."""
    hit = np.zeros(f.n_apps, dtype=bool)
    absent, rows, limit, before = yearly_rows(f, rule, infos, measure_policies)
    hit[f.app[absent]] = True
    if not len(rows):
        return hit
    app = f.app[rows]
    totals = np.zeros(f.n_apps, dtype=np.int64)
    np.add.at(totals, app, f.amount[rows])
    over = before + totals[app] - limit > 0
    hit[app[over]] = True
    return hit
