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
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import ModuleType
from typing import Any

from kfpl.runtime import measure
from kfpl.runtime.application import (
    Application,
    Claim,
    InputSpec,
    PriorAward,
    Schema,
    read_application,
)
from kfpl.runtime.dates import Span, day_en, day_zh
from kfpl.runtime.measure import (
    Evaluation,
    Labels,
    LazyTexts,
    MeasureMeta,
    ParamValue,
    Record,
    Render,
    Result,
    RuleSpec,
    Step,
)
from kfpl.runtime.money import ZERO, exact, money_en, money_zh, to_fen, yuan_str

EXPLAIN_VERSION = 1


class Decision(LazyTexts):
    """An application-level rule decision, for the ``rules`` part of the output; its
    text, like a step's, may be rendered only when it is read."""

    __slots__ = ("claims", "rule", "source")

    def __init__(
        self,
        rule: str,
        source: str,
        zh: str,
        en: str,
        claims: list[str] | None = None,
        render: Render | None = None,
    ) -> None:
        self.rule, self.source, self.claims = rule, source, claims if claims is not None else []
        # LazyTexts._set_texts written out, as in Step (one or two per application)
        self._render, self._zh, self._en = render, zh, en
        if render is not None and measure.EAGER:
            self._rendered()

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
        with exact():  # once for every text rendered here, not once per text
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
    result.log.append((kind, zh, en, source, 0, ok, None))


def _note_later(
    result: Result, kind: str, source: str, render: Render, ok: bool | None = False
) -> None:
    """``_note`` with its text rendered when read (``measure.EAGER``)."""
    record = (kind, "", "", source, 0, ok, render)
    result.log.append(Step(*record) if measure.EAGER else record)


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
        # Effective periods by policy id and by measure id (a measure's own, if any).
        self.policy_periods: dict[str, Span] = {}
        self.measure_periods: dict[str, Span] = {}
        for pid, policy in self.policies.items():
            span = Span.of(policy.get("effective"), bool(policy.get("by_day")))
            if span is not None:
                self.policy_periods[pid] = span
        for meta in self.measures.values():
            span = Span.of(meta.effective, meta.by_day)
            if span is not None:
                self.measure_periods[meta.id] = span
        self.measure_inputs = {m.id: m.reads for m in self.measures.values()}
        self.schema = Schema(self.inputs, self.measure_inputs)
        self.measure_policies = {m.policy for m in self.measures.values()}
        # Worked out once for the set rather than for every claim: the exclusion and
        # eligibility rules binding each measure, in the order written (in blocks, see
        # `_blocks`); the measures with caps across claims; the rules of each
        # application-level kind.
        blocks: dict[_Block, _Block] = {}
        self.claim_rules = {m.id: self._blocks(m, blocks) for m in self.measures.values()}
        # Decisions of rule blocks on the enterprise alone, by the values they read.
        self.decided: dict[tuple[Any, ...], _Judged] = {}
        # The period deciding whether each measure is in force, whether it is the
        # measure's own, and the first year of its policy's period (for 首次).
        self.in_force_of = {
            m.id: (
                self.measure_periods.get(m.id) or self.policy_periods.get(m.policy),
                m.id in self.measure_periods,
                self.policy_periods[m.policy].start.year
                if m.policy in self.policy_periods
                else None,
            )
            for m in self.measures.values()
        }
        self.capped = {m.id: m for m in self.measures.values() if m.caps}
        # The measures whose claims each stacking rule can group (a claim of any other
        # measure has no group under it).
        self.stacked = {
            id(r): frozenset(
                m.id
                for m in self.measures.values()
                if (r.across != "policy" or m.policy == r.policy)
                and (m.matter is not None if r.key == "matter" else r.key == m.item)
            )
            for r in self.rules
            if r.kind == "stack"
        }
        # Of those, the measures whose earlier awards count against a group.
        self.stack_history = {
            key: frozenset(m for m in grouped if self._history_counts(self.measures[m]))
            for key, grouped in self.stacked.items()
        }
        # The measures each yearly total binds.
        self.bound = {
            id(r): frozenset(m.id for m in self.measures.values() if self._applies(r, m))
            for r in self.rules
            if r.kind == "yearly_cap"
        }
        self.limit_labels = {
            id(r): (self.labels.name(r.limit, "zh"), self.labels.name(r.limit, "en"))
            for r in self.rules
            if r.kind == "yearly_cap"
        }
        self.rules_of = {
            kind: tuple(r for r in self.rules if r.kind == kind)
            for kind in ("stack", "group_cap", "yearly_cap")
        }

    # -- public
    def read(self, data: Any) -> Application:
        return read_application(data, self.inputs, self.measure_inputs, self.schema)

    def evaluate(self, data: Any) -> Outcome:
        app = data if isinstance(data, Application) else self.read(data)
        with exact():
            return self._evaluate(app)

    def evaluate_example(self, app: Application) -> Outcome:
        """A multi-claim worked example: how the claims are grouped, capped and stacked
        together. The enterprise's standing (general eligibility, exclusions) is not
        judged, as in a one-claim example; the yearly total applies when the example
        gives the limit it reads."""
        with exact():
            return self._evaluate(app, standing=False)

    def _evaluate(self, app: Application, standing: bool = True) -> Outcome:
        judged: dict[int, _Judged] = {}  # the enterprise's standing, per block (_judged)
        results = [self._claim(app, claim, standing, judged) for claim in app.claims]
        decisions: list[Decision] = []
        paid = 0  # (a loop: `sum` and the property cost more than the claims)
        for r in results:
            if r.status in PAID:
                paid += 1
        if not paid:
            return Outcome(app, results, decisions)  # every rule below binds paid claims only
        self._once_in_application(app, results)
        self._aggregate_caps(app, results)
        # Stacking first (in the order written), then the yearly total, whatever
        # the order of the files: the total must count only what survives stacking.
        # A group needs two benefits, or one and an earlier award: with one claim paid
        # (the rules only ever take claims out) and no history, no rule can bind.
        if paid > 1 or app.history:
            for rule in self.rules_of["stack"]:
                decisions.extend(self._stack(rule, app, results))
        for rule in self.rules_of["group_cap"]:
            decisions.extend(self._group_cap(rule, app, results))
        for rule in self.rules_of["yearly_cap"]:
            if standing or rule.limit in app.enterprise:
                decisions.extend(self._yearly_cap(rule, app, results))
        for r in results:
            if r.computed is not None and r.status in PAID and r.amount != r.computed:
                _note_later(r, "final", r.meta.source, _final_texts(r.amount), ok=None)
        return Outcome(app, results, decisions)

    def evaluate_one(self, app: Application) -> Result:
        """A one-claim application judged by its measure alone (worked examples):
        in force, history and the measure's own caps, but no set-level rules."""
        with exact():
            results = [self._claim(app, app.claims[0], set_rules=False)]
            self._aggregate_caps(app, results)
        return results[0]

    # -- applicability
    def _standing(self, rule: RuleSpec) -> tuple[str, ...] | None:
        """The enterprise inputs the rule reads when it reads nothing else (an exclusion
        whose flags are all its inputs, an eligibility condition the generator found to
        read only them, and lists): it decides alike whatever the claim. None otherwise."""
        if rule.kind == "exclude":
            standing = all(flag in self.labels.profile for flag in rule.flags)
            return rule.flags if standing else None
        # A generator that marked the rule but did not list its reads: not shared.
        return rule.reads if rule.enterprise_only and rule.reads else None

    def _blocks(self, meta: MeasureMeta, interned: dict[_Block, _Block]) -> tuple[_Block, ...]:
        """The exclusion and eligibility rules binding ``meta``, in the order written;
        consecutive rules on the enterprise alone form one block, judged as one (one
        look-up per claim), with the inputs they read; any other rule is a block of its
        own with no reads. Equal blocks are one object (``interned``)."""
        out: list[_Block] = []
        for rule in self.rules:
            if rule.kind not in ("exclude", "eligible") or not self._applies(rule, meta):
                continue
            reads = self._standing(rule)
            if reads is not None and out:
                rules, before = out[-1]
                if before is not None:  # joins the block of the rules before it
                    out[-1] = ((*rules, rule), (*before, *(r for r in reads if r not in before)))
                    continue
            out.append(((rule,), reads))
        return tuple(interned.setdefault(block, block) for block in out)

    def _applies(self, rule: RuleSpec, meta: MeasureMeta) -> bool:
        """A rule binds the measures of its own policy; a rule in a policy without
        measures (the shared rules file) binds every measure of the set."""
        return rule.policy == meta.policy or rule.policy not in self.measure_policies

    # -- one claim
    def _claim(
        self,
        app: Application,
        claim: Claim,
        set_rules: bool = True,
        judged: dict[int, _Judged] | None = None,
    ) -> Result:
        meta = self.measures[claim.measure]
        result = Result(claim, meta)
        period, own, first_year = self.in_force_of[meta.id]
        if period is not None and not self._in_force(period, own, app, result):
            return result
        ev = Evaluation(meta, claim, app, self.labels, self.params, result)
        if first_year is not None:
            ev.first_year = first_year
        for block in self.claim_rules[meta.id] if set_rules else ():
            rules, reads = block
            if reads is None:
                if not self._judge(rules[0], ev):
                    return result
            elif not self._judged(block, ev, {} if judged is None else judged):
                return result
        if meta.item and not self._identified(meta, ev):
            return result
        if meta.once is not None and not meta.top_up and not self._once(meta, ev):
            return result
        if meta.max_years is not None and not self._years(meta, ev):
            return result
        meta.fn(ev)
        if meta.top_up and result.paid:
            self._top_up(meta, ev)
        return result

    def _judge(self, rule: RuleSpec, ev: Evaluation) -> bool:
        if rule.kind == "exclude":
            return self._exclusion(rule, ev)
        return self._eligibility(rule, ev)

    def _judged(self, block: _Block, ev: Evaluation, judged: dict[int, _Judged]) -> bool:
        """``_judge`` for a block of rules on the enterprise alone, in order until one
        refuses: their decision follows from the values of the inputs they read, so it
        is judged once for those values (for the first claim of the first application
        that has them) and every later claim takes it: status, reason and steps (the
        same records, holding no evaluation). ``judged`` keeps the application's, by
        block, so its other claims look up no values. Only a claim in its initial state
        takes or gives a decision, and only a decided one (an undetermined rule's step
        names the claim's measure) whose steps are all the rules' own."""
        result = ev.result
        rules, reads = block
        fresh = result.status == "awarded" and not result.missing and not result.reason
        key: tuple[Any, ...] = ()
        if fresh:
            earlier = judged.get(id(block))
            if earlier is None:
                ent = ev.app.enterprise
                # The block by its id (blocks are interned and live as long as the
                # runtime; hashing its RuleSpecs would cost more than judging).
                key = (id(block), ev.app.year, *[ent.get(name) for name in reads or ()])
                earlier = self.decided.get(key)
            if earlier is not None:
                judged[id(block)] = earlier
                ok, status, reason, steps = earlier
                result.status, result.reason = status, reason
                result.log.extend(steps)
                return ok
        before = len(result.log)
        ok = all(self._judge(rule, ev) for rule in rules)
        if fresh and result.status != "undetermined" and None not in key:
            steps = tuple(result.log[before:])
            sources = {rule.source for rule in rules}
            if all((s.source if isinstance(s, Step) else s[3]) in sources for s in steps):
                if len(self.decided) >= _DECIDED:  # values that keep changing: start afresh
                    self.decided.clear()
                self.decided[key] = judged[id(block)] = (ok, result.status, result.reason, steps)
        return ok

    def _in_force(self, period: Span, own: bool, app: Application, result: Result) -> bool:
        """The measure's own period (``own``) if it has one, else its policy's; decided by
        the claim's date where the period is written with days, by the year otherwise.
        (Judged on the result alone: a claim outside it needs no evaluation.)"""
        day, source = result.claim.date, result.meta.source
        holds = period.holds(app.year, day if period.by_day else None)
        if holds is False:  # the usual refusal, explained when read
            result.status, result.reason = "not_eligible", "not_in_force"
            _note_later(result, "in_force", source, _outside_texts(period, own, app.year, day))
            return False
        whose_zh, whose_en = _whose(own)
        if holds is None:
            result.status, result.reason = "undetermined", "missing"
            result.missing.append("date")
            _note(
                result,
                "in_force",
                source,
                f"{whose_zh}实施期限为{period.zh()}，{app.year}年内只有部分日期在期限内，"
                "需填写申报事项的日期（date）",
                f"{whose_en} effective period runs {period.en()}: only part of {app.year} is "
                "inside it, so the date of the claim (date) decides",
                ok=None,
            )
            return False
        if period.by_day and day is not None:
            _note(
                result,
                "in_force",
                source,
                f"{day_zh(day)}在{whose_zh}实施期限（{period.zh()}）内",
                f"in force: {day_en(day)} is inside {whose_en} effective period ({period.en()})",
                ok=True,
            )
        return True

    def _top_up(self, meta: MeasureMeta, ev: Evaluation) -> None:
        """`once … top up` (补差): what this measure already paid for the same keys is
        deducted; a claim no higher than that pays nothing."""
        keys = meta.once_keys
        wanted = self._key_values(meta, ev.claim, ev.app)
        earlier = [
            p
            for p in ev.app.history
            if p.measure == meta.id
            and p.year <= ev.app.year
            and (not keys or tuple(p.keys.get(k) for k in keys) == wanted)
        ]
        if not earlier:
            return
        paid = sum((p.amount for p in earlier), ZERO)
        before = ev.result.amount

        def listed() -> tuple[str, str]:
            return (
                "、".join(f"{p.year}年{money_zh(p.amount)}" for p in earlier),
                ", ".join(f"{money_en(p.amount)} in {p.year}" for p in earlier),
            )

        if before <= paid:
            ev.result.status, ev.result.reason = "not_eligible", "already_awarded"
            ev.result.amount = ZERO

            def refused() -> tuple[str, str]:
                listed_zh, listed_en = listed()
                return (
                    f"一次性奖励已发放（{listed_zh}），不低于本次核定的{money_zh(before)}，不再补发",
                    f"one-time award already paid ({listed_en}), at least this claim's "
                    f"{money_en(before)}: nothing more",
                )

            ev.later("once", refused, ok=False)
            return
        after = ev.result.amount = to_fen(before - paid)
        ev.result.computed = after

        def topped_up() -> tuple[str, str]:
            listed_zh, listed_en = listed()
            return (
                f"补差：一次性奖励已发放{listed_zh}，本次核定{money_zh(before)}，补发差额{money_zh(after)}",
                f"top-up: {listed_en} already paid for this one-time award; this claim comes to "
                f"{money_en(before)}, so the difference of {money_en(after)} is paid",
            )

        ev.later("once", topped_up)

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
        _source_of_last(ev.result, rule.source)
        if not ok:
            ev.result.reason = "general_eligibility"
        return ok

    def _identified(self, meta: MeasureMeta, ev: Evaluation) -> bool:
        """Earlier awards of this measure can be matched to this claim only by the item
        (project or product) both name: when either side does not name it, whether this
        is the same order, project or product cannot be told, so the claim is undetermined
        (never refused, never paid as new)."""
        mine = ev.claim.keys.get(meta.item)
        unnamed = [
            p for p in ev.app.history
            if p.measure == meta.id and p.year <= ev.app.year
            and (mine is None or p.keys.get(meta.item) is None)
        ]  # fmt: skip
        if not unnamed:
            return True
        what_zh, what_en = _KEY_ZH.get(meta.item, meta.item), meta.item
        ev.result.status, ev.result.reason = "undetermined", "missing"
        if meta.item not in ev.result.missing:
            ev.result.missing.append(meta.item)
        side_zh = "本项申报未注明" if mine is None else f"{unnamed[0].year}年的奖励记录未注明"
        side_en = (
            "this claim does not name"
            if mine is None
            else f"the {unnamed[0].year} award does not name"
        )
        ev.step(
            "identity",
            f"本措施已有{unnamed[0].year}年的奖励记录，{side_zh}{what_zh}，无法判断是否同一{what_zh}",
            f"this measure already paid an award in {unnamed[0].year} and {side_en} its {what_en}: "
            f"cannot tell whether it is the same {what_en}",
            ok=False,
        )
        return False

    def _key_values(self, meta: MeasureMeta, claim: Claim, app: Application) -> tuple[Any, ...]:
        """The values of a one-time award's keys for a claim (a claim key or a fact)."""
        values: list[Any] = []
        for key in meta.once_keys:
            if key in claim.keys:
                values.append(claim.keys[key])
            else:
                values.append(claim.facts.get(key, app.enterprise.get(key)))
        return tuple(values)

    def _once(self, meta: MeasureMeta, ev: Evaluation) -> bool:
        keys = meta.once_keys
        wanted = self._key_values(meta, ev.claim, ev.app)
        for prior in ev.app.history:
            if prior.measure != meta.id or prior.year > ev.app.year:
                continue
            if keys and tuple(prior.keys.get(k) for k in keys) != wanted:
                continue
            ev.result.status, ev.result.reason = "not_eligible", "already_awarded"
            what_zh = "".join(
                f"（{_KEY_ZH.get(k, k)}：{v}）" for k, v in zip(keys, wanted, strict=True)
            )
            what_en = "".join(f" ({k} {v})" for k, v in zip(keys, wanted, strict=True))
            ev.step(
                "once",
                f"一次性奖励已于{prior.year}年发放{money_zh(prior.amount)}{what_zh}，不再重复奖励",
                f"one-time award already paid in {prior.year}: {money_en(prior.amount)}{what_en}",
                ok=False,
            )
            return False
        return True

    def _once_in_application(self, app: Application, results: list[Result]) -> None:
        """Two claims of one application for the same one-time award (same measure, same
        keys: the same product twice) are one award: the higher is kept, the other is
        refused, so splitting a claim never pays twice."""
        groups: dict[tuple[Any, ...], list[Result]] = defaultdict(list)
        for r in results:
            if r.meta.once is not None and r.status in PAID:
                key = (r.meta.id, *self._key_values(r.meta, r.claim, app))
                groups[key].append(r)
        for members in groups.values():
            if len(members) < 2:
                continue
            keep = max(members, key=lambda m: (m.amount, -m.claim.index))
            for r in members:
                if r is keep:
                    continue
                r.status, r.reason = "not_eligible", "already_awarded"
                _note(
                    r,
                    "once",
                    r.meta.source,
                    f"一次性奖励：本申报中{keep.claim.id}已就同一事项申领{money_zh(keep.amount)}，本项不再重复奖励",
                    f"one-time award: claim {keep.claim.id} of this application already claims it "
                    f"({money_en(keep.amount)}, the higher or the first); not paid twice",
                )
                r.amount = ZERO

    def _years(self, meta: MeasureMeta, ev: Evaluation) -> bool:
        """`for at most N years` counts years with an award for the same item (project
        or product when the measure names one, else the enterprise); `consecutive`
        counts calendar years from the first award, gaps included."""
        item = ev.claim.keys.get(meta.item) if meta.item else None
        years = sorted(
            {
                p.year
                for p in ev.app.history
                if p.measure == meta.id
                and p.year < ev.app.year
                and (not meta.item or p.keys.get(meta.item) == item)
            }
        )
        assert meta.max_years is not None
        n_years = meta.max_years
        listed = "、".join(map(str, years))
        this_year = ev.app.year  # the texts below are written when read: no evaluation in them
        if meta.consecutive:
            if not years or ev.app.year < years[0] + n_years:
                if years:
                    ev.later(
                        "years",
                        lambda: (
                            f"自{years[0]}年起连续支持{n_years}年（至{years[0] + n_years - 1}年），{this_year}年在支持期内",
                            f"supported for {n_years} consecutive years from {years[0]} (to {years[0] + n_years - 1}): {this_year} is within",
                        ),
                        ok=True,
                    )
                return True
            ev.result.status, ev.result.reason = "not_eligible", "years_used"
            ev.later(
                "years",
                lambda: (
                    f"自{years[0]}年起连续支持{n_years}年（至{years[0] + n_years - 1}年），支持期已满",
                    f"the {n_years} consecutive years from {years[0]} ended in {years[0] + n_years - 1}",
                ),
                ok=False,
            )
            return False
        if len(years) < n_years:
            if years:
                ev.later(
                    "years",
                    lambda: (
                        f"已支持{len(years)}年（{listed}），未满{n_years}年",
                        f"supported in {len(years)} earlier year(s) ({', '.join(map(str, years))}); at most {n_years}",
                    ),
                    ok=True,
                )
            return True
        ev.result.status, ev.result.reason = "not_eligible", "years_used"
        ev.later(
            "years",
            lambda: (
                f"已支持{len(years)}年（{listed}），支持期已满",
                f"support period used up: {len(years)} years already ({', '.join(map(str, years))})",
            ),
            ok=False,
        )
        return False

    # -- caps across claims
    def _aggregate_caps(self, app: Application, results: list[Result]) -> None:
        claimed: dict[str, list[Result]] = {}  # the claims of measures with such caps
        capped = self.capped
        for r in results:
            if r.meta.id in capped:
                claimed.setdefault(r.meta.id, []).append(r)
        # The measures' caps are independent of each other: each binds its own claims.
        for mid, claims in claimed.items():
            meta = capped[mid]
            for scope, limit in meta.caps:
                mine = [r for r in claims if r.status in PAID and r.amount > ZERO]
                if not mine:
                    continue
                if scope in ("project", "product"):
                    self._item_caps(app, meta, scope, limit, mine)
                    continue
                earlier = ZERO
                for p in app.history:
                    if p.measure == mid and (scope == "enterprise" or p.year == app.year):
                        earlier += p.amount
                scope_zh = "单个企业每年" if scope == "year" else "单个企业"
                scope_en = "per enterprise per year" if scope == "year" else "per enterprise"
                _share_cap(mine, limit, earlier, meta.source, scope_zh, scope_en, always=True)

    def _item_caps(
        self, app: Application, meta: MeasureMeta, scope: str, limit: Decimal, mine: list[Result]
    ) -> None:
        """A per-project (per-product) cap binds the item, not the claim: claims of one
        application for the same item, and this measure's earlier awards for it, share
        it. A claim that names no item shares the cap with the others that name none."""
        by_item: dict[str | None, list[Result]] = defaultdict(list)
        for r in mine:
            by_item[r.claim.keys.get(scope)].append(r)
        for item, members in by_item.items():
            earlier = sum(
                (
                    p.amount
                    for p in app.history
                    if p.measure == meta.id and item is not None and p.keys.get(scope) == item
                ),
                ZERO,
            )
            if len(members) < 2 and not earlier:
                continue  # the measure's own per-claim cap already applied and explained it
            what = _KEY_ZH.get(scope, scope)
            label = f"“{item}”" if item else ""
            _share_cap(
                members,
                limit,
                earlier,
                meta.source,
                f"单个{what}{label}",
                f"per {scope}{f' {item!r}' if item else ''}",
                always=False,
            )

    # -- stacking
    def _group_key(self, rule: RuleSpec, meta: MeasureMeta, keys: dict[str, Any]) -> str | None:
        """The group a claim (or an earlier award) belongs to under a stacking rule. It
        follows from the policy, never from labels the applicant picks: by matter, the
        measure's declared matter, per item (project / product) when the measure's claims
        are for one; by project (or product), the item, only for measures whose claims
        are for one; labels a measure does not identify its claims by are ignored."""
        if rule.key == "matter":
            if meta.matter is None:
                return None
            if meta.item:
                return f"{meta.matter}/{keys.get(meta.item) or '?'}"
            return meta.matter
        if rule.key == meta.item:
            # Claims that name no project are taken as one unnamed project: leaving the
            # id out must never escape the rule.
            return keys.get(meta.item) or "?"
        return None

    def _history_counts(self, meta: MeasureMeta) -> bool:
        """An earlier award of another measure counts against a group when the group is
        about a lasting thing: an identified project or product, or a one-time award
        (a recognition). A yearly matter (this year's VAT growth) starts afresh each year."""
        return bool(meta.item) or meta.once is not None

    def _stack(self, rule: RuleSpec, app: Application, results: list[Result]) -> list[Decision]:
        stacked = self.stacked[id(rule)]
        live = [r for r in results if r.meta.id in stacked and r.status in PAID and r.amount > ZERO]
        if not live:
            return []
        counted = self._stack_history(rule, app) if app.history else []
        if len(live) < 2 and not counted:
            return []  # one benefit and nothing paid before that counts: nothing to compare
        groups: dict[str, list[Result]] = {}
        for r in live:
            key = self._group_key(rule, r.meta, r.claim.keys)
            if key is not None:
                groups.setdefault(key, []).append(r)
        if not groups:
            return []
        decisions = []
        earlier_groups = {self._group_key(rule, self.measures[p.measure], p.keys) for p in counted}
        for key, members in groups.items():
            if len(members) < 2 and key not in earlier_groups:
                continue  # one benefit and nothing paid before: nothing to compare
            decision = self._stack_group(rule, app, key, members, counted)
            if decision is not None:
                decisions.append(decision)
        return decisions

    def _stack_history(self, rule: RuleSpec, app: Application) -> list[PriorAward]:
        """The earlier awards that could count against a group of ``rule`` (``_priors_for``
        picks a group's own among them)."""
        measures = self.stack_history[id(rule)]
        return [
            p
            for p in app.history
            if p.measure in measures and p.year <= app.year and p.amount > ZERO
        ]

    def _priors_for(
        self,
        rule: RuleSpec,
        app: Application,
        key: str,
        members: list[Result],
        counted: list[PriorAward],
    ) -> list[PriorAward]:
        if not counted or not all(self._history_counts(m.meta) for m in members):
            return []
        mine = {m.meta.id for m in members}
        out = []
        for p in counted:
            meta = self.measures.get(p.measure)
            if meta is None or p.measure in mine or p.year > app.year or p.amount <= ZERO:
                continue
            if rule.across == "policy" and meta.policy != rule.policy:
                continue
            if self._history_counts(meta) and self._group_key(rule, meta, p.keys) == key:
                out.append(p)
        return out

    def _stack_group(
        self,
        rule: RuleSpec,
        app: Application,
        key: str,
        members: list[Result],
        counted: list[PriorAward],
    ) -> Decision | None:
        """Several benefits for one group: the benefit of one measure (all its claims in
        the group together) is kept, the highest; claims of the same measure are never
        compared with each other (they are several items of one benefit, bound by the
        measure's own caps). Earlier awards of other measures for the group count: the
        group never receives more in all than its highest benefit (补差)."""
        by_measure: dict[str, list[Result]] = defaultdict(list)
        for m in members:
            by_measure[m.meta.id].append(m)
        priors = self._priors_for(rule, app, key, members, counted)
        if len(by_measure) < 2 and not priors:
            return None
        if rule.matching_only:
            kinds = {m.meta.matching for m in members} | {
                self.measures[p.measure].matching for p in priors
            }
            if kinds != {True, False}:
                return None
        key_zh = _KEY_ZH.get(rule.key, rule.key)
        shown_zh, shown_en = _shown_keys(rule, key, members)
        ids = [m.claim.id for m in members]
        if rule.keep == "all":
            return Decision(
                rule.id,
                rule.source,
                f"{key_zh}“{shown_zh}”下的{len(members)}项均予支持（本规则设为全部享受）",
                f"{rule.key} {shown_en!r}: all {len(members)} claims paid (rule set to keep all)",
                ids,
            )
        # A benefit is what its claims pay before any deduction for earlier awards (an
        # earlier rule may have topped a claim up already; it must not count twice).
        totals = {
            mid: sum((r.amount + r.prior_cut for r in rs), ZERO) for mid, rs in by_measure.items()
        }
        first_index = {mid: min(r.claim.index for r in rs) for mid, rs in by_measure.items()}
        order = -1 if rule.tie == "first" else 1
        # Highest amount wins; on a tie the rule's `tie` clause decides: the measure whose
        # first claim is listed first (the default) or last in the application.
        best = max(totals, key=lambda mid: (totals[mid], order * first_index[mid]))
        winners = by_measure[best]
        best_ids = [r.claim.id for r in winners]
        group = _Group(rule, key_zh, shown_zh, shown_en, totals, priors)
        for mid, losers in by_measure.items():
            if mid == best:
                continue
            why_en = (
                "more"
                if totals[best] > totals[mid]
                else "as much and comes first"
                if order == -1
                else "as much and comes last"
            )
            for loser in losers:
                loser.status, loser.reason = "superseded", "stacking"
                texts = group.superseded(best, best_ids, mid, why_en)
                _note_later(loser, "stacking", rule.source, texts)
                loser.amount = ZERO
        earlier = sum((p.amount for p in priors), ZERO)
        if earlier:
            room = max(totals[best] - earlier, ZERO)
            # Top up to the highest benefit: trim the winner's claims, latest first.
            for r in sorted(winners, key=lambda r: -r.claim.index):
                cut = min(r.amount, max(sum((w.amount for w in winners), ZERO) - room, ZERO))
                if cut <= 0:
                    continue
                before = r.amount
                r.amount = before - cut
                r.prior_cut += cut
                if r.amount == 0:
                    r.status, r.reason = "superseded", "stacking"
                else:
                    r.status, r.capped = "capped", True
                _note_later(r, "stacking", rule.source, group.topped_up(before, r.amount))
        for r in winners:
            if r.paid:
                _note_later(r, "stacking", rule.source, group.kept, ok=True)
        return Decision(rule.id, rule.source, "", "", ids, render=group.decision(best, best_ids))

    # -- a cap over a group of measures
    def _group_cap(self, rule: RuleSpec, app: Application, results: list[Result]) -> list[Decision]:
        """`total of A, B at most X [per …] if COND`: what the listed measures pay is at
        most X when the enterprise condition holds; the excess is trimmed from the claim
        listed last first. Per year (the default) counts this year's earlier awards of the
        listed measures, per enterprise every earlier year's; per project (product) takes
        each project on its own, with its earlier awards — claims naming no project share
        one group, as for a measure's own per-project cap."""
        assert rule.amount is not None
        paid = [r for r in results if r.paid and r.amount > 0 and r.meta.id in rule.measures]
        groups: dict[Any, list[Result]] = defaultdict(list)
        for r in paid:
            item = r.claim.keys.get(rule.scope) if rule.scope in ("project", "product") else None
            groups[item].append(r)
        decisions = []
        for item, members in groups.items():
            decision = self._group_cap_one(rule, app, item, members)
            if decision is not None:
                decisions.append(decision)
        return decisions

    def _group_cap_earlier(self, rule: RuleSpec, app: Application, item: Any) -> Decimal:
        """What the listed measures already paid within the cap's scope."""
        scope = rule.scope

        def counts(p: PriorAward) -> bool:
            if p.measure not in rule.measures or p.year > app.year:
                return False
            if scope == "year":
                return p.year == app.year
            if scope in ("project", "product"):
                return item is not None and p.keys.get(scope) == item
            return True  # per enterprise: the whole period

        return sum((p.amount for p in app.history if counts(p)), ZERO)

    def _group_cap_one(
        self, rule: RuleSpec, app: Application, item: Any, paid: list[Result]
    ) -> Decision | None:
        assert rule.amount is not None
        ids = [r.claim.id for r in paid]
        names = "、".join(rule.measures)
        names_en = ", ".join(rule.measures)
        scope_zh, scope_en = _group_scope_words(rule.scope, item)
        earlier = self._group_cap_earlier(rule, app, item)
        if earlier + sum((r.amount for r in paid), ZERO) <= rule.amount:
            return None  # within the cap: whether it applies does not matter
        if rule.check is not None:
            probe = Evaluation(paid[0].meta, paid[0].claim, app, self.labels, self.params)
            check = rule.check(probe)
            if check is None:
                for r in paid:
                    r.status, r.reason = "undetermined", "missing"
                    r.missing.extend(m for m in probe.result.missing if m not in r.missing)
                    _note(
                        r,
                        "group_cap",
                        rule.source,
                        f"缺少数据，无法判断{names}合计上限是否适用",
                        f"cannot tell whether the joint cap on {names_en} applies: data missing",
                    )
                return Decision(rule.id, rule.source, "缺少数据", "data missing", ids)
            if not check.ok:
                return Decision(
                    rule.id,
                    rule.source,
                    f"{names}合计上限不适用（不符合：{check.zh}）",
                    f"the joint cap on {names_en} does not apply (not: {check.en})",
                    ids,
                )
        _share_cap(
            paid,
            rule.amount,
            earlier,
            rule.source,
            f"{names}{scope_zh}合计",
            f"jointly for {names_en} {scope_en}",
            always=False,
        )
        total = earlier + sum((r.amount for r in paid), ZERO)
        return Decision(
            rule.id,
            rule.source,
            f"{names}{scope_zh}合计{money_zh(total)}，上限{money_zh(rule.amount)}",
            f"{names_en} together {scope_en}: {money_en(total)}, at most {money_en(rule.amount)}",
            ids,
        )

    # -- yearly total
    def _yearly_cap(
        self, rule: RuleSpec, app: Application, results: list[Result]
    ) -> list[Decision]:
        bound = self.bound[id(rule)]
        paid = [r for r in results if r.meta.id in bound and r.status in PAID and r.amount > ZERO]
        if not paid:
            return []
        limit = app.enterprise.get(rule.limit)
        label_zh, label_en = self.limit_labels[id(rule)]
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
        earlier = total = ZERO
        for p in app.history:
            if p.year == app.year:
                earlier += p.amount
        for r in paid:
            total += r.amount
        whole = earlier + total
        if whole <= limit:
            return [
                Decision(
                    rule.id,
                    rule.source,
                    "",
                    "",
                    render=lambda: (
                        f"年度奖补总额{money_zh(whole)}未超过{label_zh}{money_zh(limit)}",
                        f"yearly total {money_en(whole)} is within {label_en} {money_en(limit)}",
                    ),
                )
            ]
        excess = whole - limit
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
        for r in paid:
            new = trimmed.get(r.claim.id, r.amount)
            if new != r.amount:
                texts = _yearly_cut_texts(label_zh, label_en, limit, earlier, r.amount, new)
                _note_later(r, "yearly_cap", rule.source, texts)
                r.amount = new
                r.capped = True
                r.status = "capped"
        return [
            Decision(
                rule.id,
                rule.source,
                "",
                "",
                [r.claim.id for r in paid],
                render=lambda: (
                    f"年度奖补总额{money_zh(whole)}超过{label_zh}{money_zh(limit)}，核减至上限",
                    f"yearly total {money_en(whole)} exceeds {label_en} {money_en(limit)}: trimmed to the limit",
                ),
            )
        ]


PAID = ("awarded", "capped")  # Result.paid, written out in the loops over every claim


def _claim_index(r: Result) -> int:
    return r.claim.index


# A rule's decision on the enterprise, for the other claims: ok, status, reason, steps.
_Judged = tuple[bool, str, str, tuple[Step | Record, ...]]
# Rules judged together, with the enterprise inputs they read (None: not on the
# enterprise alone, judged for every claim).
_Block = tuple[tuple[RuleSpec, ...], tuple[str, ...] | None]
_DECIDED = 4096  # decisions kept (a few enterprise profiles repeat in practice)


def _source_of_last(result: Result, source: str) -> None:
    """The last step is the rule's, not the measure's (a record is rebuilt with it)."""
    last = result.log[-1]
    if isinstance(last, Step):
        last.source = source
    else:
        kind, zh, en, _, depth, ok, render = last
        result.log[-1] = (kind, zh, en, source, depth, ok, render)


_KEY_ZH = {"matter": "事项", "project": "项目", "product": "产品", "level": "级别"}


class _Group:
    """The words of one stacking group's explanation, written when read: what the
    benefits were compared on, fixed when the group was decided."""

    def __init__(
        self,
        rule: RuleSpec,
        key_zh: str,
        shown_zh: str,
        shown_en: str,
        totals: dict[str, Decimal],
        priors: list[PriorAward],
    ) -> None:
        self.rule, self.key_zh, self.shown_zh, self.shown_en = rule, key_zh, shown_zh, shown_en
        self.totals, self.priors = dict(totals), tuple(priors)

    def prior(self) -> tuple[str, str]:
        return (
            "、".join(f"{p.year}年{p.measure}{money_zh(p.amount)}" for p in self.priors),
            ", ".join(f"{p.measure} {money_en(p.amount)} in {p.year}" for p in self.priors),
        )

    def compared(self) -> tuple[str, str]:
        compared_zh = "、".join(f"{mid}（{money_zh(t)}）" for mid, t in self.totals.items())
        compared_en = ", ".join(f"{mid} ({money_en(t)})" for mid, t in self.totals.items())
        if self.priors:
            prior_zh, prior_en = self.prior()
            compared_zh += f"，已获{prior_zh}"
            compared_en += f"; already paid: {prior_en}"
        return compared_zh, compared_en

    def superseded(self, best: str, best_ids: list[str], mid: str, why_en: str) -> Render:
        rule, totals = self.rule, self.totals
        return lambda: (
            f"不予重复享受：与{best}（{'、'.join(best_ids)}）属同一{self.key_zh}“{self.shown_zh}”，"
            f"按最高一项执行，{best}为{money_zh(totals[best])}，本措施{mid}为{money_zh(totals[mid])}",
            f"not paid: same {rule.key} {self.shown_en!r} as {best} ({', '.join(best_ids)}), "
            f"which pays {why_en} ({money_en(totals[best])} vs {money_en(totals[mid])} for {mid})",
        )

    def topped_up(self, before: Decimal, after: Decimal) -> Render:
        def render() -> tuple[str, str]:
            key_zh, shown_zh, shown_en, key = (
                self.key_zh,
                self.shown_zh,
                self.shown_en,
                self.rule.key,
            )
            prior_zh, prior_en = self.prior()
            if after == 0:
                return (
                    f"不予重复享受：同一{key_zh}“{shown_zh}”已获{prior_zh}，"
                    f"不低于本项{money_zh(before)}，按最高一项执行",
                    f"not paid: {key} {shown_en!r} already received {prior_en}, "
                    f"at least this claim's {money_en(before)}; highest benefit only",
                )
            return (
                f"补差：同一{key_zh}“{shown_zh}”已获{prior_zh}，按最高一项执行，"
                f"由{money_zh(before)}核减为{money_zh(after)}",
                f"top-up only: {key} {shown_en!r} already received {prior_en}; "
                f"highest benefit only, {money_en(before)} reduced to {money_en(after)}",
            )

        return render

    def kept(self) -> tuple[str, str]:
        compared_zh, compared_en = self.compared()
        return (
            f"同一{self.key_zh}“{self.shown_zh}”比较：{compared_zh}；按最高一项执行，予以支持",
            f"same {self.rule.key} {self.shown_en!r} compared: {compared_en}; the highest is paid",
        )

    def decision(self, best: str, best_ids: list[str]) -> Render:
        rule = self.rule

        def render() -> tuple[str, str]:
            compared_zh, compared_en = self.compared()
            return (
                f"{rule.zh}：{self.key_zh}“{self.shown_zh}”比较{compared_zh}，"
                f"保留{best}（{'、'.join(best_ids)}）",
                f"{rule.en}: {rule.key} {self.shown_en!r} compared {compared_en}; "
                f"keeps {best} ({', '.join(best_ids)})",
            )

        return render


def _whose(own: bool) -> tuple[str, str]:
    """Whose effective period decides: the measure's own, or its policy's."""
    return ("本措施", "the measure's") if own else ("政策", "the")


def _outside_texts(period: Span, own: bool, year: int, day: date | None) -> Render:
    def render() -> tuple[str, str]:
        whose_zh, whose_en = _whose(own)
        when_zh = day_zh(day) if day and period.by_day else f"{year}年"
        when_en = day_en(day) if day and period.by_day else str(year)
        return (
            f"{when_zh}不在{whose_zh}实施期限（{period.zh()}）内",
            f"not in force: {when_en} is outside {whose_en} effective period ({period.en()})",
        )

    return render


def _final_texts(amount: Decimal) -> Render:
    return lambda: (f"最终核定{money_zh(amount)}", f"final amount: {money_en(amount)}")


def _group_scope_words(scope: str, item: Any) -> tuple[str, str]:
    """How an explanation names the scope of a cap over a group of measures."""
    if scope == "year":
        return "当年", "this year"
    if scope == "enterprise":
        return "实施期内", "over the effective period"
    what = _KEY_ZH.get(scope, scope)
    if item is None:
        return f"未注明{what}的申报", f"for the claims naming no {scope}"
    return f"{what}“{item}”", f"for {scope} {item!r}"


def _shown_keys(rule: RuleSpec, key: str, members: list[Result]) -> tuple[str, str]:
    """A group key in Chinese and English: a matter by its declared name (受托生产药械产品,
    not contract_manufacturing), followed by the project or product it is for."""
    shown = _shown_key(key)
    meta = members[0].meta
    if rule.key != "matter" or meta.matter is None or meta.matter_label is None:
        return shown, shown
    rest = shown[len(meta.matter) :]  # "/P1" for a matter of one project, else ""
    return meta.matter_label[0] + rest, meta.matter_label[1] + rest


def _shown_key(key: str) -> str:
    """A group key as the explanation shows it: ``equipment_project/P1`` stays, an
    unnamed item (``/?``) is shown without the question mark, an unnamed project as —."""
    if key == "?":
        return "—"
    return key[:-2] if key.endswith("/?") else key


def _share_cap(
    members: list[Result],
    limit: Decimal,
    earlier: Decimal,
    source: str,
    scope_zh: str,
    scope_en: str,
    always: bool,
) -> None:
    """Members share ``limit`` less what was ``earlier`` paid, in the order claimed."""
    # (Nothing earlier, the usual case: the limit itself, without the arithmetic.)
    room = max(limit - earlier, ZERO) if earlier or limit < ZERO else limit
    for r in sorted(members, key=_claim_index) if len(members) > 1 else members:
        if r.amount > room:
            before = r.amount
            r.amount = to_fen(room)
            r.capped = True
            r.status = "capped"
            texts = _cut_texts(limit, earlier, scope_zh, scope_en, before, r.amount)
            _note_later(r, "cap", source, texts)
        elif always:
            _note_later(
                r,
                "cap",
                source,
                lambda: (
                    f"{scope_zh}最高不超过{money_zh(limit)}：未触及",
                    f"cap {money_en(limit)} {scope_en}: not reached",
                ),
                ok=True,
            )
        room -= r.amount


def _yearly_cut_texts(
    label_zh: str, label_en: str, limit: Decimal, earlier: Decimal, before: Decimal, after: Decimal
) -> Render:
    def render() -> tuple[str, str]:
        earlier_zh = f"（本年此前已获{money_zh(earlier)}）" if earlier else ""
        earlier_en = f" ({money_en(earlier)} already paid this year)" if earlier else ""
        return (
            f"单个企业当年奖补总额不超过{label_zh}{money_zh(limit)}{earlier_zh}：由{money_zh(before)}核减为{money_zh(after)}",
            f"yearly total capped at {label_en} {money_en(limit)}{earlier_en}: {money_en(before)} reduced to {money_en(after)}",
        )

    return render


def _cut_texts(
    limit: Decimal, earlier: Decimal, scope_zh: str, scope_en: str, before: Decimal, after: Decimal
) -> Render:
    """A shared cap's step: ``before`` reduced to ``after`` (the claim's amount may be
    cut again later; the step keeps its own)."""

    def render() -> tuple[str, str]:
        paid_zh = f"（此前已获{money_zh(earlier)}）" if earlier else ""
        paid_en = f" ({money_en(earlier)} already paid)" if earlier else ""
        return (
            f"{scope_zh}最高不超过{money_zh(limit)}{paid_zh}：由{money_zh(before)}核减为{money_zh(after)}",
            f"cap {money_en(limit)} {scope_en}{paid_en}: {money_en(before)} reduced to {money_en(after)}",
        )

    return render


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
