"""Each application of an impact population validated once, for every version.

The impact reads every application with each version it evaluates (the old and the new
version, and the intermediate versions of the attribution): ``Version.adapt`` renames
claims to the version's ids and leaves out what only the other version declares
(``kfpl.diff.readable.Reader``), then the version's application reader validates and
types every value. Validating is most of the impact's time, and every version types a
value the same way when it declares the fact the same way.

So the population is validated once against what any version declares (``Shared``:
the union of both versions' inputs, each measure reading every claim fact), and each
version's ``Application`` is a *projection* of that one (``Shared.project``): the same
renaming, leaving out and counting as ``adapt`` and ``Reader.fit``, over values already
typed. Whenever the projection could differ from the version's own reading, or that
reading could fail, the projection declines (None) and the caller reads the
application the version's own way, which gives the same result or the same error
message as before. tests/test_impact_validated.py checks that every projection equals
the version's own reading.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kfpl.runtime.application import (
    Application,
    ApplicationError,
    Claim,
    InputSpec,
    PastFacts,
    PriorAward,
    read_application,
)

if TYPE_CHECKING:
    from kfpl.diff.impact import Version


def _same(a: InputSpec, b: InputSpec) -> bool:
    """Declared alike for reading: a value reads the same (enum values may differ: a
    value one side lacks is left out or refused by the projection, never mistyped)."""
    return (a.type, a.origin, a.fields) == (b.type, b.origin, b.fields)


class Shared:
    """The union reading of a population, and each application's typed form (None where
    the union reading refused it: every version then reads it its own way)."""

    def __init__(self, old: Version, new: Version) -> None:
        inputs: dict[str, InputSpec] = {}
        conflicting: set[str] = set()
        for side in (old, new):
            for name, spec in side.runtime.inputs.items():
                have = inputs.get(name)
                if have is None:
                    inputs[name] = spec
                elif not _same(have, spec):
                    conflicting.add(name)  # read differently by the two sides: never shared
                elif spec.members != have.members:
                    extra = tuple(m for m in spec.members if m not in have.members)
                    inputs[name] = InputSpec(
                        name, have.type, have.origin, have.members + extra, have.fields
                    )
        for name in conflicting:
            del inputs[name]
        # Every measure reads every fact here (a set: the reader tests membership for each
        # fact; the order of its names shows only in a message, and a refused union
        # reading is never shown: the version's own reading gives the message).
        everything = frozenset(inputs)
        measures = {*old.runtime.measure_inputs, *new.runtime.measure_inputs}
        self.inputs = inputs
        self.measure_inputs: dict[str, Any] = {m: everything for m in sorted(measures)}
        self.typed: list[Application | None] = []
        # By id of the version, holding the version too: a version dropped after its
        # attribution step could otherwise free its id for the next one, which would then
        # be read with the first one's measures (a claim of a removed measure: KeyError).
        self._plain: dict[int, tuple[Version, _Plain]] = {}

    def read(self, apps: list[dict[str, Any]]) -> None:
        for app in apps:
            try:
                self.typed.append(read_application(app, self.inputs, self.measure_inputs))
            except ApplicationError:
                self.typed.append(None)

    def project(self, v: Version, raw: dict[str, Any], index: int) -> Application | None:
        """``v.runtime.read(v.adapt(raw))``, from the shared reading; None where it
        might differ (the caller then reads the application as before)."""
        typed = self.typed[index] if index < len(self.typed) else None
        if typed is None or v.reader is None:
            return None
        held = self._plain.get(id(v))
        if held is None or held[0] is not v:
            held = self._plain[id(v)] = (v, _Plain(v, self.inputs))
        plain = held[1]
        fast = plain.project(raw, typed)
        return fast if fast is not None else _Projection(v, raw, typed).run()


class _Plain:
    """The common case, without a look at each value: the version declares every fact
    of the application as the union does (the same type, and every value the union
    accepts), every claim's measure and every earlier award's; then nothing is left out
    or counted, and the version's reading keeps the facts its measures read: where
    that is every fact, it is the union's application itself."""

    def __init__(self, v: Version, union: dict[str, InputSpec]) -> None:
        def plain(name: str, origin: str) -> bool:
            mine, theirs = v.runtime.inputs.get(name), union.get(name)
            return (
                mine is not None
                and theirs is not None
                and mine.origin == origin
                and _same(mine, theirs)
                and mine.type != "set"  # set values are kept in each version's order
                and set(theirs.members) <= set(mine.members)
            )

        self.enterprise = {"id", "name"} | {n for n in union if plain(n, "enterprise")}
        self.facts = {n for n in union if plain(n, "claim")}
        self.reads = {m: frozenset(r) for m, r in v.reads.items()}

    def project(self, raw: dict[str, Any], typed: Application) -> Application | None:
        if not raw["enterprise"].keys() <= self.enterprise:
            return None
        claims = []
        raw_claims = raw["claims"]
        same = True  # every claim as the union read it: the union's application itself
        for claim in typed.claims:
            reads = self.reads.get(claim.measure)
            facts = raw_claims[claim.index].get("facts", {})
            if reads is None or not facts.keys() <= self.facts:
                return None
            if claim.facts.keys() <= reads:
                claims.append(claim)
                continue
            same = False
            kept = {k: v for k, v in claim.facts.items() if k in reads}
            claims.append(Claim(claim.id, claim.measure, kept, claim.keys, claim.index, claim.date))
        if any(p.measure not in self.reads for p in typed.history):
            return None
        if typed.past:  # the names as written (a null is refused if the version lacks it)
            known = self.facts | self.enterprise
            for h in raw["history"]:
                if "facts" in h and not h["facts"].keys() <= known:
                    return None
        if same:
            return typed  # shared by the versions: applications are never changed
        return Application(
            typed.year, typed.enterprise, tuple(claims), typed.history, typed.past, typed.date
        )


class _Declined(Exception):
    """The projection cannot vouch for this application: read it the version's way."""


class _Projection:
    def __init__(self, v: Version, raw: dict[str, Any], typed: Application) -> None:
        assert v.reader is not None
        self.v = v
        self.raw = raw
        self.typed = typed
        self.inputs = v.runtime.inputs
        self.reads = v.reads
        self.other = v.reader.other_inputs
        self.other_measures = v.reader.other_measures
        self.seen: set[tuple[str, str, str]] = set()

    def run(self) -> Application | None:
        try:
            app = Application(
                self.typed.year,
                self.enterprise(),
                self.claims(),
                self.history(),
                self.past(),
                self.typed.date,
            )
        except _Declined:
            return None
        assert self.v.reader is not None
        self.v.reader.left_out.update(self.seen)
        return app

    def kept(self, key: str, raw: Any, typed: Any, read: bool) -> Any:
        """``Reader._value`` then the version's reading of one fact (``read``: the
        version reads it; otherwise it is left out silently): the typed value, or
        ``_GONE`` where it is left out."""
        spec = self.inputs.get(key)
        other = self.other.get(key)
        if spec is None:
            if other is None:
                raise _Declined  # neither side declares it: the version refuses it
            self.seen.add(("field" if other.origin == "enterprise" else "fact", key, ""))
            return _GONE
        if spec.type == "enum" and isinstance(raw, str) and raw not in spec.members:
            if other is not None and not (other.type == "enum" and raw not in other.members):
                self.seen.add(("value", key, str(raw)))
                return _GONE
            if read:
                raise _Declined  # outside the version's values: it refuses it
        if not read:
            return _GONE
        if spec.type == "set":
            held = set(typed)
            if not held <= set(spec.members):
                raise _Declined
            return tuple(m for m in spec.members if m in held)
        return typed

    def enterprise(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in self.raw["enterprise"].items():
            if key in ("id", "name"):
                out[key] = self.typed.enterprise[key]
                continue
            spec = self.inputs.get(key)
            if spec is not None and spec.origin != "enterprise":
                raise _Declined
            kept = self.kept(key, value, self.typed.enterprise.get(key), True)
            if kept is not _GONE:
                out[key] = kept
        return out

    def claims(self) -> tuple[Claim, ...]:
        out: list[Claim] = []
        raw_claims = self.raw["claims"]
        for claim in self.typed.claims:
            raw = raw_claims[claim.index]
            if "id" not in raw:
                raise _Declined  # its default id depends on the claims the version keeps
            mid = claim.measure if claim.measure in self.reads else self.v.aliases.get(
                claim.measure, claim.measure
            )  # fmt: skip
            if mid not in self.reads:
                continue  # a measure the version does not have pays nothing: dropped
            reads = self.reads[mid]
            facts: dict[str, Any] = {}
            for key, value in raw.get("facts", {}).items():
                read = key in reads
                spec = self.inputs.get(key)
                if read and spec is not None and spec.origin == "enterprise":
                    raise _Declined  # a profile fact given as a claim's: the version refuses it
                kept = self.kept(key, value, claim.facts.get(key), read and value is not None)
                if kept is not _GONE:
                    facts[key] = kept
            out.append(Claim(claim.id, mid, facts, claim.keys, len(out), claim.date))
        return tuple(out)

    def history(self) -> tuple[PriorAward, ...]:
        out = []
        for prior in self.typed.history:
            mid = prior.measure if prior.measure in self.reads else self.v.aliases.get(
                prior.measure, prior.measure
            )  # fmt: skip
            if mid not in self.reads:
                if mid in self.other_measures:
                    self.seen.add(("measure", str(mid), ""))
                    continue
                raise _Declined  # the version knows no such measure: it refuses it
            out.append(PriorAward(mid, prior.year, prior.amount, prior.keys))
        return tuple(out)

    def past(self) -> tuple[PastFacts, ...]:
        raw_past = [h for h in self.raw.get("history", []) if "facts" in h]
        out = []
        for raw, typed in zip(raw_past, self.typed.past, strict=True):
            facts: dict[str, Any] = {}
            for key, value in raw["facts"].items():
                spec = self.inputs.get(key)
                if spec is None or spec.type == "list":
                    raise _Declined
                if value is None:
                    continue
                if spec.type == "enum" and value not in spec.members:
                    raise _Declined
                if spec.type == "set":
                    held = set(typed.facts[key])
                    if not held <= set(spec.members):
                        raise _Declined
                    facts[key] = tuple(m for m in spec.members if m in held)
                else:
                    facts[key] = typed.facts[key]
            out.append(PastFacts(typed.year, facts))
        return tuple(out)


_GONE = object()
