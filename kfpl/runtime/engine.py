"""Evaluating a whole application against a policy set.

The generated modules declare measures and rules as data plus one function per
measure; this module applies them in the documented order:

    in force → exclusions → eligibility → once / years (history) → the measure
    → per-year and per-enterprise caps → stacking rules as written → yearly total.

Everything here is a pure function of (policy set, application).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from types import ModuleType
from typing import Any

from kfpl.runtime.application import Application, Claim, InputSpec, read_application
from kfpl.runtime.measure import (
    Evaluation,
    Labels,
    MeasureMeta,
    ParamValue,
    Result,
    RuleSpec,
    Step,
)
from kfpl.runtime.money import ZERO, money_en, money_zh, to_fen, yuan_str

EXPLAIN_VERSION = 1


@dataclass
class Decision:
    """An application-level rule decision, for the ``rules`` part of the output."""

    rule: str
    source: str
    zh: str
    en: str
    claims: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "source": self.source,
            "zh": self.zh,
            "en": self.en,
            "claims": self.claims,
        }


@dataclass
class Outcome:
    app: Application
    results: list[Result]
    decisions: list[Decision]

    @property
    def total(self) -> Decimal:
        return sum((r.amount for r in self.results if r.paid), ZERO)

    def as_json(self) -> dict[str, Any]:
        return {
            "explain_version": EXPLAIN_VERSION,
            "year": self.app.year,
            "enterprise": self.app.enterprise_id,
            "total": yuan_str(self.total),
            "measures": [result_json(r) for r in self.results],
            "rules": [d.as_json() for d in self.decisions],
        }


def result_json(r: Result) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": r.claim.id,
        "measure": r.meta.id,
        "source": r.meta.source,
        "title": {"zh": r.meta.zh, "en": r.meta.en},
        "status": r.status,
        "amount": yuan_str(r.amount if r.paid else ZERO),
        "ceiling": r.ceiling,
        "capped": r.capped,
    }
    if r.paid and r.amount < 0:
        out["clawback"] = True  # money the enterprise returns (a failed acceptance)
    if r.amount_min is not None:
        out["amount_min"] = yuan_str(r.amount_min)
    if r.missing:
        out["missing"] = list(r.missing)
    if r.reason:
        out["reason"] = r.reason
    for key, value in r.claim.keys.items():
        out[key] = value
    if r.new_step is not None:
        out["step"] = yuan_str(r.new_step)
    out["explain"] = [s.as_json() for s in r.steps]
    return out


def _note(
    result: Result, kind: str, source: str, zh: str, en: str, ok: bool | None = False
) -> None:
    result.steps.append(Step(kind, zh, en, source, 0, ok))


class PolicySetRuntime:
    """The measures, rules and declarations of every generated module of a set."""

    def __init__(self, modules: Iterable[ModuleType]) -> None:
        self.policies: dict[str, dict[str, Any]] = {}
        self.inputs: dict[str, InputSpec] = {}
        self.members: dict[str, tuple[str, str]] = {}
        self.params: dict[str, tuple[ParamValue, ...]] = {}
        self.param_labels: dict[str, tuple[str, str]] = {}
        self.fields: dict[str, tuple[str, str]] = {}
        self.measures: dict[str, MeasureMeta] = {}
        self.rules: list[RuleSpec] = []
        for module in modules:
            policy = module.POLICY
            self.policies[policy["id"]] = policy
            self.inputs.update(module.INPUTS)
            self.members.update(module.MEMBERS)
            self.fields.update(module.FIELDS)
            for name, (zh, en, values) in module.PARAMS.items():
                self.params[name] = values
                self.param_labels[name] = (zh, en)
            for meta in module.MEASURES:
                self.measures[meta.id] = meta
            self.rules.extend(module.RULES)
        self.labels = Labels(self.inputs, self.members, self.param_labels, self.fields)
        self.measure_inputs = {m.id: m.reads for m in self.measures.values()}
        self.measure_policies = {m.policy for m in self.measures.values()}

    # -- public
    def read(self, data: Any) -> Application:
        return read_application(data, self.inputs, self.measure_inputs)

    def evaluate(self, data: Any) -> Outcome:
        app = data if isinstance(data, Application) else self.read(data)
        results = [self._claim(app, claim) for claim in app.claims]
        decisions: list[Decision] = []
        self._aggregate_caps(app, results)
        # Stacking first (in the order written), then the yearly total, whatever
        # the order of the files: the total must count only what survives stacking.
        for rule in self.rules:
            if rule.kind == "stack":
                decisions.extend(self._stack(rule, results))
        for rule in self.rules:
            if rule.kind == "yearly_cap":
                decisions.extend(self._yearly_cap(rule, app, results))
        for r in results:
            if r.paid and r.computed is not None and r.amount != r.computed:
                _note(
                    r,
                    "final",
                    r.meta.source,
                    f"最终核定{money_zh(r.amount)}",
                    f"final amount: {money_en(r.amount)}",
                    ok=None,
                )
        return Outcome(app, results, decisions)

    def evaluate_one(self, app: Application) -> Result:
        """A one-claim application judged by its measure alone (worked examples):
        in force, history and the measure's own caps, but no set-level rules."""
        results = [self._claim(app, app.claims[0], set_rules=False)]
        self._aggregate_caps(app, results)
        return results[0]

    # -- applicability
    def _applies(self, rule: RuleSpec, meta: MeasureMeta) -> bool:
        """A rule binds the measures of its own policy; a rule in a policy without
        measures (the shared rules file) binds every measure of the set."""
        return rule.policy == meta.policy or rule.policy not in self.measure_policies

    # -- one claim
    def _claim(self, app: Application, claim: Claim, set_rules: bool = True) -> Result:
        meta = self.measures[claim.measure]
        ev = Evaluation(meta, claim, app, self.labels, self.params)
        result = ev.result
        policy = self.policies[meta.policy]
        start, end = policy.get("effective") or (app.year, app.year)
        if not start <= app.year <= end:
            result.status, result.reason = "not_eligible", "not_in_force"
            ev.step(
                "in_force",
                f"{app.year}年不在政策实施期限（{start}—{end}年）内",
                f"not in force: {app.year} is outside the effective period {start}–{end}",
                ok=False,
            )
            return result
        for rule in self.rules if set_rules else ():
            if not self._applies(rule, meta):
                continue
            if rule.kind == "exclude" and not self._exclusion(rule, ev):
                return result
            if rule.kind == "eligible" and not self._eligibility(rule, ev):
                return result
        if meta.once is not None and not self._once(meta, ev):
            return result
        if meta.max_years is not None and not self._years(meta, ev):
            return result
        meta.fn(ev)
        return result

    def _exclusion(self, rule: RuleSpec, ev: Evaluation) -> bool:
        values = {flag: ev.get(flag) for flag in rule.flags}
        if ev.undetermined():
            return False
        hit = [flag for flag, value in values.items() if value]
        if not hit:
            return True
        ev.result.status, ev.result.reason = "excluded", "excluded"
        names_zh = "、".join(self.labels.name(f, "zh") for f in hit)
        names_en = ", ".join(self.labels.name(f, "en") for f in hit)
        _note(
            ev.result,
            "excluded",
            rule.source,
            f"不享受本政策：{names_zh}",
            f"excluded from the policy: {names_en}",
        )
        return False

    def _eligibility(self, rule: RuleSpec, ev: Evaluation) -> bool:
        assert rule.check is not None
        check = rule.check(ev)
        if check is None:  # an input was missing: the result is already undetermined
            return False
        ok = ev.require(check)
        ev.result.steps[-1].source = rule.source
        if not ok:
            ev.result.reason = "general_eligibility"
        return ok

    def _history_key(self, meta: MeasureMeta, ev: Evaluation) -> Any:
        key = meta.once or ""
        if not key:
            return None
        if key in ev.claim.keys:
            return ev.claim.keys[key]
        return ev.claim.facts.get(key, ev.app.enterprise.get(key))

    def _once(self, meta: MeasureMeta, ev: Evaluation) -> bool:
        key = meta.once or ""
        wanted = self._history_key(meta, ev)
        for prior in ev.app.history:
            if prior.measure != meta.id or prior.year > ev.app.year:
                continue
            if key and prior.keys.get(key) != wanted:
                continue
            ev.result.status, ev.result.reason = "not_eligible", "already_awarded"
            what_zh = f"（{key}：{wanted}）" if key else ""
            what_en = f" ({key} {wanted})" if key else ""
            ev.step(
                "once",
                f"一次性奖励已于{prior.year}年发放{money_zh(prior.amount)}{what_zh}，不再重复奖励",
                f"one-time award already paid in {prior.year}: {money_en(prior.amount)}{what_en}",
                ok=False,
            )
            return False
        return True

    def _years(self, meta: MeasureMeta, ev: Evaluation) -> bool:
        project = ev.claim.keys.get("project")
        years = sorted(
            {
                p.year
                for p in ev.app.history
                if p.measure == meta.id
                and p.year < ev.app.year
                and (project is None or p.keys.get("project") == project)
            }
        )
        assert meta.max_years is not None
        if len(years) < meta.max_years:
            if years:
                ev.step(
                    "years",
                    f"已支持{len(years)}年（{'、'.join(map(str, years))}），未满{meta.max_years}年",
                    f"supported in {len(years)} earlier year(s) ({', '.join(map(str, years))}); at most {meta.max_years}",
                    ok=True,
                )
            return True
        ev.result.status, ev.result.reason = "not_eligible", "years_used"
        ev.step(
            "years",
            f"已连续支持{len(years)}年（{'、'.join(map(str, years))}），支持期已满",
            f"support period used up: {len(years)} years already ({', '.join(map(str, years))})",
            ok=False,
        )
        return False

    # -- caps across claims
    def _aggregate_caps(self, app: Application, results: list[Result]) -> None:
        for meta in self.measures.values():
            for scope, limit in meta.caps:
                mine = [r for r in results if r.meta.id == meta.id and r.paid and r.amount > 0]
                if not mine:
                    continue
                earlier = sum(
                    (
                        p.amount
                        for p in app.history
                        if p.measure == meta.id and (scope == "enterprise" or p.year == app.year)
                    ),
                    ZERO,
                )
                room = max(limit - earlier, ZERO)
                scope_zh = "单个企业每年" if scope == "year" else "单个企业"
                scope_en = "per enterprise per year" if scope == "year" else "per enterprise"
                for r in mine:
                    if r.amount > room:
                        before = r.amount
                        r.amount = to_fen(room)
                        r.capped = True
                        r.status = "capped"
                        paid_zh = f"（此前已获{money_zh(earlier)}）" if earlier else ""
                        paid_en = f" ({money_en(earlier)} already paid)" if earlier else ""
                        _note(
                            r,
                            "cap",
                            meta.source,
                            f"{scope_zh}最高不超过{money_zh(limit)}{paid_zh}：由{money_zh(before)}核减为{money_zh(r.amount)}",
                            f"cap {money_en(limit)} {scope_en}{paid_en}: {money_en(before)} reduced to {money_en(r.amount)}",
                        )
                    else:
                        _note(
                            r,
                            "cap",
                            meta.source,
                            f"{scope_zh}最高不超过{money_zh(limit)}：未触及",
                            f"cap {money_en(limit)} {scope_en}: not reached",
                            ok=True,
                        )
                    room -= r.amount

    # -- stacking
    def _group_key(self, rule: RuleSpec, r: Result) -> str | None:
        """The matter of a claim is the one the application names, else the kind of
        matter its measure declares, taken per project when the claim has one (two
        different equipment projects are two matters)."""
        if rule.key == "matter":
            if "matter" in r.claim.keys:
                return r.claim.keys["matter"]
            if r.meta.matter is None:
                return None
            project = r.claim.keys.get("project")
            return f"{r.meta.matter}/{project}" if project else r.meta.matter
        return r.claim.keys.get(rule.key)

    def _stack(self, rule: RuleSpec, results: list[Result]) -> list[Decision]:
        groups: dict[str, list[Result]] = defaultdict(list)
        for r in results:
            if not r.paid or r.amount <= 0:
                continue
            if rule.across == "policy" and r.meta.policy != rule.policy:
                continue
            key = self._group_key(rule, r)
            if key is not None:
                groups[key].append(r)
        decisions = []
        for key, members in groups.items():
            if len({m.claim.id for m in members}) < 2:
                continue
            if rule.matching_only and not (
                any(m.meta.matching for m in members) and any(not m.meta.matching for m in members)
            ):
                continue
            if rule.keep == "all":
                decisions.append(
                    Decision(
                        rule.id,
                        rule.source,
                        f"{rule.key}“{key}”下的{len(members)}项均予支持（本规则设为全部享受）",
                        f"{rule.key} {key!r}: all {len(members)} claims paid (rule set to keep all)",
                        [m.claim.id for m in members],
                    )
                )
                continue
            # Highest amount wins; on a tie the rule's `tie` clause decides: the claim
            # listed first (the default) or last in the application.
            order = -1 if rule.tie == "first" else 1
            winner = max(members, key=lambda m: (m.amount, order * m.claim.index))
            for loser in members:
                if loser is winner:
                    continue
                loser.status, loser.reason = "superseded", "stacking"
                _note(
                    loser,
                    "stacking",
                    rule.source,
                    f"不予重复享受：与{winner.meta.id}（{winner.claim.id}）属同一{_KEY_ZH.get(rule.key, rule.key)}“{key}”，"
                    f"按最高一项执行，{winner.meta.id}为{money_zh(winner.amount)}，本项{money_zh(loser.amount)}",
                    f"not paid: same {rule.key} {key!r} as {winner.meta.id} ({winner.claim.id}), "
                    f"which pays {'more' if winner.amount > loser.amount else 'as much and comes first'} "
                    f"({money_en(winner.amount)} vs {money_en(loser.amount)})",
                )
                loser.amount = ZERO
            _note(
                winner,
                "stacking",
                rule.source,
                f"同一{_KEY_ZH.get(rule.key, rule.key)}“{key}”的{len(members)}项中金额最高，予以支持",
                f"highest of {len(members)} claims for {rule.key} {key!r}: paid",
                ok=True,
            )
            decisions.append(
                Decision(
                    rule.id,
                    rule.source,
                    f"{rule.zh}：{_KEY_ZH.get(rule.key, rule.key)}“{key}”保留{winner.claim.id}（{winner.meta.id}）",
                    f"{rule.en}: {rule.key} {key!r} keeps {winner.claim.id} ({winner.meta.id})",
                    [m.claim.id for m in members],
                )
            )
        return decisions

    # -- yearly total
    def _yearly_cap(
        self, rule: RuleSpec, app: Application, results: list[Result]
    ) -> list[Decision]:
        paid = [r for r in results if r.paid and r.amount > 0 and self._applies(rule, r.meta)]
        if not paid:
            return []
        limit = app.enterprise.get(rule.limit)
        label_zh = self.labels.name(rule.limit, "zh")
        label_en = self.labels.name(rule.limit, "en")
        if limit is None:
            for r in paid:
                r.status, r.reason = "undetermined", "missing"
                r.missing.append(rule.limit)
                _note(
                    r,
                    "yearly_cap",
                    rule.source,
                    f"缺少{label_zh}，无法核定年度总额上限",
                    f"cannot apply the yearly total cap: missing {label_en} ({rule.limit})",
                )
            return [
                Decision(
                    rule.id,
                    rule.source,
                    f"缺少{label_zh}",
                    f"missing {label_en}",
                    [r.claim.id for r in paid],
                )
            ]
        earlier = sum((p.amount for p in app.history if p.year == app.year), ZERO)
        total = sum((r.amount for r in paid), ZERO)
        if earlier + total <= limit:
            return [
                Decision(
                    rule.id,
                    rule.source,
                    f"年度奖补总额{money_zh(earlier + total)}未超过{label_zh}{money_zh(limit)}",
                    f"yearly total {money_en(earlier + total)} is within {label_en} {money_en(limit)}",
                )
            ]
        excess = earlier + total - limit
        if rule.trim == "proportionally":
            room = max(limit - earlier, ZERO)
            trimmed = _proportional(paid, room)
        else:
            order = sorted(
                paid,
                key=(lambda r: -r.claim.index)
                if rule.trim == "latest"
                else (lambda r: (-r.amount, -r.claim.index)),
            )
            trimmed = {}
            for r in order:
                cut = min(r.amount, excess)
                trimmed[r.claim.id] = r.amount - cut
                excess -= cut
        earlier_zh = f"（本年此前已获{money_zh(earlier)}）" if earlier else ""
        earlier_en = f" ({money_en(earlier)} already paid this year)" if earlier else ""
        for r in paid:
            new = trimmed.get(r.claim.id, r.amount)
            if new != r.amount:
                _note(
                    r,
                    "yearly_cap",
                    rule.source,
                    f"单个企业当年奖补总额不超过{label_zh}{money_zh(limit)}{earlier_zh}：由{money_zh(r.amount)}核减为{money_zh(new)}",
                    f"yearly total capped at {label_en} {money_en(limit)}{earlier_en}: {money_en(r.amount)} reduced to {money_en(new)}",
                )
                r.amount = new
                r.capped = True
                r.status = "capped"
        return [
            Decision(
                rule.id,
                rule.source,
                f"年度奖补总额{money_zh(earlier + total)}超过{label_zh}{money_zh(limit)}，核减至上限",
                f"yearly total {money_en(earlier + total)} exceeds {label_en} {money_en(limit)}: trimmed to the limit",
                [r.claim.id for r in paid],
            )
        ]


_KEY_ZH = {"matter": "事项", "project": "项目", "product": "产品"}


def _proportional(paid: list[Result], room: Decimal) -> dict[str, Decimal]:
    """Scale amounts to fit ``room`` exactly: round down to the fen, then hand the
    leftover fen to the largest claims first so the parts add up to the whole."""
    total = sum((r.amount for r in paid), ZERO)
    shares = {
        r.claim.id: (r.amount * room / total).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
        for r in paid
    }
    leftover = room - sum(shares.values(), ZERO)
    for r in sorted(paid, key=lambda r: (-r.amount, r.claim.index)):
        if leftover <= 0:
            break
        shares[r.claim.id] += Decimal("0.01")
        leftover -= Decimal("0.01")
    return shares
