"""Effective periods: each runs forwards, a measure's lies inside its policy's, and a
policy that revises another starts after it ends (one day in force under one version only).
"""

from __future__ import annotations

from kfpl.check.base import Context
from kfpl.runtime.dates import Span
from kfpl.syntax import nodes as n


def _text(period: n.Period) -> str:
    return Span(period.start, period.end, period.by_day).en()


def _written(period: n.Period) -> tuple[str, str]:
    if period.by_day:
        return period.start.isoformat(), period.end.isoformat()
    return str(period.start.year), str(period.end.year)


def check_period_order(ctx: Context, period: n.Period | None) -> None:
    if period is None or period.start <= period.end:
        return
    start, end = _written(period)
    ctx.error(
        "KF0111",
        f"the effective period {start} to {end} ends before it starts",
        period.span,
        label="start after end",
        help=f"write `effective {end} to {start}`",
    )


def check_periods(ctx: Context) -> None:
    for measure in ctx.ps.measures.values():
        own = measure.effective
        if own is None:
            continue
        check_period_order(ctx, own)
        policy = ctx.ps.policy_of(measure.id)
        outer = policy.effective if policy is not None else None
        if outer is None or own.start > own.end:
            continue
        if own.start < outer.start or own.end > outer.end:
            ctx.error(
                "KF0112",
                f"measure `{measure.id}` is in force {_text(own)}, outside its policy's "
                f"effective period ({_text(outer)})",
                own.span,
                label="outside the policy's period",
                help="a measure can only be in force while its policy is: narrow its "
                "period, or widen the policy's",
            )
    for policy in ctx.ps.policies.values():
        if policy.revises is None:
            continue
        old = ctx.ps.policies.get(policy.revises)
        if old is None or old is policy:
            ctx.error(
                "KF0113",
                f"policy `{policy.id}` revises `{policy.revises}`, which is not a policy "
                "of this set",
                policy.span,
                label="unknown policy",
                help="name the `policy` id of the earlier version, or remove `revises`",
            )
            continue
        new_p, old_p = policy.effective, old.effective
        if new_p is None or old_p is None:
            continue
        if new_p.start <= old_p.end and old_p.start <= new_p.end:
            both = max(new_p.start, old_p.start)
            ctx.error(
                "KF0114",
                f"policy `{policy.id}` ({_text(new_p)}) revises `{old.id}` ({_text(old_p)}), "
                f"but their periods overlap: on {both.isoformat()} both would be in force",
                new_p.span,
                label="overlaps the revised version",
                help=f"start `{policy.id}` after {old_p.end.isoformat()}, or end `{old.id}` "
                f"before {new_p.start.isoformat()}",
            )
