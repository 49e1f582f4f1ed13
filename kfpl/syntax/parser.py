"""Parse kfpl text into the typed tree of ``kfpl.syntax.nodes``.

The Lark parser (LALR, contextual lexer, positions kept) is built once per grammar and
kept in the user cache.
Lark's exceptions never leave this module: a syntax error becomes a ``Diagnostic``
with a specific message for the common mistakes (full-width punctuation, a
misspelled keyword, a number where a percentage belongs).
"""

from __future__ import annotations

import hashlib
import itertools
import re
import textwrap
from dataclasses import replace
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import Any, Literal

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, VisitError

from kfpl.diagnostics import Diagnostic, did_you_mean, suggestion
from kfpl.runtime.bilingual import Text
from kfpl.runtime.money import MAX_PLACES, exact, out_of_bounds
from kfpl.syntax import nodes as n

# --------------------------------------------------------------------------- the parser


@cache
def grammar_text() -> str:
    """The grammar as written, with its keyword section (``_kw_award: "award" | "奖励"``)."""
    return resources.files("kfpl.grammar").joinpath("kfpl.lark").read_text(encoding="utf-8")


_KEYWORD_RULE = re.compile(r"^(_kw_\w+):[ \t]*(.+?)[ \t]*$", re.M)
_KEYWORD_USE = re.compile(r"\b_kw_\w+\b")


@cache
def keyword_rules() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Keyword rule -> its forms, each a tuple of words (``_kw_at_least`` -> (("at",
    "least"), ("不低于",))). The English form comes first; a Chinese-only word (以上) has one."""
    out: dict[str, tuple[tuple[str, ...], ...]] = {}
    for name, body in _KEYWORD_RULE.findall(grammar_text()):
        forms = [tuple(re.findall(r'"([^"]+)"', alt)) for alt in body.split("|")]
        out[name] = tuple(f for f in forms if f)
    return out


def parser_grammar() -> str:
    """The grammar Lark compiles: each keyword written out in place as ``("award" | "奖励")``.

    Lark distributes such a group into the rule's alternatives, so a keyword is shifted
    straight into the state of the clause it begins; a keyword *rule* would share one
    state between every place the keyword is used, and the contextual lexer would then
    lex the next token with the terminals of all those places together (`3 to 5` read
    as amounts, not numbers).
    """
    rules = keyword_rules()
    text = _KEYWORD_RULE.sub("", grammar_text())

    def spelled(match: re.Match[str]) -> str:
        forms = rules[match.group(0)]
        return "(" + " | ".join(" ".join(f'"{w}"' for w in form) for form in forms) + ")"

    return _KEYWORD_USE.sub(spelled, text)


def concrete_grammar() -> str:
    """The grammar with each keyword kept as a node (``kw_award``): fmt reads which keyword
    each word belongs to, to write it in the other language."""
    return _KEYWORD_USE.sub(lambda m: m.group(0)[1:], grammar_text())


_LARK_OPTIONS: dict[str, Any] = {
    "parser": "lalr",
    "lexer": "contextual",
    "propagate_positions": True,
    "maybe_placeholders": True,
}


@cache
def lark_parser() -> Lark:
    """The parser, built once per grammar: building the LALR tables takes about 0.3 s,
    loading them from the user cache (``kfpl.cache``) about 0.05 s. The cache entry is
    named by a hash of the grammar text, the options and Lark's version, so an edited
    grammar is a new entry, never a stale parser."""
    # Note: kfpl does not depend on `interegular`. When it is installed, Lark uses it
    # to prove terminals disjoint while building the contextual lexer, which takes
    # over 20 seconds with the CJK ranges of this grammar; without it the parser
    # builds in well under a second.
    import io

    import lark

    from kfpl import cache as user_cache

    text = parser_grammar()
    name = user_cache.key(text, repr(sorted(_LARK_OPTIONS.items())), lark.__version__)
    path = user_cache.entry(f"parser-{name}.lark")
    if path is not None and path.is_file():
        try:
            with path.open("rb") as handle:
                return Lark.load(handle)
        except Exception:  # a damaged entry: build afresh and replace it
            pass
    parser = Lark(text, **_LARK_OPTIONS)
    if path is not None:
        buffer = io.BytesIO()
        parser.save(buffer)
        user_cache.store(path, buffer.getvalue())
    return parser


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


def _short_token(text: str) -> str:
    return text if len(text) <= 24 else f"{text[:10]}…{text[-6:]} ({len(text)} characters)"


class LiteralError(ValueError):
    """A literal that lexes but has no exact value (raised inside the transformer)."""

    def __init__(self, message: Text, help: Text, token: Token) -> None:
        super().__init__(message.en)
        self.message = message
        self.help = help
        self.token = token


def parse_number(text: str) -> tuple[Decimal, n.Unit]:
    """``30万`` -> (300000, yuan); ``30%`` -> (0.30, percent); ``1_000`` -> (1000, plain)."""
    digits, scale, unit = text, Decimal(1), "plain"
    for suffix, (suffix_scale, suffix_unit) in _SCALE.items():
        if text.endswith(suffix):
            digits, scale, unit = text[: -len(suffix)], suffix_scale, suffix_unit
            break
    with exact():  # exact: the default 28 digits would round long literals
        value = Decimal(digits.replace("_", "")) * scale
    return value, unit  # type: ignore[return-value]


def _shorten(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:20]}…{text[-10:]}"


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


_CMP_OPS: dict[str, n.CompareOp] = {
    ">=": "at_least",
    ">": "more_than",
    "<=": "at_most",
    "<": "less_than",
    "==": "equal",
}


@v_args(meta=True)
class ToNodes(Transformer[Token, tuple[n.Item, ...]]):
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
            raise LiteralError(
                Text(f"`{token}` 不是数字", f"`{token}` is not a number"),
                Text("请写阿拉伯数字", "write digits"),
                token,
            ) from exc
        except ArithmeticError:  # beyond even the exact context's exponent range
            value, unit = Decimal("Infinity"), "plain"
        problem = out_of_bounds(value)
        if problem is not None:
            shown = _shorten(str(token))
            raise LiteralError(
                Text(f"`{shown}` {problem.zh}", f"`{shown}` is {problem.en}"),
                Text(
                    f"数值不得大于 10^22，小数不得超过 {MAX_PLACES} 位；请核对单位（万、亿）和数字",
                    f"numbers are at most 10^22 with at most {MAX_PLACES} decimals; "
                    "check the unit (`万`, `亿`) and the digits",
                ),
                token,
            )
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
                Text(f"`{token}` 不是实际存在的日期", f"`{token}` is not a calendar date"),
                Text("请按 YYYY-MM-DD 写实际存在的日期", "write a real date as YYYY-MM-DD"),
                token,
            ) from exc

    def ZH_DATE(self, token: Token) -> date:
        text = str(token)
        year, rest = text.split("年")
        month, rest = rest.split("月")
        try:
            return date(int(year), int(month), int(rest.rstrip("日")))
        except ValueError as exc:
            raise LiteralError(
                Text(f"`{token}` 不是实际存在的日期", f"`{token}` is not a calendar date"),
                Text(
                    "请写实际存在的日期，如 2023年4月11日（或 2023-04-11）",
                    "write a real date, e.g. `2023年4月11日` (or 2023-04-11)",
                ),
                token,
            ) from exc

    def ZH_YEAR(self, token: Token) -> int:
        return int(str(token).rstrip("年"))

    def _period(self, meta: Any, ch: list[Any]) -> n.Period:
        """Two ends, each a day or a whole year (1 January of a first year, 31 December
        of a last). The checker reports an end before the start."""
        first, last = ch
        by_day = isinstance(first, date) or isinstance(last, date)
        start = first if isinstance(first, date) else date(first, 1, 1)
        end = last if isinstance(last, date) else date(last, 12, 31)
        return n.Period(start, end, by_day, span=self.sp(meta))

    def _name(self, token: Token) -> str:
        return str(token)

    # -- file
    def start(self, meta: Any, items: list[Any]) -> tuple[n.Item, ...]:
        out: list[n.Item] = []
        for item in items:  # a `matters` block declares one item per matter
            out.extend(item if isinstance(item, tuple) else (item,))
        return tuple(out)

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
        return ("effective", self._period(meta, ch))

    def p_revises(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("revises", str(ch[0]))

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

    # A built-in type written in Chinese (金额) is the same type as in English (money).
    def type_money(self, meta: Any, ch: list[Any]) -> str:
        return "money"

    def type_rate(self, meta: Any, ch: list[Any]) -> str:
        return "rate"

    def type_count(self, meta: Any, ch: list[Any]) -> str:
        return "count"

    def type_bool(self, meta: Any, ch: list[Any]) -> str:
        return "bool"

    def type_date(self, meta: Any, ch: list[Any]) -> str:
        return "date"

    def type_year(self, meta: Any, ch: list[Any]) -> str:
        return "year"

    def type_text(self, meta: Any, ch: list[Any]) -> str:
        return "text"

    def named_type(self, meta: Any, ch: list[Any]) -> n.NamedType:
        return n.NamedType(str(ch[0]), span=self.sp(meta))

    def field(self, meta: Any, ch: list[Any]) -> n.Field:
        return n.Field(str(ch[0]), str(ch[1]), ch[2], span=self.sp(meta))

    def list_type(self, meta: Any, ch: list[Any]) -> n.ListType:
        return n.ListType(tuple(ch), span=self.sp(meta))

    def set_type(self, meta: Any, ch: list[Any]) -> n.SetType:
        return n.SetType(str(ch[0]), span=self.sp(meta))

    def from_clause(self, meta: Any, ch: list[Any]) -> str:
        return str(ch[0]) if ch else "enterprise"  # the keyword itself: 企业 / enterprise

    def unit_clause(self, meta: Any, ch: list[Any]) -> n.Label:
        label: n.Label = ch[0]
        return label

    def input_decl(self, meta: Any, ch: list[Any]) -> n.InputDecl:
        name, type_, origin, label, unit = ch
        return n.InputDecl(str(name), type_, origin, label, unit, span=self.sp(meta))

    def param_value(self, meta: Any, ch: list[Any]) -> n.ParamValue:
        return n.ParamValue(ch[0], ch[1], ch[2], span=self.sp(meta))

    def param_decl(self, meta: Any, ch: list[Any]) -> n.ParamDecl:
        return n.ParamDecl(str(ch[0]), str(ch[1]), ch[2], tuple(ch[3:]), span=self.sp(meta))

    def agency_decl(self, meta: Any, ch: list[Any]) -> n.AgencyDecl:
        return n.AgencyDecl(str(ch[0]), ch[1], span=self.sp(meta))

    def matter_entry(self, meta: Any, ch: list[Any]) -> n.MatterDecl:
        return n.MatterDecl(str(ch[0]), ch[1], span=self.sp(meta))

    def matters_decl(self, meta: Any, ch: list[Any]) -> tuple[n.MatterDecl, ...]:
        return tuple(c for c in ch if isinstance(c, n.MatterDecl))

    # -- measures
    def measure(self, meta: Any, ch: list[Any]) -> n.Measure:
        many = {"departments", "requires", "awards", "caps", "documents", "notes", "examples"}
        fields: dict[str, Any] = {key: [] for key in many}
        clauses: list[tuple[str, Any]] = []
        for c in ch[1:]:
            clauses.extend(c if isinstance(c, list) else [c])
        for key, value in clauses:
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
        scope: n.CapScope = ch[1] if ch[1] is not None else "claim"
        return ("caps", n.Cap(ch[0], scope, span=self.sp(meta)))

    # -- keyword words: the same value whichever language the keyword was written in
    def scope_project(self, meta: Any, ch: list[Any]) -> str:
        return "project"

    def scope_item(self, meta: Any, ch: list[Any]) -> str:
        return "item"

    def scope_product(self, meta: Any, ch: list[Any]) -> str:
        return "product"

    def scope_year(self, meta: Any, ch: list[Any]) -> str:
        return "year"

    def scope_enterprise(self, meta: Any, ch: list[Any]) -> str:
        return "enterprise"

    def up_to(self, meta: Any, ch: list[Any]) -> bool:
        return True

    def consecutive(self, meta: Any, ch: list[Any]) -> bool:
        return True

    def top_up(self, meta: Any, ch: list[Any]) -> bool:
        return True

    def first_time(self, meta: Any, ch: list[Any]) -> bool:
        return True

    def first_match(self, meta: Any, ch: list[Any]) -> bool:
        return True

    def at_least(self, meta: Any, ch: list[Any]) -> n.BoundOp:
        return "at_least"

    def more_than(self, meta: Any, ch: list[Any]) -> n.BoundOp:
        return "more_than"

    def at_most(self, meta: Any, ch: list[Any]) -> n.BoundOp:
        return "at_most"

    def less_than(self, meta: Any, ch: list[Any]) -> n.BoundOp:
        return "less_than"

    def passed(self, meta: Any, ch: list[Any]) -> str:
        return "passed"

    def reached(self, meta: Any, ch: list[Any]) -> str:
        return "reached"

    def within_policy(self, meta: Any, ch: list[Any]) -> str:
        return "policy"

    def across_set(self, meta: Any, ch: list[Any]) -> str:
        return "set"

    def keep_highest(self, meta: Any, ch: list[Any]) -> str:
        return "highest"

    def keep_all(self, meta: Any, ch: list[Any]) -> str:
        return "all"

    def tie_first(self, meta: Any, ch: list[Any]) -> str:
        return "first"

    def tie_last(self, meta: Any, ch: list[Any]) -> str:
        return "last"

    def trim_latest(self, meta: Any, ch: list[Any]) -> str:
        return "latest"

    def trim_largest(self, meta: Any, ch: list[Any]) -> str:
        return "largest"

    def trim_proportionally(self, meta: Any, ch: list[Any]) -> str:
        return "proportionally"

    def about(self, meta: Any, ch: list[Any]) -> str:
        return "about"

    def exactly(self, meta: Any, ch: list[Any]) -> str:
        return "exactly"

    def m_once(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        keys = ch[0] or []
        key = keys[0] if keys else None
        top_up = len(ch) > 1 and ch[1] is not None
        return ("once", n.Once(key, tuple(keys[1:]), top_up, span=self.sp(meta)))

    def once_key(self, meta: Any, ch: list[Any]) -> list[str]:
        return [str(c) for c in ch]

    def m_years(self, meta: Any, ch: list[Any]) -> list[tuple[str, Any]]:
        return [("max_years", ch[0]), ("consecutive", ch[1] is not None)]

    def m_identified(self, meta: Any, ch: list[Any]) -> list[tuple[str, Any]]:
        return [("identified_by", str(ch[0])), ("item_label", ch[1])]

    def m_called(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("called", ch[0])

    def m_effective(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("effective", self._period(meta, ch))

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
        return n.Percent(self._rate(ch[0]), ch[1], ch[2], span=self.sp(meta))

    def matching(self, meta: Any, ch: list[Any]) -> n.Matching:
        return n.Matching(self._rate(ch[0]), str(ch[1]), span=self.sp(meta))

    def per_step(self, meta: Any, ch: list[Any]) -> n.PerStep:
        # `per` is a keyword (`per` | `每`): filtered out, like every keyword.
        amount, size, base = ch
        return n.PerStep(amount, size, base, span=self.sp(meta))

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
        return n.Bound(ch[0], ch[1], span=self.sp(meta))

    def bound_post(self, meta: Any, ch: list[Any]) -> n.Bound:
        return n.Bound(ch[1], ch[0], span=self.sp(meta))

    def tier_row(self, meta: Any, ch: list[Any]) -> n.TierRow:
        low, high, form = ch
        return n.TierRow(low, high, form, span=self.sp(meta))

    def otherwise_row(self, meta: Any, ch: list[Any]) -> n.TierRow:
        return n.TierRow(None, None, ch[0], otherwise=True, span=self.sp(meta))

    def tiers(self, meta: Any, ch: list[Any]) -> n.Tiers:
        rows = tuple(c for c in ch[1:] if isinstance(c, n.TierRow))
        return n.Tiers(str(ch[0]), rows, first_match=ch[-1] is not None, span=self.sp(meta))

    def steps(self, meta: Any, ch: list[Any]) -> n.Steps:
        size, crossing, on, first, *rows = ch
        return n.Steps(
            size,
            str(crossing),  # type: ignore[arg-type]
            str(on),
            tuple(rows),
            first_time=first is not None,
            span=self.sp(meta),
        )

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
        return ch[0] if len(ch) == 1 else n.AnyOf(tuple(ch), span=self.sp(meta))

    def all_of(self, meta: Any, ch: list[Any]) -> n.Cond:
        return ch[0] if len(ch) == 1 else n.AllOf(tuple(ch), span=self.sp(meta))

    def negate(self, meta: Any, ch: list[Any]) -> n.Not:
        return n.Not(ch[0], span=self.sp(meta))

    def truthy(self, meta: Any, ch: list[Any]) -> n.Truthy:
        return n.Truthy(str(ch[0]), span=self.sp(meta))

    def compare(self, meta: Any, ch: list[Any]) -> n.Compare:
        return n.Compare(str(ch[0]), ch[1], ch[2], span=self.sp(meta))

    def compare_post(self, meta: Any, ch: list[Any]) -> n.Compare:
        return n.Compare(str(ch[0]), ch[2], ch[1], span=self.sp(meta))

    def compare_first(self, meta: Any, ch: list[Any]) -> n.Compare:
        return n.Compare(str(ch[0]), ch[1], ch[2], first_time=True, span=self.sp(meta))

    def compare_op(self, meta: Any, ch: list[Any]) -> n.Compare:
        return n.Compare(str(ch[0]), _CMP_OPS[str(ch[1])], ch[2], span=self.sp(meta))

    def is_value(self, meta: Any, ch: list[Any]) -> n.IsValue:
        return n.IsValue(str(ch[0]), str(ch[1]), span=self.sp(meta))

    def in_values(self, meta: Any, ch: list[Any]) -> n.InValues:
        return n.InValues(str(ch[0]), tuple(str(c) for c in ch[1:]), span=self.sp(meta))

    def contains_one(self, meta: Any, ch: list[Any]) -> n.Contains:
        return n.Contains(str(ch[0]), (str(ch[1]),), "all", one=True, span=self.sp(meta))

    def contains_all(self, meta: Any, ch: list[Any]) -> n.Contains:
        values = tuple(str(c) for c in ch[1:])
        return n.Contains(str(ch[0]), values, "all", span=self.sp(meta))

    def contains_any(self, meta: Any, ch: list[Any]) -> n.Contains:
        values = tuple(str(c) for c in ch[1:])
        return n.Contains(str(ch[0]), values, "any", span=self.sp(meta))

    def count_of(self, meta: Any, ch: list[Any]) -> n.CountOf:
        return n.CountOf(str(ch[0]), ch[1], ch[2], span=self.sp(meta))

    def count_of_post(self, meta: Any, ch: list[Any]) -> n.CountOf:
        return n.CountOf(str(ch[0]), ch[2], ch[1], span=self.sp(meta))

    # -- examples
    def example(self, meta: Any, ch: list[Any]) -> n.Example:
        name, when, *givens, outcome = ch
        givens = [g for g in givens if g is not None]
        day = when if isinstance(when, date) else None
        year = day.year if day is not None else when
        facts = tuple(g for g in givens if isinstance(g, n.Fact))
        priors = tuple(g for g in givens if isinstance(g, n.Prior))
        past = tuple(g for g in givens if isinstance(g, n.PastFact))
        name_zh = None
        if isinstance(name, n.Label):  # zh "…" en "…"
            label: n.Label = name
            name, name_zh = label.en or label.zh, label.zh
        return n.Example(name, year, facts, priors, outcome, past, day, name_zh=name_zh,
                         span=self.sp(meta))  # fmt: skip

    def multi_example(self, meta: Any, ch: list[Any]) -> n.Example:
        name, when, *rest, total = ch
        claims = tuple(c for c in rest if isinstance(c, n.ClaimCase))
        single = self.example(
            meta,
            [
                name,
                when,
                *(g for g in rest if not isinstance(g, n.ClaimCase)),
                n.Outcome("amount", total, span=total.span),
            ],
        )
        return replace(single, claims=claims)

    def claim_case(self, meta: Any, ch: list[Any]) -> n.ClaimCase:
        name, measure, *facts, outcome = ch
        kept = tuple(f for f in facts if f is not None)
        return n.ClaimCase(str(name), str(measure), kept, outcome, span=self.sp(meta))

    def label_name(self, meta: Any, ch: list[Any]) -> str | n.Label:
        if len(ch) == 1 and not isinstance(ch[0], tuple):
            return str(ch[0])
        return self.label(meta, ch)

    name_text = lang_text

    def example_year(self, meta: Any, ch: list[Any]) -> int:
        return int(ch[0])

    def example_day(self, meta: Any, ch: list[Any]) -> date:
        return ch[0]  # type: ignore[no-any-return]

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

    def v_set(self, meta: Any, ch: list[Any]) -> n.SetValue:
        return n.SetValue(tuple(str(c) for c in ch), span=self.sp(meta))

    def record(self, meta: Any, ch: list[Any]) -> tuple[n.Fact, ...]:
        return tuple(ch)

    def prior_key(self, meta: Any, ch: list[Any]) -> n.Fact:
        return n.Fact(str(ch[0]), ch[1], span=self.sp(meta))

    def prior(self, meta: Any, ch: list[Any]) -> n.Prior:
        measure, amount, year, *keys = ch
        return n.Prior(str(measure), amount, year, tuple(keys), span=self.sp(meta))

    def past_fact(self, meta: Any, ch: list[Any]) -> n.PastFact:
        return n.PastFact(str(ch[0]), ch[1], int(ch[2]), span=self.sp(meta))

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
        matching, key, span_word, keep, tie = ch
        across: Literal["policy", "set"] = "policy" if span_word == "policy" else "set"
        keep_word: Literal["highest", "all"] = "all" if keep == "all" else "highest"
        body = n.NoStacking(
            str(key),
            across,
            keep_word,
            matching_only=bool(matching),
            tie="last" if tie == "last" else "first",
            span=self.sp(meta),
        )
        return ("bodies", body)

    def r_group_cap(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        *ids, limit, scope, cond = ch
        body = n.GroupCap(tuple(str(i) for i in ids), limit, cond, scope, span=self.sp(meta))
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
        return self._goal(meta, ch[0], ch[1], None, ch[2])

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
        flat = [c for x in ch[1:] for c in (x if isinstance(x, list) else [x])]
        fields = self._collect(flat, {"goals", "owners", "notes"})
        return n.Target(str(ch[0]), span=self.sp(meta), **fields)

    def t_source(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("source", ch[0])

    def t_title(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("title", ch[0])

    def t_unit(self, meta: Any, ch: list[Any]) -> list[tuple[str, Any]]:
        return [("unit", str(ch[0])), ("unit_label", ch[1])]

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
    "、": ",",
    "\u3000": " ",
    "【": "(",
    "】": ")",
    "‘": '"',
    "’": '"',
}

# Characters a user cannot see: they come from copying text out of a word processor.
_INVISIBLE = {
    "\u00a0": Text("不换行空格", "a no-break space"),
    "\u200b": Text("零宽空格", "a zero-width space"),
    "\u200c": Text("零宽不连字", "a zero-width non-joiner"),
    "\u200d": Text("零宽连字", "a zero-width joiner"),
    "\u2060": Text("词连接符", "a word joiner"),
    "\ufeff": Text("字节顺序标记", "a byte-order mark"),
}

# Chinese threshold words and the keyword that means the same (clauses.md): 以上/以下/
# 以内/不超过 include the number, 超过/不满/低于 exclude it.
_CJK_WORDS = {
    "不超过": "at most",
    "不高于": "at most",
    "不低于": "at least",
    "不少于": "at least",
    "以上": "at least",
    "以下": "at most",
    "以内": "at most",
    "超过": "more than",
    "高于": "more than",
    "不满": "less than",
    "低于": "less than",
    "少于": "less than",
    "最高": "up to",
    "并且": "and",
    "或者": "or",
    "每年": "per year",
    "每个项目": "per project",
    "一次性": "once",
}

_UNIT_WORDS = {"万", "亿", "元", "万元", "亿元", "%", "percent", "pct", "yuan"}

_ITEM_KEYWORDS = {
    "policy", "enum", "input", "parameter", "agency", "measure", "rule", "target",
    "chain", "task", "text",
}  # fmt: skip

_ZH_ITEM_KEYWORDS = {
    "政策", "枚举", "数据项", "参数", "机构", "措施", "规则", "目标", "产业链", "任务", "条文",
}  # fmt: skip

# Words a drafter writes for a Chinese keyword: the keyword to write instead.
_ZH_SYNONYMS = {
    "部门": "主管部门", "牵头部门": "主管部门", "责任部门": "主管部门", "并且": "且", "而且": "且",
    "或者": "或", "出处": "来源", "依据条款": "来源", "名称": "标题", "补贴": "奖励", "补助": "奖励",
    "最高限额": "上限", "封顶": "上限", "备注": "说明", "示例": "例", "例子": "例", "不少于": "不低于",
    "大于": "超过", "小于": "低于", "每户": "每个企业", "每家企业": "每个企业", "年": "每年",
}  # fmt: skip

# Deeper nesting than this is certainly a mistake, and would exhaust Python's stack.
MAX_NESTING = 64


_TOKEN_TEXT = {
    "NAME": Text("名称", "a name"),
    "ID": Text("编号（如 `expo-2a`）", "an id such as expo-2a"),
    "NUMBER": Text("数字（如 30% 或 30万）", "a number such as 30% or 30万"),
    "SIGNED": Text("金额（如 30万）", "an amount such as 30万"),
    "STRING": Text("带引号的文字", "a quoted text"),
    "LONG_STRING": Text("带引号的文字", "a quoted text"),
    "DATE": Text("日期（如 2024-01-15）", "a date such as 2024-01-15"),
    "ZH_DATE": Text("日期（如 2024年1月15日）", "a date such as `2024年1月15日`"),
    # where a date may be written either way, the help shows both
    "DATE|ZH_DATE": Text(
        "日期（如 2024年1月15日、2024-01-15）", "a date such as 2024-01-15 (or `2024年1月15日`)"
    ),
    "YEAR": Text("年份（如 2024）", "a year such as 2024"),
    "ZH_YEAR": Text("年份（如 2024年）", "a year such as `2024年`"),
    "YEAR|ZH_YEAR": Text("年份（如 2024年、2024）", "a year such as 2024 (or `2024年`)"),
    "CJK": Text("中文名称（如 市财政局）", "a Chinese name such as `市财政局`"),
    "BOUND": Text.same("`at least`/`more than`/`at most`/`less than`"),
    "CMP_OP": Text.same("`>=`/`>`/`<=`/`<`/`==`"),
    "LANG": Text("`zh` 或 `en`", "`zh` or `en`"),
    "$END": Text("文件结尾", "the end of the file"),
}


def _token_text(name: str) -> Text:
    words = terminal_words().get(name)
    if words:
        return Text.same("/".join(f"`{w}`" for w in words))
    return _TOKEN_TEXT.get(name, Text.same(f"`{name.lower()}`"))


def _is_cjk(word: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in word)


def _expected(names: set[str], chinese: bool = False) -> Text:
    """What the parser could read here, in words; item keywords folded into one entry.

    Keywords are named in the language the drafter is writing them in (``chinese``
    when the word at fault is Chinese), so a list of 60 words does not become 120."""
    texts_of = keyword_texts()
    names = {
        name for name in names
        if name not in texts_of or _is_cjk(texts_of[name]) == chinese
        or not texts_of[name].isalpha()
    }  # fmt: skip
    for plain, zh in (("DATE", "ZH_DATE"), ("YEAR", "ZH_YEAR")):
        if {plain, zh} <= names:  # one entry: "a date such as 2024-01-15 or 2024年1月15日"
            names = (names - {plain, zh}) | {f"{plain}|{zh}"}
    item_words = _ITEM_KEYWORDS | _ZH_ITEM_KEYWORDS
    items = {name for name in names if texts_of.get(name) in item_words}
    rest = names - items if len(items) >= 3 else names
    texts = sorted({_token_text(name) for name in rest}, key=lambda t: t.en)
    if len(texts) > 8:
        texts = [*texts[:8], Text.same("…")]
    if len(items) >= 3:
        example = "`措施`, `数据项`, `规则`" if chinese else "`measure`, `input`, `rule`"
        texts.append(
            Text(f"新的项目（{example.replace(', ', '、')} …）", f"a new item ({example}, …)")
        )
    if not texts:
        return Text("此处不应再有内容", "nothing more here")
    if len(texts) == 1:
        return texts[0]
    return Text.join(texts[:-1]) + Text(" 或 ", " or ") + texts[-1]


def _expecting(names: set[str], chinese: bool = False) -> Text:
    """The help of a syntax error: ``expected …`` / ``此处应为 …``."""
    found = _expected(names, chinese)
    if found.en == "nothing more here":
        return found
    return Text(f"此处应为 {found.zh}", f"expected {found.en}")


def _syntax_span(path: str, line: int, column: int, width: int) -> n.Span:
    return n.Span(path, line, column, line, column + max(1, width))


def _offset(text: str, line: int, column: int) -> int:
    """The character offset of a 1-based line and column."""
    lines = text.split("\n")
    return sum(len(lines[i]) + 1 for i in range(min(line - 1, len(lines)))) + column - 1


def _previous_word(text: str, offset: int) -> tuple[str, bool]:
    """The text just before ``offset`` (a number, a word) and whether a space separates it."""
    i = offset
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    spaced = i < offset
    j = i
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] in "._%"):
        j -= 1
    return text[j:i], spaced


def _next_word(text: str, offset: int) -> str:
    rest = text[offset:].split("\n", 1)[0].split()
    return rest[1] if len(rest) > 1 else ""


def _char_name(char: str) -> str:
    if char and (not char.isprintable() or char.isspace()):
        return f"U+{ord(char):04X}"
    return char


def _special_char(path: str, text: str, char: str, span: n.Span, offset: int) -> Diagnostic | None:
    if char in _FULL_WIDTH:
        ascii_char = _FULL_WIDTH[char]
        shown = Text("全角空格", "full-width space") if char == "\u3000" else Text.same(f"`{char}`")
        if not ascii_char:
            fix = Text("删去该字符", "delete it")
        elif ascii_char.strip():
            fix = Text(f"改为半角 `{ascii_char}`", f"write the ASCII `{ascii_char}`")
        else:
            fix = Text("改为半角空格", "write a plain space")
        return Diagnostic(
            "KF0002",
            Text(
                f"代码中出现全角标点 {shown.zh}",
                f"full-width punctuation {shown.en} in policy code",
            ),
            span,
            label=Text("全角字符", "full-width character"),
            help=Text(
                f"{fix.zh}；全角标点只能出现在引号内的文字中",
                f"{fix.en}; full-width punctuation belongs only inside quoted text",
            ),
        )
    if char in _INVISIBLE:
        what = _INVISIBLE[char]
        return Diagnostic(
            "KF0011",
            Text(
                f"代码中出现不可见字符（{what.zh}，{_char_name(char)}）",
                f"an invisible character ({what.en}, {_char_name(char)}) in policy code",
            ),
            span,
            label=Text("此处有不可见字符", "invisible character here"),
            help=Text(
                "删去该字符；如需空格，请键入普通空格",
                "delete it and type a plain space if one is needed",
            ),
        )
    if char == '"':
        return Diagnostic(
            "KF0003",
            Text("字符串没有结束或位置不当", "unterminated or misplaced text string"),
            span,
            label=Text("字符串从此处开始", "string starts here"),
            help=Text(
                '请在同一行用 `"` 结束文字；多行文字请用 """…"""',
                'close the text with `"` on the same line, or use """…""" for several lines',
            ),
        )
    if char == "%":
        before, spaced = _previous_word(text, offset)
        if spaced and before[-1:].isdigit():
            return _unit_apart(span, before, "%")
    return None


def _unit_apart(span: n.Span, number: str, unit: str) -> Diagnostic:
    written = "%" if unit in ("percent", "pct") else "" if unit == "yuan" else unit
    fixed = f"{number}{written or '元'}"
    return Diagnostic(
        "KF0008",
        Text(
            f"单位 `{unit}` 与数字 `{number}` 分开书写",
            f"the unit `{unit}` is separated from its number `{number}`",
        ),
        span,
        label=Text("单位与数字分开", "unit written apart"),
        help=Text(
            f"改写为 `{fixed}`：数字与单位连写（30万、1.5亿、30%）",
            f"write `{fixed}`: a number and its unit are one word (30万, 1.5亿, 30%)",
        ),
    )


@cache
def chinese_keywords() -> frozenset[str]:
    return frozenset(
        w for forms in keyword_rules().values() for form in forms for w in form if not w.isascii()
    )


@cache
def english_phrases() -> frozenset[str]:
    """The keywords of several words (`at least`, `per year`), for "did you mean"."""
    return frozenset(
        " ".join(form)
        for forms in keyword_rules().values()
        for form in forms
        if len(form) > 1 and form[0].isascii()
    )


def spaced_number(word: str) -> bool:
    return word[:1].isdigit()


def _cjk_word(word: str) -> tuple[str, str] | None:
    for cjk, keyword in _CJK_WORDS.items():
        if cjk in word:
            return cjk, keyword
    return None


def _unexpected_token(path: str, text: str, err: UnexpectedInput, line: int, column: int
                      ) -> Diagnostic:  # fmt: skip
    token = getattr(err, "token", None)
    expected: set[str] = set(getattr(err, "expected", None) or getattr(err, "allowed", ()) or ())
    word = str(token) if token is not None else ""
    span = _syntax_span(path, line, column, len(word))
    if token is not None and token.type == "$END":
        return _end_of_file(path, text, expected)
    offset = _offset(text, line, column)
    # The lexer may have read a keyword off the front of a word (`per` of `percent`):
    # judge the whole word.
    start = offset
    while start > 0 and text[start - 1].isalpha() and text[start - 1].isascii():
        start -= 1
    if start < offset:
        whole = text[start:].split(None, 1)[0]
        if whole in _UNIT_WORDS:
            word, offset, column = whole, start, column - (offset - start)
            span = _syntax_span(path, line, column, len(word))
    before, spaced = _previous_word(text, offset)
    if word in _UNIT_WORDS and spaced and before[-1:].isdigit():
        return _unit_apart(span, before, word)
    if word in _ZH_SYNONYMS:
        return _misspelled(span, word, _ZH_SYNONYMS[word])
    cjk = _cjk_word(word) if word not in chinese_keywords() else None
    if cjk is not None:
        return _chinese_keyword(span, word, cjk, before)
    after = text[offset + len(word) :].split("\n", 1)[0].lstrip()
    after_word = after.split(None, 1)[0] if after else ""
    cjk = _cjk_word(after_word)
    if cjk is not None and word[:1].isdigit():
        at = offset + len(word) + text[offset + len(word) :].index(after_word)
        col = column + (at - offset)
        return _chinese_keyword(
            _syntax_span(path, line, col, len(after_word)), after_word, cjk, word
        )
    words = terminal_words()
    keywords = {w for e in expected for w in words.get(e, ()) if w.replace(" ", "").isalpha()}
    guess = did_you_mean(word, keywords) if word.isidentifier() else None
    if guess and _is_cjk(word) and (len(word) < 2 or not set(word) & set(guess)):
        guess = None  # one Chinese character is not a typo of another word
    two = f"{word} {_next_word(text, offset)}"
    guess2 = did_you_mean(two, {k for k in keywords if " " in k}) if " " not in word else None
    if guess2 and (not guess or " " in guess2):
        guess, word = guess2, two
        span = _syntax_span(path, line, column, len(two))
    elif guess and before and not spaced_number(before):
        # `at lest`: `at` was read, `lest` is wrong; name the two-word keyword.
        phrase = f"{before} {guess}"
        if phrase in english_phrases():
            start = offset - len(text[:offset]) + len(text[:offset].rstrip(" \t")) - len(before)
            word = text[start : offset + len(word)]
            span = _syntax_span(path, line, column - (offset - start), len(word))
            guess = phrase
    if guess:
        return _misspelled(span, word, guess)
    if expected in ({"ID"}, {"ID", "NAME"}):
        return Diagnostic(
            "KF0006",
            Text(f"`{word}` 不是有效的编号", f"`{word}` is not a valid id"),
            span,
            label=Text("此处应为编号", "id expected here"),
            help=Text(
                "编号用小写字母，并以来源文件为前缀，如 `expo-2a`",
                "ids are lower-case with a document prefix, e.g. `expo-2a`",
            ),
        )
    return Diagnostic(
        "KF0001",
        Text(f"此处不应出现 `{word}`", f"unexpected `{word}`"),
        span,
        label=Text("不应出现在此处", "not expected here"),
        help=_expecting(expected, _is_cjk(word)),
    )


def _misspelled(span: n.Span, word: str, fix: str) -> Diagnostic:
    return Diagnostic(
        "KF0005",
        Text(f"未知的关键词 `{word}`", f"unknown keyword `{word}`"),
        span,
        label=suggestion(fix),
        help=Text(f"改写为 `{fix}`", f"write `{fix}`"),
    )


def _chinese_keyword(span: n.Span, word: str, cjk: tuple[str, str], before: str) -> Diagnostic:
    chinese, keyword = cjk
    if keyword in ("at least", "at most", "more than", "less than") and before[:1].isdigit():
        fix = Text(
            f"改写为 `{keyword} {before}`：比较词写在数字之前",
            f"write `{keyword} {before}`: the comparison comes before the number",
        )
    else:
        fix = Text(f"改写为 `{keyword}`", f"write `{keyword}`")
    zh_form = keyword_rules().get("_kw_" + keyword.replace(" ", "_"))
    zh_word = next((" ".join(f) for f in zh_form or () if not f[0].isascii()), None)
    if zh_word is not None and zh_word != chinese:
        fix += Text(f"（使用中文关键词时写 `{zh_word}`）", f" (with Chinese keywords: `{zh_word}`)")
    return Diagnostic(
        "KF0010",
        Text(
            f"中文词 `{chinese}` 在此处不是 kfpl 关键词",
            f"the Chinese word `{chinese}` is not a kfpl keyword here",
        ),
        span,
        label=Text(f"意为 `{keyword}`", f"means `{keyword}`"),
        help=fix
        + Text(
            "；中文关键词（以上、不超过、每年 …）见语言指南",
            "; the Chinese keywords (`以上`, `不超过`, `每年`, …) are listed in the language guide",
        ),
    )


def _end_of_file(path: str, text: str, expected: set[str]) -> Diagnostic:
    lines = text.splitlines() or [""]
    span = _syntax_span(path, len(lines), len(lines[-1]) + 1, 1)
    return Diagnostic(
        "KF0004",
        Text("文件在条款中间结束", "the file ends in the middle of a clause"),
        span,
        label=Text("此处应有后续内容", "more was expected here"),
        help=_expecting(expected),
    )


_RUN_ON = re.compile(r'"((?:[^"\\\n]|\\.)*?)\s(zh|en)\s*"$')


def _run_on_string(path: str, text: str, line: int, column: int) -> Diagnostic | None:
    """`zh "支持… en "Trade"`: a string left open swallows the next language keyword."""
    lines = text.split("\n")
    if not 0 < line <= len(lines):
        return None
    before = lines[line - 1][: column - 1].rstrip()
    found = _RUN_ON.search(before)
    if found is None:
        return None
    start = found.start() + 1
    lang, body = found.group(2), found.group(1)
    return Diagnostic(
        "KF0003",
        Text(
            "字符串在下一种语言之前没有结束", "a text string is not closed before the next language"
        ),
        _syntax_span(path, line, start, found.end() - found.start()),
        label=Text(f"这段文字一直延续到 `{lang}`", f"this text runs on into `{lang}`"),
        help=Text(
            f'请在 ` {lang} ` 之前结束文字：`"{body}"`',
            f'close the text before ` {lang} `: `"{body}"`',
        ),
    )


def syntax_diagnostic(path: str, text: str, err: UnexpectedInput) -> Diagnostic:
    line = getattr(err, "line", 1) or 1
    column = getattr(err, "column", 1) or 1
    run_on = _run_on_string(path, text, line, column)
    if run_on is not None:
        return run_on
    if isinstance(err, UnexpectedCharacters):
        pos = err.pos_in_stream or 0
        char = text[pos] if pos < len(text) else ""
        span = _syntax_span(path, line, column, 1)
        special = _special_char(path, text, char, span, pos)
        if special is not None:
            return special
        word = text[pos:].split(None, 1)[0] if text[pos:].strip() else char
        cjk = _cjk_word(word)
        if cjk is not None:
            before, _ = _previous_word(text, pos)
            return _chinese_keyword(_syntax_span(path, line, column, len(word)), word, cjk, before)
        return Diagnostic(
            "KF0001",
            Text(
                f"此处不应出现字符 `{_char_name(char)}`",
                f"unexpected character `{_char_name(char)}`",
            ),
            span,
            label=Text("不属于 kfpl 语法", "not part of kfpl"),
            help=_expecting(set(err.allowed or ())),
        )
    if isinstance(err, UnexpectedEOF):
        return _end_of_file(path, text, set(err.expected))
    return _unexpected_token(path, text, err, line, column)


# Control characters (a NUL, a bell, a lone surrogate…) are never policy text: inside a
# title they would reach every backend (a NUL cannot even be in Python source), so the
# file is refused wherever they stand, strings included. Tab, CR and LF are whitespace.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _control_char(path: str, text: str, offset: int) -> Diagnostic:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    char = text[offset]
    return Diagnostic(
        "KF0011",
        Text(
            f"政策文本中出现控制字符（U+{ord(char):04X}）",
            f"a control character (U+{ord(char):04X}) in the policy text",
        ),
        n.Span(path, line, column, line, column + 1),
        label=Text("此处有不可见字符", "invisible character here"),
        help=Text(
            "删去该字符：文字中可用任何可打印字符，但不得有控制字符",
            "delete it: text strings may hold any printable character, but no control character",
        ),
    )


def _too_deep(path: str, text: str) -> Diagnostic:
    """Where nesting first gets too deep: a run of `(` or of `not`."""
    depth, line, col = 0, 1, 1
    for ch in text:
        if ch == "(":
            depth += 1
            if depth > MAX_NESTING:
                break
        elif ch == ")":
            depth = max(0, depth - 1)
        if ch == "\n":
            line, col = line + 1, 1
        else:
            col += 1
    else:
        line, col = 1, 1
    return Diagnostic(
        "KF0009",
        Text("条件嵌套过深", "conditions nested too deeply"),
        _syntax_span(path, line, col - 1 if depth > MAX_NESTING else col, 1),
        label=Text(f"超过 {MAX_NESTING} 层", f"more than {MAX_NESTING} levels"),
        help=Text(
            "将条件拆分为多行 `requires`（各行须同时满足）",
            "split the condition into several `requires` lines (they must all hold)",
        ),
    )


def _nesting_too_deep(text: str) -> bool:
    depth = 0
    for ch in text:
        if ch == "(":
            depth += 1
            if depth > MAX_NESTING:
                return True
        elif ch == ")":
            depth = max(0, depth - 1)
    return False


# --------------------------------------------------------------------------- entry point


def _parse_items(text: str, path: str) -> tuple[tuple[n.Item, ...] | None, list[Diagnostic]]:
    """Parse a whole text; (items, []) or (None, [the syntax diagnostic])."""
    if _nesting_too_deep(text):
        return None, [_too_deep(path, text)]
    try:
        tree = lark_parser().parse(text)
        return ToNodes(path).transform(tree), []
    except UnexpectedInput as err:
        return None, [syntax_diagnostic(path, text, err)]
    except VisitError as err:
        inner = err.orig_exc
        if isinstance(inner, LiteralError):
            tok = inner.token
            span = _syntax_span(path, tok.line or 1, tok.column or 1, len(str(tok)))
            return None, [Diagnostic("KF0007", inner.message, span, help=inner.help)]
        if isinstance(inner, RecursionError):
            return None, [_too_deep(path, text)]
        return None, [_internal_error(path, inner)]
    except RecursionError:
        return None, [_too_deep(path, text)]
    except Exception as exc:  # a bug in kfpl: a diagnostic to report, never a traceback
        return None, [_internal_error(path, exc)]


@cache
def _item_start() -> re.Pattern[str]:
    """A line that begins an item: an item keyword (either language) at column 0."""
    items = ("policy", "enum", "input", "parameter", "agency", "measure", "rule", "target",
             "chain", "task", "text")  # fmt: skip
    words = [form[0] for rule in items for form in keyword_rules()[f"_kw_{rule}"]]
    return re.compile(r"^(?:" + "|".join(map(re.escape, words)) + r")(?=[ \t])", re.M)


def _recover(text: str, path: str) -> tuple[tuple[n.Item, ...], list[Diagnostic]]:
    """Every syntax error of a file, and the items that do parse.

    The file is cut before each line that starts an item (an item keyword at column 0,
    the canonical layout) and each piece is parsed alone, on its own lines (the lines
    before it are kept as empty lines, so positions stay those of the file). A broken
    item costs only itself: the next item is read afresh.
    """
    starts = [m.start() for m in _item_start().finditer(text)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    starts.append(len(text))
    items: list[n.Item] = []
    diags: list[Diagnostic] = []
    for begin, end in itertools.pairwise(starts):
        piece = "\n" * text.count("\n", 0, begin) + text[begin:end]
        found, errors = _parse_items(piece, path)
        if found is not None:
            items.extend(found)
        diags.extend(errors)
    if not diags:  # the pieces parse but the whole does not: report the whole's error
        diags = _parse_items(text, path)[1]
    return tuple(items), diags


def parse_partial(text: str, path: str = "<string>") -> tuple[n.Module, list[Diagnostic]]:
    """Parse one file with error recovery: every syntax error, and a module of the items
    that parsed (so the rest of the policy set can still be checked against it)."""
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    control = _CONTROL.search(text)
    if control is not None:  # a control character (a NUL in a title) is refused outright
        empty = n.Module(path, (), digest, text, span=n.Span(path, 1, 1, 1, 1))
        return empty, [_control_char(path, text, control.start())]
    items, diags = _parse_items(text, path)
    if items is None:
        items, diags = _recover(text, path)
    module = n.Module(path, items, digest, text, span=n.Span(path, 1, 1, 1, 1))
    return module, diags


def parse(text: str, path: str = "<string>") -> tuple[n.Module | None, list[Diagnostic]]:
    """Parse one file. Returns the module, or None and every syntax diagnostic.

    No exception leaves this function for any text: Lark errors become syntax
    diagnostics, and a failure inside kfpl itself becomes a ``KF0000`` diagnostic.
    """
    module, diags = parse_partial(text, path)
    return (None, diags) if diags else (module, [])


def _internal_error(path: str, exc: BaseException) -> Diagnostic:
    return Diagnostic(
        "KF0000",
        Text(
            f"编译器在解析时发生内部错误：{type(exc).__name__}",
            f"internal error while parsing: {type(exc).__name__}",
        ),
        n.Span(path, 1, 1, 1, 2),
        help=Text(
            "这是 kfpl 本身的缺陷，并非政策文本的问题：请连同本文件一并报告",
            "this is a bug in kfpl, not in the policy: please report it with this file",
        ),
    )
