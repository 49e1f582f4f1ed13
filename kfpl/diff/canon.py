"""Canonical forms and short renderings of model nodes, for comparing and reporting.

Two nodes compare equal here when they mean the same thing to the evaluator:
``30万`` equals ``300000``, ``>=`` equals ``at least``, a condition wrapped in a
one-operand ``and``/``or`` equals the condition itself. Labels are kept apart
(``wording=True``) so a change of words can be told from a change of rules.

Values are rendered in kfpl's own notation in ``zh`` (``30万``, ``25%``, with the Chinese
bound words ``500万以上``, ``超过500万`` because they carry the legal meaning) and as an
English reader writes amounts in ``en`` (``at least CNY 5 million``): no 万 in English.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import fields, is_dataclass
from decimal import Decimal

from kfpl.render.money import en_money
from kfpl.syntax import nodes as n

WAN = Decimal(10_000)
YI = Decimal(100_000_000)


# --------------------------------------------------------------------------- canonical forms


def canon(value: object, wording: bool = False) -> Hashable:
    """A hashable value equal for nodes with the same meaning (spans ignored).

    With ``wording=False`` labels (titles, notes, documents) are dropped, so only
    what the evaluator reads is compared.
    """
    if isinstance(value, n.Number):
        return ("N", value.value, value.unit == "percent")
    if isinstance(value, n.AllOf | n.AnyOf) and len(value.operands) == 1:
        return canon(value.operands[0], wording)
    if isinstance(value, n.AllOf):
        return ("and", frozenset(canon(op, wording) for op in flatten_and(value)))
    if isinstance(value, n.AnyOf):
        return ("or", frozenset(canon(op, wording) for op in value.operands))
    if isinstance(value, n.InValues):
        return ("in", value.name, frozenset(value.values))
    if isinstance(value, n.Contains):
        # Order of the values is not meaning; one value is `all of` and `any of` alike.
        quantifier = value.quantifier if len(set(value.values)) > 1 else "all"
        return ("contains", value.name, quantifier, frozenset(value.values))
    if isinstance(value, n.Label):
        return ("L", value.zh, value.en) if wording else None
    if isinstance(value, tuple):
        return tuple(canon(v, wording) for v in value)
    if is_dataclass(value) and not isinstance(value, type):
        parts: list[Hashable] = [type(value).__name__]
        for f in fields(value):
            if f.name == "span":
                continue
            parts.append(canon(getattr(value, f.name), wording))
        return tuple(parts)
    if isinstance(value, Hashable):
        return value
    return repr(value)  # pragma: no cover - every model value is hashable


def flatten_and(cond: n.Cond) -> list[n.Cond]:
    """The conjuncts of a condition: ``a and (b and c)`` -> [a, b, c]."""
    if isinstance(cond, n.AllOf | n.AnyOf) and len(cond.operands) == 1:
        return flatten_and(cond.operands[0])
    if isinstance(cond, n.AllOf):
        out: list[n.Cond] = []
        for op in cond.operands:
            out.extend(flatten_and(op))
        return out
    return [cond]


def conjuncts(requires: tuple[n.Cond, ...]) -> list[n.Cond]:
    """Every ``requires`` line of a measure split into its ``and``-ed parts."""
    out: list[n.Cond] = []
    for cond in requires:
        out.extend(flatten_and(cond))
    return out


# --------------------------------------------------------------------------- numbers


def money(value: Decimal, lang: str = "kfpl") -> str:
    """Yuan as a drafter writes it in kfpl: 1.5亿, 30万, 2000元 (exact, never a float); in
    Chinese as the law writes it: 1.5亿元, 30万元; in English as a notice writes it: CNY
    150 million, CNY 300,000."""
    if lang == "en":
        return en_money(value)
    sign = "-" if value < 0 else ""
    value = abs(value)
    unit = "元" if lang == "zh" else ""
    if value >= YI and (value / YI) == (value / YI).quantize(Decimal("0.0001")):
        return f"{sign}{_plain(value / YI)}亿{unit}"
    if value >= WAN and (value / WAN) == (value / WAN).quantize(Decimal("0.01")):
        return f"{sign}{_plain(value / WAN)}万{unit}"
    return f"{sign}{_plain(value)}元"


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def rate(value: Decimal) -> str:
    return f"{_plain(value * 100)}%"


def number(num: n.Number, lang: str = "kfpl") -> str:
    if num.unit == "percent":
        return rate(num.value)
    if num.unit == "yuan":
        return money(num.value, lang)
    return _plain(num.value)


def amount(num: n.Number, money_like: bool = True, lang: str = "kfpl") -> str:
    """A number read as money where the context expects money (caps, fixed awards)."""
    if num.unit == "percent" or not money_like:
        return number(num, lang)
    return money(num.value, lang)


# --------------------------------------------------------------------------- bounds and conditions

_OPS_EN = {
    "at_least": "at least",
    "more_than": "more than",
    "at_most": "at most",
    "less_than": "less than",
    "equal": "equal to",
}
# The legal words: 以上/以下 include the number, 超过/低于 exclude it.
_OPS_ZH = {
    "at_least": "{v}以上",
    "more_than": "超过{v}",
    "at_most": "{v}以下",
    "less_than": "低于{v}",
    "equal": "等于{v}",
}


def op_words(op: str, lang: str) -> str:
    if lang == "zh":
        return {
            "at_least": "以上",
            "more_than": "超过",
            "at_most": "以下",
            "less_than": "低于",
            "equal": "等于",
        }[op]
    return _OPS_EN[op]


def bound_text(op: str, value: n.Number, lang: str) -> str:
    shown = number(value, lang)
    if lang == "zh":
        return _OPS_ZH[op].format(v=shown)
    return f"{_OPS_EN[op]} {shown}"


def cond_text(cond: n.Cond, lang: str = "en") -> str:
    """A condition in kfpl notation (en) or with the Chinese bound words (zh)."""
    if isinstance(cond, n.AllOf | n.AnyOf) and len(cond.operands) == 1:
        return cond_text(cond.operands[0], lang)
    if isinstance(cond, n.Truthy):
        return cond.name
    if isinstance(cond, n.Compare):
        return f"{cond.name} {bound_text(cond.op, cond.value, lang)}"
    if isinstance(cond, n.IsValue):
        return f"{cond.name} is {cond.value}"
    if isinstance(cond, n.InValues):
        return f"{cond.name} in ({', '.join(cond.values)})"
    if isinstance(cond, n.Contains):
        if cond.one:
            return f"{cond.name} contains {cond.values[0]}"
        return f"{cond.name} contains {cond.quantifier} of ({', '.join(cond.values)})"
    if isinstance(cond, n.CountOf):
        return f"number of {cond.name} {bound_text(cond.op, cond.value, lang)}"
    if isinstance(cond, n.Not):
        return f"not {cond_text(cond.operand, lang)}"
    if isinstance(cond, n.AllOf):
        return " and ".join(_wrap(op, lang) for op in cond.operands)
    assert isinstance(cond, n.AnyOf)
    return " or ".join(_wrap(op, lang) for op in cond.operands)


def _wrap(cond: n.Cond, lang: str) -> str:
    text = cond_text(cond, lang)
    if isinstance(cond, n.AllOf | n.AnyOf) and len(cond.operands) > 1:
        return f"({text})"
    return text


# --------------------------------------------------------------------------- award forms


def rate_text(value: n.Rate) -> str:
    return number(value) if isinstance(value, n.Number) else value.name


def operand_text(op: n.Operand) -> str:
    if isinstance(op, n.Ref):
        return op.name
    return f"increase of {op.new} over {op.old}"


def row_bounds(row: n.TierRow, lang: str = "en") -> str:
    if row.otherwise:
        return "otherwise" if lang == "en" else "其他"
    parts = [bound_text(b.op, b.value, lang) for b in (row.low, row.high) if b is not None]
    joiner = " and " if lang == "en" else "且"
    return joiner.join(parts)


def form_text(form: n.Form, lang: str = "en") -> str:
    if isinstance(form, n.Percent):
        return f"{rate_text(form.rate)} of {' + '.join(operand_text(op) for op in form.base)}"
    if isinstance(form, n.Matching):
        return f"match {rate_text(form.rate)} of {form.higher_award}"
    if isinstance(form, n.Fixed):
        return amount(form.amount, lang=lang)
    if isinstance(form, n.Range):
        return f"between {amount(form.low, lang=lang)} and {amount(form.high, lang=lang)}"
    if isinstance(form, n.PerStep):
        base = " + ".join(operand_text(op) for op in form.base)
        return f"{amount(form.amount, lang=lang)} per {amount(form.size, lang=lang)} of {base}"
    if isinstance(form, n.ByCase):
        arms = ", ".join(f"{arm.value} -> {form_text(arm.form, lang)}" for arm in form.arms)
        return f"by {form.on}: {arms}"
    if isinstance(form, n.Tiers):
        rows = "; ".join(f"{row_bounds(r, lang)} -> {form_text(r.form, lang)}" for r in form.rows)
        return f"tiers on {form.on}: {rows}" + (" (first match)" if form.first_match else "")
    if isinstance(form, n.Steps):
        rows = "; ".join(f"{row_bounds(r, lang)} -> {form_text(r.form, lang)}" for r in form.rows)
        return f"steps of {amount(form.size, lang=lang)} {form.crossing} by {form.on}: {rows}"
    if isinstance(form, n.Each):
        return f"each {form.over}: {form_text(form.form, lang)}"
    stages = ", ".join(
        f"{s.name} clawback" if s.clawback or s.share is None else f"{s.name} {number(s.share)}"
        for s in form.stages
    )
    return f"staged on {form.on}: {stages} of {form_text(form.form, lang)}"


def award_text(award: n.Award, lang: str = "en") -> str:
    return ("up to " if award.ceiling else "") + form_text(award.form, lang)


SCOPE_WORDS = {
    "claim": ("每项申报", "per claim"),
    "item": ("每个单项", "per item"),
    "project": ("每个项目", "per project"),
    "product": ("每个产品", "per product"),
    "year": ("每年", "per year"),
    "enterprise": ("每户企业累计", "per enterprise"),
}


def scope_text(scope: str, lang: str) -> str:
    zh, en = SCOPE_WORDS.get(scope, (scope, scope))
    return zh if lang == "zh" else en


def cap_text(cap: n.Cap, lang: str = "en") -> str:
    return f"{money(cap.amount.value)} {scope_text(cap.scope, lang)}"


def label_text(label: n.Label | None, lang: str) -> str:
    if label is None:
        return ""
    return label.get(lang)
