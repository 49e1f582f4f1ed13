"""The columnar backend: one module of numpy kernels for a whole policy set.

Each measure becomes a function over the claims of that measure as columns: it reads
its inputs (money as int64 fen), applies the policy's period, exclusions and general
eligibility, then the measure's own conditions, form and caps, exactly as the Python
evaluator does (step awards in closed form, per-record lists flattened to one row per
record, staged payments and set inputs included), and leaves status, amount and flags for the set-level rules (stacking,
joint caps, the yearly total) that ``kfpl.columnar.rules`` applies to all claims at once.

Exactness: every amount is an integer count of 10^-s yuan for a scale ``s`` known here
(fen: 2; 30% of fen: 4). The generator also carries a bound on the magnitude of each
expression, from the declared bounds of the inputs (money at most 10^15 yuan, i.e. 10^17
fen); an expression whose bound could reach 2^63 is computed on Python integers
(``k.exact``, an object array) instead of int64, so no result can overflow. Rounding to
the fen is half-up, as ``kfpl.runtime.money.to_fen``.

A measure (or rule) using a feature these kernels do not implement is listed in
``UNSUPPORTED`` with the reason; the batch engine evaluates the applications that claim
it with the reference evaluator, so it is never computed wrong.
"""

from __future__ import annotations

import keyword
import math
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from kfpl import __version__
from kfpl.model import PolicySet, module_stem
from kfpl.python.codegen import docstring_text, label_pair, reads_of
from kfpl.syntax import nodes as n

# Half of int64's range: a rounding or a sum of two such values still fits.
INT64_MAX = 2**62
MONEY_BOUND = 10**17  # fen: applications carry at most 10^15 yuan (runtime.application)
COUNT_BOUND = 10**15
RECORDS_BOUND = 10**4  # records of one list input (runtime.application.MAX_RECORDS)
RATE_SCALE = 10  # rates read from applications: at most 10 decimals, at most 10^6
RATE_BOUND = 10**16
INDENT = "    "


class Unsupported(Exception):
    """A model feature the columnar kernels do not implement (yet)."""


def places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def scaled(value: Decimal, scale: int) -> int:
    out = value.scaleb(scale)
    if out != out.to_integral_value():
        raise Unsupported(f"the number {value} needs more than {scale} decimals")
    return int(out)


_CMP = {"at_least": ">=", "more_than": ">", "at_most": "<=", "less_than": "<", "equal": "=="}


def var(name: str) -> str:
    return f"v_{name}" if not keyword.iskeyword(name) else f"v_{name}_"


@dataclass
class Expr:
    """A column expression: integers at ``scale`` (10^-scale yuan), magnitude < ``bound``."""

    code: str
    scale: int
    bound: int
    exact: bool = False  # already on Python integers


def rescale(e: Expr, scale: int) -> Expr:
    if scale == e.scale:
        return e
    factor = 10 ** (scale - e.scale)
    return times(e, factor, scale)


def times(e: Expr, factor: int, scale: int) -> Expr:
    bound = e.bound * max(factor, 1)
    code = e.code
    exact = e.exact
    if bound > INT64_MAX and not exact:
        code, exact = f"k.exact({code})", True
    return Expr(f"({code} * {factor})", scale, bound, exact)


@dataclass
class Gen:
    ps: PolicySet
    lines: list[str] = field(default_factory=list)
    depth: int = 1
    tmp: int = 0
    measure: str = ""
    first_year: int | None = None  # the policy's first year (首次 is judged from the year before)
    fields: dict[str, str] = field(default_factory=dict)  # inside `each`: field -> type
    item_caps: list[n.Cap] = field(default_factory=list)  # caps per record of `each`

    def add(self, line: str) -> None:
        self.lines.append(INDENT * self.depth + line)

    def fresh(self, stem: str) -> str:
        self.tmp += 1
        return f"{stem}{self.tmp}"

    # -- inputs
    def input_type(self, name: str) -> str:
        if name in self.fields:
            return self.fields[name]
        decl = self.ps.inputs.get(name)
        if decl is None:
            raise Unsupported(f"{name} is not an input")
        if isinstance(decl.type, n.ListType):
            return "list"
        if isinstance(decl.type, n.SetType):
            return "set"
        ty = decl.type.name
        if ty in self.ps.enums:
            return "enum"
        return ty

    def read(self, name: str) -> None:
        ty = self.input_type(name)
        reader = {
            "money": "money",
            "bool": "flag",
            "enum": "text",
            "text": "text",
            "count": "count",
            "year": "count",
            "rate": "rate",
            "set": "members",
            "list": "records",
        }.get(ty)
        if reader is None:
            raise Unsupported(f"{name} has type {ty}")
        self.add(f"{var(name)} = k.{reader}({name!r})")

    def value(self, name: str) -> Expr:
        ty = self.input_type(name)
        code = var(name)
        if name in self.fields:
            code = f"f_{name}"
        elif self.fields:  # a claim's input inside `each`: one value per record
            code = f"{code}[it.owner]"
        if ty == "money":
            return Expr(code, 2, MONEY_BOUND)
        if ty in ("count", "year"):
            return Expr(code, 0, COUNT_BOUND)
        if ty == "rate":
            return Expr(code, RATE_SCALE, RATE_BOUND)
        raise Unsupported(f"{name} ({ty}) used as a number")

    # -- conditions
    def cond(self, c: n.Cond) -> str:
        if isinstance(c, n.Truthy):
            ty = self.input_type(c.name)
            if ty == "bool":
                return var(c.name)
            if ty in ("money", "count", "year", "rate"):
                return f"({var(c.name)} != 0)"
            return f"k.nonempty({var(c.name)})"
        if isinstance(c, n.Compare):
            if c.first_time:
                raise Unsupported("首次 (first time) conditions read the history of facts")
            e = self.value(c.name)
            th = c.value.value
            scale = max(e.scale, places(th))
            left = rescale(e, scale)
            op = _CMP[c.op]
            return f"({left.code} {op} {scaled(th, scale)})"
        if isinstance(c, n.Contains):
            return f"k.contains({var(c.name)}, {tuple(c.values)!r}, {c.quantifier!r})"
        if isinstance(c, n.CountOf):
            th = c.value.value
            p = places(th)
            op = _CMP[c.op]
            return f"(k.size_of({var(c.name)}) * {10**p} {op} {scaled(th, p)})"
        if isinstance(c, n.IsValue):
            return f"k.isin({var(c.name)}, ({c.value!r},))"
        if isinstance(c, n.InValues):
            return f"k.isin({var(c.name)}, {tuple(c.values)!r})"
        if isinstance(c, n.Not):
            return f"~{self.cond(c.operand)}"
        if isinstance(c, n.AllOf):
            return "(" + " & ".join(self.cond(x) for x in c.operands) + ")"
        if isinstance(c, n.AnyOf):
            return "(" + " | ".join(self.cond(x) for x in c.operands) + ")"
        raise Unsupported(f"condition {type(c).__name__}")

    # -- forms
    def rate(self, r: n.Rate) -> tuple[str, int, int]:
        """(code of an int column or literal, scale, bound)."""
        if isinstance(r, n.Number):
            p = places(r.value)
            v = scaled(r.value, p)
            return str(v), p, max(abs(v), 1)
        param = self.ps.params.get(r.name)
        if param is None:
            raise Unsupported(f"rate {r.name}")
        p = max(places(v.value.value) for v in param.values)
        years = []
        # In the order they took effect: the latest in force on 1 January wins.
        for pv in sorted(param.values, key=lambda pv: pv.since):
            since: date = pv.since
            first = since.year if (since.month, since.day) == (1, 1) else since.year + 1
            years.append((first, scaled(pv.value.value, p)))
        bound = max(max(abs(x) for _, x in years), 1)
        default = scaled(param.values[0].value.value, p)  # before any is in force
        per_record = "[it.owner]" if self.fields else ""
        return f"k.by_year({tuple(years)!r}, {default}){per_record}", p, bound

    def operand(self, op: n.Operand) -> Expr:
        if isinstance(op, n.Ref):
            if self.input_type(op.name) != "money":
                raise Unsupported(f"{op.name} is not money")
            return self.value(op.name)
        return Expr(f"k.increase({var(op.new)}, {var(op.old)})", 2, MONEY_BOUND)

    def base(self, base: tuple[n.Operand, ...]) -> Expr:
        parts = [self.operand(op) for op in base]
        if len(parts) == 1:
            return parts[0]
        bound = sum(p.bound for p in parts)
        code = "(" + " + ".join(p.code for p in parts) + ")"
        if bound > INT64_MAX:
            code = "(" + " + ".join(f"k.exact({p.code})" for p in parts) + ")"
            return Expr(code, 2, bound, True)
        return Expr(code, 2, bound)

    def simple(self, form: n.Form) -> tuple[Expr, bool]:
        """(amount expression, ceiling set by the form itself)."""
        if isinstance(form, n.Percent):
            b = self.base(form.base)
            code, p, bound = self.rate(form.rate)
            return self.product(b, code, p, bound), False
        if isinstance(form, n.Matching):
            b = self.value(form.higher_award)
            code, p, bound = self.rate(form.rate)
            return self.product(b, code, p, bound), False
        if isinstance(form, n.Fixed | n.Range):
            v = form.amount.value if isinstance(form, n.Fixed) else form.high.value
            s = max(2, places(v))
            length = ", it.n" if self.fields else ""
            return Expr(f"k.const({scaled(v, s)}{length})", s, abs(scaled(v, s)) + 1), isinstance(
                form, n.Range
            )
        if isinstance(form, n.PerStep):
            b = self.base(form.base)
            size, amount = form.size.value, form.amount.value
            s = max(b.scale, places(size))
            b = rescale(b, s)
            sa = max(2, places(amount))
            a = scaled(amount, sa)
            count = Expr(f"k.steps_of({b.code}, {scaled(size, s)})", 0, b.bound)
            return times(count, a, sa) if a != 1 else Expr(count.code, sa, count.bound), False
        raise Unsupported(f"form {type(form).__name__}")

    def product(self, b: Expr, code: str, p: int, bound: int) -> Expr:
        total = b.bound * bound
        left = b.code
        exact = b.exact
        if total > INT64_MAX and not exact:
            left, exact = f"k.exact({left})", True
        return Expr(f"({left} * {code})", b.scale + p, total, exact)

    def form(self, form: n.Form) -> tuple[int, bool, int]:
        """Emit lines computing the claim's amount into ``amount``; (scale, exact, bound
        of its magnitude)."""
        if isinstance(form, n.Percent | n.Matching | n.Fixed | n.Range | n.PerStep):
            e, ceiling = self.simple(form)
            self.add(f"amount = {e.code}")
            if ceiling:
                self.add("k.ceiling(k.live)")
            return e.scale, e.exact or e.bound > INT64_MAX, e.bound
        if isinstance(form, n.Steps):
            return self.steps(form)
        if isinstance(form, n.Each):
            return self.each(form)
        if isinstance(form, n.Staged):
            return self.staged(form)
        if isinstance(form, n.ByCase | n.Tiers):
            arms: list[tuple[str, n.Form]] = []
            otherwise: n.Form | None = None
            if isinstance(form, n.ByCase):
                for arm in form.arms:
                    arms.append((f"k.isin({var(form.on)}, ({arm.value!r},))", arm.form))
                no_match, reason = form.on, "no_case"
            else:
                e = self.value(form.on)
                matched = "tier_taken"
                self.add(f"{matched} = k.none()")
                for row in form.rows:
                    if row.otherwise:
                        # ev.tier refuses before `otherwise` is reached: left to the reference
                        raise Unsupported("an `otherwise` tier")
                    tests = []
                    for bound in (row.low, row.high):
                        if bound is None:
                            continue
                        tests.append(self.cond(n.Compare(form.on, bound.op, bound.value)))
                    test = " & ".join(tests) if tests else "k.all()"
                    # Rows are tried in order; the first that holds is the one (as ev.tier).
                    name = self.fresh("tier")
                    self.add(f"{name} = {test} & ~{matched}")
                    self.add(f"{matched} = {matched} | {name}")
                    arms.append((name, row.form))
                no_match, reason = form.on, "no_tier"
                del e
            exprs = [(test, *self.simple(f)) for test, f in arms]
            extra = self.simple(otherwise) if otherwise is not None else None
            scale = max([x[1].scale for x in exprs] + ([extra[0].scale] if extra else []))
            exact = any(rescale(x[1], scale).exact for x in exprs) or bool(
                extra and rescale(extra[0], scale).exact
            )
            default = rescale(extra[0], scale).code if extra else "0"
            choices = ", ".join(rescale(x[1], scale).code for x in exprs)
            listed = ", ".join(x[0] for x in exprs)
            self.add(f"amount = k.select(({listed},), ({choices},), {default})")
            ceiled = [x[0] for x in exprs if x[2]]
            if extra and extra[1]:
                ceiled.append("~(" + " | ".join(x[0] for x in exprs) + ")")
            for test in ceiled:
                self.add(f"k.ceiling(k.live & {test})")
            if extra is None:
                any_arm = " | ".join(x[0] for x in exprs)
                self.add(f"k.fail(~({any_arm}), {reason!r})")
            del no_match
            most = max(rescale(x[1], scale).bound for x in exprs)
            return scale, exact, most
        raise Unsupported(f"the award form {type(form).__name__}")

    def steps(self, form: n.Steps) -> tuple[int, bool, int]:
        """Step awards (``Evaluation.steps``) in closed form: each row's bounds on the
        step's threshold become bounds on the step number, computed here exactly."""
        e = self.value(form.on)
        size = form.size.value
        if places(size) > e.scale or size <= 0:
            raise Unsupported(f"a step size of {size}")
        amounts = []
        for row in form.rows:
            if not isinstance(row.form, n.Fixed) or row.otherwise:
                raise Unsupported("a step row that is not a fixed amount")
            amounts.append(row.form.amount.value)
        scale = max([2] + [places(a) for a in amounts])
        rows = []
        bound = 0
        most = 2 * e.bound // scaled(size, e.scale) + 2  # steps between two values in bounds
        for row, value in zip(form.rows, amounts, strict=True):
            k_lo: int | None = None
            k_hi: int | None = None
            for b in (row.low, row.high):
                if b is not None:
                    k_lo, k_hi = _narrow(b.op, Fraction(b.value.value) / Fraction(size), k_lo, k_hi)
            amount = scaled(value, scale)
            rows.append((k_lo, k_hi, amount))
            bound += abs(amount) * most
        exact = bound > INT64_MAX
        self.add(
            f"amount = k.steps({self.measure!r}, {form.on!r}, {e.code}, "
            f"({scaled(size, e.scale)}, Decimal({str(size)!r})), {tuple(rows)!r}, "
            f"inclusive={form.crossing == 'reached'}, first_time={form.first_time}, "
            f"first_year={self.first_year}, exact={exact})"
        )
        return scale, exact, bound

    def each(self, form: n.Each) -> tuple[int, bool, int]:
        """Per record of a list input: the inner form over the record's fields, the caps
        per item, then the sum per claim (``Evaluation.each``)."""
        decl = self.ps.inputs.get(form.over)
        if decl is None or not isinstance(decl.type, n.ListType) or self.fields:
            raise Unsupported(f"each over {form.over}")
        if not isinstance(form.form, n.Percent | n.Matching | n.Fixed | n.Range | n.PerStep):
            raise Unsupported(f"each with the form {type(form.form).__name__}")
        fields = tuple((f.type_name, f.name) for f in decl.type.fields)
        wanted = tuple((name, ty) for ty, name in fields if ty in ("money", "count", "rate"))
        self.add(f"it = k.items({var(form.over)}, {wanted!r})")
        self.fields = {name: ty for ty, name in fields}
        try:
            for name, _ in wanted:
                self.add(f"f_{name} = it.cols[{name!r}]")
            e, ceiling = self.simple(form.form)
        finally:
            self.fields = {}
        if ceiling:
            raise Unsupported("a range per item")
        self.add(f"amount = {e.code}")
        scale, bound = e.scale, e.bound
        for cap in self.item_caps:
            limit = cap.amount.value
            s = max(scale, places(limit))
            if s != scale:
                bound *= 10 ** (s - scale)
                self.add(f"amount = amount * {10 ** (s - scale)}")
                scale = s
            self.add(f"amount = k.cap_items(it, amount, {scaled(limit, s)})")
            bound = min(bound, scaled(limit, s) + 1)
        self.add(f"amount = k.sum_items(it, amount, {bound})")
        return scale, e.exact or bound * RECORDS_BOUND > INT64_MAX, bound * RECORDS_BOUND

    def staged(self, form: n.Staged) -> tuple[int, bool, int]:
        """Staged payments (``Evaluation.staged``): the total by the inner form, the
        cumulative share due by the claimed stage, less what history shows was paid."""
        scale, exact, bound = self.form(form.form)
        p = max([places(s.share.value) for s in form.stages if s.share is not None] + [0])
        due: dict[str, int] = {}
        running = 0
        for stage in form.stages:
            if stage.share is not None:
                running += scaled(stage.share.value, p)
                due[stage.name] = running
        clawback = next((s.name for s in form.stages if s.clawback), None)
        # What was paid is checked below INT64_MAX // 2 by the kernel; the share due stays
        # below INT64_MAX // 4, so their difference fits.
        if exact or bound * running > INT64_MAX // 4:
            raise Unsupported("staged amounts beyond int64")
        self.add(
            f"amount = k.staged({self.measure!r}, amount, {scale + p}, {var(form.on)}, "
            f"{due!r}, {running}, {clawback!r})"
        )
        return scale + p, False, bound * running + INT64_MAX // 2


def _narrow(op: str, at: Fraction, lo: int | None, hi: int | None) -> tuple[int | None, int | None]:
    """``kfpl.runtime.measure._narrow`` on step numbers, exactly (None: unbounded)."""
    if op == "equal" and at.denominator != 1:
        raise Unsupported("a step bound equal to a value between two steps")

    def up(x: int | None, v: int) -> int:
        return v if x is None else max(x, v)

    def down(x: int | None, v: int) -> int:
        return v if x is None else min(x, v)

    if op == "at_least":
        return up(lo, math.ceil(at)), hi
    if op == "more_than":
        return up(lo, math.floor(at) + 1), hi
    if op == "at_most":
        return lo, down(hi, math.floor(at))
    if op == "less_than":
        return lo, down(hi, math.ceil(at) - 1)
    return up(lo, int(at)), down(hi, int(at))  # equal


@dataclass
class Unit:
    name: str
    lines: list[str]


def gen_rule_checks(ps: PolicySet, rule: n.Rule) -> list[Unit]:
    """The claim-level parts of a rule (exclusions, general eligibility) as kernels."""
    out = []
    for i, body in enumerate(rule.bodies):
        if isinstance(body, n.Exclude):
            g = Gen(ps)
            for flag in dict.fromkeys(body.flags):
                g.read(flag)
            g.add(f"k.need({', '.join(repr(f) for f in dict.fromkeys(body.flags))})")
            hit = " | ".join(g.cond(n.Truthy(flag)) for flag in dict.fromkeys(body.flags))
            g.add(f"k.exclude({hit})")
            out.append(Unit(f"rule_{_py(rule.id)}_{i}", g.lines))
        elif isinstance(body, n.Eligible):
            g = Gen(ps)
            names = list(dict.fromkeys(_cond_names(body.cond)))
            for name in names:
                g.read(name)
            if names:
                g.add(f"k.need({', '.join(repr(x) for x in names)})")
            g.add(f"k.require({g.cond(body.cond)}, 'general_eligibility')")
            out.append(Unit(f"rule_{_py(rule.id)}_{i}", g.lines))
    return out


def _cond_names(c: n.Node) -> list[str]:
    return [
        x.name for x in c.walk() if isinstance(x, n.Truthy | n.Compare | n.IsValue | n.InValues)
    ]


def _py(text: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in text)


def gen_measure(ps: PolicySet, m: n.Measure, checks: list[str]) -> list[str]:
    """The kernel of one measure: period, the rules' checks, then the measure itself."""
    policy = ps.policy_of(m.id)
    first = policy.effective.start.year if policy is not None and policy.effective else None
    g = Gen(ps, measure=m.id, first_year=first, item_caps=[c for c in m.caps if c.scope == "item"])
    period = ps.period_of(m.id)  # the measure's own, else its policy's
    if period is not None:
        if period.by_day or not period.whole_years:
            raise Unsupported("a period written with days (decided by each claim's date)")
        g.add(f"k.in_force({period.start.year}, {period.end.year})")
    for check in checks:
        g.add(f"{check}(k)")
    if m.item and m.item not in ("project", "product"):
        raise Unsupported(f"claims identified by {m.item}")
    # Earlier awards, in the reference engine's order: identity, once, years.
    keys = m.once.keys if m.once else ()
    if m.item:
        g.add(f"k.identified({m.id!r}, {m.item!r})")
    if m.once is not None and not m.once.top_up:
        g.add(f"k.once({m.id!r}, {tuple(keys)!r})")
    if m.max_years is not None:
        g.add(f"k.years({m.id!r}, {m.item or ''!r}, {int(m.max_years.value)}, {m.consecutive!r})")
    reads = reads_of(m, ps)
    for name in reads:
        g.read(name)
    if reads:
        g.add(f"k.need({', '.join(repr(x) for x in reads)})")
    for cond in m.requires:
        g.add(f"k.require({g.cond(cond)})")
    scale, exact, _ = g.form(m.award.form)
    for cap in m.caps:
        if cap.scope in ("claim", "project", "product"):
            limit = cap.amount.value
            s = max(scale, places(limit))
            if s != scale:
                g.add(f"amount = amount * {10 ** (s - scale)}")
                scale = s
            g.add(f"amount = k.cap(amount, {scaled(limit, s)})")
        elif places(cap.amount.value) > 2:
            raise Unsupported("a cap with fractions of a fen")
    g.add(f"k.award(amount, {scale}, ceiling={m.award.ceiling})")
    if m.once is not None and m.once.top_up:
        g.add(f"k.top_up({m.id!r}, {tuple(keys)!r})")
    del exact
    return g.lines


def measure_info(ps: PolicySet, m: n.Measure) -> str:
    caps = tuple(
        (c.scope, scaled(c.amount.value, 2))
        for c in m.caps
        if c.scope in ("year", "enterprise", "project", "product")
    )
    once = None if m.once is None else ",".join(m.once.keys)
    matching = any(isinstance(x, n.Matching) for x in m.award.walk())
    return (
        f"Info(policy={ps.owner[m.id]!r}, matter={m.matter!r}, matching={matching!r}, "
        f"item={m.item or ''!r}, once={once!r}, caps={caps!r})"
    )


def generate(ps: PolicySet, name: str = "policy set") -> str:
    """The source of the columnar module for the whole policy set."""
    out: list[str] = [
        f'"""Columnar kernels for {docstring_text(name)}: every measure over whole columns.',
        "",
        f"Generated by kfpl {__version__} from:",
    ]
    for module in ps.modules:
        out.append(f"  {docstring_text(module.path)} sha256 {module.sha256}")
    out += [
        "Do not edit: change the policy text and run `kfpl build`.",
        "Amounts are integers of 10^-s yuan (the second argument of k.award); money inputs are fen.",
        '"""',
        "",
        "from decimal import Decimal",
        "",
        "from kfpl.columnar.kernel import Info, Kernel, Stack, YearlyCap, GroupCap",
        "",
    ]
    unsupported: dict[str, str] = {}
    rule_units: dict[str, list[Unit]] = {}
    order: list[tuple[str, n.Rule]] = []
    measure_policies = {ps.owner[mid] for mid in ps.measures}
    for module in ps.modules:
        header = module.of_type(n.Policy)
        pid = header[0].id if header else module_stem(module.path)
        for rule in module.of_type(n.Rule):
            order.append((pid, rule))
            try:
                rule_units[rule.id] = gen_rule_checks(ps, rule)
            except Unsupported as exc:
                unsupported[rule.id] = str(exc)
    for units in rule_units.values():
        for unit in units:
            out += ["", "", f"def {unit.name}(k: Kernel) -> None:", *unit.lines]
    kernels: dict[str, str] = {}
    for mid, m in ps.measures.items():
        policy_id = ps.owner[mid]
        checks: list[str] = []
        bad = ""
        for pid, rule in order:
            if pid != policy_id and pid in measure_policies:
                continue
            if rule.id in unsupported:
                bad = f"rule {rule.id}: {unsupported[rule.id]}"
            checks += [u.name for u in rule_units.get(rule.id, [])]
        try:
            if bad:
                raise Unsupported(bad)
            lines = gen_measure(ps, m, checks)
        except Unsupported as exc:
            unsupported[mid] = str(exc)
            continue
        fn = f"measure_{_py(mid)}"
        kernels[mid] = fn
        zh, en = label_pair(m.title)
        src = str(m.source) if m.source else mid
        out += [
            "",
            "",
            f"def {fn}(k: Kernel) -> None:",
            f'    """{docstring_text(f"{mid} {zh} / {en}".strip())} ({docstring_text(src)})"""',
            *lines,
        ]
    out += ["", "", "KERNELS = {"]
    out += [f"    {mid!r}: {fn}," for mid, fn in kernels.items()]
    out += ["}", "", "MEASURES = {"]
    out += [f"    {mid!r}: {measure_info(ps, m)}," for mid, m in ps.measures.items()]
    out += ["}", "", "# Set-level rules, in the order the files give them.", "SET_RULES = ("]
    for pid, rule in order:
        for body in rule.bodies:
            if isinstance(body, n.NoStacking):
                out.append(
                    f"    Stack(id={rule.id!r}, policy={pid!r}, key={body.key!r}, "
                    f"across={body.across!r}, keep={body.keep!r}, "
                    f"matching_only={body.matching_only!r}, tie={body.tie!r}),"
                )
            elif isinstance(body, n.YearlyCap):
                out.append(
                    f"    YearlyCap(id={rule.id!r}, policy={pid!r}, limit={body.limit!r}, "
                    f"trim={body.trim!r}),"
                )
            elif isinstance(body, n.GroupCap):
                if body.cond is not None:
                    unsupported[rule.id] = "a joint cap with a condition"
                    continue
                if body.scope not in (None, "year"):
                    unsupported[rule.id] = f"a joint cap per {body.scope}"
                    continue
                if places(body.limit.value) > 2:
                    unsupported[rule.id] = "a joint cap with fractions of a fen"
                    continue
                out.append(
                    f"    GroupCap(id={rule.id!r}, policy={pid!r}, "
                    f"measures={tuple(body.measures)!r}, amount={scaled(body.limit.value, 2)}),"
                )
    out += [")", "", "# Evaluated by the reference engine instead (why).", "UNSUPPORTED = {"]
    out += [f"    {key!r}: {why!r}," for key, why in unsupported.items()]
    out += ["}", ""]
    return "\n".join(out)
