"""Evaluating one claim against one measure.

Generated evaluators call the methods of ``Evaluation``: each reads an input, checks
a condition or does one piece of arithmetic, and records an explanation step as it
goes, so the result explains itself without a second pass. A step records the values
its text needs; the text in both languages is written only when it is read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from kfpl.runtime import phrases
from kfpl.runtime.application import Application, Claim, InputSpec
from kfpl.runtime.money import (
    ZERO,
    exact,
    in_exact,
    money_en,
    money_zh,
    number_str,
    rate_str,
    to_fen,
)

# --------------------------------------------------------------------------- declarations


@dataclass(frozen=True)
class ParamValue:
    since: date
    value: Decimal
    ref_zh: str
    ref_en: str


@dataclass(frozen=True)
class MeasureMeta:
    id: str
    policy: str
    source: str
    zh: str
    en: str
    fn: Callable[[Evaluation], None]
    reads: tuple[str, ...] = ()
    caps: tuple[tuple[str, Decimal], ...] = ()  # aggregate caps: ("year" | "enterprise", amount)
    once: str | None = None  # None: not one-time; "" once per enterprise; else "key" or "k1,k2"
    max_years: int | None = None
    matter: str | None = None
    matter_label: tuple[str, str] | None = None  # the matter's declared name (zh, en)
    matching: bool = False
    item: str = ""  # what a claim is for: "project", "product", or "" (the enterprise's year)
    consecutive: bool = False  # max_years counts consecutive years from the first award
    top_up: bool = False  # once … top up: pay the difference over earlier awards (补差)
    effective: tuple[str, str] | None = None  # the measure's own period (ISO days), if any
    by_day: bool = False  # that period was written with days (rendered as days)

    @property
    def once_keys(self) -> tuple[str, ...]:
        return tuple(self.once.split(",")) if self.once else ()


@dataclass(frozen=True)
class RuleSpec:
    id: str
    policy: str
    source: str
    zh: str
    en: str
    kind: str  # eligible | exclude | stack | yearly_cap | group_cap
    key: str = ""
    across: str = "set"
    keep: str = "highest"
    matching_only: bool = False
    tie: str = "first"
    limit: str = ""
    trim: str = "latest"
    flags: tuple[str, ...] = ()
    check: Callable[[Evaluation], Check | None] | None = None
    measures: tuple[str, ...] = ()  # group_cap: the measures whose yearly total is capped
    amount: Decimal | None = None  # group_cap: the limit
    scope: str = "year"  # group_cap: year | enterprise | project | product
    # eligible: the condition reads only the enterprise's inputs (the generator knows),
    # so one decision holds for every claim with the same values of ``reads``, its inputs
    enterprise_only: bool = False
    reads: tuple[str, ...] = ()


# --------------------------------------------------------------------------- explanation data


# Explanation text is data until it is read: a step (or a check) keeps the function
# that writes its two sentences and calls it at most once, when ``.zh``, ``.en`` or the
# JSON is asked for. Most evaluations (batches, the speed benchmark, the columnar
# cross-check) read only statuses and amounts, and formatting every amount in both
# languages at every step was a fifth of the time (issue 13). A render function may
# only read values fixed when the step was recorded (it is called later, after the
# evaluation has moved on); EAGER renders at once, which the tests compare against.
EAGER = False

Render = Callable[[], tuple[str, str]]

ABSENT: Any = object()  # an input the application does not give (``Evaluation.absent``)


class LazyTexts:
    """``zh`` and ``en``, given or rendered on first use by ``_render``."""

    __slots__ = ("_en", "_render", "_zh")

    def _set_texts(self, zh: str, en: str, render: Render | None) -> None:
        self._render = render
        self._zh, self._en = zh, en
        if render is not None and EAGER:
            self._rendered()

    def _rendered(self) -> None:
        if self._render is None:
            return
        if in_exact():
            self._zh, self._en = self._render()
        else:
            with exact():  # the evaluation's arithmetic, wherever the text is read
                self._zh, self._en = self._render()
        self._render = None

    @property
    def zh(self) -> str:
        self._rendered()
        return self._zh

    @property
    def en(self) -> str:
        self._rendered()
        return self._en

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.en!r})"


class Step(LazyTexts):
    """One line of a claim's explanation."""

    __slots__ = ("depth", "kind", "ok", "source")

    def __init__(
        self,
        kind: str,
        zh: str,
        en: str,
        source: str,
        depth: int = 0,
        ok: bool | None = None,
        render: Render | None = None,
    ) -> None:
        # LazyTexts._set_texts written out: a step is recorded for every line of every
        # explanation, read or not.
        self.kind, self.source, self.depth, self.ok = kind, source, depth, ok
        self._render, self._zh, self._en = render, zh, en
        if render is not None and EAGER:
            self._rendered()

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "zh": self.zh,
            "en": self.en,
            "source": self.source,
        }
        if self.depth:
            out["depth"] = self.depth
        if self.ok is not None:
            out["ok"] = self.ok
        return out


class Check(LazyTexts):
    """A condition's outcome with its text; compound checks keep their parts."""

    __slots__ = ("ok", "parts")

    def __init__(
        self,
        ok: bool,
        zh: str = "",
        en: str = "",
        parts: tuple[Check, ...] = (),
        render: Render | None = None,
    ) -> None:
        self.ok, self.parts = ok, parts
        self._set_texts(zh, en, render)

    def failed_leaves(self) -> list[Check]:
        if self.ok:
            return []
        if not self.parts:
            return [self]
        return [leaf for part in self.parts for leaf in part.failed_leaves()]


# A step as the evaluation records it: the arguments of ``Step`` in order (kind, zh, en,
# source, depth, ok, render). A tuple costs a sixth of a Step object, and most results
# are never explained (issue 13): ``Result.steps`` makes the Steps when first read.
Record = tuple[str, str, str, str, int, "bool | None", "Render | None"]


class Result:
    """One claim's outcome. Written out rather than a dataclass: one is built for every
    claim, and a dataclass's generated ``__init__`` with its defaults costs half again."""

    __slots__ = (
        "amount",
        "amount_min",
        "capped",
        "ceiling",
        "claim",
        "computed",
        "log",
        "meta",
        "missing",
        "new_step",
        "prior_cut",
        "reason",
        "status",
    )

    def __init__(self, claim: Claim, meta: MeasureMeta) -> None:
        self.claim, self.meta = claim, meta
        self.status = "awarded"
        self.amount = ZERO
        self.amount_min: Decimal | None = None
        self.ceiling = self.capped = False
        self.missing: list[str] = []
        # The explanation: Steps, or records of them not yet read (``steps``).
        self.log: list[Step | Record] = []
        self.reason = ""  # the kind of the step that decided a non-award
        self.new_step: Decimal | None = None  # for step awards: the highest step now rewarded
        self.computed: Decimal | None = None  # the measure's own amount, before set-level caps
        self.prior_cut = ZERO  # what stacking deducted for earlier awards of the same thing

    @property
    def paid(self) -> bool:
        return self.status in ("awarded", "capped")

    @property
    def steps(self) -> list[Step]:
        """The explanation's steps, in order (records become Steps here, once)."""
        log = self.log
        for index, entry in enumerate(log):
            if entry.__class__ is tuple:
                log[index] = Step(*entry)
        return log  # type: ignore[return-value]  # every entry is a Step now

    def __repr__(self) -> str:
        return f"Result({self.claim.id!r}, {self.meta.id!r}, {self.status!r}, {self.amount})"


# --------------------------------------------------------------------------- evaluation


class Labels:
    """Input, enum member and parameter labels of the whole policy set."""

    def __init__(
        self,
        inputs: dict[str, InputSpec],
        members: dict[str, tuple[str, str]],
        params: dict[str, tuple[str, str]],
        fields: dict[str, tuple[str, str]],
    ) -> None:
        self.inputs = inputs
        self.members = members
        self.params = params
        self.fields = fields
        self.profile = frozenset(n for n, s in inputs.items() if s.origin == "enterprise")

    def name(self, name: str, lang: str) -> str:
        spec = self.inputs.get(name)
        if spec is not None:
            return (spec.zh if lang == "zh" else spec.en) or name
        if name in self.params:
            return self.params[name][0 if lang == "zh" else 1]
        if name in self.fields:
            return self.fields[name][0 if lang == "zh" else 1]
        return name

    def kind(self, name: str) -> str:
        """The type of an input; a parameter is a rate."""
        spec = self.inputs.get(name)
        return spec.type if spec else ("rate" if name in self.params else "")

    def show(self, name: str, value: Any, lang: str, in_item: bool) -> str:
        """The value of ``name`` as an explanation writes it; ``in_item``: ``name`` is a
        field of the list item being evaluated (shown without a unit)."""
        if in_item:
            return self.value(value, lang)
        return self.value(value, lang, self.kind(name), self.unit(name, lang))

    def unit(self, name: str, lang: str) -> str:
        """The measure word a count input declares (台), in Chinese; English prints none."""
        spec = self.inputs.get(name)
        return spec.unit[0] if spec is not None and lang == "zh" else ""

    def value(self, value: Any, lang: str, spec_type: str = "", unit: str = "") -> str:
        if isinstance(value, bool):
            return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
        if isinstance(value, int) and spec_type == "count":  # a count as the application gave it
            value = Decimal(value)
        if isinstance(value, Decimal):
            if spec_type == "rate":
                return rate_str(value)
            if spec_type in ("count", "year"):
                return number_str(value) + (unit if spec_type == "count" else "")
            return money_zh(value) if lang == "zh" else money_en(value)
        if isinstance(value, str) and value in self.members:
            return self.members[value][0 if lang == "zh" else 1]
        if isinstance(value, list):
            return f"{len(value)}{unit or '项'}" if lang == "zh" else f"{len(value)} item(s)"
        if isinstance(value, tuple):  # a set-valued fact, in its enum's order
            if not value:
                return "无" if lang == "zh" else "none"
            return ("、" if lang == "zh" else ", ").join(self.value(v, lang) for v in value)
        return str(value)


_TESTS: dict[str, Callable[[Any, Any], bool]] = {
    "at_least": lambda v, t: v >= t,
    "more_than": lambda v, t: v > t,
    "at_most": lambda v, t: v <= t,
    "less_than": lambda v, t: v < t,
    "equal": lambda v, t: v == t,
}
# op: (zh template, en template, test); the comparison words are the documents' own.
_OPS: dict[str, tuple[str, str, Callable[[Any, Any], bool]]] = {
    op: (
        "{label}" + phrases.BOUND["zh"][op].format(x="{th}"),
        "{label} " + phrases.BOUND["en"][op].format(x="{th}"),
        test,
    )
    for op, test in _TESTS.items()
}


def _step_texts(
    inclusive: bool, low: Decimal, high: Decimal, count: Decimal, amount: Decimal
) -> Render:
    """The text of the steps from ``low`` to ``high`` paying ``amount`` each (its own
    function: the loop that records them moves on before they are rendered)."""
    verb_zh, verb_en = ("达到", "reached") if inclusive else ("超过", "passed")
    if count == 1:
        return lambda: (
            f"{verb_zh}{money_zh(low)}台阶：奖励{money_zh(amount)}",
            f"{verb_en} the {money_en(low)} step: {money_en(amount)}",
        )
    return lambda: (
        f"{verb_zh}{money_zh(low)}至{money_zh(high)}共{count}个台阶，每个奖励{money_zh(amount)}：{money_zh(amount * count)}",
        f"{verb_en} {count} steps from {money_en(low)} to {money_en(high)}, {money_en(amount)} each: {money_en(amount * count)}",
    )


def _passed_texts(
    labels: Labels, name: str, year: int, before: Decimal, passed: Decimal, inclusive: bool
) -> Render:
    """The steps an earlier year's value already passed (its own function: the loop over
    the years moves on before they are rendered)."""
    return lambda: (
        f"{year}年{labels.name(name, 'zh')}{money_zh(before)}，已{'达到' if inclusive else '超过'}{money_zh(passed)}台阶，不再奖励",
        f"{labels.name(name, 'en')} was {money_en(before)} in {year}: steps up to {money_en(passed)} were already {'reached' if inclusive else 'passed'}",
    )


def _steps_passed(value: Decimal, size: Decimal, inclusive: bool) -> Decimal:
    """How many steps of ``size`` the value has passed (``>``) or reached (``>=``)."""
    if value <= 0:
        return ZERO
    whole = value // size
    if not inclusive and whole * size == value:
        whole -= 1
    return whole


def _narrow(op: str, at: Decimal, k_lo: Decimal, k_hi: Decimal) -> tuple[Decimal, Decimal]:
    """Narrow the step numbers k to those whose threshold k·size satisfies ``op at·size``."""
    floor = at // 1 if at >= 0 else -((-at) // 1) - (1 if at % 1 else 0)
    ceil = floor if floor == at else floor + 1
    if op == "at_least":
        return max(k_lo, ceil), k_hi
    if op == "more_than":
        return max(k_lo, floor + 1), k_hi
    if op == "at_most":
        return k_lo, min(k_hi, floor)
    if op == "less_than":
        return k_lo, min(k_hi, ceil - 1)
    return max(k_lo, at), min(k_hi, at)  # equal


def _cap_scope(scope: str, words: tuple[str, str] | None) -> tuple[str, str]:
    """What a cap binds, in both languages: 本项, 单个项目, 单台 …"""
    zh_word, en_word = words or (None, None)
    scope_zh = "本项" if scope == "claim" else phrases.cap_subject(scope, "zh", zh_word)
    return scope_zh, phrases.cap_subject(scope, "en", en_word)


def _met_texts(check: Callable[[], Check]) -> Render:
    def render() -> tuple[str, str]:
        met = check()
        return f"符合条件：{met.zh}", f"condition met: {met.en}"

    return render


def _unmet_texts(check: Callable[[], Check]) -> Render:
    """A condition not met is explained by the parts that failed."""

    def render() -> tuple[str, str]:
        unmet = check()
        failed = unmet.failed_leaves() or [unmet]
        return (
            "不符合条件：" + "；".join(c.zh for c in failed),
            "condition not met: " + "; ".join(c.en for c in failed),
        )

    return render


class Checks:
    """Conditions with their explanations: each method returns a ``Check`` holding the
    outcome and the function that writes its text. An ``Evaluation`` judges with them as
    it goes; a condition the generated code computes in line (``Evaluation.condition``)
    is built from them only when its step is read, on a ``Checks`` of the labels alone
    (holding no evaluation, so a step never keeps its evaluation alive)."""

    __slots__ = ("item", "labels")

    def __init__(self, labels: Labels) -> None:
        self.labels = labels
        self.item: dict[str, Any] | None = None

    def in_item(self, name: str) -> bool:
        """``name`` is a field of the current list item (it is shown without a unit)."""
        return self.item is not None and name in self.item

    def show(self, name: str, value: Any, lang: str) -> str:
        return self.labels.show(name, value, lang, self.in_item(name))

    # -- conditions
    def compare(self, op: str, name: str, value: Any, threshold: Decimal) -> Check:
        zh_t, en_t, test = _OPS[op]
        labels, in_item = self.labels, self.in_item(name)

        def render() -> tuple[str, str]:
            kind = labels.kind(name)
            th_zh = labels.value(threshold, "zh", kind, labels.unit(name, "zh"))
            th_en = labels.value(threshold, "en", kind)
            return (
                zh_t.format(label=labels.name(name, "zh"), th=th_zh)
                + f"（实际{labels.show(name, value, 'zh', in_item)}）",
                en_t.format(label=labels.name(name, "en"), th=th_en)
                + f" (is {labels.show(name, value, 'en', in_item)})",
            )

        return Check(bool(test(value, threshold)), render=render)

    def truthy(self, name: str, value: Any) -> Check:
        labels, in_item = self.labels, self.in_item(name)
        return Check(
            bool(value),
            render=lambda: (
                f"{labels.name(name, 'zh')}（实际{labels.show(name, value, 'zh', in_item)}）",
                f"{labels.name(name, 'en')} (is {labels.show(name, value, 'en', in_item)})",
            ),
        )

    def is_in(self, name: str, value: Any, members: tuple[str, ...]) -> Check:
        labels, in_item = self.labels, self.in_item(name)

        def render() -> tuple[str, str]:
            wanted_zh = "或".join(labels.value(m, "zh") for m in members)
            wanted_en = " or ".join(labels.value(m, "en") for m in members)
            actual_zh = labels.show(name, value, "zh", in_item)
            actual_en = labels.show(name, value, "en", in_item)
            return (
                f"{labels.name(name, 'zh')}为{wanted_zh}（实际{actual_zh}）",
                f"{labels.name(name, 'en')} is {wanted_en} (is {actual_en})",
            )

        return Check(value in members, render=render)

    def contains(self, name: str, value: Any, members: tuple[str, ...], quantifier: str) -> Check:
        """包含: a set-valued fact holds every one (``all``) or one (``any``) of ``members``."""
        shown_zh = "、".join(self.labels.value(m, "zh") for m in members)
        names_en = [self.labels.value(m, "en") for m in members]
        held = set(value) if value is not None else set()
        if quantifier == "all":
            ok = value is not None and held.issuperset(members)
        else:
            ok = bool(held.intersection(members))
        label_zh, label_en = self.labels.name(name, "zh"), self.labels.name(name, "en")
        actual_zh, actual_en = self.show(name, value, "zh"), self.show(name, value, "en")
        if quantifier == "any" and len(members) > 1:
            listed_en = ", ".join(names_en[:-1]) + f" or {names_en[-1]}"
            zh = f"{label_zh}包含{shown_zh}中的至少一项（实际{actual_zh}）"
            en = f"{label_en} includes at least one of {listed_en} (is {actual_en})"
        else:
            listed_en = (
                ", ".join(names_en[:-1]) + f" and {names_en[-1]}"
                if len(names_en) > 1
                else names_en[0]
            )
            zh = f"{label_zh}包含{shown_zh}（实际{actual_zh}）"
            en = f"{label_en} includes {listed_en} (is {actual_en})"
        return Check(ok, zh, en)

    def count_of(self, op: str, name: str, value: Any, threshold: Decimal) -> Check:
        """项数: how many values a set-valued fact holds, compared with ``threshold``."""
        zh_t, en_t, test = _OPS[op]
        size = Decimal(len(value)) if value is not None else None
        ok = size is not None and bool(test(size, threshold))
        count_zh = f"{self.labels.name(name, 'zh')}项数"
        count_en = f"the number of {self.labels.name(name, 'en')}"
        shown = number_str(size) if size is not None else "—"
        zh = zh_t.format(label=count_zh, th=f"{number_str(threshold)}项") + f"（实际{shown}项）"
        en = en_t.format(label=count_en, th=number_str(threshold)) + f" (is {shown})"
        return Check(ok, zh, en)

    def all_of(self, *checks: Check) -> Check:
        return Check(
            all(c.ok for c in checks),
            parts=checks,
            render=lambda: ("且".join(c.zh for c in checks), " and ".join(c.en for c in checks)),
        )

    def any_of(self, *checks: Check) -> Check:
        return Check(
            any(c.ok for c in checks),
            parts=checks,
            render=lambda: ("或".join(c.zh for c in checks), " or ".join(c.en for c in checks)),
        )

    def negate(self, check: Check) -> Check:
        return Check(not check.ok, render=lambda: (f"非（{check.zh}）", f"not ({check.en})"))


class Evaluation(Checks):
    """The state of one claim's evaluation; generated code drives it."""

    __slots__ = ("app", "claim", "depth", "first_year", "meta", "params", "result")

    def __init__(
        self,
        meta: MeasureMeta,
        claim: Claim,
        app: Application,
        labels: Labels,
        params: dict[str, tuple[ParamValue, ...]],
        result: Result | None = None,  # the claim's, if the engine built it already
    ) -> None:
        self.meta = meta
        self.claim = claim
        self.app = app
        self.labels = labels
        self.params = params
        self.result = Result(claim, meta) if result is None else result
        self.depth = 0
        self.item: dict[str, Any] | None = None
        self.first_year = app.year  # the first year of the policy in force (set by the engine)

    # -- recording
    def step(self, kind: str, zh: str, en: str, ok: bool | None = None) -> None:
        self.result.log.append((kind, zh, en, self.meta.source, self.depth, ok, None))

    def later(self, kind: str, render: Render, ok: bool | None = None) -> None:
        """A step whose text ``render`` writes when it is read (see ``EAGER``)."""
        record = (kind, "", "", self.meta.source, self.depth, ok, render)
        self.result.log.append(Step(*record) if EAGER else record)

    def _type(self, name: str) -> str:
        return self.labels.kind(name)

    # -- inputs
    def get(self, name: str) -> Any:
        """A fact of the claim, or of the enterprise for profile inputs; None if missing."""
        source = self.app.enterprise if name in self.labels.profile else self.claim.facts
        if name not in source:
            if name not in self.result.missing:
                self.result.missing.append(name)
            return None
        return source[name]

    def absent(self, *reads: tuple[str, Any]) -> bool:
        """For the inputs the generated code read itself (``ABSENT`` when not given):
        records the missing ones in the order read, as ``get`` does, and is True (the
        result undetermined) when any input is missing."""
        missing = self.result.missing
        for name, value in reads:
            if value is ABSENT and name not in missing:
                missing.append(name)
        return self.undetermined()

    def field(self, name: str) -> Any:
        """A field of the current list item (inside ``each``)."""
        assert self.item is not None
        return self.item[name]

    def param(self, name: str) -> Decimal:
        """The parameter's value in force on 1 January of the application year."""
        values = self.params[name]
        start = date(self.app.year, 1, 1)
        dated = [v for v in values if v.since <= start] or [values[0]]
        chosen = max(dated, key=lambda v: v.since)
        label_zh, label_en = self.labels.params[name]
        self.later(
            "parameter",
            lambda: (
                f"{label_zh}：{rate_str(chosen.value)}（自{chosen.since.isoformat()}起，{chosen.ref_zh}）",
                f"{label_en}: {rate_str(chosen.value)} (since {chosen.since.isoformat()}; {chosen.ref_en})",
            ),
        )
        return chosen.value

    def failed(self) -> bool:
        """True once a step has decided the claim gets nothing."""
        return self.result.status not in ("awarded", "capped")

    def undetermined(self) -> bool:
        """True (and the result is undetermined) when any input read so far is missing."""
        if not self.result.missing:
            return False
        missing = tuple(self.result.missing)  # as it is now: later rules may add to it
        self.result.status = "undetermined"
        self.result.reason = "missing"
        name = self.labels.name
        self.later(
            "missing",
            lambda: (
                f"缺少数据：{'、'.join(name(m, 'zh') for m in missing)}，无法确定",
                "cannot be determined: missing "
                + ", ".join(f"{name(m, 'en')} ({m})" for m in missing),
            ),
            ok=False,
        )
        return True

    # -- conditions
    def first_time(self, check: Check, name: str, op: str, threshold: Decimal) -> Check:
        """首次: ``check`` holds this year and held in no earlier year. The history must
        record ``name`` for the year before the policy took effect and every year since
        (older records count too); a missing year leaves the claim undetermined."""
        past = self.app.past_values(name)
        gaps = [y for y in range(self.first_year - 1, self.app.year) if y not in past]
        if gaps:
            self._missing_years(name, gaps)
            return Check(False, check.zh, check.en)
        earlier = [y for y, v in sorted(past.items()) if _OPS[op][2](v, threshold)]
        label_zh, label_en = self.labels.name(name, "zh"), self.labels.name(name, "en")
        if earlier:
            return Check(
                False,
                f"首次{check.zh}（{earlier[0]}年{label_zh}已为{self.show(name, past[earlier[0]], 'zh')}，并非首次）",
                f"for the first time {check.en} (already so in {earlier[0]}: {label_en} {self.show(name, past[earlier[0]], 'en')})",
            )
        years = "、".join(str(y) for y in sorted(past))
        return Check(
            check.ok,
            f"首次{check.zh}（{years}年均未达到）",
            f"for the first time {check.en} (not so in {', '.join(str(y) for y in sorted(past))})",
        )

    def _missing_years(self, name: str, gaps: list[int]) -> None:
        if name not in self.result.missing:
            self.result.missing.append(name)
        label_zh, label_en = self.labels.name(name, "zh"), self.labels.name(name, "en")
        self.step(
            "history",
            f"缺少{'、'.join(str(y) for y in gaps)}年的{label_zh}，无法判断是否首次达到",
            f"cannot tell whether this is the first time: {label_en} of {', '.join(str(y) for y in gaps)} is not in the history",
            ok=False,
        )

    def require(self, check: Check) -> bool:
        """An eligibility condition: records it; on failure the claim is not eligible."""
        if self.undetermined():  # a condition on past years found a year missing
            return False
        return self._decided(check.ok, lambda: check)

    def condition(self, ok: bool, explain: Callable[[Checks], Check]) -> bool:
        """``require`` for a condition the generated code computed in line: ``ok`` is its
        value; ``explain`` builds the same condition from checks, called only when the
        step is read (it gets a ``Checks`` on the labels and the values it closed over)."""
        if self.result.missing:  # (``undetermined``, called only when it is)
            return not self.undetermined()
        labels = self.labels

        def check() -> Check:
            built = explain(Checks(labels))
            assert built.ok == ok, "the generated condition and its explanation disagree"
            return built

        return self._decided(bool(ok), check)

    def _decided(self, ok: bool, check: Callable[[], Check]) -> bool:
        if ok:
            self.later("condition", _met_texts(check), ok=True)
            return True
        self.result.status = "not_eligible"
        self.result.reason = "condition"
        self.later("condition", _unmet_texts(check), ok=False)
        return False

    # -- arithmetic
    def base(self, *parts: tuple[str, Decimal]) -> Decimal:
        total = ZERO
        for _, value in parts:  # sum() over a generator costs more than the additions
            total += value
        if len(parts) > 1:
            name = self.labels.name
            self.later(
                "base",
                lambda: (
                    "计算基数："
                    + " + ".join(f"{name(n, 'zh')}{money_zh(v)}" for n, v in parts)
                    + f" = {money_zh(total)}",
                    "base: "
                    + " + ".join(f"{name(n, 'en')} {money_en(v)}" for n, v in parts)
                    + f" = {money_en(total)}",
                ),
            )
        return total

    def increase(self, new_name: str, new: Decimal, old_name: str, old: Decimal) -> Decimal:
        growth = max(new - old, ZERO)
        self.step(
            "increase",
            f"新增部分：{self.labels.name(new_name, 'zh')}{money_zh(new)} − {self.labels.name(old_name, 'zh')}{money_zh(old)} = {money_zh(growth)}（不足按0计）",
            f"increase: {self.labels.name(new_name, 'en')} {money_en(new)} − {self.labels.name(old_name, 'en')} {money_en(old)} = {money_en(growth)} (never below 0)",
        )
        return growth

    def percent(self, rate: Decimal, base: Decimal, base_name: str = "") -> Decimal:
        amount = rate * base
        name = self.labels.name

        def render() -> tuple[str, str]:
            what_zh = name(base_name, "zh") if base_name else "基数"
            what_en = name(base_name, "en") if base_name else "the base"
            return (
                f"按{what_zh}{money_zh(base)}的{rate_str(rate)}计算：{money_zh(amount)}",
                f"{rate_str(rate)} of {what_en} {money_en(base)} = {money_en(amount)}",
            )

        self.later("percent", render)
        return amount

    def matching(self, rate: Decimal, name: str, higher: Decimal) -> Decimal:
        amount = rate * higher
        label = self.labels.name
        self.later(
            "matching",
            lambda: (
                f"按{label(name, 'zh')}{money_zh(higher)}的{rate_str(rate)}给予配套：{money_zh(amount)}",
                f"matching {rate_str(rate)} of {label(name, 'en')} {money_en(higher)} = {money_en(amount)}",
            ),
        )
        return amount

    def per_step(
        self, amount: Decimal, size: Decimal, base: Decimal, base_name: str = ""
    ) -> Decimal:
        """每增加1亿元给予10万元: ``amount`` for each whole ``size`` of this year's base."""
        count = max(base, ZERO) // size
        total = amount * count
        what_zh = self.labels.name(base_name, "zh") if base_name else "基数"
        what_en = self.labels.name(base_name, "en") if base_name else "the base"
        self.step(
            "per_step",
            f"{what_zh}{money_zh(base)}，每满{money_zh(size)}给予{money_zh(amount)}：共{number_str(count)}个，{money_zh(total)}",
            f"{what_en} {money_en(base)}: {money_en(amount)} for each whole {money_en(size)}, "
            f"{number_str(count)} of them = {money_en(total)}",
        )
        return total

    def fixed(self, amount: Decimal) -> Decimal:
        self.later(
            "fixed", lambda: (f"定额奖励{money_zh(amount)}", f"fixed award of {money_en(amount)}")
        )
        return amount

    def range(self, low: Decimal, high: Decimal) -> Decimal:
        self.result.amount_min = low
        self.result.ceiling = True
        self.step(
            "range",
            f"酌定奖励{money_zh(low)}至{money_zh(high)}，按上限{money_zh(high)}列示",
            f"discretionary award of {money_en(low)} to {money_en(high)}; the upper end {money_en(high)} is shown",
        )
        return high

    def case(self, name: str, value: Any) -> None:
        labels, in_item = self.labels, self.in_item(name)
        self.later(
            "case",
            lambda: (
                f"按{labels.name(name, 'zh')}：{labels.show(name, value, 'zh', in_item)}",
                f"by {labels.name(name, 'en')}: {labels.show(name, value, 'en', in_item)}",
            ),
        )

    def no_case(self, name: str, value: Any) -> None:
        self.result.status = "not_eligible"
        self.result.reason = "no_case"
        self.step(
            "case",
            f"{self.labels.name(name, 'zh')}为{self.show(name, value, 'zh')}，本条无对应奖励",
            f"{self.labels.name(name, 'en')} {self.show(name, value, 'en')} has no award under this measure",
            ok=False,
        )

    def tier(
        self,
        name: str,
        value: Decimal,
        rows: Iterable[tuple[str | None, Decimal | None, str | None, Decimal | None]],
        first_match: bool = False,
    ) -> int | None:
        """The index of the tier row containing ``value`` (ops as in conditions), or None."""
        kind = self._type(name)
        for index, (lo_op, lo, hi_op, hi) in enumerate(rows):
            ok = all(
                _OPS[op][2](value, bound)
                for op, bound in ((lo_op, lo), (hi_op, hi))
                if op is not None and bound is not None
            )
            if ok:
                self.step(
                    "tier",
                    f"{self.labels.name(name, 'zh')}{self.labels.value(value, 'zh', kind)}，适用第{index + 1}档",
                    f"{self.labels.name(name, 'en')} {self.labels.value(value, 'en', kind)} falls in tier {index + 1}",
                )
                return index
        self.result.status = "not_eligible"
        self.result.reason = "no_tier"
        self.step(
            "tier",
            f"{self.labels.name(name, 'zh')}{self.labels.value(value, 'zh', kind)}不在任何一档",
            f"{self.labels.name(name, 'en')} {self.labels.value(value, 'en', kind)} falls in no tier",
            ok=False,
        )
        return None

    def steps(
        self,
        name: str,
        value: Decimal,
        size: Decimal,
        rows: Iterable[tuple[str | None, Decimal | None, str | None, Decimal | None, Decimal]],
        inclusive: bool = False,
        first_time: bool = False,
    ) -> Decimal:
        """Step awards: every step of ``size`` passed (or reached) by ``value`` that is
        above the highest step already rewarded for this measure pays its row's amount.
        With ``first_time``, steps the input passed in an earlier year (history of
        facts) are not new either. Steps are counted, not walked: a row pays its amount
        times the number of new steps whose threshold falls in it."""
        rows = tuple(rows)
        done = [p.keys.get("step") for p in self.app.history if p.measure == self.meta.id]
        highest = max((d for d in done if isinstance(d, Decimal)), default=ZERO)
        if highest:
            rewarded = highest
            self.later(
                "history",
                lambda: (
                    f"此前已奖励至{money_zh(rewarded)}台阶",
                    f"steps up to {money_en(rewarded)} were already rewarded",
                ),
            )
        if first_time:
            past = self.app.past_values(name)
            gaps = [y for y in range(self.first_year - 1, self.app.year) if y not in past]
            if gaps:
                self._missing_years(name, gaps)
                self.undetermined()
                return ZERO
            for year, before in sorted(past.items()):
                passed = _steps_passed(before, size, inclusive) * size
                if passed > highest:
                    highest = passed
                    texts = _passed_texts(self.labels, name, year, before, passed, inclusive)
                    self.later("history", texts)
        first_k = highest // size + 1
        last_k = _steps_passed(value, size, inclusive)
        total = ZERO
        paid_to = ZERO
        for lo_op, lo, hi_op, hi, amount in rows:
            k_lo, k_hi = first_k, last_k
            for op, bound in ((lo_op, lo), (hi_op, hi)):
                if op is None or bound is None:
                    continue
                k_lo, k_hi = _narrow(op, bound / size, k_lo, k_hi)
            if k_hi < k_lo:
                continue
            count = k_hi - k_lo + 1
            total += amount * count
            paid_to = max(paid_to, k_hi * size)
            self.later("step", _step_texts(inclusive, k_lo * size, k_hi * size, count, amount))
        if not paid_to:
            self.result.status = "not_eligible"
            self.result.reason = "no_new_step"
            self.step(
                "step",
                f"{self.labels.name(name, 'zh')}{money_zh(value)}，没有新的台阶可奖励",
                f"{self.labels.name(name, 'en')} {money_en(value)}: no new step to reward",
                ok=False,
            )
        self.result.new_step = paid_to or None
        return total

    def each(
        self, name: str, items: list[dict[str, Any]], item_amount: Callable[[Evaluation], Decimal]
    ) -> Decimal:
        total = ZERO
        word = self.labels.unit(name, "zh") or "项"  # 逐台计算 when the list counts 台
        self.step(
            "each",
            f"逐{word}计算{self.labels.name(name, 'zh')}（共{len(items)}{word}）",
            f"item by item over {self.labels.name(name, 'en')} ({len(items)} items)",
        )
        self.depth += 1
        quiet = len(items) > 20  # explain the first items in full, then summarise
        for index, item in enumerate(items):
            self.item = item
            before = len(self.result.log)
            total += item_amount(self)
            if quiet and index >= 5:
                del self.result.log[before:]
        self.item = None
        self.depth -= 1
        if quiet:
            self.step(
                "each",
                f"其余{len(items) - 5}{word}同法计算",
                f"the other {len(items) - 5} items likewise",
            )
        self.step("sum", f"各{word}合计：{money_zh(total)}", f"sum over items: {money_en(total)}")
        return total

    def staged(
        self,
        name: str,
        stage: str,
        total: Decimal,
        shares: tuple[tuple[str, Decimal], ...],
        clawback: str | None,
    ) -> Decimal:
        """Pay the share due by ``stage`` less what history shows was paid; the
        clawback stage returns everything paid (a negative amount)."""
        project = self.claim.keys.get("project")
        paid = sum(
            (
                p.amount
                for p in self.app.history
                if p.measure == self.meta.id
                and (project is None or p.keys.get("project") == project)
            ),
            ZERO,
        )
        if stage == clawback:
            self.step(
                "clawback",
                f"未通过验收，全额收回已拨付的{money_zh(paid)}",
                f"acceptance failed: the {money_en(paid)} already paid is clawed back",
            )
            return -paid
        due_share = ZERO
        for stage_name, share in shares:
            due_share += share
            if stage_name == stage:
                break
        due = total * due_share
        amount = max(due - paid, ZERO)
        self.step(
            "stage",
            f"{self.show(name, stage, 'zh')}阶段：应拨付总额{money_zh(total)}的{rate_str(due_share)}即{money_zh(due)}，已拨付{money_zh(paid)}，本次{money_zh(amount)}",
            f"stage {self.show(name, stage, 'en')}: {rate_str(due_share)} of {money_en(total)} = {money_en(due)} due, {money_en(paid)} already paid, {money_en(amount)} now",
        )
        return amount

    def cap(
        self, amount: Decimal, limit: Decimal, scope: str, words: tuple[str, str] | None = None
    ) -> Decimal:
        """A per-claim, per-project, per-product or per-item ceiling; ``words`` are the
        policy's own (zh, en) words for what the scope is about (品种; 台)."""
        if amount > limit:
            self.result.capped = True

            def applies() -> tuple[str, str]:
                scope_zh, scope_en = _cap_scope(scope, words)
                return (
                    f"{scope_zh}最高不超过{money_zh(limit)}：由{money_zh(amount)}核减为{money_zh(limit)}",
                    f"cap {money_en(limit)} {scope_en} applies: {money_en(amount)} reduced to {money_en(limit)}",
                )

            self.later("cap", applies, ok=False)
            return limit
        if self.item is None:

            def not_reached() -> tuple[str, str]:
                scope_zh, scope_en = _cap_scope(scope, words)
                return (
                    f"{scope_zh}最高不超过{money_zh(limit)}：未触及",
                    f"cap {money_en(limit)} {scope_en}: not reached",
                )

            self.later("cap", not_reached, ok=True)
        return amount

    def award(self, amount: Decimal, ceiling: bool = False) -> None:
        final = to_fen(amount)
        self.result.amount = final
        self.result.computed = final
        self.result.ceiling = self.result.ceiling or ceiling
        if self.result.capped:
            self.result.status = "capped"
        word_zh = "最高" if self.result.ceiling else ""
        word_en = "up to " if self.result.ceiling else ""
        self.later(
            "result",
            lambda: (
                f"本项核定{word_zh}{money_zh(final)}（四舍五入到分）",
                f"amount: {word_en}{money_en(final)} (rounded half-up to the fen)",
            ),
        )
