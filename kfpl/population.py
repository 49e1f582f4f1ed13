"""A seeded generator of plausible, clearly synthetic Kaifeng applications.

The population exists to demonstrate and test ``kfpl diff --impact``: it is not data
about real enterprises. Every enterprise is named ``合成企业NNNNN`` ("synthetic
enterprise") and carries ``"synthetic": true`` in the file's header line.

How it is drawn (all integer arithmetic on a seeded ``random.Random``; no floats touch
money):

* enterprises are spread over the eight key industry chains (plus electronic
  information and "other"), with the size mix of a prefecture-level city: about a third
  above-scale, half small and micro, the rest other;
* the local retained tax an enterprise paid this year depends on its size (above-scale
  30万–3000万, small and micro 2万–80万, other 5万–200万), drawn log-uniformly;
* each enterprise files 0–4 claims. Measures of the 主导产业 document (``ind``) are
  claimed only by enterprises of their own chain; the manufacturing measures (``mfg``)
  are open to all. Recognition awards and the revenue-step award are rarer than cost
  subsidies;
* each claim's facts are drawn from the measure's own thresholds and caps (log-uniform
  from a third of the lowest threshold to one and a half times the highest binding
  point), so claims fall on both sides of every boundary; small enterprises' amounts
  are scaled down;
* some enterprises carry history (a one-time award already received last year) and a
  few carry an exclusion flag, so those paths are exercised too.

``python -m kfpl.population --help`` writes JSON lines, CSV tables and/or Parquet tables.
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from kfpl.model import PolicySet
from kfpl.runtime.application import HISTORY_KEYS
from kfpl.syntax import nodes as n

FEN = Decimal("0.01")

# The eight key chains of the plan (with their weight in the population), plus two more.
CHAIN_WEIGHTS: dict[str, int] = {
    "agri_food": 18,
    "fine_chemicals": 12,
    "auto_parts": 12,
    "equipment": 14,
    "textiles": 10,
    "home_furnishing": 9,
    "new_materials_energy": 9,
    "pharma_devices": 8,
    "electronic_information": 5,
    "other": 3,
}

# ind clause -> the chain whose enterprises may claim it (clauses.md, ind table).
IND_CHAINS: dict[int, tuple[str, ...]] = {
    1: ("agri_food",),
    2: ("agri_food",),
    3: ("equipment",),
    4: ("equipment",),
    5: ("equipment",),
    6: ("new_materials_energy",),
    7: ("electronic_information",),
    8: ("electronic_information",),
    9: ("electronic_information",),
    10: ("pharma_devices",),
    11: ("pharma_devices",),
    12: ("pharma_devices",),
    13: ("auto_parts",),
    14: ("auto_parts",),
    15: ("auto_parts",),
    16: ("auto_parts",),
    17: ("fine_chemicals",),
    18: ("textiles",),
    19: ("textiles",),
    20: ("textiles",),
    21: ("home_furnishing",),
}

SIZES = (("above_scale", 35), ("small_micro", 52), ("other", 13))
TAX_RANGE = {  # local retained tax paid this year, yuan
    "above_scale": (300_000, 30_000_000),
    "small_micro": (20_000, 800_000),
    "other": (50_000, 2_000_000),
}
CLAIM_COUNTS = ((0, 8), (1, 40), (2, 30), (3, 15), (4, 7))


@dataclass(frozen=True)
class Options:
    enterprises: int = 1500
    seed: int = 2022
    year: int = 2022
    exclusion_rate_permille: int = 6  # each exclusion flag
    history_rate_percent: int = 12  # one-time awards already received


class Draw:
    """Integer-only random draws for money and counts."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def weighted(self, pairs: Iterable[tuple[Any, int]]) -> Any:
        items = list(pairs)
        total = sum(w for _, w in items)
        pick = self.rng.randrange(total)
        for item, weight in items:
            if pick < weight:
                return item
            pick -= weight
        raise AssertionError("unreachable")  # pragma: no cover

    def log_uniform(self, low: int, high: int) -> int:
        """An integer in [low, high], uniform in each decade and over decades (low ≥ 1)."""
        low, high = max(1, low), max(1, low, high)
        decades = []
        start = low
        while start <= high:
            end = min(high, start * 10 - 1)
            decades.append((start, end))
            start = end + 1
        a, b = decades[self.rng.randrange(len(decades))]
        return self.rng.randint(a, b)

    def money(self, low: int, high: int) -> str:
        """Yuan with fen, exact: ``"1234567.89"``."""
        yuan = self.log_uniform(low, high)
        fen = self.rng.randrange(100) if yuan < 10_000_000 else 0
        return f"{yuan}.{fen:02d}"

    def chance(self, percent: int, per: int = 100) -> bool:
        return self.rng.randrange(per) < percent


# --------------------------------------------------------------------------- measure profiles


def measure_chains(m: n.Measure) -> tuple[str, ...] | None:
    """The chains allowed to claim ``m`` (None: any)."""
    if m.source is None or m.source.doc != "ind":
        return None
    try:
        return IND_CHAINS.get(int(m.source.clause))
    except ValueError:
        return None


def measure_weight(m: n.Measure) -> int:
    """How often a measure is claimed, relative to a cost subsidy (10)."""
    form = m.award.form if m.awards else None
    if isinstance(form, n.Steps):
        return 1  # revenue steps of 50亿: only the largest enterprises
    if isinstance(form, n.Matching):
        return 2  # a higher-level award to match is itself rare
    if isinstance(form, n.Fixed | n.ByCase | n.Range) or m.once is not None:
        return 3  # recognitions are rarer than cost subsidies
    if isinstance(form, n.Staged):
        return 2
    return 10


_BOUNDS: dict[tuple[int, str], tuple[list[Decimal], list[Decimal]]] = {}


def input_bounds(m: n.Measure, name: str) -> list[Decimal]:
    """Thresholds on ``name`` and the base at which each cap binds (rate × base = cap)."""
    return _bounds(m, name)[0]


def input_thresholds(m: n.Measure, name: str) -> list[Decimal]:
    """Only the thresholds (requires, tier and step bounds), not the cap points."""
    return _bounds(m, name)[1]


def _bounds(m: n.Measure, name: str) -> tuple[list[Decimal], list[Decimal]]:
    # Keyed by identity: measures are immutable and live as long as their policy set;
    # the entry keeps the measure alive, so an id is never reused while cached.
    key = (id(m), name)
    found = _BOUNDS.get(key)
    if found is None:
        from kfpl.diff.behaviour import boundaries

        empty = PolicySet(())
        every = sorted(b for b in boundaries(m, name, empty, []) if b > 0)
        capless = sorted(b for b in boundaries(replace(m, caps=()), name, empty, []) if b > 0)
        found = (every, capless)
        _BOUNDS[key] = found
        _KEEP.append(m)
    return found


_KEEP: list[n.Measure] = []


def draw_fact(draw: Draw, ps: PolicySet, m: n.Measure, name: str, scale: int, year: int) -> Any:
    decl = ps.inputs[name]
    ty = decl.type
    if isinstance(ty, n.ListType):
        return draw_list(draw, ps, m, ty, scale)
    if isinstance(ty, n.SetType):
        return draw_set(draw, ps, m, ty, name)
    kind = ty.name
    if kind == "bool":
        return draw.chance(85)
    if kind == "money":
        low, high = money_range(input_bounds(m, name), scale, input_thresholds(m, name))
        return draw.money(low, high)
    if kind == "count":
        bounds = input_bounds(m, name)
        top = int(max(bounds) * 2) if bounds else 50
        return draw.rng.randint(0 if bounds else 1, max(top, 1))
    if kind == "rate":
        return f"0.{draw.rng.randint(1, 40):02d}"
    if kind == "year":
        return year - draw.rng.randint(0, 2)
    if kind == "date":
        return f"{year}-{draw.rng.randint(1, 12):02d}-{draw.rng.randint(1, 28):02d}"
    if kind == "text":
        return f"合成{name}"
    enum = ps.enums.get(kind)
    if enum is not None:
        wanted = [v for cond in m.requires for v in _wanted_values(cond, name)]
        members = [mem.name for mem in enum.members]
        if wanted and draw.chance(85):
            return draw.rng.choice(wanted)
        return draw.rng.choice(members)
    return None  # pragma: no cover - the checker admits no other type


def draw_set(draw: Draw, ps: PolicySet, m: n.Measure, ty: n.SetType, name: str) -> list[str]:
    """A set-valued fact: mostly holding the values the measure asks for (so claims are
    often eligible), plus each other value by chance; listed in the enum's order."""
    members = [mem.name for mem in ps.enums[ty.enum].members]
    wanted = {v for cond in m.requires for v in _wanted_values(cond, name)}
    keep_wanted = draw.chance(85)
    return [v for v in members if (v in wanted and keep_wanted) or draw.chance(30)]


def _wanted_values(cond: n.Cond, name: str) -> list[str]:
    out: list[str] = []
    for node in cond.walk():
        if isinstance(node, n.IsValue) and node.name == name:
            out.append(node.value)
        elif isinstance(node, n.InValues | n.Contains) and node.name == name:
            out.extend(node.values)
    return out


def money_range(
    bounds: list[Decimal], scale: int, thresholds: list[Decimal] | None = None
) -> tuple[int, int]:
    """Yuan, scaled by ``scale`` percent: from a third of the lowest threshold (a
    twentieth of the cap point when there is no threshold) to 1.5× the highest boundary."""
    if bounds:
        low = int(thresholds[0]) // 3 if thresholds else int(bounds[0]) // 20
        high = int(bounds[-1]) * 3 // 2
    else:
        low, high = 50_000, 5_000_000
    return max(1000, low * scale // 100), max(2000, high * scale // 100)


def draw_list(
    draw: Draw, ps: PolicySet, m: n.Measure, ty: n.ListType, scale: int
) -> list[dict[str, Any]]:
    caps = [cap.amount.value for cap in m.caps if cap.scope == "item"]
    rates = [
        node.rate.value
        for node in m.award.walk()
        if isinstance(node, n.Percent) and isinstance(node.rate, n.Number) and node.rate.value
    ]
    binding = [cap / rate for cap in caps for rate in rates]
    records = []
    for _ in range(draw.rng.randint(1, 12 if scale >= 100 else 4)):
        record: dict[str, Any] = {}
        for f in ty.fields:
            if f.type_name == "money":
                low, high = money_range(sorted(binding), 100)
                record[f.name] = draw.money(low, high)
            elif f.type_name == "count":
                record[f.name] = draw.rng.randint(1, 20)
            elif f.type_name == "bool":
                record[f.name] = draw.chance(85)
            else:
                enum = ps.enums.get(f.type_name)
                record[f.name] = draw.rng.choice([x.name for x in enum.members]) if enum else "合成"
        records.append(record)
    return records


# --------------------------------------------------------------------------- the population


_INPUTS: dict[int, list[str]] = {}


def claim_inputs(m: n.Measure, ps: PolicySet) -> list[str]:
    found = _INPUTS.get(id(m))
    if found is None:
        from kfpl.diff.behaviour import measure_inputs

        found = [x for x in measure_inputs(m, ps) if ps.inputs[x].origin != "enterprise"]
        _INPUTS[id(m)] = found
        _KEEP.append(m)
    return found


def generate(
    sets: PolicySet | list[PolicySet], options: Options = Options()
) -> list[dict[str, Any]]:
    """Applications for ``options.enterprises`` synthetic enterprises, one per line.

    With several policy sets (say, the policy in force and a revision), measures of
    any of them may be claimed: an enterprise that would apply for a new measure is
    part of the demand a revision's cost depends on.
    """
    sets = sets if isinstance(sets, list) else [sets]
    draw = Draw(options.seed)
    measures: dict[str, tuple[n.Measure, PolicySet]] = {}
    for ps in sets:
        for mid, m in ps.measures.items():
            measures.setdefault(mid, (m, ps))
    ordered = sorted(measures.items(), key=lambda kv: _natural(kv[0]))
    # 首次 is judged from the year before the earliest policy took effect.
    first_year = min(
        (p.effective.start.year for ps in sets for p in ps.policies.values() if p.effective),
        default=options.year,
    )
    flags = sorted(
        {
            flag
            for ps in sets
            for rule in ps.rules.values()
            for body in rule.bodies
            if isinstance(body, n.Exclude)
            for flag in body.flags
        }
    )
    profile_inputs: dict[str, n.InputDecl] = {}
    for ps in sets:
        for name, decl in ps.inputs.items():
            if decl.origin == "enterprise":
                profile_inputs.setdefault(name, decl)
    chain_members = _members(sets, "chain", list(CHAIN_WEIGHTS))
    size_members = _members(sets, "size", [s for s, _ in SIZES])
    allowed_by_chain: dict[str, list[tuple[tuple[str, n.Measure, PolicySet], int]]] = {}
    apps = []
    for index in range(1, options.enterprises + 1):
        chain = draw.weighted((c, CHAIN_WEIGHTS.get(c, 3)) for c in chain_members)
        size = draw.weighted((s, w) for s, w in SIZES if s in size_members)
        scale = {"above_scale": 100, "other": 40, "small_micro": 15}[size]
        low, high = TAX_RANGE[size]
        enterprise: dict[str, Any] = {"id": f"E{index:05d}", "name": f"合成企业{index:05d}"}
        for name, decl in profile_inputs.items():
            if name in flags:
                enterprise[name] = draw.chance(options.exclusion_rate_permille, 1000)
            elif name == "chain":
                enterprise[name] = chain
            elif name == "size":
                enterprise[name] = size
            elif name == "local_retained_tax":
                enterprise[name] = draw.money(low, high)
            elif isinstance(decl.type, n.NamedType) and decl.type.name == "bool":
                enterprise[name] = draw.chance(97)
            else:
                enterprise[name] = _profile_value(draw, sets, decl, size)
        if chain not in allowed_by_chain:
            allowed_by_chain[chain] = [
                ((mid, m, ps), measure_weight(m))
                for mid, (m, ps) in ordered
                if measure_chains(m) is None or chain in (measure_chains(m) or ())
            ]
        allowed = allowed_by_chain[chain]
        count = draw.weighted(CLAIM_COUNTS)
        claims: list[dict[str, Any]] = []
        history: list[dict[str, Any]] = []
        picked: set[str] = set()
        for k in range(count):
            mid, m, ps = draw.weighted(allowed)
            if mid in picked:
                continue
            picked.add(mid)
            facts = {
                name: draw_fact(draw, ps, m, name, scale, options.year)
                for name in claim_inputs(m, ps)
            }
            project = f"P{index:05d}-{k + 1}"
            if claims and draw.chance(10):
                project = claims[-1]["project"]  # a second measure for the same project
            claims.append(
                {
                    "id": f"c{k + 1}",
                    "measure": mid,
                    "project": project,
                    "product": f"X{index:05d}-{k + 1}",
                    "facts": facts,
                }
            )
            if m.once is not None and draw.chance(options.history_rate_percent):
                prior: dict[str, Any] = {
                    "measure": mid,
                    "year": options.year - 1,
                    "amount": draw.money(100_000, 1_000_000),
                }
                if m.once.key and m.once.key in facts:
                    prior[m.once.key] = facts[m.once.key]
                if m.once.key == "product":
                    prior["product"] = claims[-1]["product"]
                if m.once.key == "project":
                    prior["project"] = project
                history.append(prior)
        history.extend(_past_facts(draw, claims, measures, first_year, options.year))
        apps.append(
            {"year": options.year, "enterprise": enterprise, "claims": claims, "history": history}
        )
    return apps


def _first_time_inputs(m: n.Measure) -> list[str]:
    """Inputs a measure judges 首次 on: the history must give their earlier values."""
    names = []
    for node in m.walk():
        if isinstance(node, n.Steps | n.Compare) and node.first_time:
            names.append(node.on if isinstance(node, n.Steps) else node.name)
    return sorted(set(names))


def _past_facts(
    draw: Draw,
    claims: list[dict[str, Any]],
    measures: dict[str, tuple[n.Measure, PolicySet]],
    first_year: int,
    year: int,
) -> list[dict[str, Any]]:
    """Earlier years' values (2019, the year before the policy, to last year) of what the
    claimed measures judge 首次 on: 40–100% of this year's, so some steps are new."""
    past: dict[int, dict[str, Any]] = {}
    for claim in claims:
        m = measures[claim["measure"]][0]
        for name in _first_time_inputs(m):
            now = claim["facts"].get(name)
            if now is None:
                continue
            share = draw.rng.randint(40, 100)
            for earlier in range(first_year - 1, year):
                value = (Decimal(str(now)) * share / 100).quantize(Decimal("0.01"))
                past.setdefault(earlier, {})[name] = str(value)
    return [{"year": y, "facts": facts} for y, facts in sorted(past.items())]


def _profile_value(draw: Draw, sets: list[PolicySet], decl: n.InputDecl, size: str) -> Any:
    ty = decl.type
    if isinstance(ty, n.NamedType):
        if ty.name == "money":
            low, high = TAX_RANGE[size]
            return draw.money(low * 10, high * 10)
        if ty.name == "count":
            return draw.rng.randint(5, 500)
        for ps in sets:
            enum = ps.enums.get(ty.name)
            if enum is not None:
                return draw.rng.choice([m.name for m in enum.members])
    return None


def _members(sets: list[PolicySet], name: str, default: list[str]) -> list[str]:
    """The members of the enum an enterprise input takes (in declaration order)."""
    for ps in sets:
        decl = ps.inputs.get(name)
        if decl is not None and isinstance(decl.type, n.NamedType) and decl.type.name in ps.enums:
            return [m.name for m in ps.enums[decl.type.name].members]
    return default


def _natural(text: str) -> tuple[object, ...]:
    from kfpl.diff.structural import natural_key

    return natural_key(text)


# --------------------------------------------------------------------------- writing


HEADER = {
    "synthetic": True,
    "note": "Synthetic sample population generated by kfpl.population; not real enterprises. "
    "合成示例数据，并非真实企业。",
}


def write_jsonl(apps: list[dict[str, Any]], path: Path, options: Options) -> None:
    """One application per line, preceded by a ``#``-free header object marked synthetic."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as out:
        header = {
            "kfpl_population": 1,
            **HEADER,
            "seed": options.seed,
            "enterprises": options.enterprises,
            "year": options.year,
        }
        out.write(json.dumps(header, ensure_ascii=False, sort_keys=True) + "\n")
        for app in apps:
            out.write(json.dumps(app, ensure_ascii=False, separators=(",", ":")) + "\n")


Table = tuple[list[str], list[list[Any]]]


def tables(apps: list[dict[str, Any]]) -> dict[str, Table]:
    """The applications flattened into tables (the layout: ``kfpl.population_tables``):
    enterprises (one row per enterprise and year), claims (one column per fact, named
    after the input), history (earlier awards) and past (facts of earlier years, one
    column per fact). Cells as the JSON model writes them (money as decimal strings,
    sets and lists as JSON text); None where not given."""
    profile = sorted({k for app in apps for k in app["enterprise"]} - {"id", "name"})
    claim_facts = sorted({k for app in apps for cl in app["claims"] for k in cl["facts"]})
    past_facts = sorted(
        {k for app in apps for h in app["history"] if "facts" in h for k in h["facts"]}
    )
    enterprises = [
        [e["id"], e.get("name", ""), app["year"], *(e.get(k) for k in profile)]
        for app in apps
        for e in (app["enterprise"],)
    ]
    claims = [
        [
            app["enterprise"]["id"],
            app["year"],
            cl["id"],
            cl["measure"],
            cl.get("project"),
            cl.get("product"),
            *(cl["facts"].get(k) for k in claim_facts),
        ]
        for app in apps
        for cl in app["claims"]
    ]
    history = [
        [
            app["enterprise"]["id"],
            app["year"],
            h["measure"],
            h["year"],
            h["amount"],
            *(h.get(k) for k in HISTORY_KEYS),
        ]
        for app in apps
        for h in app["history"]
        if "facts" not in h  # facts of earlier years: the past table
    ]
    past = [
        [app["enterprise"]["id"], app["year"], h["year"], *(h["facts"].get(k) for k in past_facts)]
        for app in apps
        for h in app["history"]
        if "facts" in h
    ]
    return {
        "enterprises": (["id", "name", "year", *profile], enterprises),
        "claims": (
            ["enterprise", "year", "id", "measure", "project", "product", *claim_facts],
            claims,
        ),
        "history": (
            ["enterprise", "application_year", "measure", "year", "amount", *HISTORY_KEYS],
            history,
        ),
        "past": (["enterprise", "application_year", "year", *past_facts], past),
    }


def write_tables(apps: list[dict[str, Any]], folder: Path) -> None:
    """The applications as CSV tables: enterprises.csv, claims.csv, history.csv, past.csv."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, (header, rows) in tables(apps).items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(header)
            w.writerows([_cell(v) for v in row] for row in rows)


# Parquet column types by input type (the key and fixed columns by name): every cell
# exact, never floating point. Money is decimal128 with fen (18 digits: 10^15 yuan).
MONEY_TYPE = (18, 2)
INT_COLUMNS = ("year", "application_year")
MONEY_COLUMNS = ("amount", "step")


def input_types(sets: PolicySet | list[PolicySet]) -> dict[str, str]:
    """Input name -> its type (money … enum, set, list), over every set given."""
    from kfpl.population_tables import types_of

    out: dict[str, str] = {}
    for ps in sets if isinstance(sets, list) else [sets]:
        out.update(types_of(ps.inputs.values()))
    return out


def write_parquet(
    apps: list[dict[str, Any]], folder: Path, types: dict[str, str] | None = None
) -> None:
    """The same tables as Parquet (pyarrow), each column typed by the input it holds
    (``types``, from ``input_types``; without them, by the values): years and counts
    int64, money ``decimal128(18, 2)``, bool as bool, every other column text (sets and
    lists as JSON text). Null where not given."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    types = types or {}
    for name, (header, rows) in tables(apps).items():
        columns = list(zip(*rows, strict=True)) if rows else [() for _ in header]
        arrays = {
            column: _parquet_column(pa, _column_type(name, column, types, values), values)
            for column, values in zip(header, columns, strict=True)
        }
        pq.write_table(pa.table(arrays), folder / f"{name}.parquet")


_TEXT_COLUMNS = ("id", "name", "enterprise", "measure", "project", "product", "level")


def _column_type(table: str, column: str, types: dict[str, str], values: Any) -> str:
    if column in INT_COLUMNS:
        return "count"
    if table == "history":
        return "money" if column in MONEY_COLUMNS else "text"
    if column in _TEXT_COLUMNS:
        return "text"
    kind = types.get(column)
    if kind is None:  # no declaration given: bool and int64 where every value is one
        given = [v for v in values if v is not None]
        if given and all(isinstance(v, bool) for v in given):
            return "bool"
        if given and all(isinstance(v, int) and not isinstance(v, bool) for v in given):
            return "count"
    return kind or "text"


def _parquet_column(pa: Any, kind: str, values: Any) -> Any:
    if kind in ("count", "year"):
        return pa.array(values, type=pa.int64())
    if kind == "bool":
        return pa.array(values, type=pa.bool_())
    if kind == "money":
        amounts = _amounts(values)
        if amounts is not None:
            return pa.array(amounts, type=pa.decimal128(*MONEY_TYPE))
    return pa.array([_text(v) for v in values], type=pa.string())


def _amounts(values: Any) -> list[Decimal | None] | None:
    """Money cells as exact Decimals, or None if one is not an amount the application
    reader takes (that column is then written as text, as it was given)."""
    from kfpl.runtime.application import ApplicationError, read_money

    try:
        return [None if v is None else read_money(v, "") for v in values]
    except ApplicationError:
        return None


def _text(value: Any) -> str | None:
    return None if value is None else _cell(value)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    return str(value)


@click.command("population")
@click.option(
    "--policies",
    "paths",
    multiple=True,
    default=["policies"],
    show_default=True,
    help="Policy folders whose measures may be claimed (repeat for a revision).",
)
@click.option("--enterprises", default=1500, show_default=True)
@click.option("--seed", default=2022, show_default=True)
@click.option("--year", default=2022, show_default=True)
@click.option("--jsonl", type=click.Path(path_type=Path), help="Write JSON lines here.")
@click.option("--csv", "csv_dir", type=click.Path(path_type=Path), help="Write CSV tables here.")
@click.option(
    "--parquet",
    "parquet_dir",
    type=click.Path(path_type=Path),
    help="Write Parquet tables here (needs pyarrow).",
)
def main(
    paths: tuple[str, ...],
    enterprises: int,
    seed: int,
    year: int,
    jsonl: Path | None,
    csv_dir: Path | None,
    parquet_dir: Path | None = None,
) -> None:
    """Write a seeded synthetic population of applications (not real enterprises).

    \b
    Example:
      python -m kfpl.population --policies policies --policies examples/revision-2023 \\
          --jsonl examples/population/applications.jsonl
    """
    from kfpl.project.loader import compile_paths

    sets = []
    for path in paths:
        comp = compile_paths([path])
        if not comp.ok or comp.policy_set is None:
            raise click.ClickException(f"{path} has policy errors: run `kfpl check {path}`")
        sets.append(comp.policy_set)
    options = Options(enterprises=enterprises, seed=seed, year=year)
    apps = generate(sets, options)
    if jsonl is None and csv_dir is None and parquet_dir is None:
        raise click.UsageError("give --jsonl, --csv and/or --parquet")
    if jsonl is not None:
        write_jsonl(apps, jsonl, options)
    if csv_dir is not None:
        write_tables(apps, csv_dir)
    if parquet_dir is not None:
        try:
            write_parquet(apps, parquet_dir, input_types(sets))
        except ImportError as exc:
            raise click.ClickException(
                "--parquet needs pyarrow: pip install 'kfpl[batch]'"
            ) from exc
    claims = sum(len(a["claims"]) for a in apps)
    click.echo(f"{len(apps)} synthetic enterprises, {claims} claims", err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
