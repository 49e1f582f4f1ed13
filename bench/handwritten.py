"""Seven mfg measures written by hand in plain Python, for the speed comparison.

This is what a programmer would write without kfpl: read the application dict, apply
the set's general rules, compute each claim, then the caps across claims, the
stacking rules and the yearly total. Exact Decimal arithmetic, one rounding per
measure result (to the fen, half-up), the same caps and the same history rules as
policies/mfg.kfpl and policies/common.kfpl. No explanations are produced: only
statuses and amounts. Other measures are out of scope (``KeyError``).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

D = Decimal
ZERO = D(0)
FEN = D("0.01")
WAN = D(10_000)
YI = D(100_000_000)

MFG_YEARS = (2020, 2022)
EXCLUSION_FLAGS = ("false_materials", "major_accident", "tax_violation_case", "mass_incident")
ELIGIBILITY = ("registered_in_kaifeng", "taxed_in_kaifeng", "independent_legal_person")

# measure id -> (declaration order in the set, matter)
MEASURES = {
    "mfg-1": (0, "large_enterprise"),
    "mfg-2a": (1, "trade_fairs"),
    "mfg-3": (2, "equipment_project"),
    "mfg-5": (3, "equipment_project"),
    "mfg-8a": (4, "new_industrialisation_base"),
    "mfg-12b": (5, "city_innovation_centre"),
    "mfg-13a": (6, "cloud"),
}
# measure id -> (scope, limit) of caps across claims and years
# measures whose claims are for a project, and their per-project caps
PER_PROJECT = {"mfg-3": 100 * WAN, "mfg-5": 300 * WAN}
AGGREGATE_CAPS = {
    "mfg-2a": ("year", 30 * WAN),
    "mfg-12b": ("year", 100 * WAN),
    "mfg-13a": ("enterprise", 5 * WAN),
}


def money(value: Any) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    text = str(value)
    if text.endswith("万"):
        return D(text[:-1]) * WAN
    if text.endswith("亿"):
        return D(text[:-1]) * YI
    return D(text)


def to_fen(amount: Decimal) -> Decimal:
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


class Missing(Exception):
    pass


def _need(facts: dict[str, Any], *names: str) -> list[Any]:
    if any(facts.get(name) is None for name in names):
        raise Missing
    return [facts[name] for name in names]


# ---------------------------------------------------------------- one claim: (status, amount)


def mfg_1(facts: dict[str, Any], ent: dict[str, Any], year: int, history: list) -> tuple:
    (industrial,) = _need(ent, "industrial_enterprise")
    (revenue,) = _need(facts, "main_revenue")
    revenue = money(revenue)
    if not (industrial and revenue > 50 * YI):
        return "not_eligible", ZERO
    done = [money(h["step"]) for h in history if h["measure"] == "mfg-1" and "step" in h]
    highest = max(done, default=ZERO)
    total, step = ZERO, 50 * YI
    while revenue > step:
        if step > highest:
            total += 100 * WAN if step <= 100 * YI else 200 * WAN
        step += 50 * YI
    if total == 0:
        return "not_eligible", ZERO
    return "awarded", to_fen(total)


def mfg_2a(facts: dict[str, Any], ent: dict[str, Any], year: int, history: list) -> tuple:
    rental, setup = (money(v) for v in _need(facts, "booth_rental", "booth_setup"))
    return "awarded", to_fen(D("0.30") * (rental + setup))


def mfg_3(facts: dict[str, Any], ent: dict[str, Any], year: int, history: list) -> tuple:
    demo, done, invest = _need(
        facts, "tech_reform_demo", "project_completed", "equipment_rd_investment"
    )
    invest = money(invest)
    if not (demo and done and invest >= 500 * WAN):
        return "not_eligible", ZERO
    amount = D("0.25") * invest
    if amount > 100 * WAN:
        return "capped", to_fen(100 * WAN)
    return "awarded", to_fen(amount)


def mfg_5(facts: dict[str, Any], ent: dict[str, Any], year: int, history: list) -> tuple:
    demo, done, total, soft = _need(
        facts,
        "smart_reform_demo",
        "project_completed",
        "project_total_investment",
        "software_hardware_investment",
    )
    if not (demo and done and money(total) >= 500 * WAN):
        return "not_eligible", ZERO
    amount = D("0.30") * money(soft)
    if amount > 300 * WAN:
        return "capped", to_fen(300 * WAN)
    return "awarded", to_fen(amount)


def mfg_8a(facts: dict[str, Any], ent: dict[str, Any], year: int, history: list) -> tuple:
    direction, level = _need(facts, "base_direction_internet_big_data", "level")
    if not direction:
        return "not_eligible", ZERO
    amount = {"national": 100 * WAN, "provincial": 50 * WAN}[level]
    # once top up: pay the difference over what this measure already paid
    paid = sum(
        (money(h["amount"]) for h in history if h["measure"] == "mfg-8a" and h["year"] <= year),
        ZERO,
    )
    if amount <= paid:
        return "not_eligible", ZERO
    return "awarded", to_fen(amount - paid)


def mfg_12b(facts: dict[str, Any], ent: dict[str, Any], year: int, history: list) -> tuple:
    project = facts.get("$project")
    years = {
        h["year"] for h in history
        if h["measure"] == "mfg-12b" and h["year"] < year
        and (project is None or h.get("project") == project)
    }  # fmt: skip
    if years and year >= min(years) + 3:  # for at most 3 consecutive years
        return "not_eligible", ZERO
    names = ("tech_import_fees", "research_instruments", "research_equipment", "research_software")
    centre, *costs = _need(facts, "city_innovation_centre", *names)
    if not centre:
        return "not_eligible", ZERO
    return "awarded", to_fen(D("0.20") * sum((money(c) for c in costs), ZERO))


def mfg_13a(facts: dict[str, Any], ent: dict[str, Any], year: int, history: list) -> tuple:
    (size,) = _need(ent, "size")
    (fees,) = _need(facts, "cloud_fees")
    fees = money(fees)
    if not (size == "above_scale" and fees >= 3 * WAN):
        return "not_eligible", ZERO
    return "awarded", to_fen(D("0.50") * fees)


FUNCTIONS = {
    "mfg-1": mfg_1,
    "mfg-2a": mfg_2a,
    "mfg-3": mfg_3,
    "mfg-5": mfg_5,
    "mfg-8a": mfg_8a,
    "mfg-12b": mfg_12b,
    "mfg-13a": mfg_13a,
}


# ---------------------------------------------------------------- the whole application


def evaluate(app: dict[str, Any]) -> dict[str, Any]:
    """{"total": Decimal, "claims": [(claim id, status, amount), …]}"""
    year = app["year"]
    ent = app["enterprise"]
    history = [h for h in app.get("history", []) if "measure" in h]  # awards, not past facts
    claims = app["claims"]
    status: list[str] = []
    amount: list[Decimal] = []
    for claim in claims:
        s, a = _one(claim, ent, year, history)
        status.append(s)
        amount.append(a)

    # a one-time award (mfg-8a) claimed twice in one application pays once: the higher
    once = [i for i in range(len(claims)) if claims[i]["measure"] == "mfg-8a"
            and status[i] in ("awarded", "capped")]  # fmt: skip
    if len(once) > 1:
        keep = max(once, key=lambda i: (amount[i], -i))
        for i in once:
            if i != keep:
                status[i], amount[i] = "not_eligible", ZERO
    # per-project caps bind the project across claims (an unnamed project is one project)
    for mid, limit in PER_PROJECT.items():
        rooms: dict[Any, Decimal] = {}
        for i in range(len(claims)):
            if claims[i]["measure"] != mid or status[i] not in ("awarded", "capped"):
                continue
            room = rooms.get(claims[i].get("project"), limit)
            if amount[i] > room:
                amount[i], status[i] = to_fen(room), "capped"
            rooms[claims[i].get("project")] = room - amount[i]

    paid = [i for i in range(len(claims)) if status[i] in ("awarded", "capped")]
    # caps per enterprise per year / over all years, counting history
    for mid, (scope, limit) in AGGREGATE_CAPS.items():
        earlier = sum(
            (money(h["amount"]) for h in history
             if h["measure"] == mid and (scope == "enterprise" or h["year"] == year)),
            ZERO,
        )  # fmt: skip
        room = max(limit - earlier, ZERO)
        for i in paid:
            if claims[i]["measure"] != mid or amount[i] <= 0:
                continue
            if amount[i] > room:
                amount[i], status[i] = to_fen(room), "capped"
            room -= amount[i]

    # stacking: one project across the set, then one matter within mfg. Each measure's
    # claims in a group are one benefit; the highest benefit wins, ties to the measure
    # whose first claim is listed first; claims of one measure never compete.
    def stack(key_of: Any) -> None:
        groups: dict[str, list[int]] = {}
        for i in range(len(claims)):
            if status[i] in ("awarded", "capped") and amount[i] > 0:
                key = key_of(claims[i])
                if key is not None:
                    groups.setdefault(key, []).append(i)
        for members in groups.values():
            by_measure: dict[str, list[int]] = {}
            for i in members:
                by_measure.setdefault(claims[i]["measure"], []).append(i)
            if len(by_measure) < 2:
                continue
            best = max(
                by_measure,
                key=lambda m: (sum((amount[i] for i in by_measure[m]), ZERO), -by_measure[m][0]),
            )
            for i in members:
                if claims[i]["measure"] != best:
                    status[i], amount[i] = "superseded", ZERO

    def project(c: dict[str, Any]) -> str | None:  # only claims that are for a project
        return (c.get("project") or "?") if c["measure"] in PER_PROJECT else None

    def matter(c: dict[str, Any]) -> str:  # per project for claims that are for one
        kind = MEASURES[c["measure"]][1]
        return f"{kind}/{c.get('project') or '?'}" if c["measure"] in PER_PROJECT else kind

    stack(project)
    stack(matter)

    # yearly total at most the local retained tax, trimmed from the latest claim
    paid = [i for i in range(len(claims)) if status[i] in ("awarded", "capped") and amount[i] > 0]
    if paid:
        limit = money(ent["local_retained_tax"])
        earlier = sum((money(h["amount"]) for h in history if h["year"] == year), ZERO)
        excess = earlier + sum((amount[i] for i in paid), ZERO) - limit
        for i in reversed(paid):
            if excess <= 0:
                break
            cut = min(amount[i], excess)
            amount[i] -= cut
            excess -= cut
            status[i] = "capped"

    results = [
        (c.get("id", f"claim-{i + 1}"), status[i], amount[i] if status[i] in ("awarded", "capped") else ZERO)
        for i, c in enumerate(claims)
    ]  # fmt: skip
    return {"total": sum((r[2] for r in results), ZERO), "claims": results}


def _one(claim: dict[str, Any], ent: dict[str, Any], year: int, history: list) -> tuple:
    if not MFG_YEARS[0] <= year <= MFG_YEARS[1]:
        return "not_eligible", ZERO
    try:
        # the set-wide rules in the order written: eligibility, then exclusions
        if not all(_need(ent, *ELIGIBILITY)):
            return "not_eligible", ZERO
        if any(_need(ent, *EXCLUSION_FLAGS)):
            return "excluded", ZERO
        facts = {**claim.get("facts", {}), "$project": claim.get("project")}
        return FUNCTIONS[claim["measure"]](facts, ent, year, history)
    except Missing:
        return "undetermined", ZERO
