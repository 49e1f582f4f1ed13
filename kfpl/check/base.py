"""What every check shares: the diagnostics sink, the types of names, number formatting.

A check is a function ``check_x(ctx)`` that reads ``ctx.ps`` (the indexed policy set)
and appends diagnostics through ``ctx.error`` / ``ctx.warning``. Checks never raise for
a problem in the policy: they report it and carry on, so one run shows every problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from kfpl.diagnostics import Diagnostic, Secondary, Severity, did_you_mean, suggestion
from kfpl.model import BUILTIN_TYPES, PolicySet
from kfpl.runtime.bilingual import EMPTY, Text
from kfpl.runtime.money import plain
from kfpl.syntax import nodes as n

if TYPE_CHECKING:
    from kfpl.check.sources import Document

NUMERIC = ("money", "rate", "count", "year")

# The names a claim carries besides its facts (the application model); stacking rules,
# `once per KEY` and the history of a worked example group awards by them.
CLAIM_KEYS = ("project", "product", "matter", "level", "step")

# Where an input's value may come from besides the claim itself.
ORIGINS = ("enterprise",)

# Item kinds as the Chinese keywords name them (措施, 条文 …), for messages.
_KIND_ZH = {"policy": "政策", "measure": "措施", "rule": "规则", "target": "目标", "task": "任务",
            "text": "条文", "chain": "产业链", "enum": "枚举", "input": "输入项",
            "parameter": "参数", "agency": "机构", "matter": "事项"}  # fmt: skip


def kind_text(kind: str) -> Text:
    """``measure`` / 措施: an item's kind in both languages."""
    return Text(_KIND_ZH.get(kind, kind), kind)


WAN = Decimal(10_000)
YI = Decimal(100_000_000)


@dataclass(frozen=True)
class Ty:
    """The type of a name: a builtin, an enum, a list of records, or unknown."""

    kind: str  # money rate count bool date year text | enum | set | list | unknown
    enum: str | None = None
    fields: tuple[tuple[str, Ty], ...] = ()

    def __str__(self) -> str:
        if self.kind == "enum":
            return f"enum `{self.enum}`"
        if self.kind == "set":
            return f"a set of enum `{self.enum}`"
        if self.kind == "list":
            return "a list of records"
        return self.kind

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC

    def field(self, name: str) -> Ty | None:
        for field_name, ty in self.fields:
            if field_name == name:
                return ty
        return None


UNKNOWN = Ty("unknown")


_DESCRIBE = {
    "money": Text("金额", "money"),
    "rate": Text("比例", "a rate"),
    "count": Text("数量", "a count"),
    "bool": Text("是否值（是/否）", "a bool (yes/no)"),
    "date": Text("日期", "a date"),
    "year": Text("年份", "a year"),
    "text": Text("文字", "text"),
    "list": Text("记录列表", "a list of records"),
    "unknown": Text("未知类型", "an unknown type"),
}


def describe(ty: Ty) -> Text:
    """``money`` / 金额, ``a rate`` / 比例, ``enum `level``` / 枚举 `level`: for messages."""
    if ty.kind == "enum":
        return Text(f"枚举 `{ty.enum}`", f"enum `{ty.enum}`")
    if ty.kind == "set":
        return Text(f"枚举 `{ty.enum}` 的集合", f"a set of enum `{ty.enum}`")
    return _DESCRIBE.get(ty.kind, Text.same(ty.kind))


class Context:
    def __init__(
        self, modules: tuple[n.Module, ...], documents: Mapping[str, Document] | None = None
    ) -> None:
        self.modules = modules
        # The project's source documents (sources/*.json), by id: what `source` may cite.
        self.documents: Mapping[str, Document] = documents or {}
        self.ps = PolicySet.build(modules)
        self.diags: list[Diagnostic] = []
        # Each file's lines, split once: looking up a word's column happens for every
        # fact and case arm, and splitting the file each time made checking quadratic.
        self._lines = {m.path: m.text.splitlines() for m in modules if m.text}
        # Per matter, the first measure whose claims are for each kind of item, and each
        # measure's position: comparing a measure with every other measure of its matter
        # made checking quadratic in the number of measures.
        self.position = {mid: i for i, mid in enumerate(self.ps.measures)}
        self.first_by_item: dict[str, dict[str | None, n.Measure]] = {}
        for measure in self.ps.measures.values():
            if measure.matter is not None:
                self.first_by_item.setdefault(measure.matter, {}).setdefault(measure.item, measure)

    # -- reporting
    def emit(
        self,
        severity: Severity,
        code: str,
        message: Text,
        span: n.Span,
        label: Text = EMPTY,
        help: Text = EMPTY,
        secondary: tuple[Secondary, ...] = (),
    ) -> None:
        self.diags.append(Diagnostic(code, message, span, label, help, severity, secondary))

    def error(self, code: str, message: Text, span: n.Span, label: Text = EMPTY, help: Text = EMPTY,
              secondary: tuple[Secondary, ...] = ()) -> None:  # fmt: skip
        self.emit("error", code, message, span, label, help, secondary)

    def warning(self, code: str, message: Text, span: n.Span, label: Text = EMPTY,
                help: Text = EMPTY,
                secondary: tuple[Secondary, ...] = ()) -> None:  # fmt: skip
        self.emit("warning", code, message, span, label, help, secondary)

    # -- types of names
    def type_of_name(self, type_name: str) -> Ty:
        if type_name in BUILTIN_TYPES:
            return Ty(type_name)
        if type_name in self.ps.enums:
            return Ty("enum", enum=type_name)
        return UNKNOWN

    def type_of_decl(self, ref: n.TypeRef) -> Ty:
        if isinstance(ref, n.NamedType):
            return self.type_of_name(ref.name)
        if isinstance(ref, n.SetType):
            # The members are the enum's: an unknown enum is reported at the declaration.
            return Ty("set", enum=ref.enum) if ref.enum in self.ps.enums else UNKNOWN
        fields = tuple((f.name, self.type_of_name(f.type_name)) for f in ref.fields)
        return Ty("list", fields=fields)

    def input_type(self, name: str) -> Ty | None:
        decl = self.ps.inputs.get(name)
        if decl is not None:
            return self.type_of_decl(decl.type)
        param = self.ps.params.get(name)
        if param is not None:
            return self.type_of_name(param.type_name)
        return None

    def enum_members(self, ty: Ty) -> tuple[str, ...]:
        decl = self.ps.enums.get(ty.enum or "")
        return tuple(m.name for m in decl.members) if decl else ()

    def resolve(self, name: str, span: n.Span, fields: Ty | None = None) -> Ty:
        """The type of an input, parameter or (inside ``each``) a record field.

        Reports an unknown name with the closest known one; returns UNKNOWN then, so
        callers need not report the same mistake twice.
        """
        if fields is not None:
            found = fields.field(name)
            if found is not None:
                return found
        ty = self.input_type(name)
        if ty is not None:
            return ty
        field_names = [f for f, _ in fields.fields] if fields is not None else []
        known = set(self.ps.inputs) | set(self.ps.params) | set(field_names)
        guess = did_you_mean(name, known)
        if fields is not None:
            what = Text("字段或输入项", "field or input")
            listed = Text.join(Text.same(f"`{f}`") for f in field_names)
            fix = Text(f"记录的字段为 {listed.zh}", f"the record fields are {listed.en}")
        else:
            what = Text("输入项", "input")
            decl = f'`input {name}: money zh "…" en "…"`'
            fix = Text(f"先声明该输入项：{decl}", f"declare it: {decl}")
        self.error(
            "KF0201",
            Text(f"未声明的{what.zh} `{name}`", f"unknown {what.en} `{name}`"),
            span,
            label=Text("未声明", "not declared"),
            help=suggestion(guess) if guess else fix,
        )
        return UNKNOWN

    # -- positions of words inside a clause (names such as agencies carry no span)
    def word_span(self, within: n.Span, word: str, skip: int = 0) -> n.Span:
        """The span of ``word`` (as a whole word) inside ``within``, after ``skip`` hits."""
        lines = self._lines.get(within.file)
        if lines is None or within.line <= 0 or not word:
            return within
        last = min(within.end_line, len(lines))
        for number in range(within.line, last + 1):
            line = lines[number - 1]
            col = line.find(word, within.column - 1 if number == within.line else 0)
            while col >= 0:
                if number == last and within.end_line == number and col >= within.end_column:
                    break
                before = line[col - 1] if col > 0 else " "
                after_i = col + len(word)
                after = line[after_i] if after_i < len(line) else " "
                if not _wordy(before) and not _wordy(after):
                    if skip == 0:
                        return n.Span(within.file, number, col + 1, number, col + 1 + len(word))
                    skip -= 1
                col = line.find(word, col + 1)
        return within

    def head_span(self, item: n.Node, keyword: str) -> n.Span:
        """The item keyword and its id (``measure expo-2a``) rather than the whole block."""
        span = item.span
        lines = self._lines.get(span.file, [])
        end = span.column + len(keyword)
        if 0 < span.line <= len(lines):
            line = lines[span.line - 1]
            rest = line[span.column - 1 :].split("#", 1)[0].rstrip()
            end = span.column + len(rest) if rest.startswith(keyword) else end
        return n.Span(span.file, span.line, span.column, span.line, end)


def _wordy(ch: str) -> bool:
    return ch.isalnum() or ch in "_-"


# --------------------------------------------------------------------------- numbers


def fmt_money(value: Decimal) -> str:
    """Money the way a drafter writes it: 300000 -> 30万, 2e9 -> 20亿, 1234 -> 1234."""
    if value != 0 and abs(value) >= YI and (value / YI * 10_000) % 1 == 0:
        return f"{plain(value / YI)}亿"
    if value != 0 and abs(value) >= WAN and (value / WAN * 100) % 1 == 0:
        return f"{plain(value / WAN)}万"
    return plain(value)


def fmt_rate(value: Decimal) -> str:
    return f"{plain(value * 100)}%"


def fmt_value(value: Decimal, ty: Ty) -> str:
    if ty.kind == "rate":
        return fmt_rate(value)
    if ty.kind == "money":
        return fmt_money(value)
    return plain(value)


def number_type(number: n.Number) -> str:
    """The unit a literal carries: money for 30万, rate for 30%, plain for 30."""
    return {"yuan": "money", "percent": "rate", "plain": "plain"}[number.unit]
