"""Budget impact: run a population of applications through both versions.

Totals are exact (Decimal yuan, each result already rounded to the fen by the
evaluator) and reconcile: the per-enterprise results sum to the totals, and the totals
by measure, by enterprise group (``[impact] group_by`` in kfpl.toml) and by attributed change each sum to the same figures.

Attribution: the changed items (policy headers, measures, rules, parameters) are
applied to the old version one after another, in the order of the change list; the
impact of a step is the total after it minus the total before it. Interactions between
changes (a raised cap that only matters because a threshold was lowered) therefore land
on the later step; the report states the order. New declarations (inputs, enums) are
added before the first step since they change no result by themselves.

A claim for a measure a version does not have gets nothing in that version (a removed
measure pays nothing; an added one paid nothing before). Claims name measures by the id
of either version; a renamed measure's claims are followed to its new id. Enterprise
fields, facts and enum values that only one version declares are left out for the other
(``readable``), and the report counts the applications each omission touched.
"""

from __future__ import annotations

import heapq
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kfpl.diff.readable import Reader, left_out_json
from kfpl.diff.structural import Change, match_items, measure_similarity, rule_similarity
from kfpl.diff.validated import Shared
from kfpl.model import PolicySet, item_key
from kfpl.runtime.bilingual import Text
from kfpl.syntax import nodes as n

if TYPE_CHECKING:  # numpy and the kernels only when an impact runs
    from kfpl.diff.columnar_run import Evaluated
    from kfpl.population_tables import Origin
    from kfpl.runtime.application import Application

ZERO = Decimal(0)
TOP = 10


class ImpactError(Exception):
    """Population data that cannot be read: a usage error (exit 2); ``words`` in both
    languages where the reader wrote them, ``str()`` the English."""

    def __init__(self, message: str | Text) -> None:
        self.words = message if isinstance(message, Text) else Text.same(message)
        super().__init__(self.words.en)


# --------------------------------------------------------------------------- reading data


def load_population(
    path: str | Path, ps: PolicySet | Sequence[PolicySet] | None = None
) -> list[dict[str, Any]]:
    """Applications from JSON lines, or from a folder of CSV (or Parquet) tables (or one
    of its tables), each with where it came from. Money is kept as text, never float.
    ``ps``: the policy sets whose declarations type the tables' cells (a bool column is
    ``true``/``false``, a set one JSON), the later winning."""
    from kfpl.population_tables import TableError, applications, read_tables, types_of

    p = Path(path)
    if p.is_dir() or p.suffix in (".csv", ".parquet"):
        if not p.exists():
            raise ImpactError(f"no such file: {p}")
        sets = [] if ps is None else [ps] if isinstance(ps, PolicySet) else list(ps)
        types: dict[str, str] = {}
        for one in sets:
            types.update(types_of(one.inputs.values()))
        try:
            apps, origins = applications(read_tables(p), types)
        except TableError as exc:
            raise ImpactError(exc.words) from exc
        population = Population(apps, [o.where for o in origins])
        population.origins = origins
        return population
    if not p.exists():
        raise ImpactError(f"no such file: {p}")
    return _read_jsonl(p)


class Population(list[dict[str, Any]]):
    """Applications, and where each came from (``file:line``) for error messages."""

    def __init__(self, apps: Iterable[dict[str, Any]] = (), where: Iterable[str] = ()) -> None:
        super().__init__(apps)
        self.where = list(where)
        self.origins: list[Origin] = []  # from tables: the rows of each application

    def origin(self, index: int) -> str:
        return self.where[index] if index < len(self.where) else f"application {index + 1}"


def _as_written(exc: Any, claim_rows: list[int], history_rows: list[int]) -> Any:
    """``exc`` with its path naming the claim or earlier award of the application as
    written (a version's reading drops what it does not have, renumbering the rest)."""
    from kfpl.runtime import ApplicationError

    found = re.match(r"(claims|history)\[(\d+)\]", exc.path)
    if found is None:
        return exc
    rows = claim_rows if found.group(1) == "claims" else history_rows
    k = int(found.group(2))
    if k >= len(rows):
        return exc
    return ApplicationError(f"{found.group(1)}[{rows[k]}]{exc.path[found.end() :]}", exc.words)


def _refused(apps: list[dict[str, Any]], index: int, app: Any, exc: Exception) -> Text:
    """A version's reader refusing application ``index``: where it came from and the
    reader's words, in both languages (``kfpl diff --lang zh`` prints the Chinese)."""
    from kfpl.runtime import ApplicationError

    ent = app.get("enterprise") if isinstance(app, dict) else None
    who = ent.get("id", "?") if isinstance(ent, dict) else "?"
    origins = apps.origins if isinstance(apps, Population) else []
    if index < len(origins) and isinstance(exc, ApplicationError):
        return origins[index].locate(exc)  # the table, row and column, as the readers say
    if index < len(origins):  # a table row: named as the table readers name it
        origin = origins[index]
        path, row = origin.enterprises
        where = Text(f"{path} 第 {row} 行（企业 {origin.ident}，{origin.year} 年）", origin.where)
    elif isinstance(apps, Population):
        where = Text.same(apps.origin(index))
    else:
        where = Text(f"第 {index + 1} 份申报", f"application {index + 1}")
    zh = exc.text("zh") if isinstance(exc, ApplicationError) else str(exc)
    return Text(f"{where.zh}（企业 {who}）：{zh}", f"{where.en} (enterprise {who}): {exc}")


def _read_jsonl(p: Path) -> Population:
    try:
        with p.open(encoding="utf-8", errors="surrogateescape") as f:
            return read_jsonl_lines(f, str(p))
    except OSError as exc:
        raise ImpactError(f"{p}: cannot read: {exc.strerror}") from exc


_NOT_UTF8 = re.compile("[\udc80-\udcff]")


def read_jsonl_lines(lines: Iterable[str], label: str) -> Population:
    """One application per line, read one line at a time (a line is held only while it is
    parsed), each with the application reader's limits; a bad line is named by number."""
    from kfpl.runtime import ApplicationError
    from kfpl.runtime.application import loads

    out = Population()
    for number, line in enumerate(lines, 1):
        where = f"{label}:{number}"
        line = line.strip()
        if not line:
            continue
        bad = _NOT_UTF8.search(line)
        if bad is not None:  # bytes that are not UTF-8 (kept by surrogateescape)
            raise ImpactError(f"{where}: not UTF-8 text (column {bad.start() + 1})")
        try:
            data = loads(line)
        except ApplicationError as exc:
            raise ImpactError(f"{where}: {exc}") from exc
        if not isinstance(data, dict):
            raise ImpactError(f"{where}: expected an application object")
        if "kfpl_population" in data:
            continue  # the header line of a generated population
        _shape(data, where)
        out.append(data)
        out.where.append(where)
    return out


def _shape(app: dict[str, Any], where: str) -> None:
    """What ``Version.adapt`` relies on, checked before it runs (the rest is the
    application reader's, later, with the same line number)."""
    for key, what in (("claims", "claim"), ("history", "prior award")):
        items = app.get(key, [])
        if not isinstance(items, list):
            raise ImpactError(f"{where}: {key}: expected a list")
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                raise ImpactError(f"{where}: {key}[{i}]: expected a {what} object")
            if key == "history" and "measure" not in item and "facts" in item:
                continue  # facts of a past year (首次超过), not an award
            if not isinstance(item.get("measure"), str):
                raise ImpactError(f"{where}: {key}[{i}].measure: expected a measure id (text)")
            if key == "claims" and not isinstance(item.get("facts", {}), dict):
                raise ImpactError(f"{where}: {key}[{i}].facts: expected an object of facts")


# --------------------------------------------------------------------------- running


@dataclass
class Run:
    """Results of one version over the population."""

    totals: list[Decimal] = field(default_factory=list)  # per application
    by_measure: dict[str, Decimal] = field(default_factory=dict)
    capped: dict[str, int] = field(default_factory=dict)
    claims: dict[str, int] = field(default_factory=dict)
    yearly_limit_binds: int = 0
    fen: list[int] = field(default_factory=list)  # the totals in fen (the summary adds these)

    @property
    def total(self) -> Decimal:
        return sum(self.totals, ZERO)


class Version:
    """A program plus the id mapping that lets claims name either version's ids."""

    def __init__(self, ps: PolicySet, aliases: dict[str, str]) -> None:
        from kfpl.columnar.batch import Compiled

        self.ps = ps
        self.engine = Compiled.of(ps).engine()  # the columnar kernels, the runtime beside
        self.runtime = self.engine.runtime
        self.aliases = aliases  # claim measure id -> this version's id
        self.reads = self.runtime.measure_inputs
        self.reader: Reader | None = None
        self.shared: Shared | None = None  # the population validated once, for every version

    def reading(self, other: Version) -> Version:
        """Leave out, in this version, what only ``other`` declares."""
        self.reader = Reader(self.runtime, other.runtime)
        return self

    def adapt(self, app: dict[str, Any]) -> dict[str, Any]:
        """The application as this version reads it: claims under this version's ids
        (a measure it does not have pays nothing, so its claim is dropped), then only
        the fields, facts and values it declares, then only the facts each measure reads."""
        return self.adapted(app)[0]

    def adapted(self, app: dict[str, Any]) -> tuple[dict[str, Any], list[int], list[int]]:
        """``adapt``, and the position in ``app`` of each claim and earlier award kept
        (so that a refusal names the row the applicant wrote)."""
        claims, claim_rows = [], []
        for row, claim in enumerate(app.get("claims", [])):
            mid = claim["measure"]
            if mid not in self.reads:
                mid = self.aliases.get(mid, mid)  # a renamed measure, under this version's id
            if mid in self.reads:
                claims.append({**claim, "measure": mid})
                claim_rows.append(row)
        history = [
            h
            if "measure" not in h  # facts of an earlier year
            else {
                **h,
                "measure": h["measure"]
                if h["measure"] in self.reads
                else self.aliases.get(h["measure"], h["measure"]),
            }
            for h in app.get("history", [])
        ]
        position = {id(h): row for row, h in enumerate(history)}
        app = {**app, "claims": claims, "history": history}
        if self.reader is not None:
            app = self.reader.fit(app)  # keeps the claims; keeps or drops each record as is
        for claim in app["claims"]:
            reads = self.reads[claim["measure"]]
            claim["facts"] = {k: v for k, v in claim.get("facts", {}).items() if k in reads}
        return app, claim_rows, [position[id(h)] for h in app["history"]]

    def read(
        self, apps: list[dict[str, Any]], tick: Any = None, indices: list[int] | None = None
    ) -> list[Application]:
        """Each application as this version reads it: projected from the shared reading
        where it can be (``kfpl.diff.validated``), else adapted and validated here.
        ``indices``: the applications' positions in the shared population."""
        from kfpl.runtime import ApplicationError

        out = []
        for index, app in enumerate(apps):
            if self.shared is not None:
                projected = self.shared.project(self, app, indices[index] if indices else index)
                if projected is not None:
                    out.append(projected)
                    if tick is not None:
                        tick(1)
                    continue
            adapted, claim_rows, history_rows = self.adapted(app)
            try:
                out.append(self.runtime.read(adapted))
            except ApplicationError as exc:
                where = _as_written(exc, claim_rows, history_rows)
                raise ImpactError(_refused(apps, index, app, where)) from exc
            if tick is not None:
                tick(1)
        return out

    def evaluate(
        self,
        apps: list[dict[str, Any]],
        tick: Any = None,
        indices: list[int] | None = None,
        claims: bool = True,
    ) -> Evaluated:
        """Per-application totals, claims and yearly-total decisions, on the columnar
        engine (the reference evaluator for what its kernels leave to it); with
        ``claims=False`` the totals only."""
        from kfpl.diff.columnar_run import evaluate

        return evaluate(self.engine, self.read(apps, tick, indices), claims)

    def run(self, apps: list[dict[str, Any]], canonical: dict[str, str], tick: Any = None) -> Run:
        return tally(self.evaluate(apps, tick), canonical)


def tally(done: Evaluated, canonical: dict[str, str]) -> Run:
    """The report's figures from per-application results."""
    out = Run(totals=[fen_yuan(t) for t in done.totals], fen=list(done.totals))
    fen_by_measure: dict[str, int] = {}
    for measure, status, fen, capped in zip(
        done.measure, done.status, done.fen, done.capped, strict=True
    ):
        mid = canonical.get(measure, measure)
        out.claims[mid] = out.claims.get(mid, 0) + 1
        if status in ("awarded", "capped"):
            fen_by_measure[mid] = fen_by_measure.get(mid, 0) + fen
        if capped or status == "capped":
            out.capped[mid] = out.capped.get(mid, 0) + 1
    out.by_measure = {mid: fen_yuan(fen) for mid, fen in fen_by_measure.items()}
    out.yearly_limit_binds = sum(done.binds)
    return out


def fen_yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def aliases_for(old: PolicySet, new: PolicySet) -> tuple[dict[str, str], dict[str, str]]:
    """(claim id -> old id, claim id -> new id) for renamed measures."""
    to_old: dict[str, str] = {}
    to_new: dict[str, str] = {}
    for a, b in match_items(old.measures, new.measures, measure_similarity, 0.6):
        if a and b and a != b:
            to_new[a] = b
            to_old[b] = a
    return to_old, to_new


# --------------------------------------------------------------------------- attribution


@dataclass
class Step:
    label: tuple[str, str]
    kind: str
    old_key: str | None
    new_key: str | None


def attribution_steps(old: PolicySet, new: PolicySet, changes: list[Change]) -> list[Step]:
    """One step per changed item with an effect on results, in change-list order."""
    steps: list[Step] = []
    seen: set[tuple[str, str]] = set()
    for ch in changes:
        if ch.item_kind not in ("policy", "measure", "rule", "parameter"):
            continue
        key = (ch.item_kind, ch.item)
        if key in seen:
            continue
        group = [c for c in changes if (c.item_kind, c.item) == key]
        if all(c.direction == "wording" for c in group):
            continue
        seen.add(key)
        old_key = ch.old_item or (ch.item if ch.action != "add" else None)
        new_key = ch.item if ch.action != "remove" else None
        rules = [c for c in group if c.direction != "wording" and c.check != "KD163"] or group
        what = "；".join(c.line("zh") for c in rules)
        what_en = "; ".join(c.line("en") for c in rules)
        ident = f"{ch.old_item} → {ch.item}" if ch.old_item else ch.item
        steps.append(
            Step((f"{ident}：{what}", f"{ident}: {what_en}"), ch.item_kind, old_key, new_key)
        )
    return steps


def _table(ps: PolicySet, kind: str) -> dict[str, Any]:
    tables: dict[str, dict[str, Any]] = {
        "policy": ps.policies,
        "measure": ps.measures,
        "rule": ps.rules,
        "parameter": ps.params,
    }
    return tables[kind]


def intermediate(old: PolicySet, new: PolicySet, steps: list[Step]) -> PolicySet:
    """``old`` with ``steps`` applied (and every new declaration added)."""
    items: list[list[n.Item]] = [list(m.items) for m in old.modules]
    owner_module = {}
    for index, module in enumerate(old.modules):
        header = module.of_type(n.Policy)
        if header:
            owner_module[header[0].id] = index

    def locate(kind: type, key: str) -> tuple[int, int] | None:
        for i, module_items in enumerate(items):
            for j, item in enumerate(module_items):
                if isinstance(item, kind) and item_key(item) == key:
                    return i, j
        return None

    # New declarations first: they change no result by themselves. An enum both
    # versions declare gets the union of their values, for the same reason.
    for module_items in items:
        for j, item in enumerate(module_items):
            if isinstance(item, n.EnumDecl) and item.name in new.enums:
                known = {m.name for m in item.members}
                extra = tuple(m for m in new.enums[item.name].members if m.name not in known)
                if extra:
                    module_items[j] = replace(item, members=item.members + extra)
    for decl_type, table in (
        (n.EnumDecl, new.enums),
        (n.InputDecl, new.inputs),
        (n.AgencyDecl, new.agencies),
        (n.ParamDecl, new.params),
    ):
        for key, decl in table.items():
            if locate(decl_type, key) is None:
                target = owner_module.get(new.owner.get(key, ""), 0)
                items[target].insert(_after_declarations(items[target]), decl)
    for step in steps:
        kind_type = {
            "policy": n.Policy,
            "measure": n.Measure,
            "rule": n.Rule,
            "parameter": n.ParamDecl,
        }[step.kind]
        where = locate(kind_type, step.old_key) if step.old_key else None
        replacement = _table(new, step.kind).get(step.new_key) if step.new_key else None
        if where is not None:
            i, j = where
            if replacement is None:
                del items[i][j]
            else:
                items[i][j] = replacement
        elif replacement is not None:
            owner = new.owner.get(step.new_key or "", step.new_key or "")
            target = owner_module.get(owner, len(items) - 1)
            items[target].append(replacement)
    modules = tuple(
        n.Module(m.path, tuple(module_items), m.sha256, span=m.span)
        for m, module_items in zip(old.modules, items, strict=True)
    )
    return PolicySet.build(modules)


def _after_declarations(module_items: list[n.Item]) -> int:
    for index, item in enumerate(module_items):
        if isinstance(item, n.Measure | n.Rule):
            return index
    return len(module_items)


# --------------------------------------------------------------------------- the report


def run_impact(
    old: PolicySet,
    new: PolicySet,
    data: str | Path,
    changes: list[Change],
    attribution: bool = True,
    progress: bool = False,
    apps: list[dict[str, Any]] | None = None,
    group_by: str | None = None,
) -> dict[str, Any]:
    """The impact of ``changes`` on the population; ``group_by`` names the enterprise
    enum input (the project file's ``[impact] group_by``) the report groups by."""
    if apps is None:
        from kfpl.diff.impact_columns import run as run_on_columns

        doc = run_on_columns(old, new, data, changes, attribution, group_by)
        if doc is not None:
            return doc
        apps = load_population(data, (old, new))
    to_old, to_new = aliases_for(old, new)
    aliases = {**to_old, **to_new}  # either version's id -> the other's
    old_v = Version(old, aliases)
    new_v = Version(new, aliases)
    old_v.reading(new_v)
    new_v.reading(old_v)
    shared = Shared(old_v, new_v)
    shared.read(apps)
    old_v.shared = new_v.shared = shared
    canonical = to_new  # report renamed measures under their new id
    steps = attribution_steps(old, new, changes) if attribution else []
    bar = _progress(progress, len(apps) * 2)
    tick = bar.update if bar is not None else None
    try:
        old_done = old_v.evaluate(apps, tick)
        new_done = new_v.evaluate(apps, tick)
        old_run, new_run = tally(old_done, canonical), tally(new_done, canonical)
        attributed = attribute(old_v, new_v, steps, apps, aliases, old_done, new_run.total)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    doc = summarise(
        Who.of(apps, group_by), old_run, new_run, attributed, str(data), old, new, to_new,
        group_by,
    )  # fmt: skip
    assert old_v.reader is not None and new_v.reader is not None
    doc["left_out"] = left_out_json(old_v.reader.left_out, new_v.reader.left_out)
    return doc


def attribute(
    old_v: Version,
    new_v: Version,
    steps: list[Step],
    apps: list[dict[str, Any]],
    aliases: dict[str, str],
    old_done: Evaluated,
    new_total: Decimal,
) -> list[dict[str, Any]]:
    """The impact of each step. A step re-runs only the applications naming a measure
    whose encoding it changes (``kfpl.diff.changed``); the others keep the totals of
    the step before."""
    from kfpl.diff.changed import changed_measures

    attributed: list[dict[str, Any]] = []
    fen = list(old_done.totals)  # per application, in the version after the last step
    named = [_measures_named(app) for app in apps]
    before, prev = fen_yuan(sum(fen)), old_v
    for index, step in enumerate(steps, 1):
        if index == len(steps):
            after = new_total  # the last step lands exactly on the new version
        else:
            mid = Version(intermediate(old_v.ps, new_v.ps, steps[:index]), aliases)
            mid.reading(new_v)
            mid.shared = old_v.shared
            changed = changed_measures(prev.ps, prev.reads, mid.ps, mid.reads)
            touched = [
                i
                for i, ids in enumerate(named)
                if changed is None or any(m in changed or aliases.get(m) in changed for m in ids)
            ]
            if touched:
                where = apps.where if isinstance(apps, Population) else []
                sub = Population(
                    [apps[i] for i in touched],
                    [where[i] if i < len(where) else f"application {i + 1}" for i in touched],
                )
                done = mid.evaluate(sub, indices=touched, claims=False)
                for i, total in zip(touched, done.totals, strict=True):
                    fen[i] = total
            after, prev = fen_yuan(sum(fen)), mid
        attributed.append(
            {
                "order": index,
                "label": {"zh": step.label[0], "en": step.label[1]},
                "delta": _s(after - before),
            }
        )
        before = after
    return attributed


def _measures_named(app: dict[str, Any]) -> set[str]:
    """The measure ids an application's claims and earlier awards name."""
    return {
        str(item["measure"])
        for key in ("claims", "history")
        for item in app.get(key, [])
        if isinstance(item, dict) and "measure" in item
    }


def _progress(show: bool, length: int) -> Any:
    if not show:
        return None
    import click

    bar = click.progressbar(length=length, label="impact", file=sys.stderr)
    bar.__enter__()
    return bar


def _s(value: Decimal) -> str:
    return f"{value:.2f}"


@dataclass
class Who:
    """What the summary reads of each application, in input order: its enterprise, the
    enterprise's group (the ``group_by`` value, "—" where none), its year; and whether the
    population is synthetic (its first enterprise's name says 合成)."""

    enterprise: list[str]
    group: list[str]
    year: list[int]
    synthetic: bool

    @classmethod
    def of(cls, apps: list[dict[str, Any]], group_by: str | None) -> Who:
        ents = [a["enterprise"] for a in apps]
        return cls(
            [str(e.get("id", "")) for e in ents],
            [str(e.get(group_by, "—")) if group_by else "—" for e in ents],
            [int(a.get("year", 0)) for a in apps],
            any(str(e.get("name", "")).startswith("合成") for e in ents[:1]),
        )


def summarise(
    who: Who,
    old_run: Run,
    new_run: Run,
    attributed: list[dict[str, Any]],
    data: str,
    old: PolicySet,
    new: PolicySet,
    to_new: dict[str, str],
    group_by: str | None = None,
) -> dict[str, Any]:
    # Added up in fen, exact, and shown in yuan only where written out (a large
    # population has as many enterprises as applications).
    per_enterprise: dict[str, list[int]] = {}
    group_of: dict[str, str] = {}
    for eid, group, was, now in zip(
        who.enterprise, who.group, old_run.fen, new_run.fen, strict=True
    ):
        both = per_enterprise.get(eid)
        if both is None:
            per_enterprise[eid] = [was, now]
        else:
            both[0] += was
            both[1] += now
        group_of[eid] = group
    better = sum(1 for a, b in per_enterprise.values() if b > a)
    worse = sum(1 for a, b in per_enterprise.values() if b < a)
    groups: dict[str, list[int]] = {}
    for eid, (a, b) in per_enterprise.items():
        acc = groups.get(group_of[eid])
        if acc is None:
            groups[group_of[eid]] = [1, a, b]
        else:
            acc[0] += 1
            acc[1] += a
            acc[2] += b
    measures = sorted(
        set(old_run.by_measure)
        | set(new_run.by_measure)
        | set(old_run.claims)
        | set(new_run.claims),
        key=_natural,
    )
    total_old = fen_yuan(sum(a for a, _ in per_enterprise.values()))
    total_new = fen_yuan(sum(b for _, b in per_enterprise.values()))
    largest = heapq.nsmallest(
        TOP, per_enterprise.items(), key=lambda kv: (-abs(kv[1][1] - kv[1][0]), kv[0])
    )
    by_measure = [
        {
            "measure": m,
            "old": _s(old_run.by_measure.get(m, ZERO)),
            "new": _s(new_run.by_measure.get(m, ZERO)),
            "delta": _s(new_run.by_measure.get(m, ZERO) - old_run.by_measure.get(m, ZERO)),
            "claims_old": old_run.claims.get(m, 0),
            "claims_new": new_run.claims.get(m, 0),
            "capped_old": old_run.capped.get(m, 0),
            "capped_new": new_run.capped.get(m, 0),
        }
        for m in measures
    ]
    labels = member_labels(group_by, new, old) if group_by else {}
    by_group = [
        {
            "group": ch,
            "label": labels.get(ch, {"zh": ch, "en": ch}),
            "enterprises": acc[0],
            "old": _s(fen_yuan(acc[1])),
            "new": _s(fen_yuan(acc[2])),
            "delta": _s(fen_yuan(acc[2] - acc[1])),
        }
        for ch, acc in sorted(groups.items())
    ]
    sums = {
        "old_by_enterprise": _s(total_old),
        "new_by_enterprise": _s(total_new),
        "old_by_measure": _s(sum(old_run.by_measure.values(), ZERO)),
        "new_by_measure": _s(sum(new_run.by_measure.values(), ZERO)),
        "old_by_group": _s(fen_yuan(sum(acc[1] for acc in groups.values()))),
        "new_by_group": _s(fen_yuan(sum(acc[2] for acc in groups.values()))),
        "delta_by_attribution": _s(sum((Decimal(s["delta"]) for s in attributed), ZERO))
        if attributed
        else None,
    }
    ok = (
        total_old == old_run.total
        and total_new == new_run.total
        and sums["old_by_measure"] == _s(total_old)
        and sums["new_by_measure"] == _s(total_new)
        and sums["old_by_group"] == _s(total_old)
        and sums["new_by_group"] == _s(total_new)
        and (sums["delta_by_attribution"] in (None, _s(total_new - total_old)))
    )
    return {
        "data": data,
        "synthetic": "synthetic" in data or who.synthetic,
        "applications": len(who.year),
        "years": sorted(set(who.year)),
        "enterprises": len(per_enterprise),
        "totals": {"old": _s(total_old), "new": _s(total_new), "delta": _s(total_new - total_old)},
        "enterprises_changed": {
            "better": better,
            "worse": worse,
            "same": len(per_enterprise) - better - worse,
        },
        "by_measure": by_measure,
        "group_by": group_label(group_by, new, old) if group_by else None,
        "by_group": by_group,
        "yearly_limit_binds": {
            "old": old_run.yearly_limit_binds,
            "new": new_run.yearly_limit_binds,
        },
        "largest": [
            {
                "enterprise": eid,
                "group": group_of[eid],
                "group_label": labels.get(
                    group_of[eid], {"zh": group_of[eid], "en": group_of[eid]}
                ),
                "old": _s(fen_yuan(a)),
                "new": _s(fen_yuan(b)),
                "delta": _s(fen_yuan(b - a)),
            }
            for eid, (a, b) in largest
            if a != b
        ],
        "attribution": attributed,
        "attribution_order": "change list order; each step applied on top of the previous ones"
        if attributed
        else None,
        "reconciliation": {"ok": ok, **sums},
    }


def group_label(field: str, *sets: PolicySet) -> dict[str, str]:
    """The grouping field and its label, from the first set declaring it."""
    for ps in sets:
        decl = ps.inputs.get(field)
        if decl is not None and decl.label is not None:
            return {"field": field, "zh": decl.label.get("zh"), "en": decl.label.get("en")}
    return {"field": field, "zh": field, "en": field}


def member_labels(field: str, *sets: PolicySet) -> dict[str, dict[str, str]]:
    """Labels of the members of the enum input ``field``, from the first set declaring it."""
    for ps in sets:
        decl = ps.inputs.get(field)
        if decl is not None and isinstance(decl.type, n.NamedType) and decl.type.name in ps.enums:
            return {
                m.name: {"zh": m.label.get("zh"), "en": m.label.get("en")}
                for m in ps.enums[decl.type.name].members
            }
    return {}


def _natural(text: str) -> tuple[object, ...]:
    from kfpl.diff.structural import natural_key

    return natural_key(text)


__all__ = ["ImpactError", "load_population", "rule_similarity", "run_impact"]
