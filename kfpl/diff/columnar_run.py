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

from kfpl.columnar.engine import ColumnarEngine
from kfpl.columnar.kernel import STATUS, Frame, YearlyCap
from kfpl.columnar.rules import apply_set_rules, yearly_rows
from kfpl.runtime.application import Application


@dataclass
class Evaluated:
    """Per application, in input order: total in fen, whether a yearly total bound, and
    its claims as (measure, status, amount in fen, capped)."""

    totals: list[int] = field(default_factory=list)
    binds: list[bool] = field(default_factory=list)
    claims: list[list[tuple[str, str, int, bool]]] = field(default_factory=list)


def _totals(frame: Frame) -> Any:
    """Per application of the frame, what its claims are paid (fen)."""
    totals = np.zeros(frame.n_apps, dtype=np.int64)
    np.add.at(totals, frame.app, np.where(frame.paid(), frame.amount, 0))
    return totals


def evaluate(engine: ColumnarEngine, apps: list[Application], claims: bool = True) -> Evaluated:
    """``claims=False``: the totals only (the attribution's re-runs need no more)."""
    routed = engine.measured(apps)
    frame, columnar = routed.frame, routed.columnar
    assert frame is not None
    out = Evaluated(totals=[0] * len(apps), binds=[False] * len(apps), claims=[[] for _ in apps])
    if not claims:
        apply_set_rules(frame, engine.module)
        totals = _totals(frame).tolist()
        for i in columnar:
            out.totals[i] = totals[i]
        for i in routed.reference:
            outcome = engine.runtime.evaluate(apps[i])
            out.totals[i] = sum(int(r.amount.scaleb(2)) for r in outcome.results if r.paid)
        return out
    infos = engine.module.MEASURES
    measure_policies = {info.policy for info in infos.values()}
    bound = np.zeros(frame.n_apps, dtype=bool)

    def binds(rule: YearlyCap) -> None:
        bound[:] |= _binds(frame, rule, infos, measure_policies)

    apply_set_rules(frame, engine.module, before_yearly=binds)
    yearly = [r for r in engine.module.SET_RULES if isinstance(r, YearlyCap)]
    # What the report counts of each claim, straight from the frame's columns.
    rows = np.flatnonzero(frame.active[frame.app])
    paid = np.where(frame.paid(), frame.amount, 0)[rows]
    statuses = [STATUS[s] for s in frame.status[rows].tolist()]
    measures = [frame.measures[m] for m in frame.measure_code[rows].tolist()]
    owners, fens, flags = (c.tolist() for c in (frame.app[rows], paid, frame.capped[rows]))
    for a, measure, status, fen, capped in zip(
        owners, measures, statuses, fens, flags, strict=True
    ):
        out.claims[a].append((measure, status, fen, capped))
    totals = _totals(frame).tolist()
    for i in columnar:
        out.totals[i] = totals[i]
        out.binds[i] = bool(bound[i])
    yearly_ids = {r.id for r in yearly}
    for i in routed.reference:
        outcome = engine.runtime.evaluate(apps[i])
        total = 0
        for r in outcome.results:
            fen = int(r.amount.scaleb(2)) if r.paid else 0
            total += fen
            out.claims[i].append((r.meta.id, r.status, fen, r.capped))
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
