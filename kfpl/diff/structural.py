"""Structural diff: what moved between two checked policy sets.

Items are matched by their stable ids (measure, rule and target ids, declaration
names), never by position. An item that disappeared under one id and appeared under
another with mostly the same content is reported as a rename, and the differences
that remain between the two are reported against it.

Each change names one thing that moved (a rate, a cap, a threshold, a bound word, a
condition, a tier, a stacking rule, the effective period, labels), with a stable
check id (``KDnnn``), a direction for applicants and a severity. Directions that
cannot be read off the text alone (a tier boundary moved, an award form rewritten)
are ``depends``; the behavioural diff then settles them by evaluating both versions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Literal, TypeVar

from kfpl.diff import canon as c
from kfpl.diff.implication import alternatives, related, relation
from kfpl.model import PolicySet
from kfpl.render.vocab import LABELS
from kfpl.render.vocab import t as label
from kfpl.runtime.dates import Span
from kfpl.syntax import nodes as n

K = TypeVar("K", bound=str)
T = TypeVar("T")
Direction = Literal[
    "more_generous", "less_generous", "neutral", "review", "wording", "depends", "mixed"
]
Severity = Literal["high", "medium", "low", "info"]
Text = tuple[str, str]  # (zh, en)

DIRECTIONS: dict[str, Text] = {
    "more_generous": ("更优惠", "more generous"),
    "less_generous": ("更严格", "less generous"),
    "neutral": ("中性", "neutral"),
    "review": ("含义可能改变（需复核）", "meaning may have changed: review"),
    "wording": ("仅措辞", "wording only"),
    "depends": ("视情形而定", "depends on the case"),
    "mixed": ("有增有减", "mixed"),
}
SEVERITIES: dict[str, Text] = {
    "high": ("重大", "high"),
    "medium": ("中等", "medium"),
    "low": ("轻微", "low"),
    "info": ("提示", "info"),
}

# Stable check ids: CI configurations and reviewers refer to these; never renumber.
CHECKS: dict[str, tuple[str, Text]] = {
    "KD001": ("policy-added", ("新增政策文件", "policy document added")),
    "KD002": ("policy-removed", ("删除政策文件", "policy document removed")),
    "KD003": ("effective-period", ("有效期", "effective period")),
    "KD004": ("policy-header", ("文件信息", "document header")),
    "KD101": ("measure-added", ("新增措施", "measure added")),
    "KD102": ("measure-removed", ("删除措施", "measure removed")),
    "KD103": ("measure-renamed", ("措施改编号", "measure renamed")),
    "KD104": ("source-clause", ("条款出处", "source clause")),
    "KD105": ("measure-period", ("措施有效期", "measure's effective period")),
    "KD110": ("rate", ("比例", "rate")),
    "KD111": ("fixed-amount", ("定额", "fixed amount")),
    "KD112": ("range", ("酌定区间", "discretionary range")),
    "KD113": ("base", ("计算基数", "base of the award")),
    "KD114": ("award-form", ("奖补方式", "award form")),
    "KD115": ("ceiling", ("“最高”表述", "“up to” ceiling")),
    "KD116": ("case", ("分级奖补", "award by case")),
    "KD117": ("matching", ("配套对象", "matched award")),
    "KD120": ("threshold", ("门槛", "threshold")),
    "KD121": ("bound", ("界限含义（以上/超过）", "bound (以上 / 超过)")),
    "KD122": ("condition-added", ("新增条件", "condition added")),
    "KD123": ("condition-removed", ("删除条件", "condition removed")),
    "KD124": ("condition-changed", ("条件变化", "condition changed")),
    "KD130": ("tier-added", ("新增档次", "tier added")),
    "KD131": ("tier-removed", ("删除档次", "tier removed")),
    "KD132": ("tier-bounds", ("档次界限", "tier bounds")),
    "KD133": ("hit-policy", ("档次匹配规则", "tier hit policy")),
    "KD134": ("steps", ("阶梯", "steps")),
    "KD140": ("cap", ("上限", "cap")),
    "KD141": ("cap-added", ("新增上限", "cap added")),
    "KD142": ("cap-removed", ("取消上限", "cap removed")),
    "KD150": ("once", ("一次性", "one-time award")),
    "KD151": ("years", ("支持年限", "years of support")),
    "KD152": ("matter", ("同一事项归类", "matter for stacking")),
    "KD153": ("stages", ("分期拨付", "staged payment")),
    "KD160": ("department", ("责任单位", "responsible department")),
    "KD161": ("documents", ("申报材料", "required documents")),
    "KD162": ("labels", ("标题与说明", "titles and notes")),
    "KD163": ("examples", ("算例", "worked examples")),
    "KD201": ("rule-added", ("新增附则规则", "rule added")),
    "KD202": ("rule-removed", ("删除附则规则", "rule removed")),
    "KD203": ("rule-renamed", ("附则规则改编号", "rule renamed")),
    "KD204": ("stacking", ("叠加规则", "stacking rule")),
    "KD205": ("yearly-total", ("年度总额上限", "yearly total limit")),
    "KD206": ("exclusion", ("排除情形", "exclusions")),
    "KD207": ("eligibility", ("申报主体条件", "general eligibility")),
    "KD301": ("input", ("申报数据项", "input")),
    "KD302": ("parameter", ("参数", "parameter")),
    "KD303": ("enum", ("枚举", "enumeration")),
    "KD304": ("agency", ("部门", "agency")),
    "KD305": ("matter-name", ("事项名称", "matter name")),
    "KD401": ("plan", ("实施方案目标与任务", "plan targets and tasks")),
}

ITEM_KINDS: dict[str, Text] = {
    "policy": ("政策文件", "policy"),
    "measure": ("措施", "measure"),
    "rule": ("附则", "rule"),
    "input": ("数据项", "input"),
    "parameter": ("参数", "parameter"),
    "enum": ("枚举", "enum"),
    "agency": ("部门", "agency"),
    "matter": ("事项", "matter"),
    "target": ("目标", "target"),
    "chain": ("产业链", "chain"),
    "task": ("任务", "task"),
    "text": ("文本", "text"),
}

Action = Literal["add", "remove", "change", "rename"]


@dataclass(frozen=True)
class Change:
    """One thing that moved. ``old``/``new`` are (zh, en) renderings of the value."""

    check: str
    item_kind: str
    item: str  # the id in the new version (the old id when the item was removed)
    action: Action  # what happened to the item as a whole
    where: Text  # which part of the item: ("上限 每个项目", "cap per project")
    old: Text | None
    new: Text | None
    direction: Direction
    severity: Severity
    old_item: str | None = None  # the id in the old version, when renamed
    source: str | None = None  # the clause, e.g. "expo 3"
    title: Text | None = None  # the item's title
    note: Text | None = None
    settled_by_behaviour: bool = False

    @property
    def kind(self) -> str:
        return CHECKS[self.check][0]

    def line(self, lang: str) -> str:
        """The change in one line: ``cap per project: 100万 → 200万``."""
        i = 0 if lang == "zh" else 1
        where = self.where[i]
        sep = "：" if lang == "zh" else ": "
        if self.old is not None and self.new is not None:
            text = f"{where}{sep}{self.old[i]} → {self.new[i]}"
        elif self.new is not None:
            text = f"{where}{sep}+ {self.new[i]}"
        elif self.old is not None:
            text = f"{where}{sep}− {self.old[i]}"
        else:
            text = where
        if self.note is not None:
            text += f"（{self.note[i]}）" if lang == "zh" else f" ({self.note[i]})"
        return text

    def to_json(self) -> dict[str, object]:
        return {
            "check": self.check,
            "kind": self.kind,
            "item_kind": self.item_kind,
            "item": self.item,
            "old_item": self.old_item,
            "action": self.action,
            "source": self.source,
            "title": _pair(self.title),
            "where": _pair(self.where),
            "old": _pair(self.old),
            "new": _pair(self.new),
            "note": _pair(self.note),
            "direction": self.direction,
            "settled_by_behaviour": self.settled_by_behaviour,
            "severity": self.severity,
            "text": {"zh": self.line("zh"), "en": self.line("en")},
        }


def _pair(text: Text | None) -> dict[str, str] | None:
    return None if text is None else {"zh": text[0], "en": text[1]}


def same(text: str) -> Text:
    return (text, text)


def both(zh: str, en: str) -> Text:
    return (zh, en)


def _label_change(
    where: Text, old: n.Label | None, new: n.Label | None
) -> tuple[Text, Text | None, Text | None]:
    """(where, old, new) of a changed label. Where only the English text changed, the
    Chinese reader is told so, and shown the English texts that changed — not the same
    Chinese text twice (其他企业 → 其他企业)."""
    if old is not None and new is not None and old.get("zh") == new.get("zh"):
        where = (f"{where[0]}（仅英文修改）", where[1])
        return where, (old.get("en"), old.get("en")), (new.get("en"), new.get("en"))
    return where, label_pair(old), label_pair(new)


def label_pair(label: n.Label | None) -> Text | None:
    if label is None:
        return None
    return (label.get("zh"), label.get("en"))


# --------------------------------------------------------------------------- directions


def by_sign(delta: Decimal | int, up: Direction = "more_generous") -> Direction:
    """The direction of a change whose value went up (``up``) or down (the opposite)."""
    if delta == 0:
        return "neutral"
    down: Direction = "less_generous" if up == "more_generous" else "more_generous"
    return up if delta > 0 else down


def lower_bound_direction(old: str, new: str) -> Direction:
    """A lower bound (at least / more than) switching words: 以上 admits the number itself."""
    if old == new:
        return "neutral"
    if {old, new} == {"at_least", "more_than"}:
        return "more_generous" if new == "at_least" else "less_generous"
    if {old, new} == {"at_most", "less_than"}:
        return "more_generous" if new == "at_most" else "less_generous"
    return "depends"


def is_lower(op: str) -> bool:
    return op in ("at_least", "more_than")


# --------------------------------------------------------------------------- the differ


@dataclass
class ItemContext:
    item_kind: str
    item: str
    action: Action = "change"
    old_item: str | None = None
    source: str | None = None
    title: Text | None = None


@dataclass
class Differ:
    old: PolicySet
    new: PolicySet
    changes: list[Change] = field(default_factory=list)
    rename_threshold: float = 0.6

    # -- the texts of a change: zh as the documentation words it, en in the language's terms
    def goal_words(self, item: object, goal: n.Goal, ps: PolicySet) -> Text:
        """A target's or chain's goal as its page writes it (到2022年，达到2200家以上)."""
        from kfpl.render.sentences import Renderer

        if isinstance(item, n.Target):
            unit, aspiration, word = item.unit, item.aspiration, item.unit_label
        else:  # a chain's cluster goals are amounts, as its page renders them
            unit, aspiration, word = "money", False, None
        zh, en = (
            Renderer(ps, lang).goal(goal, unit, aspiration, word.get(lang) if word else None)
            for lang in ("zh", "en")
        )
        return both(zh, en)

    def award_words(self, m: n.Measure, ps: PolicySet) -> Text:
        """A measure's award: the zh page's sentence (按不超过…的30%给予补贴), the en source."""
        from kfpl.render.sentences import Renderer

        return (Renderer(ps, "zh").award(m).flat("zh").rstrip("。"), c.award_text(m.award))

    def form_words(self, form: n.Form, ps: PolicySet) -> Text:
        from kfpl.render.sentences import Renderer

        zh = Renderer(ps, "zh").award_form(form, False, False).flat("zh").rstrip("。")
        return (zh, c.form_text(form))

    def name_zh(self, name: str) -> str:
        """An input by its Chinese label (the newer version's), else its name."""
        for ps in (self.new, self.old):
            decl = ps.inputs.get(name)
            if decl is not None and decl.label.get("zh"):
                return decl.label.get("zh") or name
        return name

    def cond_words(self, cond: n.Cond, bare: bool = False) -> Text:
        """A condition as the zh page words it (labels, 以上), and in kfpl terms in en."""
        from kfpl.render.sentences import Renderer

        pair = _cond_pair(cond, bare)
        r = Renderer(self.new, "zh")
        if not bare:
            return (r.cond(cond), pair[1])
        if isinstance(cond, n.IsValue):
            return (f"为{r.member(cond.name, cond.value)}", pair[1])
        if isinstance(cond, n.InValues):
            return ("为" + "、".join(r.member(cond.name, v) for v in cond.values), pair[1])
        return pair

    # -- recording
    def add_or_remove(
        self, ctx: ItemContext, check: str, where: Text, value: Text, added: bool
    ) -> None:
        """A declaration that one side has and the other lacks: neutral for applicants."""
        ctx.action = "add" if added else "remove"
        self.add(
            ctx, check, where, None if added else value, value if added else None, "neutral", "info"
        )

    def add(
        self,
        ctx: ItemContext,
        check: str,
        where: Text,
        old: Text | None,
        new: Text | None,
        direction: Direction,
        severity: Severity,
        note: Text | None = None,
    ) -> None:
        self.changes.append(
            Change(
                check,
                ctx.item_kind,
                ctx.item,
                ctx.action,
                where,
                old,
                new,
                direction,
                severity,
                ctx.old_item,
                ctx.source,
                ctx.title,
                note,
            )
        )

    # -- the whole set
    def run(self) -> list[Change]:
        self.diff_policies()
        self.diff_declarations()
        self.diff_measures()
        self.diff_rules()
        self.diff_plan()
        return self.changes

    # -- policy headers
    def diff_policies(self) -> None:
        for pid in _ordered(self.old.policies, self.new.policies):
            old, new = self.old.policies.get(pid), self.new.policies.get(pid)
            title = label_pair((new or old).title) if (new or old) else None  # type: ignore[union-attr]
            ctx = ItemContext("policy", pid, title=title)
            if old is None and new is not None:
                ctx.action = "add"
                self.add(
                    ctx, "KD001", both("政策文件", "policy"), None, same(pid), "neutral", "info"
                )
                continue
            if new is None and old is not None:
                ctx.action = "remove"
                self.add(
                    ctx, "KD002", both("政策文件", "policy"), same(pid), None, "neutral", "info"
                )
                continue
            assert old is not None and new is not None
            self.diff_effective(ctx, old.effective, new.effective)
            if old.issued != new.issued:
                self.add(
                    ctx,
                    "KD004",
                    both("印发日期", "issued"),
                    same(str(old.issued)),
                    same(str(new.issued)),
                    "neutral",
                    "info",
                )
            for attr, where in (
                ("title", both("标题", "title")),
                ("issuer", both("发文机关", "issuer")),
                ("interpreter", both("解释机关", "interpreter")),
            ):
                self.diff_label(ctx, "KD004", where, getattr(old, attr), getattr(new, attr))
            self.diff_labels(ctx, "KD004", both("说明", "notes"), old.notes, new.notes)

    def diff_effective(
        self,
        ctx: ItemContext,
        old: n.Period | None,
        new: n.Period | None,
        check: str = "KD003",
        where: Text | None = None,
    ) -> None:
        def key(p: n.Period | None) -> tuple[date, date, bool] | None:
            return None if p is None else (p.start, p.end, p.by_day)

        if key(old) == key(new):
            return
        where = where or both("有效期", "effective period")
        direction: Direction = "depends"
        note = None
        if old and new:
            earlier, later = new.start <= old.start, new.end >= old.end
            if earlier and later:
                direction = "more_generous"
            elif new.start >= old.start and new.end <= old.end:
                direction = "less_generous"
            else:
                direction = "mixed"
            if (old.start, old.end) == (new.start, new.end):
                direction = "neutral"  # the same days, written as years or as days
            note = _moved(old, new)
        elif new is None:
            direction = "more_generous"  # no effective period: in force every year
        else:
            direction = "less_generous"
        self.add(ctx, check, where, _period(old), _period(new), direction, "high", note)

    # -- labels
    def diff_label(
        self, ctx: ItemContext, check: str, where: Text, old: n.Label | None, new: n.Label | None
    ) -> None:
        if c.canon(old, True) == c.canon(new, True):
            return
        self.add(ctx, check, *_label_change(where, old, new), "wording", "info")

    def diff_labels(
        self,
        ctx: ItemContext,
        check: str,
        where: Text,
        old: tuple[n.Label, ...],
        new: tuple[n.Label, ...],
        direction: Direction = "wording",
        severity: Severity = "info",
    ) -> None:
        old_keys = [c.canon(x, True) for x in old]
        new_keys = [c.canon(x, True) for x in new]
        gone = [x for x, k in zip(old, old_keys, strict=True) if k not in new_keys]
        came = [x for x, k in zip(new, new_keys, strict=True) if k not in old_keys]
        for a, b in zip(gone, came, strict=False):
            self.add(ctx, check, *_label_change(where, a, b), "wording", "info")
        for a in gone[len(came) :]:
            flip: Direction = "more_generous" if direction == "less_generous" else direction
            self.add(ctx, check, where, label_pair(a), None, flip, severity)
        for b in came[len(gone) :]:
            self.add(ctx, check, where, None, label_pair(b), direction, severity)

    # -- declarations
    def diff_declarations(self) -> None:
        for name in _ordered(self.old.inputs, self.new.inputs):
            self.diff_input(name, self.old.inputs.get(name), self.new.inputs.get(name))
        for name in _ordered(self.old.params, self.new.params):
            self.diff_param(name, self.old.params.get(name), self.new.params.get(name))
        for name in _ordered(self.old.enums, self.new.enums):
            self.diff_enum(name, self.old.enums.get(name), self.new.enums.get(name))
        for name in _ordered(self.old.agencies, self.new.agencies):
            old, new = self.old.agencies.get(name), self.new.agencies.get(name)
            ctx = ItemContext("agency", name)
            if old is None or new is None:
                self.add_or_remove(ctx, "KD304", both("部门", "agency"), same(name), old is None)
            else:
                self.diff_label(
                    ctx, "KD304", both("英文名称", "English name"), old.label, new.label
                )

        for name in _ordered(self.old.matters, self.new.matters):
            was, now = self.old.matters.get(name), self.new.matters.get(name)
            named = _matter(name, self.new if now else self.old)
            ctx = ItemContext("matter", name, title=named)
            if was is None or now is None:
                self.add_or_remove(ctx, "KD305", both("事项", "matter"), named, was is None)
            else:
                self.diff_label(ctx, "KD305", both("名称", "name"), was.label, now.label)

    def diff_input(self, name: str, old: n.InputDecl | None, new: n.InputDecl | None) -> None:
        ctx = ItemContext("input", name)
        if old is None or new is None:
            decl = new or old
            assert decl is not None
            ctx.title = label_pair(decl.label)
            zh_value = f"{decl.label.get('zh') or name}：{self._type_zh(decl.type)}"
            value = (zh_value, f"{name}: {_type_text(decl.type)}")
            self.add_or_remove(ctx, "KD301", both("数据项", "input"), value, old is None)
            return
        ctx.title = label_pair(new.label)
        readers = self.readers_of(name)
        if c.canon(old.type) != c.canon(new.type) or old.origin != new.origin:
            self.add(
                ctx,
                "KD301",
                both("类型", "type"),
                same(_type_text(old.type)),
                same(_type_text(new.type)),
                "depends",
                "medium",
            )
        self.diff_meaning(ctx, "KD301", both("名称", "label"), old.label, new.label, readers)
        if isinstance(old.type, n.ListType) and isinstance(new.type, n.ListType):
            old_fields = {f.name: f for f in old.type.fields}
            for f in new.type.fields:
                if f.name in old_fields:
                    where = both(f"字段 {f.name} 名称", f"field {f.name} label")
                    self.diff_meaning(
                        ctx, "KD301", where, old_fields[f.name].label, f.label, readers
                    )

    def _type_zh(self, t: n.TypeRef) -> str:
        """A type as a zh page names it: 金额（元）, 是/否, an enum by its label."""

        def one(name: str) -> str:
            enum = self.new.enums.get(name) or self.old.enums.get(name)
            if enum is not None:
                return (enum.label.get("zh") if enum.label else None) or label("type_enum", "zh")
            return label(f"type_{name}", "zh") if f"type_{name}" in LABELS else name

        if isinstance(t, n.NamedType):
            return one(t.name)
        if isinstance(t, n.SetType):
            return f"{label('type_set', 'zh')}：{one(t.enum)}"
        return label("type_list", "zh")

    def readers_of(self, name: str) -> list[str]:
        """The measures of the new version that read an input (for a reviewer's note)."""
        return [
            m.id
            for m in self.new.measures.values()
            if any(
                name
                in (
                    getattr(node, "name", None),
                    getattr(node, "on", None),
                    getattr(node, "over", None),
                )
                or (isinstance(node, n.Increase) and name in (node.new, node.old))
                or (isinstance(node, n.Matching) and node.higher_award == name)
                for part in (*m.requires, *m.awards)
                for node in part.walk()
            )
        ]

    def diff_meaning(
        self,
        ctx: ItemContext,
        check: str,
        where: Text,
        old: n.Label | None,
        new: n.Label | None,
        readers: list[str],
    ) -> None:
        """The label of a fact is its definition (设备购置额 → 设备投资额: purchases →
        investment): a changed Chinese label may change who qualifies and for how much,
        so a reviewer must look. A change of the English label alone is a translation."""
        if c.canon(old, True) == c.canon(new, True):
            return
        if old is not None and new is not None and old.get("zh") == new.get("zh"):
            self.add(ctx, check, *_label_change(where, old, new), "wording", "info")
            return
        note = (
            both("读取此项的措施：" + "、".join(readers), "read by " + ", ".join(readers))
            if readers
            else None
        )
        self.add(ctx, check, where, label_pair(old), label_pair(new), "review", "medium", note)

    def diff_param(self, name: str, old: n.ParamDecl | None, new: n.ParamDecl | None) -> None:
        ctx = ItemContext("parameter", name)
        if old is None or new is None:
            decl = new or old
            assert decl is not None
            value = same(_param_text(decl))
            self.add_or_remove(ctx, "KD302", both("参数", "parameter"), value, old is None)
            return
        ctx.title = label_pair(new.label)
        old_vals = {v.since: v for v in old.values}
        new_vals = {v.since: v for v in new.values}
        for since in sorted(set(old_vals) | set(new_vals)):
            a, b = old_vals.get(since), new_vals.get(since)
            if a is not None and b is not None and a.value.value == b.value.value:
                continue
            direction: Direction = "depends"
            if a is not None and b is not None and new.type_name == "rate":
                direction = by_sign(b.value.value - a.value.value)
            where = both(f"自{since}起的取值", f"value from {since}")
            self.add(
                ctx,
                "KD302",
                where,
                None if a is None else both(c.number(a.value, "zh"), c.number(a.value, "en")),
                None if b is None else both(c.number(b.value, "zh"), c.number(b.value, "en")),
                direction,
                "medium",
            )

    def diff_enum(self, name: str, old: n.EnumDecl | None, new: n.EnumDecl | None) -> None:
        ctx = ItemContext("enum", name)
        old_m = {m.name: m for m in old.members} if old else {}
        new_m = {m.name: m for m in new.members} if new else {}
        for member in _ordered(old_m, new_m):
            a, b = old_m.get(member), new_m.get(member)
            where = both(f"取值 {member}", f"value {member}")
            if a is None or b is None:
                self.add(
                    ctx,
                    "KD303",
                    where,
                    None if a is None else label_pair(a.label),
                    None if b is None else label_pair(b.label),
                    "neutral",
                    "info",
                )
            else:
                self.diff_meaning(ctx, "KD303", where, a.label, b.label, [])

    # -- measures
    def diff_measures(self) -> None:
        pairs = match_items(
            self.old.measures, self.new.measures, measure_similarity, self.rename_threshold
        )
        for old_id, new_id in pairs:
            old = self.old.measures.get(old_id) if old_id else None
            new = self.new.measures.get(new_id) if new_id else None
            self.diff_measure(old_id, old, new_id, new)

    def measure_ctx(self, m: n.Measure, action: Action, old_id: str | None = None) -> ItemContext:
        return ItemContext(
            "measure",
            m.id,
            action,
            old_id,
            str(m.source) if m.source else None,
            label_pair(m.title),
        )

    def diff_measure(
        self, old_id: str | None, old: n.Measure | None, new_id: str | None, new: n.Measure | None
    ) -> None:
        if old is None and new is not None:
            ctx = self.measure_ctx(new, "add")
            self.add(
                ctx,
                "KD101",
                both("措施", "measure"),
                None,
                self.award_words(new, self.new),
                "more_generous",
                "high",
            )
            return
        if new is None and old is not None:
            ctx = self.measure_ctx(old, "remove")
            self.add(
                ctx,
                "KD102",
                both("措施", "measure"),
                self.award_words(old, self.old),
                None,
                "less_generous",
                "high",
            )
            return
        assert old is not None and new is not None
        renamed = old.id != new.id
        ctx = self.measure_ctx(new, "rename" if renamed else "change", old.id if renamed else None)
        if renamed:
            score = measure_similarity(old, new)
            self.add(
                ctx,
                "KD103",
                both("编号", "id"),
                same(old.id),
                same(new.id),
                "neutral",
                "low",
                both(f"内容相似度 {score:.0%}", f"content similarity {score:.0%}"),
            )
        self.diff_effective(
            ctx, old.effective, new.effective, "KD105", both("措施有效期", "measure's period")
        )
        if c.canon(old.source) != c.canon(new.source):
            self.add(
                ctx,
                "KD104",
                both("出处", "source"),
                same(str(old.source)),
                same(str(new.source)),
                "neutral",
                "low",
            )
        self.diff_label(ctx, "KD162", both("标题", "title"), old.title, new.title)
        if old.departments != new.departments:
            self.add(
                ctx,
                "KD160",
                both("责任单位", "department"),
                same("、".join(old.departments)),
                same("、".join(new.departments)),
                "neutral",
                "low",
            )
        self.diff_conditions(
            ctx, both("申报条件", "requires"), c.conjuncts(old.requires), c.conjuncts(new.requires)
        )
        if old.awards and new.awards:
            self.diff_award(ctx, old.award, new.award)
        self.diff_caps(ctx, old.caps, new.caps)
        self.diff_once(ctx, old.once, new.once)
        if c.canon(old.max_years) != c.canon(new.max_years):
            direction: Direction = "depends"
            if old.max_years and new.max_years:
                direction = by_sign(new.max_years.value - old.max_years.value)
            elif old.max_years:
                direction = "more_generous"
            else:
                direction = "less_generous"
            self.add(
                ctx,
                "KD151",
                both("支持年限", "years of support"),
                _years(old.max_years),
                _years(new.max_years),
                direction,
                "medium",
            )
        if old.matter != new.matter:
            self.add(
                ctx,
                "KD152",
                both("同一事项", "matter"),
                _matter(old.matter, self.old),
                _matter(new.matter, self.new),
                "depends",
                "medium",
            )
        self.diff_labels(
            ctx,
            "KD161",
            both("申报材料", "document"),
            old.documents,
            new.documents,
            "less_generous",
            "low",
        )
        self.diff_labels(ctx, "KD162", both("解释说明", "note"), old.notes, new.notes)
        self.diff_examples(ctx, old.examples, new.examples)

    def diff_once(self, ctx: ItemContext, old: n.Once | None, new: n.Once | None) -> None:
        if c.canon(old) == c.canon(new):
            return
        direction: Direction = "depends"
        if old is None:
            direction = "less_generous"
        elif new is None:
            direction = "more_generous"
        self.add(
            ctx,
            "KD150",
            both("一次性奖励", "one-time"),
            _once(old),
            _once(new),
            direction,
            "medium",
        )

    def diff_examples(
        self, ctx: ItemContext, old: tuple[n.Example, ...], new: tuple[n.Example, ...]
    ) -> None:
        old_keys = {c.canon(e) for e in old}
        new_keys = {c.canon(e) for e in new}
        added = sum(1 for e in new if c.canon(e) not in old_keys)
        removed = sum(1 for e in old if c.canon(e) not in new_keys)
        if added or removed:
            self.add(
                ctx,
                "KD163",
                both("算例", "examples"),
                None,
                None,
                "neutral",
                "info",
                both(f"新增{added}个，删除{removed}个", f"{added} added, {removed} removed"),
            )

    # -- conditions
    def diff_conditions(
        self, ctx: ItemContext, where: Text, old: list[n.Cond], new: list[n.Cond]
    ) -> None:
        old_keys = [c.canon(x) for x in old]
        new_keys = [c.canon(x) for x in new]
        gone = [x for x, k in zip(old, old_keys, strict=True) if k not in new_keys]
        came = [x for x, k in zip(new, new_keys, strict=True) if k not in old_keys]
        # Pair a removed and an added condition on the same input: that is a change.
        for a in list(gone):
            partner = next(
                (
                    b
                    for b in came
                    if _cond_subject(b) == _cond_subject(a) and _cond_subject(a) is not None
                ),
                None,
            )
            if partner is None:
                continue
            gone.remove(a)
            came.remove(partner)
            self.diff_condition(ctx, where, a, partner)
        # Then conditions that are two versions of one: an `or` with an alternative added
        # is that `or` widened, not one condition removed and another added.
        for test in (lambda x, y: relation(x, y) != "unrelated", related):
            for a in list(gone):
                partner = next((b for b in came if test(a, b)), None)
                if partner is None:
                    continue
                gone.remove(a)
                came.remove(partner)
                self.diff_condition(ctx, where, a, partner)
        for a in gone:
            self.add(ctx, "KD123", where, self.cond_words(a), None, "more_generous", "high")
        for b in came:
            self.add(ctx, "KD122", where, None, self.cond_words(b), "less_generous", "high")

    def diff_condition(self, ctx: ItemContext, where: Text, a: n.Cond, b: n.Cond) -> None:
        subject = _cond_subject(a) or ""
        at = (f"{where[0]} {self.name_zh(subject)}", f"{where[1]} {subject}")
        same_kind = isinstance(a, n.Compare) and isinstance(b, n.Compare)
        if same_kind or (isinstance(a, n.CountOf) and isinstance(b, n.CountOf)):
            assert isinstance(a, n.Compare | n.CountOf) and isinstance(b, n.Compare | n.CountOf)
            lower = is_lower(a.op)
            if a.value.value != b.value.value:
                delta = b.value.value - a.value.value
                # Lowering a lower bound (or raising an upper one) admits more applicants.
                direction = by_sign(-delta if lower else delta)
                if is_lower(a.op) != is_lower(b.op):
                    direction = "depends"
                self.add(
                    ctx,
                    "KD120",
                    at,
                    self.cond_words(a, bare=True),
                    self.cond_words(b, bare=True),
                    direction,
                    "high",
                )
            elif a.op != b.op:
                self.add(
                    ctx,
                    "KD121",
                    at,
                    self.cond_words(a, bare=True),
                    self.cond_words(b, bare=True),
                    lower_bound_direction(a.op, b.op),
                    "medium",
                )
            return
        direction = RELATION_DIRECTIONS[relation(a, b)]
        if isinstance(a, n.InValues | n.IsValue) and isinstance(b, n.InValues | n.IsValue):
            va = set(a.values) if isinstance(a, n.InValues) else {a.value}
            vb = set(b.values) if isinstance(b, n.InValues) else {b.value}
            self.add(
                ctx,
                "KD124",
                at if a.name == b.name else where,
                self.cond_words(a, bare=a.name == b.name),
                self.cond_words(b, bare=a.name == b.name),
                direction,
                "high",
                _values_note(va, vb) if a.name == b.name else None,
            )
            return
        if isinstance(a, n.Contains) and isinstance(b, n.Contains) and a.name == b.name:
            self.add(
                ctx,
                "KD124",
                at,
                self.cond_words(a, bare=True),
                self.cond_words(b, bare=True),
                direction,
                "high",
                _values_note(set(a.values), set(b.values)),
            )
            return
        self.add(
            ctx,
            "KD124",
            where,
            _cond_pair(a),
            _cond_pair(b),
            direction,
            "high",
            _alternatives_note(a, b),
        )

    # -- awards
    def diff_award(self, ctx: ItemContext, old: n.Award, new: n.Award) -> None:
        if old.ceiling != new.ceiling:
            self.add(
                ctx, "KD115", both("奖补", "award"), _ceiling(old), _ceiling(new), "neutral", "low"
            )
        self.diff_form(ctx, both("奖补", "award"), old.form, new.form)

    def diff_form(self, ctx: ItemContext, where: Text, old: n.Form, new: n.Form) -> None:
        if c.canon(old) == c.canon(new):
            return
        if type(old) is not type(new):
            self.form_replaced(ctx, where, old, new)
            return
        if isinstance(old, n.Percent) and isinstance(new, n.Percent):
            self.diff_rate(ctx, where, old.rate, new.rate)
            old_ops = {c.canon(op): op for op in old.base}
            new_ops = {c.canon(op): op for op in new.base}
            for key, op in old_ops.items():
                if key not in new_ops:
                    self.add(
                        ctx,
                        "KD113",
                        (f"{where[0]} 基数", f"{where[1]} base"),
                        same(c.operand_text(op)),
                        None,
                        "less_generous",
                        "high",
                    )
            for key, op in new_ops.items():
                if key not in old_ops:
                    self.add(
                        ctx,
                        "KD113",
                        (f"{where[0]} 基数", f"{where[1]} base"),
                        None,
                        same(c.operand_text(op)),
                        "more_generous",
                        "high",
                    )
        elif isinstance(old, n.Matching) and isinstance(new, n.Matching):
            self.diff_rate(ctx, where, old.rate, new.rate)
            if old.higher_award != new.higher_award:
                self.add(
                    ctx,
                    "KD117",
                    where,
                    same(old.higher_award),
                    same(new.higher_award),
                    "depends",
                    "high",
                )
        elif isinstance(old, n.Fixed) and isinstance(new, n.Fixed):
            self.add(
                ctx,
                "KD111",
                where,
                both(c.amount(old.amount, lang="zh"), c.amount(old.amount, lang="en")),
                both(c.amount(new.amount, lang="zh"), c.amount(new.amount, lang="en")),
                by_sign(new.amount.value - old.amount.value),
                "high",
            )
        elif isinstance(old, n.Range) and isinstance(new, n.Range):
            lo = new.low.value - old.low.value
            hi = new.high.value - old.high.value
            direction = by_sign(hi if hi != 0 else lo)
            if lo * hi < 0:
                direction = "mixed"
            self.add(
                ctx,
                "KD112",
                where,
                self.form_words(old, self.old),
                self.form_words(new, self.new),
                direction,
                "high",
            )
        elif isinstance(old, n.ByCase) and isinstance(new, n.ByCase) and old.on == new.on:
            self.diff_cases(ctx, where, old, new)
        elif isinstance(old, n.Tiers) and isinstance(new, n.Tiers) and old.on == new.on:
            if old.first_match != new.first_match:
                self.add(ctx, "KD133", where, _hit(old), _hit(new), "depends", "medium")
            self.diff_rows(ctx, (f"{where[0]} 档次", f"{where[1]} tier"), old.rows, new.rows)
        elif isinstance(old, n.Steps) and isinstance(new, n.Steps) and old.on == new.on:
            if c.canon(old.size) != c.canon(new.size):
                self.add(
                    ctx,
                    "KD134",
                    (f"{where[0]} 阶梯", f"{where[1]} step"),
                    both(c.amount(old.size, lang="zh"), c.amount(old.size, lang="en")),
                    both(c.amount(new.size, lang="zh"), c.amount(new.size, lang="en")),
                    by_sign(old.size.value - new.size.value),
                    "high",
                )
            if old.crossing != new.crossing:
                direction = "more_generous" if new.crossing == "reached" else "less_generous"
                self.add(
                    ctx,
                    "KD121",
                    (f"{where[0]} 阶梯", f"{where[1]} step"),
                    same(old.crossing),
                    same(new.crossing),
                    direction,
                    "medium",
                )
            self.diff_rows(ctx, (f"{where[0]} 档次", f"{where[1]} tier"), old.rows, new.rows)
        elif isinstance(old, n.Each) and isinstance(new, n.Each) and old.over == new.over:
            self.diff_form(ctx, (f"{where[0]} 每项", f"{where[1]} each"), old.form, new.form)
        elif isinstance(old, n.Staged) and isinstance(new, n.Staged) and old.on == new.on:
            if c.canon(old.stages) != c.canon(new.stages):
                self.add(ctx, "KD153", where, _stages(old), _stages(new), "depends", "medium")
            self.diff_form(ctx, where, old.form, new.form)
        else:
            self.form_replaced(ctx, where, old, new)

    def form_replaced(self, ctx: ItemContext, where: Text, old: n.Form, new: n.Form) -> None:
        self.add(
            ctx,
            "KD114",
            where,
            (c.form_text(old, "zh"), c.form_text(old, "en")),
            (c.form_text(new, "zh"), c.form_text(new, "en")),
            "depends",
            "high",
        )

    def diff_rate(self, ctx: ItemContext, where: Text, old: n.Rate, new: n.Rate) -> None:
        if c.canon(old) == c.canon(new):
            return
        direction: Direction = "depends"
        if isinstance(old, n.Number) and isinstance(new, n.Number):
            direction = by_sign(new.value - old.value)
        self.add(
            ctx,
            "KD110",
            (f"{where[0]} 比例", f"{where[1]} rate"),
            same(c.rate_text(old)),
            same(c.rate_text(new)),
            direction,
            "high",
        )

    def diff_cases(self, ctx: ItemContext, where: Text, old: n.ByCase, new: n.ByCase) -> None:
        old_arms = {a.value: a for a in old.arms}
        new_arms = {a.value: a for a in new.arms}
        for value in _ordered(old_arms, new_arms):
            a, b = old_arms.get(value), new_arms.get(value)
            at = (f"{where[0]} {value}", f"{where[1]} {value}")
            if a is None and b is not None:
                self.add(ctx, "KD116", at, None, self.form_words(b.form, self.new), "more_generous",
                         "high")  # fmt: skip
            elif b is None and a is not None:
                self.add(ctx, "KD116", at, self.form_words(a.form, self.old), None, "less_generous",
                         "high")  # fmt: skip
            elif a is not None and b is not None:
                self.diff_form(ctx, at, a.form, b.form)

    def diff_rows(
        self, ctx: ItemContext, where: Text, old: tuple[n.TierRow, ...], new: tuple[n.TierRow, ...]
    ) -> None:
        """Tier rows have no ids: match equal rows, then rows with the same interval (the
        award moved) or the same award (the interval moved); the rest were added/removed."""
        gone = [r for r in old if c.canon(r) not in {c.canon(x) for x in new}]
        came = [r for r in new if c.canon(r) not in {c.canon(x) for x in old}]
        for key in (_row_interval, _row_award):
            for a in list(gone):
                b = next((r for r in came if key(r) == key(a)), None)
                if b is None:
                    continue
                gone.remove(a)
                came.remove(b)
                at = (
                    f"{where[0]} “{c.row_bounds(a, 'zh')}”",
                    f"{where[1]} “{c.row_bounds(a, 'en')}”",
                )
                if key is _row_interval:
                    self.diff_form(ctx, at, a.form, b.form)
                else:
                    self.add(ctx, "KD132", at, _row_pair(a), _row_pair(b), "depends", "high")
        for a in gone:
            self.add(ctx, "KD131", where, _row_pair(a, True), None, "depends", "high")
        for b in came:
            self.add(ctx, "KD130", where, None, _row_pair(b, True), "depends", "high")

    # -- caps
    def diff_caps(self, ctx: ItemContext, old: tuple[n.Cap, ...], new: tuple[n.Cap, ...]) -> None:
        old_by = {cap.scope: cap for cap in old}
        new_by = {cap.scope: cap for cap in new}
        for scope in _ordered(old_by, new_by):
            a, b = old_by.get(scope), new_by.get(scope)
            where = (f"上限 {c.scope_text(scope, 'zh')}", f"cap {c.scope_text(scope, 'en')}")
            if a is None and b is not None:
                self.add(
                    ctx,
                    "KD141",
                    where,
                    None,
                    both(c.money(b.amount.value, "zh"), c.money(b.amount.value, "en")),
                    "less_generous",
                    "high",
                )
            elif b is None and a is not None:
                self.add(
                    ctx,
                    "KD142",
                    where,
                    both(c.money(a.amount.value, "zh"), c.money(a.amount.value, "en")),
                    None,
                    "more_generous",
                    "high",
                )
            elif a is not None and b is not None and a.amount.value != b.amount.value:
                self.add(
                    ctx,
                    "KD140",
                    where,
                    both(c.money(a.amount.value, "zh"), c.money(a.amount.value, "en")),
                    both(c.money(b.amount.value, "zh"), c.money(b.amount.value, "en")),
                    by_sign(b.amount.value - a.amount.value),
                    "high",
                )

    # -- rules
    def diff_rules(self) -> None:
        pairs = match_items(self.old.rules, self.new.rules, rule_similarity, self.rename_threshold)
        for old_id, new_id in pairs:
            old = self.old.rules.get(old_id) if old_id else None
            new = self.new.rules.get(new_id) if new_id else None
            self.diff_rule(old, new)

    def diff_rule(self, old: n.Rule | None, new: n.Rule | None) -> None:
        some = new or old
        assert some is not None
        ctx = ItemContext(
            "rule",
            some.id,
            source=str(some.source) if some.source else None,
            title=label_pair(some.title),
        )
        if old is None or new is None:
            ctx.action = "add" if old is None else "remove"
            for body in some.bodies:
                direction = _body_direction(body)
                if new is None:
                    direction = _flip(direction)
                check = "KD201" if old is None else "KD202"
                text = same(_body_text(body))
                self.add(
                    ctx,
                    check,
                    _body_where(body),
                    None if old is None else text,
                    None if new is None else text,
                    direction,
                    "high",
                )
            return
        if old.id != new.id:
            ctx.action, ctx.old_item = "rename", old.id
            self.add(ctx, "KD203", both("编号", "id"), same(old.id), same(new.id), "neutral", "low")
        self.diff_label(ctx, "KD162", both("标题", "title"), old.title, new.title)
        self.diff_labels(ctx, "KD162", both("解释说明", "note"), old.notes, new.notes)
        old_b = {_body_key(b): b for b in old.bodies}
        new_b = {_body_key(b): b for b in new.bodies}
        for key in _ordered(old_b, new_b):
            a, b = old_b.get(key), new_b.get(key)
            if a is None and b is not None:
                self.add(
                    ctx,
                    _body_check(b),
                    _body_where(b),
                    None,
                    same(_body_text(b)),
                    _body_direction(b),
                    "high",
                )
            elif b is None and a is not None:
                self.add(
                    ctx,
                    _body_check(a),
                    _body_where(a),
                    same(_body_text(a)),
                    None,
                    _flip(_body_direction(a)),
                    "high",
                )
            elif a is not None and b is not None and c.canon(a) != c.canon(b):
                self.diff_body(ctx, a, b)

    def diff_body(self, ctx: ItemContext, a: n.RuleBody, b: n.RuleBody) -> None:
        where = _body_where(a)
        if isinstance(a, n.Eligible) and isinstance(b, n.Eligible):
            self.diff_conditions(ctx, where, c.flatten_and(a.cond), c.flatten_and(b.cond))
        elif isinstance(a, n.Exclude) and isinstance(b, n.Exclude):
            for flag in sorted(set(a.flags) - set(b.flags)):
                self.add(ctx, "KD206", where, same(flag), None, "more_generous", "high")
            for flag in sorted(set(b.flags) - set(a.flags)):
                self.add(ctx, "KD206", where, None, same(flag), "less_generous", "high")
        elif isinstance(a, n.NoStacking) and isinstance(b, n.NoStacking):
            direction: Direction = "depends"
            if a.keep != b.keep:
                direction = "more_generous" if b.keep == "all" else "less_generous"
            elif a.across != b.across:
                direction = "less_generous" if b.across == "set" else "more_generous"
            self.add(
                ctx, "KD204", where, same(_body_text(a)), same(_body_text(b)), direction, "high"
            )
        elif isinstance(a, n.GroupCap) and isinstance(b, n.GroupCap):
            if _body_text(a) != _body_text(b):
                raised = b.limit.value - a.limit.value
                same_group = (
                    a.measures == b.measures
                    and (a.scope or "year") == (b.scope or "year")
                    and (
                        (a.cond is None) == (b.cond is None)
                        and (a.cond is None or c.cond_text(a.cond) == c.cond_text(b.cond))  # type: ignore[arg-type]
                    )
                )
                direction = by_sign(raised) if same_group else "depends"
                self.add(
                    ctx, "KD205", where, same(_body_text(a)), same(_body_text(b)), direction, "high"
                )
        elif isinstance(a, n.YearlyCap) and isinstance(b, n.YearlyCap):
            direction = "neutral" if a.limit == b.limit else "depends"
            self.add(
                ctx,
                "KD205",
                where,
                same(_body_text(a)),
                same(_body_text(b)),
                direction,
                "medium" if a.limit == b.limit else "high",
            )

    # -- plan items: they bind no applicant, so every change is neutral for applicants
    def diff_plan(self) -> None:
        tables: list[tuple[str, dict[str, n.Target], dict[str, n.Target]]] = [
            ("target", self.old.targets, self.new.targets),
            ("chain", self.old.chains, self.new.chains),  # type: ignore[list-item]
            ("task", self.old.tasks, self.new.tasks),  # type: ignore[list-item]
            ("text", self.old.texts, self.new.texts),  # type: ignore[list-item]
        ]
        for kind, old_t, new_t in tables:
            for key in _ordered(old_t, new_t):
                a, b = old_t.get(key), new_t.get(key)
                some = b or a
                ctx = ItemContext(kind, key, title=label_pair(getattr(some, "title", None)))
                where = ITEM_KINDS[kind]
                if a is None or b is None:
                    ctx.action = "add" if a is None else "remove"
                    self.add(
                        ctx,
                        "KD401",
                        where,
                        None if a is None else same(key),
                        None if b is None else same(key),
                        "neutral",
                        "info",
                    )
                elif c.canon(a) != c.canon(b):
                    goals_a, goals_b = _goals(a), _goals(b)
                    for goal_a, goal_b in zip(goals_a, goals_b, strict=False):
                        if c.canon(goal_a) != c.canon(goal_b):
                            self.add(
                                ctx,
                                "KD401",
                                both("目标值", "goal"),
                                self.goal_words(a, goal_a, self.old),
                                self.goal_words(b, goal_b, self.new),
                                "neutral",
                                "low",
                            )
                    if len(goals_a) != len(goals_b) or c.canon(_without_goals(a)) != c.canon(
                        _without_goals(b)
                    ):
                        self.add(
                            ctx, "KD401", both("内容", "content"), None, None, "neutral", "low"
                        )
                elif c.canon(a, True) != c.canon(b, True):
                    self.add(ctx, "KD401", both("文字", "wording"), None, None, "wording", "info")


# --------------------------------------------------------------------------- matching


def match_items(
    old: Mapping[str, T],
    new: Mapping[str, T],
    similarity: Callable[[T, T], float],
    threshold: float,
) -> list[tuple[str | None, str | None]]:
    """Pairs (old id, new id) in a stable order: same id first; then renames, found by
    content similarity (best pair first, at or above ``threshold``); the rest unpaired."""
    sim = similarity
    removed = [k for k in old if k not in new]
    added = [k for k in new if k not in old]
    scored = sorted(
        ((sim(old[a], new[b]), a, b) for a in removed for b in added),
        key=lambda t: (-t[0], natural_key(t[1]), natural_key(t[2])),
    )
    renamed: dict[str, str] = {}
    taken: set[str] = set()
    for score, a, b in scored:
        if score < threshold or a in renamed or b in taken:
            continue
        renamed[a] = b
        taken.add(b)
    pairs: list[tuple[str | None, str | None]] = []
    for key in old:
        if key in new:
            pairs.append((key, key))
        elif key in renamed:
            pairs.append((key, renamed[key]))
        else:
            pairs.append((key, None))
    pairs.extend((None, key) for key in new if key not in old and key not in taken)
    pairs.sort(key=lambda p: natural_key(p[1] or p[0] or ""))
    return pairs


_MEASURE_WEIGHTS = {
    "source": 2.0,
    "title": 2.0,
    "departments": 0.5,
    "requires": 2.0,
    "awards": 3.0,
    "caps": 2.0,
    "once": 0.5,
    "max_years": 0.5,
    "matter": 0.5,
    "documents": 1.0,
    "notes": 0.5,
    "examples": 1.5,
}


def measure_similarity(a: n.Measure, b: n.Measure) -> float:
    """Weighted share of the measure's parts that are equal (0..1); ids are ignored.

    A measure keeps its identity through a renumbering only if it keeps its title or
    its source clause: two different clauses with the same arithmetic (expo 4 and
    expo 6 both pay 30% of an investment) are different measures, scored 0.
    """
    same_title = c.canon(a.title, True) == c.canon(b.title, True)
    if not same_title and c.canon(a.source) != c.canon(b.source):
        return 0.0
    total = sum(_MEASURE_WEIGHTS.values())
    got = 0.0
    for name, weight in _MEASURE_WEIGHTS.items():
        if c.canon(getattr(a, name), True) == c.canon(getattr(b, name), True):
            got += weight
    return got / total


def rule_similarity(a: n.Rule, b: n.Rule) -> float:
    parts = [
        (3.0, c.canon(a.bodies) == c.canon(b.bodies)),
        (1.0, c.canon(a.title, True) == c.canon(b.title, True)),
        (1.0, c.canon(a.source) == c.canon(b.source)),
        (0.5, c.canon(a.notes, True) == c.canon(b.notes, True)),
    ]
    return sum(w for w, ok in parts if ok) / sum(w for w, _ in parts)


def natural_key(text: str) -> tuple[object, ...]:
    """expo-2a < expo-3 < expo-13: digits compare as numbers."""
    out: list[object] = []
    digits = ""
    for ch in text:
        if ch.isdigit():
            digits += ch
            continue
        if digits:
            out.append((0, int(digits), ""))
            digits = ""
        out.append((1, 0, ch))
    if digits:
        out.append((0, int(digits), ""))
    return tuple(out)


def _ordered(old: Mapping[K, object], new: Mapping[K, object]) -> list[K]:
    """Keys of both tables (new first), in natural order."""
    keys = list(new) + [k for k in old if k not in new]
    return sorted(keys, key=natural_key)


# --------------------------------------------------------------------------- helpers


def _matter(m: str | None, ps: PolicySet) -> Text:
    """A matter by its declared name (受托生产药械产品), its id when it has none."""
    if not m:
        return both("无", "none")
    decl = ps.matters.get(m)
    return (label_pair(decl.label) if decl is not None else None) or same(m)


def _period(p: n.Period | None) -> Text:
    if p is None:
        return both("未规定", "none")
    span = Span(p.start, p.end, p.by_day)
    return both(span.zh(), span.en())


def _moved(old: n.Period, new: n.Period) -> Text | None:
    """How each end moved, in days (or whole years when both are written in years)."""
    if old.start == new.start and old.end != new.end:
        by_years = not (old.by_day or new.by_day)
        size = new.end.year - old.end.year if by_years else (new.end - old.end).days
        unit_zh, unit_en = ("年", "year") if by_years else ("天", "day")
        plural = "s" if abs(size) != 1 else ""
        if size > 0:
            return both(f"延长{size}{unit_zh}", f"extended by {size} {unit_en}{plural}")
        return both(f"缩短{-size}{unit_zh}", f"shortened by {-size} {unit_en}{plural}")
    parts_zh: list[str] = []
    parts_en: list[str] = []
    for what_zh, what_en, a, b in (
        ("起始", "start", old.start, new.start),
        ("截止", "end", old.end, new.end),
    ):
        if a == b:
            continue
        if not (old.by_day or new.by_day):
            years = b.year - a.year
            later_zh = "推后" if years > 0 else "提前"
            parts_zh.append(f"{what_zh}{later_zh}{abs(years)}年")
            parts_en.append(f"{what_en} {'later' if years > 0 else 'earlier'} by {abs(years)} "
                            f"year{'s' if abs(years) != 1 else ''}")  # fmt: skip
            continue
        days = (b - a).days
        later_zh = "推后" if days > 0 else "提前"
        parts_zh.append(f"{what_zh}{later_zh}{abs(days)}天")
        parts_en.append(f"{what_en} {'later' if days > 0 else 'earlier'} by {abs(days)} "
                        f"day{'s' if abs(days) != 1 else ''}")  # fmt: skip
    if not parts_zh:
        return None
    return both("，".join(parts_zh), ", ".join(parts_en))


def _years(y: n.Number | None) -> Text:
    if y is None:
        return both("不限", "no limit")
    return both(f"最多{c.number(y)}年", f"at most {c.number(y)} years")


def _once(o: n.Once | None) -> Text:
    if o is None:
        return both("可多次", "repeatable")
    if o.key is None:
        return both("一次性", "once")
    return both(f"按{o.key}一次性", f"once per {o.key}")


def _ceiling(a: n.Award) -> Text:
    return both("最高（不超过）", "up to") if a.ceiling else both("确定金额", "exact amount")


def _hit(t: n.Tiers) -> Text:
    return (
        both("按首个匹配档", "first match") if t.first_match else both("唯一匹配档", "exactly one")
    )


def _stages(s: n.Staged) -> Text:
    return same(
        ", ".join(
            f"{st.name} clawback"
            if st.clawback or st.share is None
            else f"{st.name} {c.number(st.share)}"
            for st in s.stages
        )
    )


def _type_text(t: n.TypeRef) -> str:
    if isinstance(t, n.NamedType):
        return t.name
    if isinstance(t, n.SetType):
        return f"set of {t.enum}"
    return "list(" + ", ".join(f"{f.name}: {f.type_name}" for f in t.fields) + ")"


def _param_text(p: n.ParamDecl) -> str:
    return ", ".join(f"{c.number(v.value)} from {v.since}" for v in p.values)


def _cond_subject(cond: n.Cond) -> str | None:
    if isinstance(cond, n.Compare | n.IsValue | n.InValues | n.Contains | n.CountOf):
        return cond.name
    return None


def _cond_pair(cond: n.Cond, bare: bool = False) -> Text:
    """A condition in both languages; ``bare`` drops the input name (already in ``where``)."""
    if bare and isinstance(cond, n.Compare):
        return (c.bound_text(cond.op, cond.value, "zh"), c.bound_text(cond.op, cond.value, "en"))
    if bare and isinstance(cond, n.IsValue):
        return same(f"is {cond.value}")
    if bare and isinstance(cond, n.InValues):
        return same(f"in ({', '.join(cond.values)})")
    if bare and isinstance(cond, n.CountOf):
        return (c.bound_text(cond.op, cond.value, "zh"), c.bound_text(cond.op, cond.value, "en"))
    if bare and isinstance(cond, n.Contains):
        return same(c.cond_text(cond).split(" ", 1)[1])
    return (c.cond_text(cond, "zh"), c.cond_text(cond, "en"))


RELATION_DIRECTIONS: dict[str, Direction] = {
    "same": "neutral",
    "wider": "more_generous",
    "narrower": "less_generous",
    "unrelated": "depends",
}


def _values_note(old: set[str], new: set[str]) -> Text | None:
    added, dropped = sorted(new - old), sorted(old - new)
    return _change_note(added, dropped)


def _alternatives_note(old: n.Cond, new: n.Cond) -> Text | None:
    """What an `or` gained and lost, as its alternatives: ``widened: + little_giant``."""
    a = {c.canon(x): x for x in alternatives(old)}
    b = {c.canon(x): x for x in alternatives(new)}
    if len(a) == 1 and len(b) == 1:
        return None
    added = [c.cond_text(x) for k, x in b.items() if k not in a]
    dropped = [c.cond_text(x) for k, x in a.items() if k not in b]
    return _change_note(added, dropped)


def _change_note(added: list[str], dropped: list[str]) -> Text | None:
    zh, en = [], []
    if added:
        zh.append("增加 " + "、".join(added))
        en.append("+ " + ", ".join(added))
    if dropped:
        zh.append("去掉 " + "、".join(dropped))
        en.append("− " + ", ".join(dropped))
    if not zh:
        return None
    return ("；".join(zh), "; ".join(en))


def _row_interval(row: n.TierRow) -> object:
    return c.canon((row.low, row.high, row.otherwise))


def _row_award(row: n.TierRow) -> object:
    return c.canon(row.form)


def _row_pair(row: n.TierRow, with_form: bool = False) -> Text:
    if with_form:
        return (
            f"{c.row_bounds(row, 'zh')} → {c.form_text(row.form, 'zh')}",
            f"{c.row_bounds(row, 'en')} -> {c.form_text(row.form, 'en')}",
        )
    return (c.row_bounds(row, "zh"), c.row_bounds(row, "en"))


def _body_key(body: n.RuleBody) -> str:
    if isinstance(body, n.NoStacking):
        return f"stack:{'matching' if body.matching_only else 'own'}"
    return type(body).__name__


def _body_check(body: n.RuleBody) -> str:
    return {
        n.Eligible: "KD207",
        n.Exclude: "KD206",
        n.NoStacking: "KD204",
        n.YearlyCap: "KD205",
        n.GroupCap: "KD205",
    }[type(body)]


def _body_where(body: n.RuleBody) -> Text:
    return CHECKS[_body_check(body)][1]


def _body_text(body: n.RuleBody) -> str:
    if isinstance(body, n.Eligible):
        return f"eligible if {c.cond_text(body.cond)}"
    if isinstance(body, n.Exclude):
        return f"exclude if {', '.join(body.flags)}"
    if isinstance(body, n.NoStacking):
        what = "of matching with own " if body.matching_only else ""
        span = "within policy" if body.across == "policy" else "across set"
        tie = " tie last" if body.tie == "last" else ""
        return f"no stacking {what}by {body.key} {span} keep {body.keep}{tie}"
    if isinstance(body, n.GroupCap):
        when = f" if {c.cond_text(body.cond)}" if body.cond is not None else ""
        per = f" per {body.scope}" if body.scope not in (None, "year") else ""
        return f"total of {', '.join(body.measures)} at most {c.amount(body.limit)}{per}{when}"
    return f"yearly total at most {body.limit} trim {body.trim}"


def _body_direction(body: n.RuleBody) -> Direction:
    """The direction of adding this rule body."""
    if isinstance(body, n.NoStacking):
        return "neutral" if body.keep == "all" else "less_generous"
    return "less_generous"


def _flip(direction: Direction) -> Direction:
    flipped: dict[Direction, Direction] = {
        "more_generous": "less_generous",
        "less_generous": "more_generous",
    }
    return flipped.get(direction, direction)


def _goals(item: object) -> tuple[n.Goal, ...]:
    goals: tuple[n.Goal, ...] = getattr(item, "goals", ())
    return goals


def _without_goals(item: object) -> object:
    if hasattr(item, "goals"):
        return replace(item, goals=())  # type: ignore[type-var]
    return item


def diff_policy_sets(old: PolicySet, new: PolicySet) -> list[Change]:
    """Every change from ``old`` to ``new``, in a stable order (by item id, then part)."""
    return Differ(old, new).run()
