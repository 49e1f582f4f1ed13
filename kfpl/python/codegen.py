"""The Python backend: one evaluator module per policy file.

Expressions are built from the checked model, never pasted from source text:
identifiers are validated names (mangled away from Python keywords), and every
string and number is emitted with ``repr`` or as ``D("…")``, so no policy text can
break or inject into the module. Jinja2 lays out the module around the function
bodies. The output is formatted as ``ruff format`` would leave it and is
byte-identical for identical input.
"""

from __future__ import annotations

import builtins
import keyword
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

import jinja2

from kfpl import __version__
from kfpl.model import PolicySet, module_stem
from kfpl.syntax import nodes as n

INDENT = "    "
# The generator's own names in a measure's function (``c``: the checks an in-line
# condition is explained by), which an input's variable must not take.
_RESERVED = {"ev", "c", "amount", "total", "tier", "item_amount", "D", "date", "annotations"}


def ident(name: str) -> str:
    """A Python identifier for an input name, one-to-one: kfpl names are already
    identifier-shaped; keywords, builtins and the generator's own locals get a trailing
    ``_``, and so does every name that already ends in ``_`` (so `import` -> `import_`
    and `import_` -> `import__` never meet). A name whose mangled form would still be
    special (`__debug_` -> `__debug__`) gets a capital, which no kfpl name has."""
    if not (
        keyword.iskeyword(name)
        or name in _RESERVED
        or hasattr(builtins, name)
        or name.endswith("_")
    ):
        return name
    mangled = name + "_"
    if mangled.startswith("__") and mangled.endswith("__"):
        return name + "_X"
    return mangled


def func_name(measure_id: str) -> str:
    return "measure_" + measure_id.replace("-", "_")


# The decimal literals of the module being generated: text -> constant name. A
# ``D("0.30")`` in a function is parsed at every call (two thousand instructions,
# several per claim); the module makes each one once (issue 13).
_literals: dict[str, str] | None = None


def dec(value: Decimal) -> str:
    """An exact decimal literal: D("0.30"), or, inside ``generate``, the module's
    constant for it (``_D0_30``)."""
    text = (
        format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    )
    if _literals is None:
        return f'D("{text}")'
    return _literals.setdefault(text, "_D" + text.replace("-", "M").replace(".", "_"))


def literal_constants(literals: dict[str, str]) -> str:
    """The module-level definitions of the literals ``dec`` named."""
    return "".join(f'{name} = D("{text}")\n' for text, name in literals.items())


def docstring_text(text: str) -> str:
    """Text safe inside a triple-quoted docstring: quotes and backslashes escaped, and
    any character that is not printable (a control character, a surrogate) written as
    its escape, so no policy text can end the docstring or break the source file."""
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    return "".join(
        ch if ch.isprintable() or ch in "\n " else ch.encode("unicode_escape").decode("ascii")
        for ch in text
    )


def label_pair(label: n.Label | None) -> tuple[str, str]:
    if label is None:
        return ("", "")
    return (label.zh or "", label.en or "")


# --------------------------------------------------------------------------- conditions


def cond_expr(cond: n.Cond, on: str = "ev") -> str:
    """The condition as checks (``Check`` objects with their explanation), built by the
    ``Checks`` methods of ``on``."""
    if isinstance(cond, n.Truthy):
        return f"{on}.truthy({cond.name!r}, {ident(cond.name)})"
    if isinstance(cond, n.Compare):
        check = (
            f"{on}.compare({cond.op!r}, {cond.name!r}, {ident(cond.name)}, {dec(cond.value.value)})"
        )
        if cond.first_time:
            return f"{on}.first_time({check}, {cond.name!r}, {cond.op!r}, {dec(cond.value.value)})"
        return check
    if isinstance(cond, n.IsValue):
        return f"{on}.is_in({cond.name!r}, {ident(cond.name)}, ({cond.value!r},))"
    if isinstance(cond, n.InValues):
        values = ", ".join(repr(v) for v in cond.values)
        return f"{on}.is_in({cond.name!r}, {ident(cond.name)}, ({values},))"
    if isinstance(cond, n.Contains):
        values = "".join(f"{v!r}, " for v in cond.values)
        return f"{on}.contains({cond.name!r}, {ident(cond.name)}, ({values}), {cond.quantifier!r})"
    if isinstance(cond, n.CountOf):
        return f"{on}.count_of({cond.op!r}, {cond.name!r}, {ident(cond.name)}, {dec(cond.value.value)})"
    if isinstance(cond, n.Not):
        return f"{on}.negate({cond_expr(cond.operand, on)})"
    if isinstance(cond, n.AllOf):
        return f"{on}.all_of({', '.join(cond_expr(c, on) for c in cond.operands)})"
    if isinstance(cond, n.AnyOf):
        return f"{on}.any_of({', '.join(cond_expr(c, on) for c in cond.operands)})"
    raise TypeError(f"unknown condition {cond!r}")  # pragma: no cover


# The comparisons as Python writes them (the runtime's own tests, measure._TESTS).
PY_OPS = {"at_least": ">=", "more_than": ">", "at_most": "<=", "less_than": "<", "equal": "=="}


def cond_value(cond: n.Cond) -> str | None:
    """The condition as a plain Python boolean over the values read, with the same
    outcome as its checks; None when a part is judged by the runtime (首次 reads the
    history; 包含 and 项数 read sets)."""
    if isinstance(cond, n.Truthy):
        return f"bool({ident(cond.name)})"
    if isinstance(cond, n.Compare):
        if cond.first_time:
            return None
        return f"{ident(cond.name)} {PY_OPS[cond.op]} {dec(cond.value.value)}"
    if isinstance(cond, n.IsValue):
        return f"{ident(cond.name)} in ({cond.value!r},)"
    if isinstance(cond, n.InValues):
        return f"{ident(cond.name)} in ({', '.join(repr(v) for v in cond.values)},)"
    if isinstance(cond, n.Not):
        inner = cond_value(cond.operand)
        return None if inner is None else f"not ({inner})"
    if isinstance(cond, n.AllOf | n.AnyOf):
        parts = [cond_value(c) for c in cond.operands]
        if any(p is None for p in parts):
            return None
        joiner = " and " if isinstance(cond, n.AllOf) else " or "
        return joiner.join(
            f"({p})" if isinstance(c, n.AllOf | n.AnyOf) else str(p)
            for c, p in zip(cond.operands, parts, strict=True)
        )
    return None


def cond_names(cond: n.Node) -> list[str]:
    names = []
    for node in cond.walk():
        if isinstance(node, n.ATOMS):
            names.append(node.name)
    return names


# --------------------------------------------------------------------------- forms


@dataclass
class Body:
    """Lines of one function body, with the current indentation."""

    lines: list[str] = field(default_factory=list)
    depth: int = 1

    def add(self, line: str) -> None:
        self.lines.append(INDENT * self.depth + line)


def rate_expr(rate: n.Rate) -> str:
    if isinstance(rate, n.Number):
        return dec(rate.value)
    return f"ev.param({rate.name!r})"


def base_expr(base: tuple[n.Operand, ...]) -> tuple[str, str]:
    """(expression, name of a single base for the explanation)."""
    if len(base) == 1 and isinstance(base[0], n.Ref):
        return ident(base[0].name), base[0].name
    parts = []
    for op in base:
        if isinstance(op, n.Ref):
            parts.append(f"({op.name!r}, {ident(op.name)})")
        else:
            inc = f"ev.increase({op.new!r}, {ident(op.new)}, {op.old!r}, {ident(op.old)})"
            if len(base) == 1:
                return inc, ""
            parts.append(f"('increase', {inc})")
    return f"ev.base({', '.join(parts)})", ""


def bound_tuple(row: n.TierRow) -> str:
    lo = (repr(row.low.op), dec(row.low.value.value)) if row.low else ("None", "None")
    hi = (repr(row.high.op), dec(row.high.value.value)) if row.high else ("None", "None")
    return f"({lo[0]}, {lo[1]}, {hi[0]}, {hi[1]})"


def simple_form(form: n.Form, target: str, body: Body) -> None:
    if isinstance(form, n.Percent):
        expr, name = base_expr(form.base)
        extra = f", {name!r}" if name else ""
        body.add(f"{target} = ev.percent({rate_expr(form.rate)}, {expr}{extra})")
    elif isinstance(form, n.Matching):
        body.add(
            f"{target} = ev.matching({rate_expr(form.rate)}, {form.higher_award!r}, "
            f"{ident(form.higher_award)})"
        )
    elif isinstance(form, n.Fixed):
        body.add(f"{target} = ev.fixed({dec(form.amount.value)})")
    elif isinstance(form, n.Range):
        body.add(f"{target} = ev.range({dec(form.low.value)}, {dec(form.high.value)})")
    elif isinstance(form, n.PerStep):
        expr, name = base_expr(form.base)
        extra = f", {name!r}" if name else ""
        body.add(
            f"{target} = ev.per_step({dec(form.amount.value)}, {dec(form.size.value)}, {expr}{extra})"
        )
    else:
        raise TypeError(f"not a simple form: {form!r}")  # pragma: no cover


def emit_form(
    form: n.Form, target: str, body: Body, bail: str, item_caps: list[n.Cap], item_words: str = ""
) -> None:
    """``item_words``: the list's declared unit, as ``ev.cap``'s words (单台 …)."""
    """Lines computing ``form`` into ``target``; ``bail`` leaves the function."""
    if isinstance(form, n.Percent | n.Matching | n.Fixed | n.Range | n.PerStep):
        simple_form(form, target, body)
    elif isinstance(form, n.ByCase):
        var = ident(form.on)
        body.add(f"ev.case({form.on!r}, {var})")
        for index, arm in enumerate(form.arms):
            body.add(f"{'if' if index == 0 else 'elif'} {var} == {arm.value!r}:")
            body.depth += 1
            simple_form(arm.form, target, body)
            body.depth -= 1
        body.add("else:")
        body.depth += 1
        body.add(f"ev.no_case({form.on!r}, {var})")
        body.add(bail)
        body.depth -= 1
    elif isinstance(form, n.Tiers):
        var = ident(form.on)
        rows = ", ".join(bound_tuple(r) for r in form.rows if not r.otherwise)
        first = ", first_match=True" if form.first_match else ""
        body.add(f"tier = ev.tier({form.on!r}, {var}, ({rows},){first})")
        for index, row in enumerate(form.rows):
            if row.otherwise:
                continue
            body.add(f"{'if' if index == 0 else 'elif'} tier == {index}:")
            body.depth += 1
            simple_form(row.form, target, body)
            body.depth -= 1
        otherwise = [r for r in form.rows if r.otherwise]
        body.add("else:")
        body.depth += 1
        if otherwise:
            simple_form(otherwise[0].form, target, body)
        else:
            body.add(bail)
        body.depth -= 1
    elif isinstance(form, n.Steps):
        step_rows: list[str] = []
        for row in form.rows:
            assert isinstance(row.form, n.Fixed), "the checker allows fixed step amounts only"
            lo = (repr(row.low.op), dec(row.low.value.value)) if row.low else ("None", "None")
            hi = (repr(row.high.op), dec(row.high.value.value)) if row.high else ("None", "None")
            step_rows.append(f"({lo[0]}, {lo[1]}, {hi[0]}, {hi[1]}, {dec(row.form.amount.value)})")
        inclusive = form.crossing == "reached"
        first = ", first_time=True" if form.first_time else ""
        body.add(
            f"{target} = ev.steps({form.on!r}, {ident(form.on)}, {dec(form.size.value)}, "
            f"({', '.join(step_rows)},), inclusive={inclusive}{first})"
        )
        body.add("if ev.failed():")
        body.depth += 1
        body.add(bail)
        body.depth -= 1
    elif isinstance(form, n.Each):
        body.add("")
        body.add("def item_amount(ev: Evaluation) -> D:")
        inner = Body(depth=body.depth + 1)
        fields = sorted({node.name for node in form.form.walk() if isinstance(node, n.Ref)})
        for name in fields:
            inner.add(f"{ident(name)} = ev.field({name!r})")
        emit_form(form.form, "amount", inner, "return D(0)", [])
        for cap in item_caps:
            inner.add(f"amount = ev.cap(amount, {dec(cap.amount.value)}, 'item'{item_words})")
        inner.add("return amount")
        body.lines.extend(inner.lines)
        body.add("")
        body.add(f"{target} = ev.each({form.over!r}, {ident(form.over)}, item_amount)")
    elif isinstance(form, n.Staged):
        emit_form(form.form, "total", body, bail, item_caps, item_words)
        shares = ", ".join(f"({s.name!r}, {dec(s.share.value)})" for s in form.stages if s.share)
        claw = [s.name for s in form.stages if s.clawback]
        body.add(
            f"{target} = ev.staged({form.on!r}, {ident(form.on)}, total, ({shares},), "
            f"{claw[0] if claw else None!r})"
        )
    else:
        raise TypeError(f"unknown form {form!r}")  # pragma: no cover


# --------------------------------------------------------------------------- measures


def reads_of(measure: n.Measure, ps: PolicySet) -> list[str]:
    """Inputs the measure reads, in first-use order (item fields excluded)."""
    fields: set[str] = set()
    for node in measure.walk():
        if isinstance(node, n.Each):
            decl = ps.inputs.get(node.over)
            if decl is not None and isinstance(decl.type, n.ListType):
                fields.update(f.name for f in decl.type.fields)
    names: list[str] = []

    def add(name: str) -> None:
        if name not in names and (name in ps.inputs) and name not in fields:
            names.append(name)

    for cond in measure.requires:
        for name in cond_names(cond):
            add(name)
    for node in measure.award.walk():
        if isinstance(node, n.Ref):
            add(node.name)
        elif isinstance(node, n.Increase):
            add(node.new)
            add(node.old)
        elif isinstance(node, n.Matching):
            add(node.higher_award)
        elif isinstance(node, n.ByCase | n.Tiers | n.Steps | n.Staged):
            add(node.on)
        elif isinstance(node, n.Each):
            add(node.over)
    for key in measure.once.keys if measure.once else ():
        add(key)
    return names


def read_inputs(reads: list[str], ps: PolicySet, body: Body) -> None:
    """The inputs a measure reads, taken from the claim's facts or the enterprise's
    (the generator knows which) rather than through ``ev.get`` one call each; only when
    one is absent does ``ev.absent`` record what is missing, as ``ev.get`` would."""
    for name in reads:
        decl = ps.inputs.get(name)
        where = (
            "app.enterprise" if decl is not None and decl.origin == "enterprise" else "claim.facts"
        )
        body.add(f"{ident(name)} = ev.{where}.get({name!r}, ABSENT)")
    if reads:
        tested = " or ".join(f"{ident(name)} is ABSENT" for name in reads)
        pairs = ", ".join(f"({name!r}, {ident(name)})" for name in reads)
        body.add(f"if ({tested} or ev.result.missing) and ev.absent({pairs}):")
        body.add(f"{INDENT}return")


def measure_body(measure: n.Measure, ps: PolicySet) -> list[str]:
    body = Body()
    reads = reads_of(measure, ps)
    read_inputs(reads, ps, body)
    for cond in measure.requires:
        value = cond_value(cond)
        if value is None:
            body.add(f"if not ev.require({cond_expr(cond)}):")
        else:  # computed here; its checks are built only to explain it
            body.add(f"if not ev.condition({value}, lambda c: {cond_expr(cond, 'c')}):")
        body.add(f"{INDENT}return")
    award = measure.award
    item_caps = [c for c in measure.caps if c.scope == "item"]
    lists = [ps.inputs.get(e.over) for e in measure.award.walk() if isinstance(e, n.Each)]
    unit = next((d.unit for d in lists if d is not None and d.unit is not None), None)
    emit_form(award.form, "amount", body, "return", item_caps, _words(unit))
    words = _words(measure.item_label)
    for cap in measure.caps:
        if cap.scope == "claim":
            body.add(f"amount = ev.cap(amount, {dec(cap.amount.value)}, 'claim')")
        elif cap.scope in ("project", "product"):
            body.add(f"amount = ev.cap(amount, {dec(cap.amount.value)}, {cap.scope!r}{words})")
    body.add(f"ev.award(amount, ceiling={award.ceiling})")
    return body.lines


def _words(label: n.Label | None) -> str:
    """The policy's own (zh, en) words for what a cap is about, as an argument of
    ``ev.cap`` (``, ('品种', 'product')``), or nothing."""
    if label is None or not label.zh or not label.en:
        return ""
    return f", ({label.zh!r}, {label.en!r})"


def is_matching(measure: n.Measure) -> bool:
    return any(isinstance(node, n.Matching) for node in measure.award.walk())


@dataclass
class MeasureCode:
    id: str
    func: str
    doc: list[str]
    body: list[str]
    meta: list[str]


def measure_code(measure: n.Measure, ps: PolicySet, policy_id: str) -> MeasureCode:
    zh, en = label_pair(measure.title)
    source = str(measure.source) if measure.source else measure.id
    doc = [
        docstring_text(f"{measure.id} {zh} / {en}".strip()),
        "",
        docstring_text(f"Source: {source} — {measure.span.file}:{measure.span.line}"),
    ]
    # Per-project / per-product caps also bind the item across claims and years.
    caps = ", ".join(
        f"({c.scope!r}, {dec(c.amount.value)})"
        for c in measure.caps
        if c.scope in ("year", "enterprise", "project", "product")
    )
    once = None if measure.once is None else ",".join(measure.once.keys)
    max_years = int(measure.max_years.value) if measure.max_years else None
    meta = [
        f"id={measure.id!r}",
        f"policy={policy_id!r}",
        f"source={source!r}",
        f"zh={zh!r}",
        f"en={en!r}",
        f"fn={func_name(measure.id)}",
        f"reads={tuple(reads_of(measure, ps))!r}",
        f"caps=({caps},)" if caps else "caps=()",
        f"once={once!r}",
        f"max_years={max_years!r}",
        f"matter={measure.matter!r}",
        f"matching={is_matching(measure)!r}",
    ]
    # Only when set, so that modules without these features keep their text.
    matter = ps.matters.get(measure.matter) if measure.matter else None
    if matter is not None:
        meta.append(f"matter_label={label_pair(matter.label)!r}")
    if measure.item:
        meta.append(f"item={measure.item!r}")
    if measure.consecutive:
        meta.append("consecutive=True")
    if measure.once is not None and measure.once.top_up:
        meta.append("top_up=True")
    if measure.effective is not None:
        meta.append(f"effective={measure.effective.iso()!r}")
        if measure.effective.by_day:
            meta.append("by_day=True")
    return MeasureCode(measure.id, func_name(measure.id), doc, measure_body(measure, ps), meta)


# --------------------------------------------------------------------------- rules


@dataclass
class RuleCode:
    func: str | None
    body: list[str]
    specs: list[list[str]]
    extra: list[tuple[str, list[str]]] = field(default_factory=list)  # group-total conditions


def enterprise_only(cond: n.Cond, ps: PolicySet) -> bool:
    """The condition reads only the enterprise's inputs and no history (首次 reads the
    past years of the claim's policy): its outcome is the same for every claim."""
    for node in cond.walk():
        if isinstance(node, n.Compare) and node.first_time:
            return False
    for name in cond_names(cond):
        decl = ps.inputs.get(name)
        if decl is None or decl.origin != "enterprise":
            return False
    return True


def rule_code(rule: n.Rule, policy_id: str, ps: PolicySet) -> RuleCode:
    zh, en = label_pair(rule.title)
    source = str(rule.source) if rule.source else rule.id
    common = [
        f"id={rule.id!r}",
        f"policy={policy_id!r}",
        f"source={source!r}",
        f"zh={zh!r}",
        f"en={en!r}",
    ]
    specs: list[list[str]] = []
    func = None
    body = Body()
    extra_funcs: list[tuple[str, list[str]]] = []
    for item in rule.bodies:
        if isinstance(item, n.Eligible):
            func = "rule_" + rule.id.replace("-", "_")
            for name in dict.fromkeys(cond_names(item.cond)):
                body.add(f"{ident(name)} = ev.get({name!r})")
            body.add("if ev.undetermined():")
            body.add(f"{INDENT}return None")
            body.add(f"return {cond_expr(item.cond)}")
            spec = [*common, "kind='eligible'", f"check={func}"]
            if enterprise_only(item.cond, ps):
                reads = tuple(dict.fromkeys(cond_names(item.cond)))
                spec.append(f"enterprise_only=True, reads={reads!r}")
            specs.append(spec)
        elif isinstance(item, n.Exclude):
            specs.append([*common, "kind='exclude'", f"flags={item.flags!r}"])
        elif isinstance(item, n.NoStacking):
            specs.append(
                [
                    *common,
                    "kind='stack'",
                    f"key={item.key!r}",
                    f"across={item.across!r}",
                    f"keep={item.keep!r}",
                    f"matching_only={item.matching_only!r}",
                    f"tie={item.tie!r}",
                ]
            )
        elif isinstance(item, n.GroupCap):
            check = "None"
            if item.cond is not None:
                name = "rule_" + rule.id.replace("-", "_") + f"_total_{len(specs)}"
                check = name
                group = Body()
                for var in dict.fromkeys(cond_names(item.cond)):
                    group.add(f"{ident(var)} = ev.get({var!r})")
                group.add("if ev.undetermined():")
                group.add(f"{INDENT}return None")
                group.add(f"return {cond_expr(item.cond)}")
                extra_funcs.append((name, group.lines))
            specs.append(
                [
                    *common,
                    "kind='group_cap'",
                    f"measures={item.measures!r}",
                    f"amount={dec(item.limit.value)}",
                    f"check={check}",
                    *([f"scope={item.scope!r}"] if item.scope not in (None, "year") else []),
                ]
            )
        elif isinstance(item, n.YearlyCap):
            specs.append(
                [*common, "kind='yearly_cap'", f"limit={item.limit!r}", f"trim={item.trim!r}"]
            )
    return RuleCode(func, body.lines, specs, extra_funcs)


# --------------------------------------------------------------------------- the module


@cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("kfpl.python", "templates"),
        autoescape=False,  # Python source, not HTML: every value is already repr'd
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    return env.get_template("evaluator.py.j2")


def input_spec(decl: n.InputDecl, ps: PolicySet) -> str:
    zh, en = label_pair(decl.label)
    args = [f"name={decl.name!r}"]
    if isinstance(decl.type, n.ListType):
        fields = tuple((f.name, f.type_name) for f in decl.type.fields)
        args += ["type='list'", f"fields={fields!r}"]
    elif isinstance(decl.type, n.SetType):
        members = tuple(m.name for m in ps.enums[decl.type.enum].members)
        args += ["type='set'", f"members={members!r}"]
    elif decl.type.name in ps.enums:
        members = tuple(m.name for m in ps.enums[decl.type.name].members)
        args += ["type='enum'", f"members={members!r}"]
    else:
        args.append(f"type={decl.type.name!r}")
    args += [f"origin={decl.origin or 'claim'!r}", f"zh={zh!r}", f"en={en!r}"]
    if decl.unit is not None:
        args.append(f"unit={label_pair(decl.unit)!r}")
    return f"InputSpec({', '.join(args)})"


def param_value(value: n.ParamValue) -> str:
    zh, en = label_pair(value.ref)
    d = value.since
    return (
        f"ParamValue(date({d.year}, {d.month}, {d.day}), {dec(value.value.value)}, {zh!r}, {en!r})"
    )


def generate(module: n.Module, ps: PolicySet) -> str:
    """The Python source of the evaluator module for one policy file."""
    global _literals
    _literals = {}
    try:
        text = _generate(module, ps)
        constants = literal_constants(_literals)
    finally:
        _literals = None
    imports = runtime_imports(text.replace("IMPORTS\n", "IMPORTS\n" + constants, 1))
    return text.replace("IMPORTS\n", imports + ("\n" + constants if constants else ""), 1)


def _generate(module: n.Module, ps: PolicySet) -> str:
    header = module.of_type(n.Policy)
    policy = header[0] if header else n.Policy(module_stem(module.path))
    title_zh, title_en = label_pair(policy.title)
    measures = [measure_code(m, ps, policy.id) for m in module.of_type(n.Measure)]
    rules = [rule_code(r, policy.id, ps) for r in module.of_type(n.Rule)]
    fields: dict[str, tuple[str, str]] = {}
    for decl in module.of_type(n.InputDecl):
        if isinstance(decl.type, n.ListType):
            for f in decl.type.fields:
                fields.setdefault(f.name, label_pair(f.label))
    members = {
        m.name: label_pair(m.label) for enum in module.of_type(n.EnumDecl) for m in enum.members
    }
    params = {
        p.name: (*label_pair(p.label), [param_value(v) for v in p.values])
        for p in module.of_type(n.ParamDecl)
    }
    text = _template().render(
        version=__version__,
        path=module.path,
        sha256=module.sha256,
        policy=policy,
        title_zh=title_zh,
        title_en=title_en,
        effective=policy.effective.iso() if policy.effective else None,
        by_day=bool(policy.effective and policy.effective.by_day),
        inputs=[(d.name, input_spec(d, ps)) for d in module.of_type(n.InputDecl)],
        fields=fields,
        members=members,
        params=params,
        measures=measures,
        rules=rules,
        docstring_text=docstring_text,
    )
    return text


RUNTIME_NAMES = (
    "ABSENT",
    "Check",
    "D",
    "Evaluation",
    "InputSpec",
    "MeasureMeta",
    "ParamValue",
    "RuleSpec",
    "date",
)


def runtime_imports(text: str) -> str:
    """The import line naming exactly the runtime names the module uses (none: no line)."""
    body = text.split("IMPORTS\n", 1)[1]
    used = [name for name in RUNTIME_NAMES if re.search(rf"\b{name}\b", body)]
    return f"from kfpl.runtime import {', '.join(used)}\n" if used else ""


def generate_all(ps: PolicySet) -> dict[str, str]:
    """File name under generated/ -> source, for every module of the set."""
    return {f"{module_stem(m.path)}.py": generate(m, ps) for m in ps.modules}
