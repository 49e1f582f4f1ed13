"""The checked model in words: every award form, condition, cap and rule as a sentence.

Chinese reads like the source documents (按不超过…的30%给予补贴，单个企业每年最高不超过
30万元); English like a well-edited notice ("a subsidy of up to 30% of …, at most
CNY 300,000 per enterprise per year"). Sentences are plain text: the templates escape
them for Markdown. Names are rendered by their labels, never by their identifiers,
except where the model has no label to offer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import Decimal

from kfpl.model import PolicySet
from kfpl.render import money as m
from kfpl.runtime import phrases as ph
from kfpl.syntax import nodes as n

ZH_BOUND, EN_BOUND = ph.BOUND["zh"], ph.BOUND["en"]


@dataclass
class Sentence:
    """A lead sentence and, for choices (tiers, cases, stages), one line per branch."""

    lead: str
    items: list[str] = field(default_factory=list)

    def flat(self, lang: str) -> str:
        if not self.items:
            return self.lead
        sep = "；" if lang == "zh" else "; "
        body = sep.join(item.rstrip("。.") for item in self.items)
        colon = "：" if lang == "zh" else ": "
        end = "。" if lang == "zh" else "."
        return f"{self.lead.rstrip('：:。.')}{colon}{body}{end}"


class Renderer:
    """Renders one policy set's nodes in one language."""

    def __init__(
        self, ps: PolicySet, lang: str, ident: Callable[[str], str] = lambda name: name
    ) -> None:
        """``ident`` marks an identifier that has no label (an example's project or
        claim name): the docs print it as code, so it never reads as an English word."""
        self.ps = ps
        self.ident = ident
        self.lang = lang
        self.zh = lang == "zh"
        # The noun of the award as the law names it (`called`: 后补助), or as the measure's
        # own zh title ends (奖励 / 补贴); None: 补贴 for a share, 奖励 for growth.
        self.award_noun: str | None = None
        self.called: str | None = None  # the measure's `called` label, in this language
        self.item_unit: str | None = None  # the unit of one item of the measure's list (台)
        self.floors: dict[str, Decimal] = {}  # the least value of each count the measure requires
        # The policy's word for what one claim of the measure being rendered is for (品种).
        self.item_word: str | None = None
        self._fields: list[dict[str, n.Field]] = []  # item fields visible inside `each`
        self.each_of: str | None = None  # en: the list whose items a share is taken of

    # ------------------------------------------------------------------ names

    def label(self, label: n.Label | None, fallback: str = "") -> str:
        if label is None:
            return fallback
        text = label.get(self.lang) or fallback
        return " ".join(text.split()) if "\n" in text else text

    def name(self, name: str) -> str:
        """An input, parameter or item field by its label."""
        for scope in reversed(self._fields):
            if name in scope:
                return self.label(scope[name].label, name)
        decl = self.ps.inputs.get(name)
        if decl is not None:
            return self.label(decl.label, name)
        param = self.ps.params.get(name)
        if param is not None:
            return self.label(param.label, name)
        return name

    def type_name(self, name: str) -> str | None:
        for scope in reversed(self._fields):
            if name in scope:
                return scope[name].type_name
        ref = self.ps.type_of(name)
        return ref.name if isinstance(ref, n.NamedType) else None

    def member(self, input_name: str | None, value: str) -> str:
        """An enum member (national -> 国家级) or a bool (true -> 是)."""
        if value in ("true", "false"):
            yes = value == "true"
            return ("是" if yes else "否") if self.zh else ("yes" if yes else "no")
        type_name = self.type_name(input_name) if input_name else None
        ref = self.ps.type_of(input_name) if input_name else None
        if isinstance(ref, n.SetType):  # a value of a set-valued fact
            type_name = ref.enum
        enums = [self.ps.enums[type_name]] if type_name in self.ps.enums else []
        enums += [e for e in self.ps.enums.values() if e not in enums]
        for enum in enums:
            for mem in enum.members:
                if mem.name == value:
                    return self.label(mem.label, value)
        return self.ident(value)

    def unit_of(self, name: str) -> str | None:
        """The measure word a count or a list input declares (台), in this language."""
        decl = self.ps.inputs.get(name)
        return decl.unit.get(self.lang) if decl is not None and decl.unit is not None else None

    def agency(self, name: str) -> str:
        if self.zh:
            return name
        decl = self.ps.agencies.get(name)
        return self.label(decl.label, name) if decl and decl.label else name

    def matter(self, name: str) -> str:
        """A matter by its declared name (增值税地方留成新增部分奖励), else its id."""
        decl = self.ps.matters.get(name)
        return self.label(decl.label, name) if decl is not None else self.ident(name)

    def agencies(self, names: tuple[str, ...]) -> str:
        return ("、" if self.zh else "; ").join(self.agency(a) for a in names)

    def key(self, key: str) -> str:
        word = self.item_word if self.item_word and key in ("project", "product") else None
        return ph.key(key, self.lang, word) or self.name(key)

    # ------------------------------------------------------------------ numbers

    def money(self, value: Decimal) -> str:
        return m.money(value, self.lang)

    def number(self, num: n.Number, type_name: str | None = None, of: str | None = None) -> str:
        """A literal as money, rate or count: its unit first, then the type it meets.

        ``of`` names the input a count is compared with; its zh label gives the unit."""
        if num.unit == "percent" or type_name == "rate":
            return m.rate(num.value) if num.unit == "percent" else m.plain(num.value)
        if num.unit == "yuan" or type_name == "money":
            return self.money(num.value)
        if type_name == "year":
            return m.year(int(num.value), self.lang)
        text = m.count(num.value, self.lang)
        unit = self.unit_of(of) if of is not None and type_name == "count" else None
        if unit and self.zh:
            text += unit  # 2年, 3台: the unit the input declares
        elif unit and "number of" not in self.name(of or "").lower():  # counted already
            text += f" {unit}" if num.value == 1 else f" {unit}s"  # 2 years
        return text

    def rate(self, rate: n.Rate) -> str:
        if isinstance(rate, n.Number):
            return m.rate(rate.value)
        param = self.ps.params.get(rate.name)
        label = self.name(rate.name)
        if param is None or not param.values:
            return label
        latest = max(param.values, key=lambda v: v.since)
        value = m.rate(latest.value.value)
        since = m.day(latest.since, self.lang)
        if self.zh:
            return f"{label}（自{since}起为{value}）"
        return f"{_the(label)} ({value} since {since})"

    # ------------------------------------------------------------------ conditions

    def cond(self, cond: n.Cond, nested: bool = False) -> str:
        text = self._cond(cond)
        if nested and isinstance(cond, n.AllOf | n.AnyOf):
            return f"（{text}）" if self.zh else f"({text})"
        return text

    def _cond(self, cond: n.Cond) -> str:
        zh = self.zh
        if isinstance(cond, n.Truthy):
            return self.name(cond.name)
        if isinstance(cond, n.Compare):
            what = self.name(cond.name)
            x = self.number(cond.value, self.type_name(cond.name), cond.name)
            if zh:
                first = "首次" if cond.first_time else ""
                at = "在" if cond.op == "at_least" and not first else ""
                return what + first + at + ZH_BOUND[cond.op].format(x=x)
            first = " for the first time (judged on the earlier years' values)"
            bound = EN_BOUND[cond.op].format(x=x)
            return f"{_the(what)} {_be(what)} {bound}{first if cond.first_time else ''}"
        if isinstance(cond, n.IsValue):
            value = self.member(cond.name, cond.value)
            what = self.name(cond.name)
            return f"{what}为{value}" if zh else f"{_the(what)} {_be(what)} {value}"
        if isinstance(cond, n.InValues):
            values = [self.member(cond.name, v) for v in cond.values]
            what = self.name(cond.name)
            if zh:  # 为国家级、省级: the law's enumeration of alternatives
                return f"{what}为{ph.one_of(values, 'zh')}"
            return f"{_the(what)} {_be(what)} {ph.one_of(values, 'en')}"
        if isinstance(cond, n.Contains):
            values = [self.member(cond.name, v) for v in cond.values]
            what = self.name(cond.name)
            if zh:
                if cond.quantifier == "any" and len(values) > 1:
                    return f"{what}包含{'、'.join(values)}中的至少一项"
                return f"{what}包含{'、'.join(values)}"
            verb = "include" if _plural(what) else "includes"
            if cond.quantifier == "any" and len(values) > 1:
                return f"{_the(what)} {verb} at least one of {_en_list(values, 'or')}"
            return f"{_the(what)} {verb} {_en_list(values, 'and')}"
        if isinstance(cond, n.CountOf):
            x = self.number(cond.value, "count")
            what = self.name(cond.name)
            if zh:
                at = "在" if cond.op == "at_least" else ""
                return f"{what}{at}{ZH_BOUND[cond.op].format(x=x + '项')}"
            return f"the number of {what} is {EN_BOUND[cond.op].format(x=x)}"
        if isinstance(cond, n.Not):
            inner = self.cond(cond.operand, nested=True)
            return f"不属于{inner}的情形" if zh else f"not {inner}"
        if isinstance(cond, n.AllOf | n.AnyOf):
            parts = [self.cond(c, nested=True) for c in cond.operands]
            if zh:
                return ("，且" if isinstance(cond, n.AllOf) else "，或").join(parts)
            return _en_list(self._subjects(cond.operands, parts),
                            "and" if isinstance(cond, n.AllOf) else "or")  # fmt: skip
        raise AssertionError(cond)

    def _subjects(self, conds: tuple[n.Cond, ...], parts: list[str]) -> list[str]:
        """English conditions with a subject each: a yes/no input labelled by what the
        enterprise does ("is a software enterprise") reads after "the enterprise", once
        for a run of them ("the enterprise is a software enterprise and obtained …")."""
        out, subject = [], False
        for cond, text in zip(conds, parts, strict=True):
            predicate = isinstance(cond, n.Truthy) and _is_predicate(text)
            out.append(text if not predicate or subject else f"the enterprise {text}")
            subject = predicate
        return out

    def requirements(self, measure: n.Measure) -> list[str]:
        """One sentence per `requires` line (they must all hold)."""
        out = []
        for cond in measure.requires:
            text = self.cond(cond)
            if not self.zh and isinstance(cond, n.Truthy) and _is_predicate(text):
                text = f"the enterprise {text}"
            out.append(f"{text}。" if self.zh else f"{_cap_first(text)}.")
        return out

    # ------------------------------------------------------------------ award forms

    def base(self, operands: tuple[n.Operand, ...], label: n.Label | None = None) -> str:
        if label is not None and label.get(self.lang):
            return self.label(label)  # the law's own name for the sum (…等费用总和)
        parts = []
        for op in operands:
            if isinstance(op, n.Ref):
                parts.append(self.name(op.name))
            elif self.zh:
                parts.append(f"{self.name(op.new)}较{self.name(op.old)}的新增部分")
            else:
                new, old = _the(self.name(op.new)), _the(self.name(op.old))
                parts.append(f"the increase of {new} over {old}")
        return ph.sum_of(parts, self.lang)

    def simple(self, form: n.Form, ceiling: bool, once: bool) -> str:
        """A simple form as a verb phrase (zh) or a noun phrase (en), without a full stop."""
        zh, lang = self.zh, self.lang
        one = ("一次性" if zh else "one-time ") if once else ""
        if isinstance(form, n.Percent):
            has_increase = any(isinstance(op, n.Increase) for op in form.base)
            base = self.base(form.base, form.base_label)
            # 按其银行贷款金额的一年期基准利率给予补贴: a rate of the base, never "times".
            rate = self.rate(form.rate) if isinstance(form.rate, n.Ref) else m.rate(form.rate.value)
            default = ph.REWARD if has_increase and isinstance(form.rate, n.Number) else ph.SUBSIDY
            titled = self.award_noun if zh and isinstance(form.rate, n.Number) else None
            noun = self.called or titled or default[lang]
            if zh:
                return ph.share_of(base, rate, noun, lang, ceiling, once)
            base = _the(base) + (f" of each of {self.each_of}" if self.each_of else "")
            if isinstance(form.rate, n.Ref):  # a rate the law names: applied to the base
                return ph.rate_on(base, _the(rate), noun, ceiling, once)
            return ph.share_of(base, rate, noun, lang, ceiling, once)
        if isinstance(form, n.Matching):
            rate = self.rate(form.rate)
            if zh:
                return f"按{self.name(form.higher_award)}的{rate}给予{one}配套奖励"
            return f"a {one}matching award of {rate} of {_the(self.name(form.higher_award))}"
        if isinstance(form, n.Fixed):
            amount = self.money(form.amount.value)
            return ph.fixed(amount, self.called or ph.REWARD[lang], lang, ceiling, once)
        if isinstance(form, n.Range):
            span = m.money_range(form.low.value, form.high.value, self.lang)
            if zh:
                return f"给予{span}的{one}奖励（具体金额酌定）"
            return f"a {one}discretionary reward of {span}"
        if isinstance(form, n.PerStep):
            size, amount = self.money(form.size.value), self.money(form.amount.value)
            if zh:
                return f"{self.base(form.base)}每满{size}给予{amount}（按当年数额计，不足{size}的部分不计）"
            return (
                f"{amount} for each whole {size} of {_the(self.base(form.base))} "
                "(on this year's amount; a part short of a whole step earns nothing)"
            )
        return self.award_form(form, ceiling, once).flat(self.lang)

    def bounds(self, row: n.TierRow, on: str | None) -> str:
        if row.otherwise:
            return "其他情形" if self.zh else "otherwise"
        type_name = self.type_name(on) if on else None
        table = ZH_BOUND if self.zh else EN_BOUND
        if type_name == "count" and on is not None:
            only = _only_count(row, self.floors.get(on, Decimal(0)))
            bound = row.low or row.high
            if only is not None and bound is not None:
                shown = replace(bound.value, value=only, text=str(only))
                x = self.number(shown, type_name, on)
                return table["equal"].format(x=x) if self.zh else f"exactly {x}"
        parts = []
        for bound in (row.low, row.high):
            if bound is None:
                continue
            x = self.number(bound.value, type_name, on)
            parts.append(table[bound.op].format(x=x))
        return "且".join(parts) if self.zh else " and ".join(parts)

    def award_form(self, form: n.Form, ceiling: bool, once: bool) -> Sentence:
        zh = self.zh
        if isinstance(form, n.Percent | n.Matching | n.Fixed | n.Range | n.PerStep):
            text = self.simple(form, ceiling, once)
            return Sentence(f"{text}。" if zh else f"{_cap_first(text)}.")
        if isinstance(form, n.ByCase):
            what = self.name(form.on)
            if zh and all(isinstance(arm.form, n.Fixed) for arm in form.arms):
                # 国家级、省级的，分别给予一次性奖励100万元、50万元 (the law's 分别)
                cases = [self.member(form.on, arm.value) for arm in form.arms]
                amounts = [self.money(arm.form.amount.value) for arm in form.arms
                           if isinstance(arm.form, n.Fixed)]  # fmt: skip
                noun = self.called or ph.REWARD["zh"]
                return Sentence(
                    ph.respectively_zh(what, cases, amounts, noun, once, ceiling) + "。"
                )
            items = []
            for arm in form.arms:
                value = self.member(form.on, arm.value)
                phrase = self.simple(arm.form, ceiling, once)
                # 国家级的，给予一次性奖励100万元: the lead already names what the cases are of.
                items.append(f"{value}的，{phrase}" if zh else f"{value} — {phrase}")
            lead = f"按{what}分别给予支持：" if zh else f"By {_the(what)}:"
            return Sentence(lead, items)
        if isinstance(form, n.Tiers):
            what = self.name(form.on)
            items = []
            for row in form.rows:
                cond = self.bounds(row, form.on)
                phrase = self.simple(row.form, ceiling, once)
                if zh:
                    at = "在" if cond[:1].isdigit() else ""
                    items.append(
                        f"{cond}的，{phrase}" if row.otherwise else f"{what}{at}{cond}的，{phrase}"
                    )
                else:
                    items.append(f"{cond} — {phrase}")
            if zh:
                hit = "按顺序适用第一个符合的档次" if form.first_match else "每项申请只适用一个档次"
                lead = f"按{what}分档给予支持（{hit}）："
            else:
                hit = (
                    "the first matching tier applies"
                    if form.first_match
                    else "exactly one tier applies"
                )
                lead = f"By {_the(what)} ({hit}):"
            return Sentence(lead, items)
        if isinstance(form, n.Steps):
            what = self.name(form.on)
            size = self.money(form.size.value)
            steps = [self.money(form.size.value * k) for k in (1, 2, 3)]
            items = []
            for row in form.rows:
                cond = self.bounds(row, form.on)
                phrase = self.simple(row.form, False, True)
                items.append(f"台阶{cond}的，{phrase}" if zh else f"steps of {cond} — {phrase}")
            if zh:
                verb = "超过" if form.crossing == "passed" else "达到"
                before = "或以往年度已" + verb if form.first_time else ""
                lead = (
                    f"{what}每{'首次' if form.first_time else ''}{verb}一个{size}台阶"
                    f"（{'、'.join(steps)}……），给予一次性奖励；"
                    f"已获奖励{before}的最高台阶及以下不再奖励："
                )
            else:
                verb = "passed (exceeded)" if form.crossing == "passed" else "reached"
                before = (
                    f" and above the highest step {_the(what)} had {verb.split()[0]} in an earlier year"
                    if form.first_time
                    else ""
                )
                lead = (
                    f"A one-time reward for each {size} step ({', '.join(steps)}, …) {_the(what)} "
                    f"has {verb}, above the highest step already rewarded{before}:"
                )
            return Sentence(lead, items)
        if isinstance(form, n.Each):
            decl = self.ps.inputs.get(form.over)
            scope: dict[str, n.Field] = {}
            if decl is not None and isinstance(decl.type, n.ListType):
                scope = {f.name: f for f in decl.type.fields}
            what = self.name(form.over)
            unit = self.unit_of(form.over)
            # English takes a share of each item's own amount in one phrase ("4% of the
            # sale price of each of the vehicles"); other forms are summed over the items.
            share_en = not zh and isinstance(form.form, n.Percent)
            self._fields.append(scope)
            saved, self.each_of = self.each_of, (_the(what) if share_en else None)
            try:
                inner = self.award_form(form.form, ceiling, once)
            finally:
                self._fields.pop()
                self.each_of = saved
            if zh:
                lead = f"{ph.each(what, 'zh', unit)}：{inner.lead}"
            elif share_en:
                lead = inner.lead
            else:
                lead = f"{ph.each(_the(what), 'en', unit)}: {_lower_first(inner.lead)}"
            return Sentence(lead, inner.items)
        # staged payment
        assert isinstance(form, n.Staged)
        total = self.award_form(form.form, ceiling, once)
        items = []
        for stage in form.stages:
            label = self.member(form.on, stage.name)
            if stage.clawback:
                items.append(f"{label}的，已拨付资金全额收回" if zh else
                             f"{label} — everything already paid is clawed back")  # fmt: skip
            else:
                share = m.rate(stage.share.value) if stage.share else ""
                items.append(f"{label}时，拨付补助总额的{share}" if zh else
                             f"{label} — {share} of the total is paid")  # fmt: skip
        what = self.name(form.on)
        if zh:
            lead = f"{total.flat('zh')}补助按{what}分阶段拨付："
        else:
            lead = f"{total.flat('en')} The award is paid in stages by {_the(what)}:"
        return Sentence(lead, items)

    @contextmanager
    def of(self, measure: n.Measure) -> Iterator[None]:
        """While one measure is rendered: the words its policy text gives (the award's
        name, what a claim is for)."""
        saved = (self.award_noun, self.called, self.item_word, self.item_unit, self.floors)
        # The least value a count may take under the measure (`requires n at least 1`), so
        # a tier `less than 2` of it reads as the one number it leaves (为1种).
        self.floors = {
            c.name: c.value.value + (1 if c.op == "more_than" else 0)
            for req in measure.requires
            for c in ([req] if not isinstance(req, n.AllOf) else req.operands)
            if isinstance(c, n.Compare) and c.op in ("at_least", "more_than")
        }
        lists = (
            [e.over for e in measure.award.walk() if isinstance(e, n.Each)]
            if measure.awards
            else []
        )
        self.item_unit = next((u for u in map(self.unit_of, lists) if u), None)
        title = (measure.title.zh if measure.title is not None else None) or ""
        self.award_noun = next((w for w in ("奖励", "补贴") if title.endswith(w)), None)
        self.called = measure.called.get(self.lang) if measure.called else None
        self.item_word = measure.item_label.get(self.lang) if measure.item_label else None
        try:
            yield
        finally:
            self.award_noun, self.called, self.item_word, self.item_unit, self.floors = saved

    def award(self, measure: n.Measure) -> Sentence:
        if not measure.awards:
            return Sentence("（未规定支持方式）" if self.zh else "(no award defined)")
        award = measure.award
        once = measure.once is not None  # 一次性, also when once per product / level
        with self.of(measure):
            return self.award_form(award.form, award.ceiling, once)

    # ------------------------------------------------------------------ caps and limits

    def cap(self, cap: n.Cap) -> str:
        word = {"project": self.item_word, "product": self.item_word, "item": self.item_unit}
        return ph.cap(cap.scope, self.money(cap.amount.value), self.lang, word.get(cap.scope))

    def caps(self, measure: n.Measure) -> list[str]:
        end = "。" if self.zh else "."
        with self.of(measure):
            return [_cap_first(self.cap(c)) + end for c in measure.caps]

    def limits(self, measure: n.Measure) -> list[str]:
        with self.of(measure):
            return self._limits(measure)

    def _limits(self, measure: n.Measure) -> list[str]:
        out = []
        item = measure.item
        if item is not None:
            k = self.key(item)
            out.append(
                f"每项申请针对一个{k}，按{k}编号归组：同一{k}的多项申请共用本措施的上限，以往年度的奖励按{k}核对。"
                if self.zh
                else f"Each claim is for one {k}, grouped by its {k} id: claims for the same {k} "
                f"share this measure's limits, and earlier awards are matched by {k}."
            )
        if measure.once is not None:
            keys = measure.once.keys
            if not keys:
                out.append("一次性奖励：每个企业只享受一次。" if self.zh else
                           "An enterprise receives this award only once.")  # fmt: skip
            else:
                names = [self.key(k) for k in keys]
                if self.zh:
                    out.append(f"每个{'与'.join(names)}的组合只享受一次。" if len(names) > 1 else
                               f"每个{names[0]}只享受一次。")  # fmt: skip
                else:
                    both = " and ".join(names)
                    out.append(f"Paid once per {both}, never twice for the same {both}.")
        if measure.once is not None and measure.once.top_up:
            out.append(
                "以后获得更高奖励的(如由省级升为国家级)，补发差额，已发放部分不重复发放。"
                if self.zh
                else "A later, higher award (e.g. provincial upgraded to national) pays the "
                "difference over what was already paid, never the whole amount again."
            )
        if measure.matter is not None:
            out.append(self._matter_line(measure, measure.matter))
        if measure.max_years is not None:
            years = m.plain(measure.max_years.value)
            per_zh = f"按{self.key(item)}计" if item else "按企业计"
            per_en = f"per {self.key(item)}" if item else "per enterprise"
            if self.zh:
                if measure.consecutive:
                    out.append(
                        f"自首次获得支持的年度起连续支持{years}年（{per_zh}），中间未申报的年度也计入。"
                    )
                else:  # 补贴期限不超过1年 (an interest subsidy), the award's own name where the law gives one
                    share = measure.awards and isinstance(measure.award.form, n.Percent)
                    noun = self.called or (ph.SUBSIDY["zh"] if share else "支持")
                    out.append(f"{ph.term_zh(noun, years)}（{per_zh}）。")
            else:
                unit = "year" if years == "1" else "years"
                if measure.consecutive:
                    out.append(f"Support for {years} consecutive {unit} from the first award "
                               f"({per_en}); a year without a claim still counts.")  # fmt: skip
                else:
                    out.append(f"Support for at most {years} {unit} ({per_en}).")
        return out

    def _matter_line(self, measure: n.Measure, matter: str) -> str:
        """The matter a measure belongs to, and the other measures of that matter: the
        general rules on one matter (同一事项) group them."""
        name = self.matter(matter)
        others = [
            x.id for x in self.ps.measures.values() if x.matter == matter and x is not measure
        ]
        if self.zh:
            also = f"（同一事项的还有{'、'.join(others)}）" if others else ""
            return f"所属事项：{name}{also}，适用附则中同一事项的规定。"
        also = f" (with {_en_list(others, 'and')})" if others else ""
        return f"Matter: {name}{also}; the general rules on one matter apply."

    def rule_sentence(self, measure: n.Measure) -> str:
        """The whole measure in one sentence: award, then caps (as a home-page summary)."""
        award = self.award(measure).flat(self.lang)
        with self.of(measure):
            caps = [self.cap(c) for c in measure.caps]
        if not caps:
            return award
        if self.zh:
            return award.rstrip("。") + "，" + "，".join(caps) + "。"
        return award.rstrip(".") + ", " + ", ".join(caps) + "."

    # ------------------------------------------------------------------ rules (附则)

    def rule_body(self, body: n.RuleBody) -> str:
        zh = self.zh
        if isinstance(body, n.Eligible):
            cond = self.cond(body.cond)
            if zh:
                return f"本政策适用于符合以下条件的企业：{cond}；不符合的，各项申请均不予支持。"
            return f"Only an enterprise that meets this condition may apply: {cond}. Otherwise every claim is not eligible."
        if isinstance(body, n.Exclude):
            flags = [self.name(f) for f in body.flags]
            if zh:
                return f"有下列情形之一的企业，不享受本政策：{'；'.join(flags)}。"
            return f"An enterprise in any of these situations receives nothing: {'; '.join(flags)}."
        if isinstance(body, n.NoStacking):
            k = self.key(body.key)
            if zh:
                where = "本政策" if body.across == "policy" else "本政策集各项政策"
                if body.matching_only:
                    text = f"同一{k}获得上级补助奖励、本级给予配套的，与本级补助奖励不重复享受"
                else:
                    text = f"同一{k}涉及{where}多项优惠的，不重复享受"
                if body.keep == "all":
                    return f"{text}——本条现已停用，各项优惠均可享受。"
                tie = "先" if body.tie == "first" else "后"
                return (
                    f"{text}，按最高的一项执行；金额相同的，保留{tie}申报的一项；"
                    "以往年度同一项目、产品或一次性认定已获的奖励计入，只补差额。"
                )
            where = (
                "this policy's measures" if body.across == "policy" else "all policies in the set"
            )
            if body.matching_only:
                text = f"A matching award and an own-level award for the same {k} are not both paid"
            else:
                text = f"Claims for the same {k} under {where} are not stacked"
            if body.keep == "all":
                return f"{text} — this rule is switched off: all of them are paid."
            tie = "first" if body.tie == "first" else "last"
            return (
                f"{text}: only the highest is paid; on a tie, the claim listed {tie}; "
                "earlier awards for the same project, product or one-time recognition count "
                "(only the difference is paid)."
            )
        if isinstance(body, n.GroupCap):
            x = self.money(body.limit.value)
            names = [self._measure_title(mid) for mid in body.measures]
            when = self.cond(body.cond) if body.cond is not None else ""
            scope = body.scope or "year"
            if zh:
                lead = f"{when}的，" if when else ""
                per = {
                    "year": "合计每年最高不超过{x}（含当年已拨付的）",
                    "enterprise": "单个企业在实施期内合计最高不超过{x}（含以前年度已拨付的）",
                    "project": "同一项目合计最高不超过{x}（含该项目以前已拨付的）",
                    "product": "同一产品合计最高不超过{x}（含该产品以前已拨付的）",
                }.get(scope, "合计最高不超过{x}")
                return f"{lead}{'、'.join(names)}{per.format(x=x)}；超出部分从最后一项申请起扣减。"
            lead = f"When {when}, " if when else ""
            per_en = {
                "year": "at most {x} a year (including awards already paid this year)",
                "enterprise": "at most {x} over the effective period (including awards of "
                "earlier years)",
                "project": "at most {x} for any one project (including what it was paid before)",
                "product": "at most {x} for any one product (including what it was paid before)",
            }.get(scope, "at most {x}")
            text = (
                f"{lead}{_en_list(names, 'and')} together pay {per_en.format(x=x)}; any excess "
                "is trimmed from the latest claim first."
            )
            return _cap_first(text)
        limit = self.name(body.limit)
        if zh:
            trim = {"latest": "从最后一项申请起扣减", "largest": "从金额最大的申请起扣减",
                    "proportionally": "各项申请按比例扣减"}[body.trim]  # fmt: skip
            return f"单个企业当年获得的本级各项奖补资金总额（含当年已拨付的），最高不超过{limit}；超出部分{trim}。"
        trim = {"latest": "from the latest claim first", "largest": "from the largest claim first",
                "proportionally": "from all claims in proportion"}[body.trim]  # fmt: skip
        return (
            f"An enterprise's total for the year (including awards already paid this year) is at "
            f"most its {limit}; any excess is trimmed {trim}."
        )

    def _measure_title(self, mid: str) -> str:
        measure = self.ps.measures.get(mid)
        title = measure.title if measure is not None else None
        text = (title.zh if self.zh else title.en) if title is not None else None
        return f"{mid}（{text}）" if self.zh and text else f"{mid} ({text})" if text else mid

    # ------------------------------------------------------------------ plan goals

    def goal(
        self, goal: n.Goal, unit: str | None, aspiration: bool = False, word: str | None = None
    ) -> str:
        """``word``: the measure word of a counted goal (2家以上), from `unit count zh "家"`."""
        zh = self.zh
        x = self.number(goal.value, unit) + (word or "" if zh and unit == "count" else "")
        if goal.comparator == "between" and goal.high is not None:
            hi = self.number(goal.high, unit) + (word or "" if zh and unit == "count" else "")
            value = f"{x}—{hi}" if zh else f"{x} to {hi}"
        elif zh:
            value = {"about": "{x}左右", "exactly": "{x}"}.get(goal.comparator, "")
            value = (value or ZH_BOUND[goal.comparator]).format(x=x)
        else:
            value = {"about": "about {x}", "exactly": "{x}"}.get(goal.comparator, "")
            value = (value or EN_BOUND[goal.comparator]).format(x=x)
        if goal.year is not None:
            when = f"到{goal.year}年" if zh else f"by {goal.year}"
        elif goal.yearly:
            when = "年均" if zh else "on average each year"
        elif goal.within_years is not None:
            a, b = goal.within_years
            when = f"{a}至{b}年内" if zh else f"within {a} to {b} years"
        else:
            when = ""
        if zh:
            # 到2025年，达到2个以上; 力争到2025年，超过5000亿元; 年均增长20%以上 (no 达到
            # before a comparison that is its own verb, and no comma after 年均).
            own_verb = goal.comparator in ("at_most", "less_than", "more_than")
            verb = "" if own_verb or goal.yearly else "达到"
            sep = "，" if when and not goal.yearly else ""
            return f"{'力争' if aspiration else ''}{when}{sep}{verb}{value}"
        text = f"{value} {when}".strip()
        return f"{text} (aspiration)" if aspiration else text

    # ------------------------------------------------------------------ examples

    def value(self, name: str, value: n.Value) -> str:
        if isinstance(value, n.Number):
            return self.number(value, self.type_name(name), name)
        if isinstance(value, n.DateValue):
            return m.day(value.value, self.lang)
        if isinstance(value, n.NameValue):
            return self.member(name, value.name)
        if isinstance(value, n.SetValue):
            members = [self.member(name, v) for v in value.members]
            if not members:
                return "无" if self.zh else "none"
            return "、".join(members) if self.zh else _en_list(members, "and")
        decl = self.ps.inputs.get(name)
        scope = {}
        if decl is not None and isinstance(decl.type, n.ListType):
            scope = {f.name: f for f in decl.type.fields}
        self._fields.append(scope)
        try:
            records = ["，".join(self.fact(f) for f in rec) if self.zh else
                       ", ".join(self.fact(f) for f in rec) for rec in value.records]  # fmt: skip
        finally:
            self._fields.pop()
        if self.zh:
            return f"{len(records)}{self.unit_of(name) or '项'}（{'；'.join(records)}）"
        unit = "item" if len(records) == 1 else "items"
        return f"{len(records)} {unit} ({'; '.join(records)})"

    def fact(self, fact: n.Fact) -> str:
        sep = "：" if self.zh else ": "
        # `project = p1` names the claim's item: 项目 (or the policy's word), never the key
        what = self.key(fact.name) if fact.name in ("project", "product") else self.name(fact.name)
        return f"{what}{sep}{self.value(fact.name, fact.value)}"

    def prior(self, prior: n.Prior) -> str:
        amount = self.money(prior.amount.value)
        keys = [f"{self.key(k.name)}{'：' if self.zh else ' '}{self.value(k.name, k.value)}"
                for k in prior.keys]  # fmt: skip
        if self.zh:
            extra = f"（{'，'.join(keys)}）" if keys else ""
            return f"{prior.year}年已获{prior.measure}奖励{amount}{extra}"
        extra = f" ({', '.join(keys)})" if keys else ""
        return f"{prior.measure}: {amount} paid in {prior.year}{extra}"

    def outcome(self, outcome: n.Outcome, ceiling: bool = False) -> str:
        """An example's expected result; ``ceiling``: the measure's award is an upper
        limit (`award up to`), which the evaluator reports as "up to" (最高) too."""
        if outcome.kind == "amount" and outcome.amount is not None:
            amount = self.money(outcome.amount.value)
            if ceiling and outcome.amount.value > 0:
                return f"最高{amount}" if self.zh else f"up to {amount}"
            return amount
        if outcome.kind == "range" and outcome.amount is not None and outcome.high is not None:
            return m.money_range(outcome.amount.value, outcome.high.value, self.lang)
        if outcome.kind == "not_eligible":
            return "不符合条件" if self.zh else "not eligible"
        return "待定（缺少申报信息）" if self.zh else "undetermined (facts missing)"


def _en_list(parts: list[str], conj: str) -> str:
    if len(parts) <= 2:
        return f" {conj} ".join(parts)
    return ", ".join(parts[:-1]) + f" {conj} " + parts[-1]


_DETERMINERS = ("the ", "a ", "an ", "this ", "that ", "its ", "each ", "every ")


def _the(noun: str) -> str:
    """``the`` before a noun phrase unless it already has a determiner or a possessive."""
    lower = noun.lower()
    if lower.startswith(_DETERMINERS) or re.match(r"^[\w-]+'s ", lower):
        return noun
    return f"the {noun}"


def _plural(noun: str) -> bool:
    """Whether a label names a plural ("cloud service fees (…)", "years of service"): its
    head, the last word before "of" or a bracket, ends in a plural s."""
    head = re.split(r" of | \(|, ", noun.lower())[0].split()
    word = head[-1] if head else ""
    return word.endswith("s") and not word.endswith(("ss", "us", "is"))


def _be(noun: str) -> str:
    return "are" if _plural(noun) else "is"


# The first words of a yes/no label that says what the enterprise is or did.
_PREDICATES = ("is", "has", "was", "had", "received", "developed", "completed", "obtained",
               "newly", "pays", "supplied")  # fmt: skip


def _is_predicate(text: str) -> bool:
    return text.split(" ", 1)[0].rstrip(",") in _PREDICATES


def _cap_first(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[1].isupper():  # an acronym: keep it
        return text
    return text[:1].lower() + text[1:] if text else text


def _only_count(row: n.TierRow, floor: Decimal) -> Decimal | None:
    """The one whole number a tier row of a count admits (from ``floor`` up), if one."""
    low, high = floor, None
    for bound in (row.low, row.high):
        if bound is None:
            continue
        v = bound.value.value
        if bound.op == "at_least":
            low = max(low, v)
        elif bound.op == "more_than":
            low = max(low, v + 1)
        elif bound.op == "at_most":
            high = v
        elif bound.op == "less_than":
            high = v - 1
    return low if high is not None and low == high and low == low.to_integral_value() else None
