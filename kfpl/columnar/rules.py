"""The set-level rules over all claims of a batch at once (kfpl.runtime.engine's
``_evaluate`` after the claims): one-time awards claimed twice, the measures' own
yearly / per-enterprise / per-item caps, stacking (highest benefit only), joint caps
and the yearly total, in that order.

Each rule groups claims (by application, and by the group key the rule names), sorts the
rows of a group into the order the reference engine walks them, and uses segment
operations (cumulative sums within a group, the first row of a sorted group) instead of
a loop per application. Amounts are int64 fen: the engine keeps an application whose
amounts could leave int64 for the reference evaluator.

Earlier awards (history) are summed per row only for the applications that have any
(``earlier``), and read group by group only where a group's application has history (the
earlier awards of a stacking group).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from kfpl.columnar.kernel import (
    CAPPED,
    NOT_ELIGIBLE,
    SUPERSEDED,
    UNDETERMINED,
    Frame,
    GroupCap,
    Info,
    Stack,
    YearlyCap,
)

Rows = npt.NDArray[np.int64]


def starts_of(gid: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    """True at the first row of each group (``gid`` sorted)."""
    first = np.ones(len(gid), dtype=bool)
    if len(gid) > 1:
        first[1:] = gid[1:] != gid[:-1]
    return first


def before_in_group(values: npt.NDArray[np.int64], gid: npt.NDArray[Any]) -> npt.NDArray[np.int64]:
    """Sum of the values of the rows before each row in its group (``gid`` sorted)."""
    if not len(values):
        return values.copy()
    cs = np.cumsum(values)
    excl = cs - values
    first = starts_of(gid)
    base = excl[first]
    out: npt.NDArray[np.int64] = excl - base[np.cumsum(first) - 1]
    return out


def group_ids(*keys: npt.NDArray[Any]) -> npt.NDArray[np.int64]:
    """One integer per distinct combination of the keys."""
    codes = []
    for key in keys:
        if key.dtype == object:
            _, code = np.unique(key.astype(str), return_inverse=True)
        else:
            _, code = np.unique(key, return_inverse=True)
        codes.append(code.astype(np.int64))
    if len(codes) == 1:
        return codes[0]
    _, gid = np.unique(np.stack(codes, axis=1), axis=0, return_inverse=True)
    return gid.reshape(-1).astype(np.int64)


def share_cap(
    f: Frame, rows: Rows, gid: npt.NDArray[np.int64], room0: npt.NDArray[np.int64]
) -> None:
    """``_share_cap``: the rows of a group share ``room0`` (per row, its group's room) in
    claim order; a row above what is left is cut to it and marked capped."""
    order = np.lexsort((f.index[rows], gid))
    rows, gid, room0 = rows[order], gid[order], room0[order]
    amount = f.amount[rows]
    room = np.maximum(room0 - before_in_group(amount, gid), 0)
    over = amount > room
    hit = rows[over]
    f.amount[hit] = room[over]
    f.capped[hit] = True
    f.status[hit] = CAPPED


def once_in_application(f: Frame, infos: dict[str, Info]) -> None:
    """Two claims of one application for the same one-time award: the higher is kept
    (the first on a tie), the others get nothing."""
    once = [mid for mid, info in infos.items() if info.once is not None]
    rows = np.flatnonzero(f.paid() & f.of(once))
    if len(rows) < 2:
        return
    # Only an application claiming one such measure twice can hold two claims of a group.
    pair = group_ids(f.app[rows], f.measure_code[rows])
    rows = rows[np.bincount(pair)[pair] >= 2]
    groups: dict[tuple[Any, ...], list[int]] = {}
    for row in rows:
        info = infos[f.measure[row]]
        claim = f.claims[row]
        app = f.apps[f.app[row]]
        values = tuple(
            claim.keys[k] if k in claim.keys else claim.facts.get(k, app.enterprise.get(k))
            for k in info.once_keys
        )
        groups.setdefault((int(f.app[row]), claim.measure, *values), []).append(int(row))
    for members in groups.values():
        if len(members) < 2:
            continue
        keep = max(members, key=lambda r: (int(f.amount[r]), -int(f.index[r])))
        for r in members:
            if r != keep:
                f.status[r], f.reason[r], f.amount[r] = NOT_ELIGIBLE, "already_awarded", 0


def earlier(f: Frame, rows: Rows, test: Any) -> npt.NDArray[np.int64]:
    """For each row, the fen of its application's earlier awards ``p`` for which
    ``test(p, app, row)`` holds (0 for the applications without history)."""
    out = np.zeros(len(rows), dtype=np.int64)
    for pos in np.flatnonzero(f.has_history[f.app[rows]]):
        row = int(rows[pos])
        app = f.apps[f.app[row]]
        out[pos] = sum(int(p.amount.scaleb(2)) for p in app.history if test(p, app, row))
    return out


def aggregate_caps(f: Frame, infos: dict[str, Info]) -> None:
    for mid, info in infos.items():
        for scope, limit in info.caps:
            rows = np.flatnonzero(f.of((mid,)) & f.paid() & (f.amount > 0))
            if not len(rows):
                continue
            if scope in ("project", "product"):
                items = np.array([f.claims[r].keys.get(scope) for r in rows], dtype=object)
                named = np.array([i is not None for i in items], dtype=bool)
                key = np.where(named, items, "")
                gid = group_ids(f.app[rows], named, key)

                def same_item(
                    p: Any, app: Any, row: int, scope: str = scope, mid: str = mid
                ) -> bool:
                    item = f.claims[row].keys.get(scope)
                    return item is not None and p.measure == mid and p.keys.get(scope) == item

                before = earlier(f, rows, same_item)
                # A group of one claim with no earlier award: the measure's own cap did it.
                sizes = np.bincount(gid)
                keep = (sizes[gid] >= 2) | (before > 0)
                rows, gid, before = rows[keep], gid[keep], before[keep]
                if not len(rows):
                    continue
            else:

                def counted(p: Any, app: Any, row: int, scope: str = scope, mid: str = mid) -> bool:
                    return bool(p.measure == mid and (scope == "enterprise" or p.year == app.year))

                gid = f.app[rows]
                before = earlier(f, rows, counted)
            share_cap(f, rows, gid, np.maximum(limit - before, 0))


def group_key(rule: Stack, info: Info, keys: dict[str, str]) -> str | None:
    if rule.key == "matter":
        if info.matter is None:
            return None
        if info.item:
            return f"{info.matter}/{keys.get(info.item) or '?'}"
        return info.matter
    if info.item and rule.key == info.item:
        return keys.get(info.item) or "?"
    return None


def history_counts(info: Info) -> bool:
    """``_history_counts``: earlier awards count against a lasting thing (an item, a
    one-time award); a yearly matter starts afresh each year."""
    return bool(info.item) or info.once is not None


def stack(f: Frame, rule: Stack, infos: dict[str, Info]) -> None:
    """Highest benefit only: in each group (application, group key), the measure whose
    claims together pay most is kept; the claims of every other measure are superseded,
    and earlier awards for the group are deducted from the winner (补差)."""
    if rule.keep == "all":
        return
    candidates = np.flatnonzero(f.paid() & (f.amount > 0))
    keyed = np.full(len(candidates), None, dtype=object)
    # Measure by measure: a key the same for all its claims (a matter), or one per claim
    # (a matter per item, an item), or none (the rule does not group the measure).
    measures = f.measure[candidates]
    for mid in dict.fromkeys(measures.tolist()):
        info = infos[mid]
        if rule.across == "policy" and info.policy != rule.policy:
            continue
        at = np.flatnonzero(measures == mid)
        if rule.key == "matter" and info.matter is not None and not info.item:
            keyed[at] = info.matter
        elif info.item and (
            (rule.key == "matter" and info.matter is not None) or rule.key == info.item
        ):
            keyed[at] = [group_key(rule, info, f.claims[r].keys) for r in candidates[at]]
    has = np.fromiter((k is not None for k in keyed), dtype=bool, count=len(keyed))
    if not has.any():
        return
    rows = candidates[has]
    keys = keyed[has]
    gid = group_ids(f.app[rows], keys)
    mcode = group_ids(f.measure[rows])
    # One line per (group, measure): the benefit and the position of its first claim.
    order = np.lexsort((mcode, gid))
    rows, gid, mcode, keys = rows[order], gid[order], mcode[order], keys[order]
    pair = starts_of(gid * (int(mcode.max()) + 1) + mcode)
    benefit = np.add.reduceat(f.amount[rows] + f.prior_cut[rows], np.flatnonzero(pair))
    first = np.minimum.reduceat(f.index[rows], np.flatnonzero(pair))
    pair_gid = gid[pair]
    pair_measure = mcode[pair]
    groups = int(gid.max()) + 1
    measures_in_group = np.bincount(pair_gid, minlength=groups)
    matching = np.array([infos[m].matching for m in f.measure[rows[pair]]], dtype=bool)
    with_matching = np.bincount(pair_gid, weights=matching, minlength=groups) > 0
    with_own = np.bincount(pair_gid, weights=~matching, minlength=groups) > 0
    # Earlier awards of other measures for the group (only where the application has any).
    prior_sum = np.zeros(groups, dtype=np.int64)
    has_priors = np.zeros(groups, dtype=bool)
    group_first = np.flatnonzero(starts_of(gid))
    ends = [*group_first[1:], len(gid)]
    for start, end in zip(group_first, ends, strict=True):
        app_index = int(f.app[rows[start]])
        if not f.has_history[app_index]:
            continue
        members = [str(m) for m in f.measure[rows[start:end]]]
        if not all(history_counts(infos[m]) for m in members):
            continue
        app = f.apps[app_index]
        g = int(gid[start])
        for p in app.history:
            known = infos.get(p.measure)
            if known is None or p.measure in members or p.year > app.year or p.amount <= 0:
                continue
            if rule.across == "policy" and known.policy != rule.policy:
                continue
            if history_counts(known) and group_key(rule, known, p.keys) == keys[start]:
                has_priors[g] = True
                prior_sum[g] += int(p.amount.scaleb(2))
                if known.matching:
                    with_matching[g] = True
                else:
                    with_own[g] = True
    qualifies = (measures_in_group >= 2) | has_priors
    if rule.matching_only:
        qualifies &= with_matching & with_own
    tie = first if rule.tie == "first" else -first
    best_order = np.lexsort((tie, -benefit, pair_gid))
    leader = best_order[starts_of(pair_gid[best_order])]
    best = np.full(groups, -1, dtype=np.int64)
    best[pair_gid[leader]] = pair_measure[leader]
    best_benefit = np.zeros(groups, dtype=np.int64)
    best_benefit[pair_gid[leader]] = benefit[leader]
    lose = qualifies[gid] & (mcode != best[gid])
    hit = rows[lose]
    f.status[hit] = SUPERSEDED
    f.reason[hit] = "stacking"
    f.amount[hit] = 0
    for g in np.flatnonzero(qualifies & (prior_sum > 0)).tolist():
        winners = rows[(gid == g) & (mcode == best[g])]
        room = max(int(best_benefit[g]) - int(prior_sum[g]), 0)
        for r in sorted(winners.tolist(), key=lambda r: -int(f.index[r])):
            total = int(sum(int(f.amount[w]) for w in winners))
            cut = min(int(f.amount[r]), max(total - room, 0))
            if cut <= 0:
                continue
            f.amount[r] -= cut
            f.prior_cut[r] += cut
            if f.amount[r] == 0:
                f.status[r], f.reason[r] = SUPERSEDED, "stacking"
            else:
                f.status[r], f.capped[r] = CAPPED, True


def group_cap(f: Frame, rule: GroupCap) -> None:
    rows = np.flatnonzero(f.paid() & (f.amount > 0) & f.of(rule.measures))
    if not len(rows):
        return
    app = f.app[rows]
    before = earlier(f, rows, lambda p, a, r: p.year == a.year and p.measure in rule.measures)
    totals = np.zeros(len(f.apps), dtype=np.int64)
    np.add.at(totals, app, f.amount[rows])
    over = before + totals[app] > rule.amount  # within the cap: nothing to do
    rows, app, before = rows[over], app[over], before[over]
    share_cap(f, rows, app, np.maximum(rule.amount - before, 0))


def yearly_cap(
    f: Frame, rule: YearlyCap, infos: dict[str, Info], measure_policies: set[str]
) -> None:
    """The yearly total per enterprise is at most the enterprise's ``limit``: the
    excess is cut from the claims in the rule's order (latest first, largest first, or
    in proportion)."""
    applies = {
        mid for mid, info in infos.items()
        if info.policy == rule.policy or rule.policy not in measure_policies
    }  # fmt: skip
    rows = np.flatnonzero(f.paid() & (f.amount > 0) & f.of(applies))
    if not len(rows):
        return
    limits = [f.apps[a].enterprise.get(rule.limit) for a in f.app[rows]]
    absent = np.array([v is None for v in limits], dtype=bool)
    for r in rows[absent]:
        f.status[r], f.reason[r] = UNDETERMINED, "missing"
        f.missing[r].append(rule.limit)
    rows = rows[~absent]
    if not len(rows):
        return
    limit = np.array(
        [int(v.scaleb(2)) for v, a in zip(limits, absent, strict=True) if not a], dtype=np.int64
    )
    app = f.app[rows]
    amount = f.amount[rows]
    before = earlier(f, rows, lambda p, a, r: p.year == a.year)
    totals = np.zeros(len(f.apps), dtype=np.int64)
    np.add.at(totals, app, amount)
    excess_app = np.zeros(len(f.apps), dtype=np.int64)
    excess_app[app] = before + totals[app] - limit
    over = excess_app[app] > 0
    rows, app, amount, limit, before = (
        rows[over],
        app[over],
        amount[over],
        limit[over],
        before[over],
    )
    if not len(rows):
        return
    if rule.trim == "proportionally":
        _proportional(f, rows, app, limit - before)
        return
    if rule.trim == "latest":
        order = np.lexsort((-f.index[rows], app))
    else:  # largest first, the later of two equal claims first
        order = np.lexsort((-f.index[rows], -amount, app))
    rows, app, amount = rows[order], app[order], amount[order]
    excess = excess_app[app]
    cut = np.clip(excess - before_in_group(amount, app), 0, amount)
    changed = cut > 0
    hit = rows[changed]
    f.amount[hit] = amount[changed] - cut[changed]
    f.capped[hit] = True
    f.status[hit] = CAPPED


def _proportional(
    f: Frame, rows: Rows, app: npt.NDArray[np.int64], limit: npt.NDArray[np.int64]
) -> None:
    """``_proportional``: shares rounded down to the fen, the leftover fen to the largest
    claims first (exact Python integers: amount × room can exceed int64)."""
    by_app: dict[int, list[int]] = {}
    room_of: dict[int, int] = {}
    for r, a, lim in zip(rows, app, limit, strict=True):
        by_app.setdefault(int(a), []).append(int(r))
        room_of[int(a)] = max(int(lim), 0)
    for a, members in by_app.items():
        room = room_of[a]
        total = sum(int(f.amount[r]) for r in members)
        shares = {r: int(f.amount[r]) * room // total for r in members}
        leftover = room - sum(shares.values())
        for r in sorted(members, key=lambda r: (-int(f.amount[r]), int(f.index[r]))):
            if leftover <= 0:
                break
            shares[r] += 1
            leftover -= 1
        for r in members:
            if shares[r] != int(f.amount[r]):
                f.amount[r] = shares[r]
                f.capped[r] = True
                f.status[r] = CAPPED


def apply_set_rules(
    f: Frame, module: Any, before_yearly: Callable[[YearlyCap], None] | None = None
) -> None:
    """The set's general rules in the engine's order; ``before_yearly(rule)`` sees the
    frame just before each yearly total cuts it (the impact counts where one binds)."""
    infos: dict[str, Info] = module.MEASURES
    measure_policies = {info.policy for info in infos.values()}
    once_in_application(f, infos)
    aggregate_caps(f, infos)
    rules = module.SET_RULES
    for rule in rules:
        if isinstance(rule, Stack):
            stack(f, rule, infos)
    for rule in rules:
        if isinstance(rule, GroupCap):
            group_cap(f, rule)
    for rule in rules:
        if isinstance(rule, YearlyCap):
            if before_yearly is not None:
                before_yearly(rule)
            yearly_cap(f, rule, infos, measure_policies)
