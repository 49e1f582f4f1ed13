"""What one version can read of an application written for both, or for the other.

A revision declares facts the other version does not know: a final version usually
adds enterprise fields and enum values to its consultation draft, and may drop
some. A probe built from both versions, or a population written for the new one, is
given to each version with only what that version declares:

* an enterprise field or a claim fact it does not declare is left out;
* a value outside its enum is left out, so the fact is missing there (the measure is
  *undetermined*, never judged on a guess);
* a prior award for a measure it does not have is left out.

Every omission is counted, so the report says what each side could not read. Only
what the *other* version declares is left out: a field neither version knows is bad
data and still fails as bad data (exit 2).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from kfpl.runtime import PolicySetRuntime
from kfpl.runtime.application import InputSpec

# kinds of omission, in the order reports list them
KINDS = ("field", "fact", "value", "measure")
LeftOut = Counter[tuple[str, str, str]]  # (kind, name, value) -> how many applications


class Reader:
    """Fits applications to one version, knowing what the other version declares."""

    def __init__(self, runtime: PolicySetRuntime, other: PolicySetRuntime) -> None:
        self.inputs = runtime.inputs
        self.measures = runtime.measure_inputs
        self.other_inputs = other.inputs
        self.other_measures = other.measure_inputs
        self.left_out: LeftOut = Counter()

    def fit(self, app: dict[str, Any]) -> dict[str, Any]:
        """``app`` with what only the other version declares left out (and counted once
        per application)."""
        seen: set[tuple[str, str, str]] = set()
        enterprise = {}
        for key, value in app.get("enterprise", {}).items():
            kept = self._value(key, value, seen)
            if kept is not _DROP:
                enterprise[key] = kept
        claims = []
        for claim in app.get("claims", []):
            facts = {}
            for key, value in claim.get("facts", {}).items():
                kept = self._value(key, value, seen)
                if kept is not _DROP:
                    facts[key] = kept
            claims.append({**claim, "facts": facts})
        history = []
        for prior in app.get("history", []):
            mid = prior.get("measure")
            if mid not in self.measures and mid in self.other_measures:
                seen.add(("measure", str(mid), ""))
                continue
            history.append(prior)
        self.left_out.update(seen)
        return {**app, "enterprise": enterprise, "claims": claims, "history": history}

    def _value(self, key: str, value: Any, seen: set[tuple[str, str, str]]) -> Any:
        spec = self.inputs.get(key)
        other = self.other_inputs.get(key)
        if spec is None:
            if other is None:
                return value  # neither version knows it: let the reader say so
            seen.add(("field" if other.origin == "enterprise" else "fact", key, ""))
            return _DROP
        if _outside(spec, value) and other is not None and not _outside(other, value):
            seen.add(("value", key, str(value)))
            return _DROP
        return value


_DROP = object()


def _outside(spec: InputSpec, value: Any) -> bool:
    return spec.type == "enum" and isinstance(value, str) and value not in spec.members


def left_out_json(old: LeftOut, new: LeftOut) -> list[dict[str, Any]]:
    """Both sides' omissions, in a stable order: side, kind, name, value."""
    rows = []
    for side, counter in (("old", old), ("new", new)):
        for (kind, name, value), count in sorted(
            counter.items(), key=lambda kv: (KINDS.index(kv[0][0]), kv[0][1], kv[0][2])
        ):
            rows.append({"side": side, "kind": kind, "name": name, "value": value, "count": count})
    return rows
