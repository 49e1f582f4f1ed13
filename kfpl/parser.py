"""Parse kfpl text into the typed tree of ``kfpl.nodes``.

The Lark parser (LALR, contextual lexer, positions kept) is built once per process.
Lark's exceptions never leave this module: a syntax error becomes a ``Diagnostic``
with a specific message for the common mistakes (full-width punctuation, a
misspelled keyword, a number where a percentage belongs).
"""

from __future__ import annotations

import hashlib
import textwrap
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import Any

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, VisitError

from kfpl import nodes as n
from kfpl.diagnostics import Diagnostic, did_you_mean

# --------------------------------------------------------------------------- the parser


@cache
def grammar_text() -> str:
    return resources.files("kfpl.grammar").joinpath("kfpl.lark").read_text(encoding="utf-8")


@cache
def lark_parser() -> Lark:
    return Lark(
        grammar_text(),
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=True,
    )


@cache
def keyword_texts() -> dict[str, str]:
    """Terminal name -> the literal a drafter types (AWARD -> award)."""
    out = {}
    for term in lark_parser().terminals:
        if term.pattern.type == "str":
            out[term.name] = term.pattern.value
    return out


@cache
def terminal_words() -> dict[str, tuple[str, ...]]:
    """Terminal name -> every word it accepts, for "did you mean" (SCOPE_WORD -> year, …)."""
    out: dict[str, tuple[str, ...]] = {}
    for term in lark_parser().terminals:
        if term.pattern.type == "str":
            out[term.name] = (term.pattern.value,)
        else:
            body = term.pattern.value.removeprefix("(?:").removesuffix(")")
            words = tuple(w.replace("\\s+", " ") for w in body.split("|"))
            if all(w.replace(" ", "").isalpha() for w in words):
                out[term.name] = words
    return out


# --------------------------------------------------------------------------- literals

_SCALE = {
    "%": (Decimal("0.01"), "percent"),
    "万元": (Decimal(10_000), "yuan"),
    "亿元": (Decimal(100_000_000), "yuan"),
    "万": (Decimal(10_000), "yuan"),
    "亿": (Decimal(100_000_000), "yuan"),
    "元": (Decimal(1), "yuan"),
}


class LiteralError(ValueError):
    """A literal that lexes but has no exact value (raised inside the transformer)."""

    def __init__(self, message: str, help: str, token: Token) -> None:
        super().__init__(message)
        self.help = help
        self.token = token


def parse_number(text: str) -> tuple[Decimal, n.Unit]:
    """``30万`` -> (300000, yuan); ``30%`` -> (0.30, percent); ``1_000`` -> (1000, plain)."""
    for suffix, (scale, unit) in _SCALE.items():
        if text.endswith(suffix):
            digits = text[: -len(suffix)]
            break
    else:
        digits, scale, unit = text, Decimal(1), "plain"
    value = Decimal(digits.replace("_", "")) * scale
    return value, unit  # type: ignore[return-value]


def unescape(text: str) -> str:
    """The body of a ``"..."`` string, with ``\\"``, ``\\\\``, ``\\n`` and ``\\t`` decoded."""
    out = []
    chars = iter(text[1:-1])
    for ch in chars:
        if ch == "\\":
            nxt = next(chars, "")
            out.append({"n": "\n", "t": "\t", '"': '"', "\\": "\\"}.get(nxt, "\\" + nxt))
        else:
            out.append(ch)
    return "".join(out)


def long_string(text: str) -> str:
    body = text[3:-3]
    if body.startswith("\n"):
        body = body[1:]
    return textwrap.dedent(body).rstrip()


# --------------------------------------------------------------------------- tree -> nodes


def _span(path: str, meta: Any) -> n.Span:
    if getattr(meta, "empty", False) or not hasattr(meta, "line"):
        return n.Span(path, 0, 0, 0, 0)
    return n.Span(path, meta.line, meta.column, meta.end_line, meta.end_column)


_BOUND_OPS: dict[str, n.BoundOp] = {
    "atleast": "at_least",
    "morethan": "more_than",
    "atmost": "at_most",
    "lessthan": "less_than",
}
_CMP_OPS: dict[str, n.CompareOp] = {
    ">=": "at_least",
    ">": "more_than",
    "<=": "at_most",
    "<": "less_than",
    "==": "equal",
}


def _bound_op(token: Token) -> n.BoundOp:
    return _BOUND_OPS["".join(str(token).split())]


@v_args(meta=True)
class ToNodes(Transformer[Token, n.Module]):
    """Builds nodes bottom-up; each method receives (meta, children)."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    def sp(self, meta: Any) -> n.Span:
        return _span(self.path, meta)

    def tok_span(self, token: Token) -> n.Span:
        return n.Span(self.path, token.line or 0, token.column or 0,
                      token.end_line or 0, token.end_column or 0)  # fmt: skip

    # -- terminals
    def NUMBER(self, token: Token) -> n.Number:
        try:
            value, unit = parse_number(str(token))
        except InvalidOperation as exc:  # pragma: no cover - the regex admits only digits
            raise LiteralError(f"`{token}` is not a number", "write digits", token) from exc
        return n.Number(value, unit, str(token), span=self.tok_span(token))

    SIGNED = NUMBER

    def STRING(self, token: Token) -> str:
        return unescape(str(token))

    def LONG_STRING(self, token: Token) -> str:
        return long_string(str(token))

    def YEAR(self, token: Token) -> int:
        return int(token)

    def DATE(self, token: Token) -> date:
        try:
            return date.fromisoformat(str(token))
        except ValueError as exc:
            raise LiteralError(
                f"`{token}` is not a calendar date", "write a real date as YYYY-MM-DD", token
            ) from exc

    def _name(self, token: Token) -> str:
        return str(token)

    # -- file
    def start(self, meta: Any, items: list[Any]) -> tuple[n.Item, ...]:
        return tuple(items)

    # -- labels
    def lang_text(self, meta: Any, ch: list[Any]) -> tuple[str, str]:
        return (str(ch[0]), ch[1])

    def label(self, meta: Any, ch: list[tuple[str, str]]) -> n.Label:
        texts: dict[str, str] = {}
        for lang, text in ch:
            texts.setdefault(lang, text)
        return n.Label(zh=texts.get("zh"), en=texts.get("en"), span=self.sp(meta))

    def source_ref(self, meta: Any, ch: list[Any]) -> n.SourceRef:
        clause = ch[1]
        text = clause.text if isinstance(clause, n.Number) else str(clause)
        return n.SourceRef(str(ch[0]), text, span=self.sp(meta))

    # -- policy
    def policy(self, meta: Any, ch: list[Any]) -> n.Policy:
        fields: dict[str, Any] = {"notes": []}
        for key, value in ch[1:]:
            if key == "notes":
                fields["notes"].append(value)
            else:
                fields.setdefault(key, value)
        fields["notes"] = tuple(fields["notes"])
        return n.Policy(str(ch[0]), span=self.sp(meta), **fields)

    def p_title(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("title", ch[0])

    def p_issued(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("issued", ch[0])

    def p_effective(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("effective", (ch[0], ch[1]))

    def p_issuer(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("issuer", ch[0])

    def p_interpreter(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("interpreter", ch[0])

    def p_note(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("notes", ch[0])

    # -- declarations
    def enum_member(self, meta: Any, ch: list[Any]) -> n.EnumMember:
        return n.EnumMember(str(ch[0]), ch[1], span=self.sp(meta))

    def enum_decl(self, meta: Any, ch: list[Any]) -> n.EnumDecl:
        members = tuple(c for c in ch[2:] if isinstance(c, n.EnumMember))
        return n.EnumDecl(str(ch[0]), ch[1], members, span=self.sp(meta))

    def named_type(self, meta: Any, ch: list[Any]) -> n.NamedType:
        return n.NamedType(str(ch[0]), span=self.sp(meta))

    def field(self, meta: Any, ch: list[Any]) -> n.Field:
        return n.Field(str(ch[0]), str(ch[1]), ch[2], span=self.sp(meta))

    def list_type(self, meta: Any, ch: list[Any]) -> n.ListType:
        return n.ListType(tuple(ch), span=self.sp(meta))

    def from_clause(self, meta: Any, ch: list[Any]) -> str:
        return str(ch[0])

    def input_decl(self, meta: Any, ch: list[Any]) -> n.InputDecl:
        name, type_, origin, label = ch
        return n.InputDecl(str(name), type_, origin, label, span=self.sp(meta))

    def param_value(self, meta: Any, ch: list[Any]) -> n.ParamValue:
        return n.ParamValue(ch[0], ch[1], ch[2], span=self.sp(meta))

    def param_decl(self, meta: Any, ch: list[Any]) -> n.ParamDecl:
        return n.ParamDecl(str(ch[0]), str(ch[1]), ch[2], tuple(ch[3:]), span=self.sp(meta))

    def agency_decl(self, meta: Any, ch: list[Any]) -> n.AgencyDecl:
        return n.AgencyDecl(str(ch[0]), ch[1], span=self.sp(meta))

    # -- measures
    def measure(self, meta: Any, ch: list[Any]) -> n.Measure:
        many = {"departments", "requires", "awards", "caps", "documents", "notes", "examples"}
        fields: dict[str, Any] = {key: [] for key in many}
        for key, value in ch[1:]:
            if key in many:
                if isinstance(value, list):
                    fields[key].extend(value)
                else:
                    fields[key].append(value)
            else:
                fields.setdefault(key, value)
        for key in many:
            fields[key] = tuple(fields[key])
        return n.Measure(str(ch[0]), span=self.sp(meta), **fields)

    def m_source(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("source", ch[0])

    def m_title(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("title", ch[0])

    def m_department(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("departments", [str(c) for c in ch])

    def m_requires(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("requires", ch[0])

    def m_award(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("awards", ch[0])

    def m_cap(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        scope = ch[1] if ch[1] is not None else "claim"
        return ("caps", n.Cap(ch[0], scope, span=self.sp(meta)))

    def scope(self, meta: Any, ch: list[Any]) -> str:
        return str(ch[0])

    def m_once(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("once", n.Once(ch[0], span=self.sp(meta)))

    def once_key(self, meta: Any, ch: list[Any]) -> str:
        return str(ch[0])

    def m_years(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("max_years", ch[0])

    def m_matter(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("matter", str(ch[0]))

    def m_document(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("documents", ch[0])

    def m_note(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("notes", ch[0])

    def m_example(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("examples", ch[0])

    # -- award forms
    def award(self, meta: Any, ch: list[Any]) -> n.Award:
        return n.Award(ch[0] is not None, ch[1], span=self.sp(meta))

    def _rate(self, value: Any) -> n.Rate:
        if isinstance(value, n.Number):
            return value
        return n.Ref(str(value), span=self.tok_span(value))

    def percent(self, meta: Any, ch: list[Any]) -> n.Percent:
        return n.Percent(self._rate(ch[0]), ch[1], span=self.sp(meta))

    def matching(self, meta: Any, ch: list[Any]) -> n.Matching:
        return n.Matching(self._rate(ch[0]), str(ch[1]), span=self.sp(meta))

    def fixed(self, meta: Any, ch: list[Any]) -> n.Fixed:
        return n.Fixed(ch[0], span=self.sp(meta))

    def range(self, meta: Any, ch: list[Any]) -> n.Range:
        return n.Range(ch[0], ch[1], span=self.sp(meta))

    def base(self, meta: Any, ch: list[Any]) -> tuple[n.Operand, ...]:
        return tuple(ch)

    def ref(self, meta: Any, ch: list[Any]) -> n.Ref:
        return n.Ref(str(ch[0]), span=self.sp(meta))

    def increase(self, meta: Any, ch: list[Any]) -> n.Increase:
        return n.Increase(str(ch[0]), str(ch[1]), span=self.sp(meta))

    def case_arm(self, meta: Any, ch: list[Any]) -> n.CaseArm:
        return n.CaseArm(str(ch[0]), ch[1], span=self.sp(meta))

    def by_case(self, meta: Any, ch: list[Any]) -> n.ByCase:
        return n.ByCase(str(ch[0]), tuple(ch[1:]), span=self.sp(meta))

    def bound(self, meta: Any, ch: list[Any]) -> n.Bound:
        return n.Bound(_bound_op(ch[0]), ch[1], span=self.sp(meta))

    def tier_row(self, meta: Any, ch: list[Any]) -> n.TierRow:
        low, high, form = ch
        return n.TierRow(low, high, form, span=self.sp(meta))

    def otherwise_row(self, meta: Any, ch: list[Any]) -> n.TierRow:
        return n.TierRow(None, None, ch[0], otherwise=True, span=self.sp(meta))

    def tiers(self, meta: Any, ch: list[Any]) -> n.Tiers:
        rows = tuple(c for c in ch[1:] if isinstance(c, n.TierRow))
        return n.Tiers(str(ch[0]), rows, first_match=ch[-1] is not None, span=self.sp(meta))

    def steps(self, meta: Any, ch: list[Any]) -> n.Steps:
        size, crossing, on, *rows = ch
        return n.Steps(size, str(crossing), str(on), tuple(rows), span=self.sp(meta))  # type: ignore[arg-type]

    def each(self, meta: Any, ch: list[Any]) -> n.Each:
        return n.Each(str(ch[0]), ch[1], span=self.sp(meta))

    def stage_pay(self, meta: Any, ch: list[Any]) -> n.Stage:
        return n.Stage(str(ch[0]), ch[1], span=self.sp(meta))

    def stage_clawback(self, meta: Any, ch: list[Any]) -> n.Stage:
        return n.Stage(str(ch[0]), None, clawback=True, span=self.sp(meta))

    def staged(self, meta: Any, ch: list[Any]) -> n.Staged:
        on, *stages, form = ch
        return n.Staged(str(on), tuple(stages), form, span=self.sp(meta))

    # -- conditions
    def any_of(self, meta: Any, ch: list[Any]) -> n.Cond:
        # A lone operand is not a disjunction: keep the tree as the drafter wrote it.
        return ch[0] if len(ch) == 1 else n.AnyOf(tuple(ch), span=self.sp(meta))  # type: ignore[no-any-return]

    def all_of(self, meta: Any, ch: list[Any]) -> n.Cond:
        return ch[0] if len(ch) == 1 else n.AllOf(tuple(ch), span=self.sp(meta))  # type: ignore[no-any-return]

    def negate(self, meta: Any, ch: list[Any]) -> n.Not:
        return n.Not(ch[0], span=self.sp(meta))

    def truthy(self, meta: Any, ch: list[Any]) -> n.Truthy:
        return n.Truthy(str(ch[0]), span=self.sp(meta))

    def compare(self, meta: Any, ch: list[Any]) -> n.Compare:
        return n.Compare(str(ch[0]), _bound_op(ch[1]), ch[2], span=self.sp(meta))

    def compare_op(self, meta: Any, ch: list[Any]) -> n.Compare:
        return n.Compare(str(ch[0]), _CMP_OPS[str(ch[1])], ch[2], span=self.sp(meta))

    def is_value(self, meta: Any, ch: list[Any]) -> n.IsValue:
        return n.IsValue(str(ch[0]), str(ch[1]), span=self.sp(meta))

    def in_values(self, meta: Any, ch: list[Any]) -> n.InValues:
        return n.InValues(str(ch[0]), tuple(str(c) for c in ch[1:]), span=self.sp(meta))

    # -- examples
    def example(self, meta: Any, ch: list[Any]) -> n.Example:
        name, year, *givens, outcome = ch
        givens = [g for g in givens if g is not None]
        facts = tuple(g for g in givens if isinstance(g, n.Fact))
        priors = tuple(g for g in givens if isinstance(g, n.Prior))
        return n.Example(name, year, facts, priors, outcome, span=self.sp(meta))

    def label_name(self, meta: Any, ch: list[Any]) -> str:
        return str(ch[0])

    def example_year(self, meta: Any, ch: list[Any]) -> int:
        return int(ch[0])

    def fact(self, meta: Any, ch: list[Any]) -> n.Fact:
        return n.Fact(str(ch[0]), ch[1], span=self.sp(meta))

    def v_number(self, meta: Any, ch: list[Any]) -> n.Number:
        return ch[0]  # type: ignore[no-any-return]

    def v_date(self, meta: Any, ch: list[Any]) -> n.DateValue:
        return n.DateValue(ch[0], span=self.sp(meta))

    def v_name(self, meta: Any, ch: list[Any]) -> n.NameValue:
        return n.NameValue(str(ch[0]), span=self.sp(meta))

    def v_list(self, meta: Any, ch: list[Any]) -> n.ListValue:
        return n.ListValue(tuple(c for c in ch if c is not None), span=self.sp(meta))

    def record(self, meta: Any, ch: list[Any]) -> tuple[n.Fact, ...]:
        return tuple(ch)

    def prior_key(self, meta: Any, ch: list[Any]) -> n.Fact:
        return n.Fact(str(ch[0]), ch[1], span=self.sp(meta))

    def prior(self, meta: Any, ch: list[Any]) -> n.Prior:
        measure, amount, year, *keys = ch
        return n.Prior(str(measure), amount, year, tuple(keys), span=self.sp(meta))

    def o_amount(self, meta: Any, ch: list[Any]) -> n.Outcome:
        return n.Outcome("amount", ch[0], span=self.sp(meta))

    def o_range(self, meta: Any, ch: list[Any]) -> n.Outcome:
        return n.Outcome("range", ch[0], ch[1], span=self.sp(meta))

    def o_not_eligible(self, meta: Any, ch: list[Any]) -> n.Outcome:
        return n.Outcome("not_eligible", span=self.sp(meta))

    def o_undetermined(self, meta: Any, ch: list[Any]) -> n.Outcome:
        return n.Outcome("undetermined", span=self.sp(meta))

    # -- rules
    def rule(self, meta: Any, ch: list[Any]) -> n.Rule:
        fields: dict[str, Any] = {"notes": [], "bodies": []}
        for key, value in ch[1:]:
            if key in fields and isinstance(fields[key], list):
                fields[key].append(value)
            else:
                fields.setdefault(key, value)
        fields["notes"] = tuple(fields["notes"])
        fields["bodies"] = tuple(fields["bodies"])
        return n.Rule(str(ch[0]), span=self.sp(meta), **fields)

    def r_source(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("source", ch[0])

    def r_title(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("title", ch[0])

    def r_note(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("notes", ch[0])

    def r_eligible(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("bodies", n.Eligible(ch[0], span=self.sp(meta)))

    def r_exclude(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("bodies", n.Exclude(tuple(str(c) for c in ch), span=self.sp(meta)))

    def matching_only(self, meta: Any, ch: list[Any]) -> bool:
        return True

    def r_stack(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        matching, key, span_word, keep = ch
        across = "policy" if str(span_word).startswith("within") else "set"
        body = n.NoStacking(
            str(key), across, str(keep), matching_only=bool(matching), span=self.sp(meta)
        )  # type: ignore[arg-type]
        return ("bodies", body)

    def r_yearly_cap(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("bodies", n.YearlyCap(str(ch[0]), str(ch[1]), span=self.sp(meta)))  # type: ignore[arg-type]

    # -- plan
    def _goal(self, meta: Any, comparator: str, value: Any, high: Any, when: Any) -> n.Goal:
        kind, arg = when
        return n.Goal(
            comparator,  # type: ignore[arg-type]
            value,
            high,
            year=arg if kind == "year" else None,
            yearly=kind == "yearly",
            within_years=arg if kind == "within" else None,
            span=self.sp(meta),
        )

    def goal(self, meta: Any, ch: list[Any]) -> n.Goal:
        word = str(ch[0])
        comparator = _BOUND_OPS.get("".join(word.split()), word)
        return self._goal(meta, comparator, ch[1], None, ch[2])

    def goal_between(self, meta: Any, ch: list[Any]) -> n.Goal:
        return self._goal(meta, "between", ch[0], ch[1], ch[2])

    def by_year(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("year", ch[0])

    def yearly(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("yearly", None)

    def within_years(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("within", (int(ch[0].value), int(ch[1].value)))

    def _collect(self, ch: list[Any], many: set[str]) -> dict[str, Any]:
        fields: dict[str, Any] = {key: [] for key in many}
        for key, value in ch:
            if key in many:
                if isinstance(value, list):
                    fields[key].extend(value)
                else:
                    fields[key].append(value)
            else:
                fields.setdefault(key, value)
        return {k: tuple(v) if k in many else v for k, v in fields.items()}

    def target(self, meta: Any, ch: list[Any]) -> n.Target:
        fields = self._collect(ch[1:], {"goals", "owners", "notes"})
        return n.Target(str(ch[0]), span=self.sp(meta), **fields)

    def t_source(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("source", ch[0])

    def t_title(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("title", ch[0])

    def t_unit(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("unit", str(ch[0]))

    def t_goal(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("goals", ch[0])

    def t_owner(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("owners", [str(c) for c in ch])

    def t_aspiration(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("aspiration", True)

    def t_note(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("notes", ch[0])

    def chain(self, meta: Any, ch: list[Any]) -> n.Chain:
        fields = self._collect(ch[1:], {"goals"})
        return n.Chain(str(ch[0]), span=self.sp(meta), **fields)

    c_title = t_title
    c_goal = t_goal
    c_source = t_source

    def c_lead(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("lead", str(ch[0]))

    def task(self, meta: Any, ch: list[Any]) -> n.Task:
        fields = self._collect(ch[1:], {"owners"})
        return n.Task(str(ch[0]), span=self.sp(meta), **fields)

    k_source = t_source
    k_title = t_title
    k_owner = t_owner

    def text_block(self, meta: Any, ch: list[Any]) -> n.TextBlock:
        fields = self._collect(ch[1:], set())
        return n.TextBlock(str(ch[0]), span=self.sp(meta), **fields)

    x_source = t_source
    x_title = t_title

    def x_body(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("body", ch[0])


# --------------------------------------------------------------------------- syntax errors

_FULL_WIDTH = {
    "，": ",",
    "：": ":",
    "（": "(",
    "）": ")",
    "％": "%",
    "；": ";",
    "“": '"',
    "”": '"',
    "－": "-",
    "＞": ">",
    "＜": "<",
    "＝": "=",
    "。": "",
}


def _token_text(name: str) -> str:
    words = terminal_words().get(name)
    if words:
        return " or ".join(f"`{w}`" for w in words)
    pretty = {
        "NAME": "a name",
        "ID": "an id such as mfg-2a",
        "NUMBER": "a number such as 30% or 30万",
        "SIGNED": "an amount such as 30万",
        "STRING": "a quoted text",
        "LONG_STRING": "a quoted text",
        "DATE": "a date such as 2020-11-17",
        "YEAR": "a year such as 2020",
        "CJK": "a Chinese name such as 市财政局",
        "BOUND": "`at least`, `more than`, `at most` or `less than`",
        "LANG": "`zh` or `en`",
        "$END": "the end of the file",
    }
    return pretty.get(name, f"`{name.lower()}`")


def _expected(names: set[str]) -> str:
    texts = sorted({_token_text(name) for name in names})
    if len(texts) > 8:
        return ", ".join(texts[:8]) + ", …"
    return ", ".join(texts)


def _syntax_span(path: str, line: int, column: int, width: int) -> n.Span:
    return n.Span(path, line, column, line, column + max(1, width))


def syntax_diagnostic(path: str, text: str, err: UnexpectedInput) -> Diagnostic:
    line = getattr(err, "line", 1) or 1
    column = getattr(err, "column", 1) or 1
    if isinstance(err, UnexpectedCharacters):
        char = text[err.pos_in_stream] if err.pos_in_stream < len(text) else ""
        span = _syntax_span(path, line, column, 1)
        if char in _FULL_WIDTH:
            ascii_char = _FULL_WIDTH[char]
            fix = f"write the ASCII `{ascii_char}`" if ascii_char else "delete it"
            return Diagnostic(
                "KF0002",
                f"full-width punctuation `{char}` in policy code",
                span,
                label="full-width character",
                help=f"{fix}; full-width punctuation belongs only inside quoted text",
            )
        if char == '"':
            return Diagnostic(
                "KF0003",
                "unterminated or misplaced text string",
                span,
                label="string starts here",
                help='close the text with `"` on the same line, or use """…""" for several lines',
            )
        return Diagnostic(
            "KF0001",
            f"unexpected character `{char}`",
            span,
            label="not part of kfpl",
            help=f"expected {_expected(set(err.allowed or ()))}",
        )
    if isinstance(err, UnexpectedEOF):
        lines = text.splitlines() or [""]
        span = _syntax_span(path, len(lines), len(lines[-1]) + 1, 1)
        return Diagnostic(
            "KF0004",
            "the file ends in the middle of a clause",
            span,
            label="more was expected here",
            help=f"expected {_expected(set(err.expected))}",
        )
    token = getattr(err, "token", None)
    expected: set[str] = set(getattr(err, "expected", None) or getattr(err, "allowed", ()) or ())
    word = str(token) if token is not None else ""
    span = _syntax_span(path, line, column, len(word))
    if token is not None and token.type == "$END":
        return syntax_diagnostic(path, text, UnexpectedEOF(expected))  # type: ignore[arg-type]
    words = terminal_words()
    keywords = {w for e in expected for w in words.get(e, ()) if w.replace(" ", "").isalpha()}
    guess = did_you_mean(word, keywords) if word.isidentifier() else None
    if guess:
        return Diagnostic(
            "KF0005",
            f"unknown keyword `{word}`",
            span,
            label=f"did you mean `{guess}`?",
            help=f"write `{guess}`",
        )
    if expected == {"ID"} or expected == {"ID", "NAME"}:
        return Diagnostic(
            "KF0006",
            f"`{word}` is not a valid id",
            span,
            label="id expected here",
            help="ids are lower-case with a document prefix, e.g. `mfg-2a`",
        )
    return Diagnostic(
        "KF0001",
        f"unexpected `{word}`",
        span,
        label="not expected here",
        help=f"expected {_expected(expected)}",
    )


# --------------------------------------------------------------------------- entry point


def parse(text: str, path: str = "<string>") -> tuple[n.Module | None, list[Diagnostic]]:
    """Parse one file. Returns the module, or None and the syntax diagnostic."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    try:
        tree = lark_parser().parse(text)
        items = ToNodes(path).transform(tree)
    except UnexpectedInput as err:
        return None, [syntax_diagnostic(path, text, err)]
    except VisitError as err:
        inner = err.orig_exc
        if isinstance(inner, LiteralError):
            tok = inner.token
            span = _syntax_span(path, tok.line or 1, tok.column or 1, len(str(tok)))
            return None, [Diagnostic("KF0007", str(inner), span, help=inner.help)]
        raise
    return n.Module(path, items, digest, text, span=n.Span(path, 1, 1, 1, 1)), []
