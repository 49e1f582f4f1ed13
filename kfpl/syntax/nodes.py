"""The typed syntax tree of kfpl.

Every node is a frozen dataclass with a ``span`` pointing back at the source text,
so diagnostics, generated code and documentation can all name the line a rule came
from. Nodes hold values, not Lark objects: backends never see the parse tree.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from typing import Literal as Lit
from typing import TypeVar

T = TypeVar("T")

# --------------------------------------------------------------------------- spans


@dataclass(frozen=True, order=True)
class Span:
    """A region of one source file; lines and columns are 1-based, ends inclusive."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


NO_SPAN = Span("<builtin>", 0, 0, 0, 0)


@dataclass(frozen=True)
class Node:
    span: Span = field(compare=False, repr=False, kw_only=True, default=NO_SPAN)

    def children(self) -> Iterator[Node]:
        """Direct child nodes, in field order (a Jinja2 ``iter_child_nodes``)."""
        for f in fields(self):
            if f.name == "span":
                continue
            value = getattr(self, f.name)
            items = value if isinstance(value, tuple) else (value,)
            for item in items:
                if isinstance(item, Node):
                    yield item

    def walk(self) -> Iterator[Node]:
        """This node and all its descendants, depth first."""
        yield self
        for child in self.children():
            yield from child.walk()


# --------------------------------------------------------------------------- literals

# A numeric literal keeps the drafter's text (30万) and its exact value in yuan,
# as a fraction (0.30 for 30%) or as a plain number. No float ever exists.
Unit = Lit["yuan", "percent", "plain"]


@dataclass(frozen=True)
class Number(Node):
    value: Decimal
    unit: Unit
    text: str

    @property
    def is_money(self) -> bool:
        # A plain number where money is expected is yuan (the design-card `cap 300000`).
        return self.unit in ("yuan", "plain")


@dataclass(frozen=True)
class Label(Node):
    """Bilingual text. Either language may be missing: the checker reports it."""

    zh: str | None = None
    en: str | None = None

    def get(self, lang: str) -> str:
        text = self.zh if lang == "zh" else self.en
        return text if text is not None else (self.en or self.zh or "")


@dataclass(frozen=True)
class SourceRef(Node):
    """A clause of one of the seed documents: ``source expo 2`` or ``source expo 附则``."""

    doc: str
    clause: str

    def __str__(self) -> str:
        return f"{self.doc} {self.clause}"


# --------------------------------------------------------------------------- effective periods


@dataclass(frozen=True)
class Period(Node):
    """An effective period, both ends included: ``effective 2023-04-11 to 2028-04-10``, or
    in whole years ``effective 2031 to 2033`` (1 January 2031 to 31 December 2033)."""

    start: date
    end: date
    by_day: bool = False  # an end was written as a day: rendered as days, decided by date

    @property
    def years(self) -> tuple[int, int]:
        return (self.start.year, self.end.year)

    @property
    def whole_years(self) -> bool:
        """Starts on 1 January and ends on 31 December: the year alone decides."""
        return (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31)

    def iso(self) -> tuple[str, str]:
        return (self.start.isoformat(), self.end.isoformat())


# --------------------------------------------------------------------------- policy header


@dataclass(frozen=True)
class Policy(Node):
    id: str
    title: Label | None = None
    issued: date | None = None
    effective: Period | None = None
    issuer: Label | None = None
    interpreter: Label | None = None
    notes: tuple[Label, ...] = ()
    revises: str | None = (
        None  # `revises expo`: the policy this one replaces (periods may not overlap)
    )


# --------------------------------------------------------------------------- declarations


@dataclass(frozen=True)
class EnumMember(Node):
    name: str
    label: Label


@dataclass(frozen=True)
class EnumDecl(Node):
    name: str
    label: Label | None
    members: tuple[EnumMember, ...]


@dataclass(frozen=True)
class NamedType(Node):
    """money, rate, count, bool, date, year, text, or the name of a declared enum."""

    name: str


@dataclass(frozen=True)
class Field(Node):
    name: str
    type_name: str
    label: Label | None


@dataclass(frozen=True)
class ListType(Node):
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class SetType(Node):
    """``set of transform_kind``: several values of one enum, each at most once
    (a project that is 智能化 and 数字化 and 低碳化)."""

    enum: str


TypeRef = NamedType | ListType | SetType


@dataclass(frozen=True)
class InputDecl(Node):
    name: str
    type: TypeRef
    origin: str | None  # "enterprise" for profile facts; None for a claim's own facts
    label: Label
    unit: Label | None = None  # `unit zh "台" en "machine"`: a count's (a list item's) measure word


@dataclass(frozen=True)
class ParamValue(Node):
    value: Number
    since: date
    ref: Label


@dataclass(frozen=True)
class ParamDecl(Node):
    name: str
    type_name: str
    label: Label
    values: tuple[ParamValue, ...]


@dataclass(frozen=True)
class AgencyDecl(Node):
    name: str  # the Chinese name is the id: 市工业和信息化局
    label: Label | None


@dataclass(frozen=True)
class MatterDecl(Node):
    """The name of a matter (`matter vat_growth` in measures), in both languages."""

    name: str
    label: Label


# --------------------------------------------------------------------------- award forms


@dataclass(frozen=True)
class Ref(Node):
    name: str


@dataclass(frozen=True)
class Increase(Node):
    """``increase of new over old``: the growth, never negative (地方留成新增部分)."""

    new: str
    old: str


Operand = Ref | Increase
Rate = Number | Ref  # a literal percentage or a parameter such as the benchmark rate


@dataclass(frozen=True)
class Percent(Node):
    rate: Rate
    base: tuple[Operand, ...]
    base_label: Label | None = None  # the law's name for the base (…等费用总和)


@dataclass(frozen=True)
class Matching(Node):
    """配套: a share of an award granted by a higher level of government."""

    rate: Rate
    higher_award: str


@dataclass(frozen=True)
class Fixed(Node):
    amount: Number


@dataclass(frozen=True)
class Range(Node):
    """A discretionary amount (50—100万): the evaluator reports both ends."""

    low: Number
    high: Number


@dataclass(frozen=True)
class PerStep(Node):
    """``10万 per 1亿 of increase of loans over loans_last_year``: the amount for each
    whole ``size`` of the base, this year (每增加1亿元给予10万元, paid every year on that
    year's base; steps that accumulate over the years are `steps`)."""

    amount: Number
    size: Number
    base: tuple[Operand, ...]


SimpleForm = Percent | Matching | Fixed | Range | PerStep

BoundOp = Lit["at_least", "more_than", "at_most", "less_than"]


@dataclass(frozen=True)
class Bound(Node):
    op: BoundOp
    value: Number


@dataclass(frozen=True)
class TierRow(Node):
    """A tier: an interval given by up to two bounds; ``otherwise`` has neither."""

    low: Bound | None
    high: Bound | None
    form: SimpleForm
    otherwise: bool = False


@dataclass(frozen=True)
class CaseArm(Node):
    value: str
    form: SimpleForm


@dataclass(frozen=True)
class ByCase(Node):
    on: str
    arms: tuple[CaseArm, ...]


@dataclass(frozen=True)
class Tiers(Node):
    on: str
    rows: tuple[TierRow, ...]
    first_match: bool = False  # default hit policy: exactly one tier matches


@dataclass(frozen=True)
class Steps(Node):
    """One award per step of ``size`` that ``on`` has passed (>) or reached (>=);
    the rows, read on the step's threshold, say what each step pays."""

    size: Number
    crossing: Lit["passed", "reached"]
    on: str
    rows: tuple[TierRow, ...]
    first_time: bool = False  # steps passed in a past year (history of facts) are not new


@dataclass(frozen=True)
class Each(Node):
    """Per-item aggregation over a list input: the inner form reads item fields."""

    over: str
    form: Form


@dataclass(frozen=True)
class Stage(Node):
    name: str
    share: Number | None  # None for the clawback stage
    clawback: bool = False


@dataclass(frozen=True)
class Staged(Node):
    on: str
    stages: tuple[Stage, ...]
    form: Form


Form = Percent | Matching | Fixed | Range | PerStep | ByCase | Tiers | Steps | Each | Staged


@dataclass(frozen=True)
class Award(Node):
    ceiling: bool  # "up to": the text allows at most this amount (不超过 / 以内 / 最高)
    form: Form


CapScope = Lit["claim", "item", "project", "product", "year", "enterprise"]


@dataclass(frozen=True)
class Cap(Node):
    amount: Number
    scope: CapScope = "claim"


@dataclass(frozen=True)
class Once(Node):
    key: str | None = None  # None: once per enterprise; else once per product/level/...
    more: tuple[str, ...] = ()  # further keys: `once per kind, level` is once per pair
    top_up: bool = False  # `once top up`: a later, higher claim pays the difference (补差)

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.key, *self.more) if self.key else ()


# --------------------------------------------------------------------------- conditions


@dataclass(frozen=True)
class Truthy(Node):
    name: str


CompareOp = Lit["at_least", "more_than", "at_most", "less_than", "equal"]


@dataclass(frozen=True)
class Compare(Node):
    name: str
    op: CompareOp
    value: Number
    first_time: bool = False  # 首次: holds now and in no earlier year the history records


@dataclass(frozen=True)
class IsValue(Node):
    name: str
    value: str


@dataclass(frozen=True)
class InValues(Node):
    name: str
    values: tuple[str, ...]


Quantifier = Lit["all", "any"]


@dataclass(frozen=True)
class Contains(Node):
    """``x contains v`` / ``x contains all of (a, b)`` / ``x contains any of (a, b)`` on a
    set-valued fact. One value is ``all`` of one (``one`` keeps how it was written)."""

    name: str
    values: tuple[str, ...]
    quantifier: Quantifier = "all"
    one: bool = False


@dataclass(frozen=True)
class CountOf(Node):
    """``number of x at least 2``: how many values a set-valued fact holds."""

    name: str
    op: CompareOp
    value: Number


@dataclass(frozen=True)
class Not(Node):
    operand: Cond


@dataclass(frozen=True)
class AllOf(Node):
    operands: tuple[Cond, ...]


@dataclass(frozen=True)
class AnyOf(Node):
    operands: tuple[Cond, ...]


Cond = Truthy | Compare | IsValue | InValues | Contains | CountOf | Not | AllOf | AnyOf
# The conditions that read one named fact (the leaves of a condition tree).
Atom = Truthy | Compare | IsValue | InValues | Contains | CountOf
ATOMS = (Truthy, Compare, IsValue, InValues, Contains, CountOf)


# --------------------------------------------------------------------------- examples


@dataclass(frozen=True)
class DateValue(Node):
    value: date


@dataclass(frozen=True)
class NameValue(Node):
    name: str  # true / false / an enum member


@dataclass(frozen=True)
class ListValue(Node):
    records: tuple[tuple[Fact, ...], ...]


@dataclass(frozen=True)
class SetValue(Node):
    """``[smart, digital]``: the value of a set-valued fact in a worked example."""

    members: tuple[str, ...]


Value = Number | DateValue | NameValue | ListValue | SetValue


@dataclass(frozen=True)
class Fact(Node):
    name: str
    value: Value


@dataclass(frozen=True)
class Prior(Node):
    """An award already paid, given to an example as history."""

    measure: str
    amount: Number
    year: int
    keys: tuple[Fact, ...] = ()


@dataclass(frozen=True)
class PastFact(Node):
    """A fact of an earlier year, given to an example as history (`given x = v in 2019`)."""

    name: str
    value: Value
    year: int


OutcomeKind = Lit["amount", "range", "not_eligible", "undetermined"]


@dataclass(frozen=True)
class Outcome(Node):
    kind: OutcomeKind
    amount: Number | None = None
    high: Number | None = None


@dataclass(frozen=True)
class ClaimCase(Node):
    """``claim a: m-1 fees = 30万 -> 9万``: one claim of a multi-claim example."""

    name: str
    measure: str
    facts: tuple[Fact, ...]
    outcome: Outcome


@dataclass(frozen=True)
class Example(Node):
    name: str | None  # the English name (or the only one): test reports and ids use it
    year: int | None
    facts: tuple[Fact, ...]
    priors: tuple[Prior, ...]
    outcome: Outcome  # a multi-claim example: the total (kind "amount")
    past: tuple[PastFact, ...] = ()
    day: date | None = None  # `example on 2023-04-11 …`: the claim's date (year is its year)
    # Several claims, judged as one application with every rule of the set; `facts` are
    # shared by all of them. Empty: a one-claim example of the enclosing measure.
    claims: tuple[ClaimCase, ...] = ()
    name_zh: str | None = None  # `example zh "一般情形" en "ordinary"`: the Chinese name

    def title(self, lang: str) -> str | None:
        """The name a page in ``lang`` shows: its own language's, else the only one."""
        if lang == "zh":
            return self.name_zh or self.name
        return None if self.name_zh is not None and self.name == self.name_zh else self.name


# --------------------------------------------------------------------------- measures


@dataclass(frozen=True)
class Measure(Node):
    id: str
    source: SourceRef | None = None
    title: Label | None = None
    departments: tuple[str, ...] = ()
    requires: tuple[Cond, ...] = ()
    awards: tuple[Award, ...] = ()  # exactly one; the checker reports 0 or 2+
    caps: tuple[Cap, ...] = ()
    once: Once | None = None
    max_years: Number | None = None
    consecutive: bool = False  # `for at most N consecutive years`: counted from the first award
    identified_by: str | None = None  # `identified by project|product`; None: inferred
    item_label: Label | None = None  # `identified by product zh "品种"`: the law's word for it
    called: Label | None = None  # `called zh "后补助" en "…"`: the law's word for the award
    effective: Period | None = None  # a measure's own period, inside its policy's
    matter: str | None = None
    documents: tuple[Label, ...] = ()
    notes: tuple[Label, ...] = ()
    examples: tuple[Example, ...] = ()

    @property
    def award(self) -> Award:
        return self.awards[0]

    @property
    def item(self) -> str | None:
        """What one claim is for: `identified by`, else a per-project / per-product cap
        or once key, else None (the enterprise, in the application year)."""
        if self.identified_by:
            return self.identified_by
        for cap in self.caps:
            if cap.scope in ("project", "product"):
                return cap.scope
        for key in self.once.keys if self.once else ():
            if key in ("project", "product"):
                return key
        return None


# --------------------------------------------------------------------------- rules (附则)


@dataclass(frozen=True)
class Eligible(Node):
    cond: Cond


@dataclass(frozen=True)
class Exclude(Node):
    flags: tuple[str, ...]


@dataclass(frozen=True)
class NoStacking(Node):
    key: str  # the claim field that groups claims: matter, project, ...
    across: Lit["policy", "set"]
    keep: Lit["highest", "all"]
    matching_only: bool = False  # only a matching award against an own-level award
    tie: Lit["first", "last"] = "first"  # equal amounts: the claim listed first (or last) is kept


@dataclass(frozen=True)
class YearlyCap(Node):
    limit: str  # an enterprise input, e.g. local_retained_tax
    trim: Lit["latest", "largest", "proportionally"]


@dataclass(frozen=True)
class GroupCap(Node):
    """``total of expo-6, expo-7 at most 100万 [per …] if COND``: what the listed measures
    pay together is at most the amount, when the enterprise condition holds (上述奖励最高
    不超过…). Without a scope (None) it is per year, with awards already paid that year;
    ``per enterprise`` adds every earlier year; ``per project`` / ``per product`` takes
    each project (product) on its own, with its earlier awards under those measures."""

    measures: tuple[str, ...]
    limit: Number
    cond: Cond | None = None
    scope: CapScope | None = None


RuleBody = Eligible | Exclude | NoStacking | YearlyCap | GroupCap


@dataclass(frozen=True)
class Rule(Node):
    id: str
    source: SourceRef | None = None
    title: Label | None = None
    notes: tuple[Label, ...] = ()
    bodies: tuple[RuleBody, ...] = ()


# --------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class Goal(Node):
    comparator: Lit["about", "exactly", "at_least", "more_than", "at_most", "less_than", "between"]
    value: Number
    high: Number | None = None
    year: int | None = None  # None with yearly=True, or with within_years
    yearly: bool = False
    within_years: tuple[int, int] | None = None


@dataclass(frozen=True)
class Target(Node):
    id: str
    source: SourceRef | None = None
    title: Label | None = None
    unit: str | None = None
    unit_label: Label | None = None  # `unit count zh "家" en "enterprise"`: 2家以上
    goals: tuple[Goal, ...] = ()
    owners: tuple[str, ...] = ()
    aspiration: bool = False  # 力争: a goal striven for, not promised
    notes: tuple[Label, ...] = ()


@dataclass(frozen=True)
class Chain(Node):
    name: str
    title: Label | None = None
    goals: tuple[Goal, ...] = ()
    lead: str | None = None
    source: SourceRef | None = None


@dataclass(frozen=True)
class Task(Node):
    id: str
    source: SourceRef | None = None
    title: Label | None = None
    owners: tuple[str, ...] = ()


@dataclass(frozen=True)
class TextBlock(Node):
    id: str
    source: SourceRef | None = None
    title: Label | None = None
    body: Label | None = None


# --------------------------------------------------------------------------- a file

Item = (
    Policy
    | EnumDecl
    | InputDecl
    | ParamDecl
    | AgencyDecl
    | MatterDecl
    | Measure
    | Rule
    | Target
    | Chain
    | Task
    | TextBlock
)


@dataclass(frozen=True)
class Module(Node):
    """One .kfpl file: its items in source order."""

    path: str
    items: tuple[Item, ...]
    sha256: str
    # The file's text, so a check can point at a word inside a clause (an agency name).
    text: str = field(default="", compare=False, repr=False)

    def of_type(self, kind: type[T]) -> list[T]:
        return [item for item in self.items if isinstance(item, kind)]
