"""Effective periods: each runs forwards, a measure's lies inside its policy's, and a
policy that revises another starts after it ends (one day in force under one version only).
"""

from __future__ import annotations

from kfpl.check.base import Context
from kfpl.runtime.bilingual import Text
from kfpl.runtime.dates import Span
from kfpl.syntax import nodes as n


def _text(period: n.Period) -> Text:
    span = Span(period.start, period.end, period.by_day)
    return Text(span.zh(), span.en())


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
        Text(
            f"有效期 {start} 至 {end} 的终止早于起始",
            f"the effective period {start} to {end} ends before it starts",
        ),
        period.span,
        label=Text("起始晚于终止", "start after end"),
        help=Text(f"改写为 `effective {end} to {start}`", f"write `effective {end} to {start}`"),
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
                Text(
                    f"措施 `{measure.id}` 的有效期（{_text(own).zh}）超出所属政策的有效期"
                    f"（{_text(outer).zh}）",
                    f"measure `{measure.id}` is in force {_text(own).en}, outside its policy's "
                    f"effective period ({_text(outer).en})",
                ),
                own.span,
                label=Text("超出政策有效期", "outside the policy's period"),
                help=Text(
                    "措施只能在所属政策有效期内施行：请缩短措施的有效期，或延长政策的有效期",
                    "a measure can only be in force while its policy is: narrow its "
                    "period, or widen the policy's",
                ),
            )
    for policy in ctx.ps.policies.values():
        if policy.revises is None:
            continue
        old = ctx.ps.policies.get(policy.revises)
        if old is None or old is policy:
            ctx.error(
                "KF0113",
                Text(
                    f"政策 `{policy.id}` 修订 `{policy.revises}`，但本政策集中没有该政策",
                    f"policy `{policy.id}` revises `{policy.revises}`, which is not a policy "
                    "of this set",
                ),
                policy.span,
                label=Text("未知的政策", "unknown policy"),
                help=Text(
                    "写明被修订版本的 `policy` 编号，或删去 `revises`",
                    "name the `policy` id of the earlier version, or remove `revises`",
                ),
            )
            continue
        new_p, old_p = policy.effective, old.effective
        if new_p is None or old_p is None:
            continue
        if new_p.start <= old_p.end and old_p.start <= new_p.end:
            both = max(new_p.start, old_p.start)
            ctx.error(
                "KF0114",
                Text(
                    f"政策 `{policy.id}`（{_text(new_p).zh}）修订 `{old.id}`（{_text(old_p).zh}），"
                    f"但两者有效期重叠：{both.isoformat()} 将同时有效",
                    f"policy `{policy.id}` ({_text(new_p).en}) revises `{old.id}` "
                    f"({_text(old_p).en}), but their periods overlap: on {both.isoformat()} "
                    "both would be in force",
                ),
                new_p.span,
                label=Text("与被修订版本重叠", "overlaps the revised version"),
                help=Text(
                    f"将 `{policy.id}` 的起始改在 {old_p.end.isoformat()} 之后，或将 `{old.id}` "
                    f"的终止改在 {new_p.start.isoformat()} 之前",
                    f"start `{policy.id}` after {old_p.end.isoformat()}, or end `{old.id}` "
                    f"before {new_p.start.isoformat()}",
                ),
            )
