"""Whether one condition admits everyone another admits: how a rewritten condition is
told to be a widening (more generous), a narrowing (less generous) or neither.

``implies(a, b)`` is a sound, incomplete check: True only when every applicant who
meets ``a`` also meets ``b``. It knows ``or`` and ``and`` (an alternative added to an
``or`` widens it; a conjunct added to an ``and`` narrows it), ``in`` / ``is`` value
sets, and bounds on the same input (``at least 300万`` admits everyone ``at least
500万`` admits). Anything else is compared only for being the same condition.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from kfpl.diff import canon as c
from kfpl.syntax import nodes as n

Relation = Literal["same", "wider", "narrower", "unrelated"]


def implies(a: n.Cond, b: n.Cond) -> bool:
    if c.canon(a) == c.canon(b):
        return True
    if isinstance(a, n.AnyOf):
        return all(implies(op, b) for op in a.operands)
    if isinstance(b, n.AllOf):
        return all(implies(a, op) for op in b.operands)
    if isinstance(b, n.AnyOf) and any(implies(a, op) for op in b.operands):
        return True
    if isinstance(a, n.AllOf):
        return any(implies(op, b) for op in a.operands)
    values_a, values_b = _values(a), _values(b)
    if values_a is not None and values_b is not None:
        return values_a[0] == values_b[0] and values_a[1] <= values_b[1]
    if isinstance(a, n.Compare) and isinstance(b, n.Compare) and a.name == b.name:
        return _bound_implies(a, b)
    if isinstance(a, n.CountOf) and isinstance(b, n.CountOf) and a.name == b.name:
        return _bound_implies(a, b)
    if isinstance(a, n.Contains) and isinstance(b, n.Contains) and a.name == b.name:
        return _contains_implies(a, b)
    return False


def _contains_implies(a: n.Contains, b: n.Contains) -> bool:
    """Holding every value of A (or one of A) implies holding every value of B (or one)."""
    held_a, held_b = set(a.values), set(b.values)
    all_a = a.quantifier == "all" or len(held_a) == 1
    all_b = b.quantifier == "all" or len(held_b) == 1
    if all_a and all_b:
        return held_b <= held_a
    if all_a:
        return bool(held_a & held_b)
    if all_b:  # one of A, whichever it is, must be all of B: B is one value and A is B
        return held_a == held_b and len(held_b) == 1
    return held_a <= held_b


def relation(old: n.Cond, new: n.Cond) -> Relation:
    """How ``new`` stands to ``old``: the same applicants, more of them, fewer, or
    neither provably."""
    forward, backward = implies(old, new), implies(new, old)
    if forward and backward:
        return "same"
    if forward:
        return "wider"
    if backward:
        return "narrower"
    return "unrelated"


def related(old: n.Cond, new: n.Cond) -> bool:
    """Whether two conditions are two versions of one (so they are diffed as a change,
    not as one removed and one added): comparable, or sharing an input."""
    return relation(old, new) != "unrelated" or bool(inputs_of(old) & inputs_of(new))


def inputs_of(cond: n.Cond) -> set[str]:
    names: set[str] = set()
    for node in cond.walk():
        if isinstance(node, n.ATOMS):
            names.add(node.name)
    return names


def alternatives(cond: n.Cond) -> list[n.Cond]:
    """The operands of an ``or`` (a condition alone is an ``or`` of one)."""
    if isinstance(cond, n.AnyOf | n.AllOf) and len(cond.operands) == 1:
        return alternatives(cond.operands[0])
    if isinstance(cond, n.AnyOf):
        return list(cond.operands)
    return [cond]


def _values(cond: n.Cond) -> tuple[str, frozenset[str]] | None:
    if isinstance(cond, n.InValues):
        return cond.name, frozenset(cond.values)
    if isinstance(cond, n.IsValue):
        return cond.name, frozenset({cond.value})
    return None


def _bound_implies(a: n.Compare | n.CountOf, b: n.Compare | n.CountOf) -> bool:
    """``x a.op va`` implies ``x b.op vb``, for bounds on the same side."""
    va, vb = a.value.value, b.value.value
    lower = ("at_least", "more_than")
    upper = ("at_most", "less_than")
    if a.op == "equal":
        return _holds(va, b.op, vb)
    if a.op in lower and b.op in lower:
        # x >= va (or > va) implies x >= vb when va >= vb; implies x > vb when va > vb,
        # or va >= vb and a is strict
        if b.op == "at_least":
            return va >= vb
        return va > vb or (va == vb and a.op == "more_than")
    if a.op in upper and b.op in upper:
        if b.op == "at_most":
            return va <= vb
        return va < vb or (va == vb and a.op == "less_than")
    return False


def _holds(value: Decimal, op: str, bound: Decimal) -> bool:
    return {
        "at_least": value >= bound,
        "more_than": value > bound,
        "at_most": value <= bound,
        "less_than": value < bound,
        "equal": value == bound,
    }[op]
