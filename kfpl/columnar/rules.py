"""The set-level rules over all claims of a batch at once (kfpl.runtime.engine's
``_evaluate`` after the claims): one-time awards claimed twice, the measures' own
yearly / per-enterprise / per-item caps, stacking (highest benefit only), joint caps
and the yearly total, in that order.

Each rule groups claims (by application, and by the group key the rule names), sorts the
rows of a group into the order the reference engine walks them, and uses segment
operations (cumulative sums within a group, the first row of a sorted group) instead of
a loop per application. Amounts are int64 fen: the engine keeps an application whose
amounts could leave int64 for the reference evaluator.

Earlier awards (history) are matched to claims, or to stacking groups, as pairs of one
application (``Frame.pairs``) over the awards of the measures a rule names, and summed
per claim or group.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from kfpl.columnar.kernel import (
    CAPPED,
    INT64_MAX,
    NOT_ELIGIBLE,
    SUPERSEDED,
    UNDETERMINED,
    Frame,
    GroupCap,
    Info,
    Stack,
    YearlyCap,
    ascending,
    owner_sums,
    sorted_sums,
    starts_of,
)

Rows = npt.NDArray[np.int64]


def before_in_group(
    values: npt.NDArray[np.int64],
    gid: npt.NDArray[Any],
    first: npt.NDArray[np.bool_] | None = None,
) -> npt.NDArray[np.int64]:
    """Sum of the values of the rows before each row in its group (``gid`` sorted;
    ``first``: its ``starts_of``, if known)."""
    if not len(values):
        return values.copy()
    cs = np.cumsum(values)
    excl = cs - values
    first = starts_of(gid) if first is None else first
    base = excl[first]
    out: npt.NDArray[np.int64] = excl - base[np.cumsum(first) - 1]
    return out


def group_ids(*keys: npt.NDArray[Any]) -> npt.NDArray[np.int64]:
    """One integer per distinct combination of the (integer) keys, from 0 up."""
    combined = np.zeros(len(keys[0]), dtype=np.int64)
    span = 1
    for key in keys:
        low = int(key.min()) if len(key) else 0
        size = (int(key.max()) if len(key) else 0) - low + 1
        if span * size > INT64_MAX:  # too many combinations for one integer: renumber
            combined = np.unique(combined, return_inverse=True)[1].reshape(-1)
            span = int(combined.max()) + 1 if len(combined) else 1
        combined = combined * size + (key - low)
        span *= size
    out: npt.NDArray[np.int64] = np.unique(combined, return_inverse=True)[1].reshape(-1)
    return out.astype(np.int64)


def share_cap(
    f: Frame, rows: Rows, gid: npt.NDArray[np.int64], room0: npt.NDArray[np.int64]
) -> None:
    """``_share_cap``: the rows of a group share ``room0`` (per row, its group's room) in
    claim order; a row above what is left is cut to it and marked capped. ``room0`` is
    not negative."""
    if not (ascending(gid) and ascending(rows)):  # else already in claim order
        order = np.lexsort((f.index[rows], gid))
        rows, gid, room0 = rows[order], gid[order], room0[order]
    amount = f.amount[rows]
    first = starts_of(gid)
    # In groups of one claim nothing before a row shares the room.
    alone = first.all()
    room = room0 if alone else np.maximum(room0 - before_in_group(amount, gid, first), 0)
    over = np.flatnonzero(amount > room)
    hit = rows[over]
    f.amount[hit] = room[over]
    f.capped[hit] = True
    f.status[hit] = CAPPED


def paying(f: Frame, rows: Rows) -> Rows:
    """The ``rows`` paid something (a cap or a choice can change nothing else)."""
    out: Rows = rows[np.flatnonzero((f.status[rows] <= CAPPED) & (f.amount[rows] > 0))]
    return out


def once_in_application(f: Frame, infos: dict[str, Info]) -> None:
    """Two claims of one application for the same one-time award: the higher is kept
    (the first on a tie), the others get nothing."""
    paid = f.paid()
    lost = f.reason_code("already_awarded")
    for mid, info in infos.items():
        if info.once is None:
            continue
        rows = f.rows_of(mid)
        rows = rows[paid[rows]]
        if len(rows) < 2:
            continue
        # Only an application claiming the measure twice can hold two claims of a group.
        app = f.app[rows]
        twice = np.r_[False, app[1:] == app[:-1]] | np.r_[app[:-1] == app[1:], False]
        rows = rows[twice]
        if not len(rows):
            continue
        keys = [f.key_codes(k)[0][rows] for k in info.once_keys]
        gid = group_ids(f.app[rows], *keys)
        order = np.lexsort((f.index[rows], -f.amount[rows], gid))
        lose = rows[order][~starts_of(gid[order])]
        f.status[lose], f.reason[lose], f.amount[lose] = NOT_ELIGIBLE, lost, 0


def earlier(
    f: Frame,
    rows: Rows,
    history: Rows,
    same_year: bool = False,
    item: str | None = None,
) -> npt.NDArray[np.int64]:
    """For each row, the fen of its application's earlier awards among ``history``
    (``Frame.history_of``): with ``same_year`` only those of the application's year,
    with ``item`` only those naming the row's item (none for a row naming none)."""
    if same_year and len(history):  # the same test for every row of an application
        history = history[f.h_year[history] == f.year[f.h_app[history]]]
    if not len(history):
        return np.zeros(len(rows), dtype=np.int64)
    if item is None:  # the same sum for every row of an application
        per_app = owner_sums(f.h_app[history], f.h_amount[history], f.n_apps)
        out: npt.NDArray[np.int64] = per_app[f.app[rows]]
        return out
    with_history = np.flatnonzero(f.has_history[f.app[rows]])
    at, award = f.pairs(f.app[rows[with_history]], history)
    at = with_history[at]
    claim, hist = f.key_codes(item)
    mine = claim[rows[at]]
    keep = (mine != -1) & (mine == hist[award])
    return owner_sums(at[keep], f.h_amount[award[keep]], len(rows))


def aggregate_caps(f: Frame, infos: dict[str, Info]) -> None:
    for mid, info in infos.items():
        for scope, limit in info.caps:
            rows = paying(f, f.rows_of(mid))
            if not len(rows):
                continue
            history = f.history_of((mid,))
            if scope in ("project", "product"):
                gid = group_ids(f.app[rows], f.c.keys[scope].codes[rows])
                before = earlier(f, rows, history, item=scope)
                # A group of one claim with no earlier award: the measure's own cap did it.
                sizes = np.bincount(gid)
                keep = np.flatnonzero((sizes[gid] >= 2) | (before > 0))
                rows, gid, before = rows[keep], gid[keep], before[keep]
                if not len(rows):
                    continue
            else:
                gid = f.app[rows]
                before = earlier(f, rows, history, same_year=scope != "enterprise")
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


def _group_keys(
    rule: Stack,
    info: Info,
    items: npt.NDArray[np.int64],
    words: list[str],
    groups: dict[str, int],
    add: bool,
) -> npt.NDArray[np.int64]:
    """The group key (``group_key``) of claims or earlier awards of one measure naming
    ``items`` (codes into ``words``, -1: none) as codes into ``groups`` (-1: no group;
    with ``add``, keys not yet there are added). One ``group_key`` per distinct item."""
    # The distinct items, ascending (-1 first): a count per code, no sort.
    named = np.flatnonzero(np.bincount(items + 1, minlength=len(words) + 1)) - 1
    table = {}
    for code in named.tolist():
        keys = {info.item: words[code]} if info.item and code >= 0 else {}
        key = group_key(rule, info, keys)
        if key is not None and (add or key in groups):
            table[code] = groups.setdefault(key, len(groups))
        else:
            table[code] = -1
    lookup = np.full(len(words) + 1, -1, dtype=np.int64)
    lookup[named + 1] = [table[c] for c in named.tolist()]
    out: npt.NDArray[np.int64] = lookup[items + 1]
    return out


def stack(f: Frame, rule: Stack, infos: dict[str, Info]) -> None:
    """Highest benefit only: in each group (application, group key), the measure whose
    claims together pay most is kept; the claims of every other measure are superseded,
    and earlier awards for the group are deducted from the winner (补差)."""
    if rule.keep == "all":
        return
    shared = _sharing(rule, infos)
    if rule.matching_only and not any(infos[m].matching for m in shared):
        return  # no group can hold a measure matching another's award
    groups: dict[str, int] = {}
    parts, keyed_parts = [], []
    # Measure by measure: a key the same for all its claims (a matter), or one per claim
    # (a matter per item, an item), or none (the rule does not group the measure).
    for mid in f.measures:
        info = infos.get(mid)
        if info is None or mid not in shared:
            continue
        rows = paying(f, f.rows_of(mid))
        if not len(rows):
            continue
        if info.item:
            items = f.key_codes(info.item)[0][rows]
            keyed = _group_keys(rule, info, items, f.key_words(info.item), groups, add=True)
            rows, keyed = rows[keyed >= 0], keyed[keyed >= 0]
        else:  # one key for all its claims
            key = group_key(rule, info, {})
            assert key is not None
            keyed = np.full(len(rows), groups.setdefault(key, len(groups)), dtype=np.int64)
        parts.append(rows)
        keyed_parts.append(keyed)
    if not parts or not sum(len(p) for p in parts):
        return
    rows = np.concatenate(parts)
    keys = np.concatenate(keyed_parts)
    counts_of = np.array([history_counts(infos[m]) if m in infos else False for m in f.measures])
    award_key = _award_keys(f, rule, infos, groups, counts_of) if len(f.h_app) else None
    # The earlier awards that can count against a group: named by one, and paid.
    counted = None if award_key is None else (award_key >= 0) & (f.h_amount > 0)
    rows, keys = _contested(f, rows, keys, len(groups), award_key, counted)
    if not len(rows):
        return
    mcode = f.measure_code[rows]
    # One group per (application, key); rows by group, measure, then claim order (each
    # measure's rows are in order, and the sort is stable).
    n_measures = len(f.measures) + 1
    group = f.app[rows] * len(groups) + keys
    order = np.argsort(group * n_measures + mcode, kind="stable")
    rows, keys, mcode, group = rows[order], keys[order], mcode[order], group[order]
    gid = np.cumsum(starts_of(group)) - 1
    # One line per (group, measure): the benefit and the position of its first claim.
    pair = starts_of(gid * n_measures + mcode)
    pair_at = np.flatnonzero(pair)
    benefit = np.add.reduceat(f.amount[rows] + f.prior_cut[rows], pair_at)
    first = np.minimum.reduceat(f.index[rows], pair_at)
    pair_gid = gid[pair]
    pair_measure = mcode[pair]
    n_groups = int(gid[-1]) + 1
    measures_in_group = np.bincount(pair_gid, minlength=n_groups)
    matching_of = np.array([infos[m].matching if m in infos else False for m in f.measures])
    matching = matching_of[pair_measure]
    with_matching = np.bincount(pair_gid[matching], minlength=n_groups) > 0
    with_own = np.bincount(pair_gid[~matching], minlength=n_groups) > 0
    # Earlier awards of other measures for the group, where every measure of the group
    # counts earlier awards: pairs (group, award) of the group's application.
    group_start = np.flatnonzero(starts_of(gid))
    group_app = f.app[rows[group_start]]
    group_key_code = keys[group_start]
    lasting = np.bincount(pair_gid[~counts_of[pair_measure]], minlength=n_groups) == 0
    prior_sum = np.zeros(n_groups, dtype=np.int64)
    has_priors = np.zeros(n_groups, dtype=bool)
    candidates = np.flatnonzero(lasting & f.has_history[group_app])
    if len(candidates) and award_key is not None and counted is not None:
        history = f.history_of()
        history = history[counted[history]]
        at, award = f.pairs(group_app[candidates], history)
        g = candidates[at]
        members = pair_gid * n_measures + pair_measure  # sorted
        asked = g * n_measures + f.h_measure[award]
        found = np.minimum(np.searchsorted(members, asked), len(members) - 1)
        hit = (
            (award_key[award] == group_key_code[g])
            & (f.h_year[award] <= f.year[group_app[g]])
            & (members[found] != asked)
        )
        g, award = g[hit], award[hit]
        has_priors[g] = True
        prior_sum = owner_sums(g, f.h_amount[award], n_groups)
        kind = matching_of[f.h_measure[award]]
        with_matching[g[kind]] = True
        with_own[g[~kind]] = True
    qualifies = (measures_in_group >= 2) | has_priors
    if rule.matching_only:
        qualifies &= with_matching & with_own
    # The leader of each group (its lines are consecutive): the highest benefit, then
    # the first claimed (or the last, with ``tie`` last); a claim is in one line only.
    line_start = np.flatnonzero(starts_of(pair_gid))
    top = np.maximum.reduceat(benefit, line_start)[pair_gid] == benefit
    tie = first if rule.tie == "first" else -first
    chosen = np.where(top, tie, np.iinfo(np.int64).max)
    leader = np.flatnonzero(top & (np.minimum.reduceat(chosen, line_start)[pair_gid] == tie))
    best = np.full(n_groups, -1, dtype=np.int64)
    best[pair_gid[leader]] = pair_measure[leader]
    best_benefit = np.zeros(n_groups, dtype=np.int64)
    best_benefit[pair_gid[leader]] = benefit[leader]
    stacking = f.reason_code("stacking")
    lose = qualifies[gid] & (mcode != best[gid])
    hit = rows[lose]
    f.status[hit] = SUPERSEDED
    f.reason[hit] = stacking
    f.amount[hit] = 0
    # The winner pays at most its benefit less the earlier awards: the excess is cut
    # from its claims, the latest first.
    deduct = qualifies & (prior_sum > 0)
    win = deduct[gid] & (mcode == best[gid])
    if not win.any():
        return
    rows, wgid = rows[win], gid[win]
    order = np.lexsort((-f.index[rows], wgid))
    rows, wgid = rows[order], wgid[order]
    amount = f.amount[rows]
    total = np.zeros(n_groups, dtype=np.int64)
    np.add.at(total, wgid, amount)
    room = np.maximum(best_benefit - prior_sum, 0)
    excess = total[wgid] - room[wgid]
    cut = np.clip(excess - before_in_group(amount, wgid), 0, amount)
    changed = cut > 0
    rows, cut = rows[changed], cut[changed]
    f.amount[rows] -= cut
    f.prior_cut[rows] += cut
    gone = f.amount[rows] == 0
    f.status[rows[gone]], f.reason[rows[gone]] = SUPERSEDED, stacking
    f.status[rows[~gone]], f.capped[rows[~gone]] = CAPPED, True


def _contested(
    f: Frame,
    rows: Rows,
    keys: npt.NDArray[np.int64],
    n_keys: int,
    award_key: Rows | None,
    counted: npt.NDArray[np.bool_] | None,
) -> tuple[Rows, npt.NDArray[np.int64]]:
    """The rows (and their group keys) of the groups the rule can change: those of more
    than one claim, or with an earlier award (``counted``) of its year or before against
    them (``award_key``: per earlier award its group key). A claim alone in its group,
    which no earlier award names, keeps its amount; leaving it out spares the sorts of
    what follows."""
    span = f.n_apps * n_keys
    if span > 4 * (len(rows) + len(f.h_app)) + f.n_apps:
        return rows, keys  # too many keys for a count per (application, key): all
    group = f.app[rows] * n_keys + keys
    contested = np.bincount(group, minlength=span) >= 2
    if award_key is not None and counted is not None:
        named = np.flatnonzero(counted & (f.h_year <= f.year[f.h_app]))
        contested[f.h_app[named] * n_keys + award_key[named]] = True
    keep = np.flatnonzero(contested[group])
    return rows[keep], keys[keep]


def _sharing(rule: Stack, infos: dict[str, Info]) -> set[str]:
    """The measures the rule groups that could share a group with another measure (a
    claim or an earlier award of it): the rule changes nothing for the others, alone
    in every group they are in."""
    family: dict[str, list[str]] = {}
    for mid, info in infos.items():
        if rule.across == "policy" and info.policy != rule.policy:
            continue
        if rule.key == "matter" and info.matter is not None:
            family.setdefault(info.matter, []).append(mid)
        elif rule.key != "matter" and info.item and rule.key == info.item:
            family.setdefault(rule.key, []).append(mid)
    return {mid for members in family.values() if len(members) >= 2 for mid in members}


def _award_keys(
    f: Frame,
    rule: Stack,
    infos: dict[str, Info],
    groups: dict[str, int],
    counts_of: npt.NDArray[np.bool_],
) -> npt.NDArray[np.int64]:
    """Per earlier award, the stacking group it counts against (code into ``groups``;
    -1: none): a measure of the set that counts earlier awards, under the rule."""
    out = np.full(len(f.h_app), -1, dtype=np.int64)
    for code, mid in enumerate(f.measures):
        known = infos.get(mid)
        if known is None or not counts_of[code]:
            continue
        if rule.across == "policy" and known.policy != rule.policy:
            continue
        awards = f.history_of((mid,))
        if not len(awards):
            continue
        if known.item:
            items = f.key_codes(known.item)[1][awards]
            words = f.key_words(known.item)
        else:
            items, words = np.full(len(awards), -1, dtype=np.int64), []
        out[awards] = _group_keys(rule, known, items, words, groups, add=False)
    return out


def group_cap(f: Frame, rule: GroupCap) -> None:
    rows = np.flatnonzero(f.paid() & (f.amount > 0) & f.of(rule.measures))
    if not len(rows):
        return
    app = f.app[rows]  # ascending (rows are)
    before = earlier(f, rows, f.history_of(rule.measures), same_year=True)
    totals = sorted_sums(app, f.amount[rows], f.n_apps)
    over = np.flatnonzero(before + totals[app] > rule.amount)  # within the cap: nothing to do
    rows, app, before = rows[over], app[over], before[over]
    share_cap(f, rows, app, np.maximum(rule.amount - before, 0))


def yearly_rows(
    f: Frame, rule: YearlyCap, infos: dict[str, Info], measure_policies: set[str]
) -> tuple[Rows, Rows, npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The claims a yearly total applies to (paid, of the measures it covers): those
    whose enterprise gives no limit, and the others with their limit and this year's
    earlier awards (fen)."""
    applies = [
        mid for mid, info in infos.items()
        if info.policy == rule.policy or rule.policy not in measure_policies
    ]  # fmt: skip
    rows = np.flatnonzero(f.paid() & (f.amount > 0) & f.of(applies))
    limits = f.c.enterprise.get(rule.limit)
    if limits is None:
        return rows, rows[:0], np.zeros(0, np.int64), np.zeros(0, np.int64)
    given = limits.present[f.app[rows]]
    absent, rows = rows[np.flatnonzero(~given)], rows[np.flatnonzero(given)]
    limit = limits.data[f.app[rows]]
    return absent, rows, limit, earlier(f, rows, f.history_of(), same_year=True)


def yearly_cap(
    f: Frame, rule: YearlyCap, infos: dict[str, Info], measure_policies: set[str]
) -> None:
    """The yearly total per enterprise is at most the enterprise's ``limit``: the
    excess is cut from the claims in the rule's order (latest first, largest first, or
    in proportion)."""
    absent, rows, limit, before = yearly_rows(f, rule, infos, measure_policies)
    f.status[absent], f.reason[absent] = UNDETERMINED, f.reason_code("missing")
    f.add_missing(absent, rule.limit)
    if not len(rows):
        return
    app = f.app[rows]  # ascending (rows are)
    amount = f.amount[rows]
    totals = sorted_sums(app, amount, f.n_apps)
    excess_app = np.zeros(f.n_apps, dtype=np.int64)
    excess_app[app] = before + totals[app] - limit
    over = np.flatnonzero(excess_app[app] > 0)
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
    if rule.trim == "latest":  # each application's claims in reverse: no sort
        first = starts_of(app)
        start = np.flatnonzero(first)
        end = np.r_[start[1:], len(app)]
        run = np.cumsum(first) - 1
        order = start[run] + end[run] - 1 - np.arange(len(app))
    else:  # largest first, the later of two equal claims first
        order = np.lexsort((-f.index[rows], -amount, app))
    rows, app, amount = rows[order], app[order], amount[order]
    excess = excess_app[app]
    cut = np.clip(excess - before_in_group(amount, app), 0, amount)
    changed = np.flatnonzero(cut > 0)
    hit = rows[changed]
    f.amount[hit] = amount[changed] - cut[changed]
    f.capped[hit] = True
    f.status[hit] = CAPPED


def _proportional(
    f: Frame, rows: Rows, app: npt.NDArray[np.int64], limit: npt.NDArray[np.int64]
) -> None:
    """``_proportional``: shares rounded down to the fen, the leftover fen to the largest
    claims first (on Python integers where amount × room could leave int64)."""
    order = np.lexsort((f.index[rows], -f.amount[rows], app))
    rows, app = rows[order], app[order]
    room = np.maximum(limit[order], 0)
    amount = f.amount[rows]
    first = starts_of(app)
    group = np.cumsum(first) - 1
    starts = np.flatnonzero(first)
    total = np.add.reduceat(amount, starts)[group]
    if int(amount.max()) * max(int(room.max()), 1) < INT64_MAX:
        shares = amount * room // total
    else:
        shares = (amount.astype(object) * room.astype(object) // total.astype(object)).astype(
            np.int64
        )
    leftover = room[starts] - np.add.reduceat(shares, starts)
    rank = np.arange(len(rows)) - starts[group]
    shares = shares + (rank < leftover[group])
    changed = shares != amount
    hit = rows[changed]
    f.amount[hit] = shares[changed]
    f.capped[hit] = True
    f.status[hit] = CAPPED


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
