"""The checked model: the one input of every backend (evaluator, docs, diff).

A ``PolicySet`` is the set of modules (one per ``.kfpl`` file) with every name
resolved into lookup tables. It is built by ``kfpl.check.checker.check`` only after the
modules passed every check, so backends may assume ids are unique, names exist and
types agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kfpl.syntax import nodes as n

BUILTIN_TYPES = ("money", "rate", "count", "bool", "date", "year", "text")

# The claim fields an application may carry besides facts; stacking rules group by them.
CLAIM_KEYS = ("project", "product", "matter", "level", "step")


@dataclass
class PolicySet:
    modules: tuple[n.Module, ...]
    policies: dict[str, n.Policy] = field(default_factory=dict)
    enums: dict[str, n.EnumDecl] = field(default_factory=dict)
    inputs: dict[str, n.InputDecl] = field(default_factory=dict)
    params: dict[str, n.ParamDecl] = field(default_factory=dict)
    agencies: dict[str, n.AgencyDecl] = field(default_factory=dict)
    matters: dict[str, n.MatterDecl] = field(default_factory=dict)
    measures: dict[str, n.Measure] = field(default_factory=dict)
    rules: dict[str, n.Rule] = field(default_factory=dict)
    targets: dict[str, n.Target] = field(default_factory=dict)
    chains: dict[str, n.Chain] = field(default_factory=dict)
    tasks: dict[str, n.Task] = field(default_factory=dict)
    texts: dict[str, n.TextBlock] = field(default_factory=dict)
    # item id -> id of the policy whose file declares it
    owner: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, modules: tuple[n.Module, ...]) -> PolicySet:
        """Index the modules' items. Later duplicates are ignored (the checker reports them)."""
        ps = cls(modules)
        tables: dict[type, dict] = {  # type: ignore[type-arg]
            n.EnumDecl: ps.enums,
            n.InputDecl: ps.inputs,
            n.ParamDecl: ps.params,
            n.AgencyDecl: ps.agencies,
            n.MatterDecl: ps.matters,
            n.Measure: ps.measures,
            n.Rule: ps.rules,
            n.Target: ps.targets,
            n.Chain: ps.chains,
            n.Task: ps.tasks,
            n.TextBlock: ps.texts,
        }
        for module in modules:
            header = module.of_type(n.Policy)
            policy_id = header[0].id if header else module_stem(module.path)
            if header:
                ps.policies.setdefault(policy_id, header[0])
            for item in module.items:
                if isinstance(item, n.Policy):
                    continue
                key = item_key(item)
                table = tables[type(item)]
                if key not in table:
                    table[key] = item
                    ps.owner.setdefault(key, policy_id)
        return ps

    def policy_of(self, item_id: str) -> n.Policy | None:
        return self.policies.get(self.owner.get(item_id, ""))

    def period_of(self, measure_id: str) -> n.Period | None:
        """The period a measure is in force: its own (`effective` in the measure), else its
        policy's, else None (in force every year)."""
        measure = self.measures.get(measure_id)
        if measure is not None and measure.effective is not None:
            return measure.effective
        policy = self.policy_of(measure_id)
        return policy.effective if policy is not None else None

    def module_of_policy(self, policy_id: str) -> n.Module | None:
        for module in self.modules:
            header = module.of_type(n.Policy)
            if header and header[0].id == policy_id:
                return module
        return None

    def type_of(self, name: str) -> n.TypeRef | None:
        decl = self.inputs.get(name)
        if decl is not None:
            return decl.type
        param = self.params.get(name)
        if param is not None:
            return n.NamedType(param.type_name)
        return None

    def effective_years(self) -> tuple[int, int] | None:
        """The span covered by the fiscal policies' effective periods."""
        periods = [p.effective.years for p in self.policies.values() if p.effective]
        if not periods:
            return None
        return (min(a for a, _ in periods), max(b for _, b in periods))

    def reference_year(self) -> int:
        """The year an example or probe without a year of its own is read in: the first
        year of the set's effective periods, else the year its first policy was issued,
        else a fixed year (never today's, so results do not change with the calendar)."""
        span = self.effective_years()
        if span is not None:
            return span[0]
        issued = [p.issued.year for p in self.policies.values() if p.issued]
        return min(issued) if issued else 2000


def module_stem(path: str) -> str:
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    return name.removesuffix(".kfpl")


def item_key(item: n.Item) -> str:
    if isinstance(
        item, n.Chain | n.EnumDecl | n.InputDecl | n.ParamDecl | n.AgencyDecl | n.MatterDecl
    ):
        return item.name
    if isinstance(item, n.Policy):
        return item.id
    return item.id
