"""Which measures two versions of a set evaluate differently, for re-running only those.

The attribution of an impact runs the old version with one change applied after
another. An application's result can only move at a step if one of the measures it
claims (or has earlier awards of) is encoded differently at that step. A measure's
encoding here is everything its evaluation reads from the set: its own declaration, the
header of its policy, the parameters it names, the declarations (and enum members) of
the inputs it reads, and the measures it names. A changed policy header moves only its
own measures (a rule binds the measures of its policy by the policy's id, which stays);
a change to the set-level rules, to which policies there are or to which of them own
measures (a rule of a policy without measures binds every measure) can move any
application, so then every application is re-run.

Node equality ignores source positions (``span`` is not compared), so an item carried
over unchanged from one version into the next compares equal.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from kfpl.model import PolicySet
from kfpl.syntax import nodes as n

EVERYTHING = None


def names_in(node: Any) -> Iterator[str]:
    """Every identifier-like string in a node tree (ids, names, references)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, tuple | list):
        for item in node:
            yield from names_in(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from names_in(key)
            yield from names_in(value)
    elif dataclasses.is_dataclass(node) and not isinstance(node, type):
        for f in dataclasses.fields(node):
            if f.name != "span":
                yield from names_in(getattr(node, f.name))


def _inputs(ps: PolicySet, names: Any) -> tuple[Any, ...]:
    out = []
    for name in sorted(set(names)):
        decl = ps.inputs.get(name)
        if decl is None:
            continue
        enum = ps.enums.get(decl.type.name) if isinstance(decl.type, n.NamedType) else None
        out.append((name, decl, enum))
    return tuple(out)


def fingerprint(ps: PolicySet, mid: str, reads: Any) -> tuple[Any, ...] | None:
    measure = ps.measures.get(mid)
    if measure is None:
        return None
    names = set(names_in(measure))
    params = tuple((p, ps.params[p]) for p in sorted(names) if p in ps.params)
    return (measure, ps.policy_of(mid), params, _inputs(ps, set(reads) | names))


def _set_level(ps: PolicySet) -> tuple[Any, ...]:
    rules = tuple(sorted(ps.rules.items()))
    owners = tuple(sorted({pid for mid in ps.measures if (pid := ps.owner.get(mid))}))
    return (rules, tuple(sorted(ps.policies)), owners, _inputs(ps, names_in(rules)))


def changed_measures(a: PolicySet, a_reads: Any, b: PolicySet, b_reads: Any) -> set[str] | None:
    """The measure ids (of either version) whose evaluation may differ between ``a`` and
    ``b``; ``EVERYTHING`` (None) when the set-level rules or a policy header differ."""
    if _set_level(a) != _set_level(b):
        return EVERYTHING
    changed = {
        mid
        for mid in set(a.measures) | set(b.measures)
        if fingerprint(a, mid, a_reads.get(mid, ())) != fingerprint(b, mid, b_reads.get(mid, ()))
    }  # a policy header (its period) is part of each of its measures' fingerprint
    # A measure naming a changed one (an exclusion, earlier awards of it) may move too.
    for ps in (a, b):
        for mid, measure in ps.measures.items():
            if changed & set(names_in(measure)):
                changed.add(mid)
    return changed
