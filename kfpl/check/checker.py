"""Static checks on parsed modules; produces the checked model.

Each concern lives in one module of ``kfpl.check`` (names, labels, sources, types,
tiers, measures, examples, rules). Every check appends diagnostics and carries on, so
one run reports every problem. A bug in a check never reaches the user as a
traceback: it becomes one ``KF0000`` diagnostic (an internal error to report), and the
remaining checks still run.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Mapping

from kfpl.check.base import Context
from kfpl.check.labels import check_labels
from kfpl.check.measures import check_measures
from kfpl.check.names import (
    check_agencies,
    check_declarations,
    check_file_names,
    check_headers,
    check_id_prefixes,
    check_unique,
)
from kfpl.check.periods import check_periods
from kfpl.check.rules import check_plan, check_rules
from kfpl.check.sources import Document, check_sources
from kfpl.check.units import check_units
from kfpl.diagnostics import Diagnostic, sort_key
from kfpl.model import BUILTIN_TYPES, PolicySet
from kfpl.runtime.bilingual import Text
from kfpl.syntax import nodes as n

Check = Callable[[Context], None]

# In the order a drafter reads a file: the set's shape, then each item's parts.
CHECKS: tuple[Check, ...] = (
    check_headers,
    check_file_names,
    check_unique,
    check_id_prefixes,
    check_declarations,
    check_units,
    check_periods,
    check_labels,
    check_sources,
    check_agencies,
    check_measures,
    check_rules,
    check_plan,
)


def _internal_error(check: Check, exc: BaseException, modules: tuple[n.Module, ...]) -> Diagnostic:
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    at = f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}" if frame else ""
    path = modules[0].path if modules else "<input>"
    return Diagnostic(
        "KF0000",
        Text(
            f"编译器内部错误（{check.__name__}）：{type(exc).__name__}"
            + (f"，位于 {at}" if at else ""),
            f"internal error in {check.__name__}: {type(exc).__name__}"
            + (f" at {at}" if at else ""),
        ),
        n.Span(path, 1, 1, 1, 2),
        help=Text(
            "这是 kfpl 本身的缺陷，并非政策文本的问题：请连同本文件一并报告",
            "this is a bug in kfpl, not in the policy: please report it with this file",
        ),
    )


def check(
    modules: tuple[n.Module, ...], documents: Mapping[str, Document] | None = None
) -> tuple[PolicySet, list[Diagnostic]]:
    """Check a policy set against its project's source documents; returns the checked
    model and every diagnostic, sorted."""
    ctx = Context(modules, documents)
    for run in CHECKS:
        try:
            run(ctx)
        except Exception as exc:  # a bug in kfpl: reported as KF0000, never a traceback
            ctx.diags.append(_internal_error(run, exc, modules))
    unique = list(dict.fromkeys(ctx.diags))
    unique.sort(key=sort_key)
    return ctx.ps, unique


__all__ = ["BUILTIN_TYPES", "check"]
