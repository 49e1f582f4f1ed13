"""Static checks on parsed modules; produces the checked model.

Every check appends diagnostics and carries on, so one run reports every problem.
"""

from __future__ import annotations

from kfpl import nodes as n
from kfpl.diagnostics import Diagnostic, Secondary, did_you_mean
from kfpl.model import BUILTIN_TYPES, PolicySet, item_key


class Checker:
    def __init__(self, modules: tuple[n.Module, ...]) -> None:
        self.modules = modules
        self.ps = PolicySet.build(modules)
        self.diags: list[Diagnostic] = []

    def error(self, code: str, message: str, span: n.Span, label: str = "", help: str = "",
              secondary: tuple[Secondary, ...] = ()) -> None:  # fmt: skip
        self.diags.append(Diagnostic(code, message, span, label, help, "error", secondary))

    def run(self) -> list[Diagnostic]:
        self.check_unique_ids()
        for measure in self.ps.measures.values():
            self.check_measure(measure)
        return self.diags

    def check_unique_ids(self) -> None:
        seen: dict[tuple[str, str], n.Item] = {}
        for module in self.modules:
            for item in module.items:
                kind = "declaration" if not isinstance(item, n.Measure | n.Rule) else "id"
                key = (kind, item_key(item))
                if key in seen:
                    first = seen[key]
                    self.error(
                        "KF0101",
                        f"`{item_key(item)}` is declared twice",
                        item.span,
                        label="second declaration",
                        help="give each item its own id, or delete one",
                        secondary=(Secondary(first.span, "first declared here"),),
                    )
                else:
                    seen[key] = item

    def resolve(self, name: str, span: n.Span) -> n.TypeRef | None:
        found = self.ps.type_of(name)
        if found is None:
            known = set(self.ps.inputs) | set(self.ps.params)
            guess = did_you_mean(name, known)
            self.error(
                "KF0201",
                f"unknown input `{name}`",
                span,
                label="not declared",
                help=f"did you mean `{guess}`?" if guess else f"declare it: `input {name}: money zh \"…\" en \"…\"`",
            )
        return found

    def check_measure(self, measure: n.Measure) -> None:
        if not measure.awards:
            self.error("KF0301", f"measure `{measure.id}` has no `award`", measure.span,
                       help="add a line such as `award 30% of booth_fees`")  # fmt: skip
        for node in measure.walk():
            if isinstance(node, n.Ref):
                self.resolve(node.name, node.span)


def check(modules: tuple[n.Module, ...]) -> tuple[PolicySet, list[Diagnostic]]:
    checker = Checker(modules)
    diags = checker.run()
    return checker.ps, diags


__all__ = ["BUILTIN_TYPES", "check"]
