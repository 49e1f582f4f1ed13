"""Reading an application: JSON in, typed values out, or one clear message per bad field.

Every error names the JSON path of the field (``claims[0].facts.booth_fees``), says
what was expected and what was found. Money is read exactly: JSON numbers are parsed
as Decimal (never float) and strings may be written as a drafter would (``30万``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from kfpl.runtime.money import WAN, YI, exact, out_of_bounds

# What a claim is for: the project (an investment project, an order, a centre) or the
# product (a drug, a brand, a contract-manufactured product). They are facts about the
# thing, checked by the department like every other fact. The matter a claim belongs
# to is never read from the application: it follows from the measure (policy text).
CLAIM_KEYS = ("project", "product")
HISTORY_KEYS = ("project", "product", "level", "step")


class ApplicationError(ValueError):
    """Bad application data; ``path`` is the JSON path of the offending field."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


@dataclass(frozen=True)
class InputSpec:
    """What the policy set declares about one input (from a generated module)."""

    name: str
    type: str  # money rate count bool date year text enum list
    origin: str = "claim"  # or "enterprise"
    members: tuple[str, ...] = ()
    fields: tuple[tuple[str, str], ...] = ()  # for lists: (field, type)
    zh: str = ""
    en: str = ""


@dataclass(frozen=True)
class Claim:
    id: str
    measure: str
    facts: dict[str, Any]
    keys: dict[str, str]  # project / product
    index: int


@dataclass(frozen=True)
class PriorAward:
    measure: str
    year: int
    amount: Decimal
    keys: dict[str, Any]


@dataclass(frozen=True)
class PastFacts:
    """Facts of an earlier year (e.g. last year's revenue), so that 首次超过 can be judged."""

    year: int
    facts: dict[str, Any]


@dataclass(frozen=True)
class Application:
    year: int
    enterprise: dict[str, Any]
    claims: tuple[Claim, ...]
    history: tuple[PriorAward, ...] = field(default=())
    past: tuple[PastFacts, ...] = field(default=())

    def past_values(self, name: str) -> dict[int, Any]:
        """Year -> the recorded value of ``name`` in each earlier year."""
        return {p.year: p.facts[name] for p in self.past if p.year < self.year and name in p.facts}

    @property
    def enterprise_id(self) -> str:
        return str(self.enterprise.get("id", ""))


# --------------------------------------------------------------------------- scalars

_AMOUNT = re.compile(r"^-?\d[\d_,]*(\.\d+)?(万元|亿元|万|亿|元)?$")


def _decimal(value: Any, path: str, what: str) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise ApplicationError(path, f"expected {what}, got {json.dumps(value)}")
    if isinstance(value, int | Decimal):
        result = Decimal(value)
    elif isinstance(value, float):  # only reachable if a caller parsed JSON with floats
        raise ApplicationError(
            path, "amounts must be exact: write them as strings or parse with Decimal"
        )
    elif isinstance(value, str):
        text = value.strip().replace(",", "")
        if not _AMOUNT.match(text):
            raise ApplicationError(
                path, f"expected {what}, got {json.dumps(value, ensure_ascii=False)}"
            )
        scale = Decimal(1)
        for suffix, factor in (("万元", WAN), ("亿元", YI), ("万", WAN), ("亿", YI), ("元", 1)):
            if text.endswith(suffix):
                text, scale = text[: -len(suffix)], Decimal(factor)
                break
        try:
            with exact():  # 1.31714883345681227668814亿 times 10^8 must not round
                result = Decimal(text.replace("_", "")) * scale
        except InvalidOperation as exc:  # pragma: no cover - the regex admits only numbers
            raise ApplicationError(path, f"expected {what}, got {value!r}") from exc
    else:
        raise ApplicationError(path, f"expected {what}, got {type(value).__name__}")
    if not result.is_finite():
        raise ApplicationError(path, f"expected {what}, got {value}")
    problem = out_of_bounds(result)
    if problem is not None:
        raise ApplicationError(path, f"expected {what}, got a number {problem}")
    return result


def read_money(value: Any, path: str) -> Decimal:
    amount = _decimal(value, path, 'money in yuan (e.g. "2000000.00" or "200万")')
    if amount < 0:
        raise ApplicationError(path, f"money must not be negative, got {amount}")
    if amount != amount.quantize(Decimal("0.01")) and amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ApplicationError(path, f"money has at most two decimals (fen), got {amount}")
    return amount


def read_rate(value: Any, path: str) -> Decimal:
    if isinstance(value, str) and value.strip().endswith("%"):
        rate = _decimal(value.strip()[:-1], path, 'a rate (e.g. "4.35%")') / 100
    else:
        rate = _decimal(value, path, 'a rate (e.g. "4.35%" or "0.0435")')
    if rate < 0:
        raise ApplicationError(path, f"a rate must not be negative, got {value}")
    return rate


def read_scalar(spec_type: str, members: tuple[str, ...], value: Any, path: str) -> Any:
    if spec_type == "money":
        return read_money(value, path)
    if spec_type == "rate":
        return read_rate(value, path)
    if spec_type in ("count", "year"):
        if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
            raise ApplicationError(
                path, f"expected a whole number, got {json.dumps(value, default=str)}"
            )
        number = _decimal(value, path, "a whole number")
        if number != number.to_integral_value() or number < 0:
            raise ApplicationError(path, f"expected a whole number ≥ 0, got {value}")
        return int(number)
    if spec_type == "bool":
        if not isinstance(value, bool):
            raise ApplicationError(
                path,
                f"expected true or false, got {json.dumps(value, default=str, ensure_ascii=False)}",
            )
        return value
    if spec_type == "date":
        try:
            return date.fromisoformat(str(value))
        except ValueError as exc:
            raise ApplicationError(path, f"expected a date YYYY-MM-DD, got {value!r}") from exc
    if spec_type == "text":
        if not isinstance(value, str):
            raise ApplicationError(path, f"expected text, got {json.dumps(value, default=str)}")
        return value
    if spec_type == "enum":
        if value not in members:
            choices = ", ".join(members)
            raise ApplicationError(
                path,
                f"expected one of {choices}, got {json.dumps(value, default=str, ensure_ascii=False)}",
            )
        return value
    raise ApplicationError(path, f"unsupported type {spec_type}")  # pragma: no cover


def read_value(spec: InputSpec, value: Any, path: str) -> Any:
    if spec.type != "list":
        return read_scalar(spec.type, spec.members, value, path)
    if not isinstance(value, list):
        raise ApplicationError(path, "expected a list of records")
    field_types = dict(spec.fields)
    items = []
    for i, record in enumerate(value):
        item_path = f"{path}[{i}]"
        if not isinstance(record, dict):
            raise ApplicationError(item_path, "expected a record {…}")
        unknown = sorted(set(record) - set(field_types))
        if unknown:
            raise ApplicationError(
                f"{item_path}.{unknown[0]}", f"unknown field; expected {', '.join(field_types)}"
            )
        item = {}
        for name, ftype in spec.fields:
            if name not in record:
                raise ApplicationError(f"{item_path}.{name}", "missing field")
            item[name] = read_scalar(ftype, (), record[name], f"{item_path}.{name}")
        items.append(item)
    return items


# --------------------------------------------------------------------------- the whole application


def _closest(word: str, options: list[str]) -> str:
    import difflib

    match = difflib.get_close_matches(word, options, n=1)
    return f" (did you mean {match[0]}?)" if match else ""


def _require(obj: dict[str, Any], key: str, path: str) -> Any:
    if key not in obj:
        raise ApplicationError(f"{path}.{key}" if path else key, "missing field")
    return obj[key]


def read_application(
    data: Any,
    inputs: dict[str, InputSpec],
    measure_inputs: dict[str, tuple[str, ...]],
) -> Application:
    """Validate ``data`` (parsed JSON) against the policy set's declarations."""
    if not isinstance(data, dict):
        raise ApplicationError("", "an application is a JSON object with year, enterprise, claims")
    allowed_top = {"year", "enterprise", "claims", "history", "$schema", "note"}
    for key in data:
        if key not in allowed_top:
            raise ApplicationError(key, f"unknown field{_closest(key, sorted(allowed_top))}")
    year = _require(data, "year", "")
    if isinstance(year, bool) or not isinstance(year, int):
        raise ApplicationError(
            "year", f"expected a year such as 2021, got {json.dumps(year, default=str)}"
        )

    raw_ent = _require(data, "enterprise", "")
    if not isinstance(raw_ent, dict):
        raise ApplicationError("enterprise", "expected an object")
    enterprise_specs = {k: s for k, s in inputs.items() if s.origin == "enterprise"}
    enterprise: dict[str, Any] = {}
    for key, value in raw_ent.items():
        path = f"enterprise.{key}"
        if key in ("id", "name"):
            if not isinstance(value, str | int) or isinstance(value, bool):
                raise ApplicationError(path, "expected text")
            enterprise[key] = str(value)
        elif key in enterprise_specs:
            enterprise[key] = read_value(enterprise_specs[key], value, path)
        else:
            raise ApplicationError(path, f"unknown field{_closest(key, sorted(enterprise_specs))}")
    if "id" not in enterprise:
        raise ApplicationError("enterprise.id", "missing field")

    raw_claims = _require(data, "claims", "")
    if not isinstance(raw_claims, list):
        raise ApplicationError("claims", "expected a list of claims")
    claims = []
    seen_ids: set[str] = set()
    for i, raw in enumerate(raw_claims):
        path = f"claims[{i}]"
        if not isinstance(raw, dict):
            raise ApplicationError(path, "expected an object with id, measure, facts")
        if "matter" in raw:
            raise ApplicationError(
                f"{path}.matter",
                "a claim does not name its matter: the policy declares which measures are "
                "one matter (`matter` in the measure); name the project or product instead",
            )
        for key in raw:
            if key not in ("id", "measure", "facts", *CLAIM_KEYS):
                raise ApplicationError(
                    f"{path}.{key}",
                    f"unknown field{_closest(key, ['id', 'measure', 'facts', *CLAIM_KEYS])}",
                )
        claim_id = str(raw.get("id", f"claim-{i + 1}"))
        if claim_id in seen_ids:
            raise ApplicationError(f"{path}.id", f"duplicate claim id {claim_id!r}")
        seen_ids.add(claim_id)
        measure = _require(raw, "measure", path)
        if measure not in measure_inputs:
            raise ApplicationError(
                f"{path}.measure",
                f"no measure {measure!r} in the policy set{_closest(str(measure), sorted(measure_inputs))}",
            )
        raw_facts = raw.get("facts", {})
        if not isinstance(raw_facts, dict):
            raise ApplicationError(f"{path}.facts", "expected an object of facts")
        reads = measure_inputs[measure]
        facts: dict[str, Any] = {}
        for key, value in raw_facts.items():
            fpath = f"{path}.facts.{key}"
            if key not in reads or inputs[key].origin == "enterprise":
                claim_reads = [r for r in reads if inputs[r].origin != "enterprise"]
                raise ApplicationError(
                    fpath,
                    f"{measure} does not read this fact{_closest(key, claim_reads)}; it reads: {', '.join(claim_reads) or 'no claim facts'}",
                )
            if value is None:
                continue  # explicit null: the fact is unknown (missing is not zero)
            facts[key] = read_value(inputs[key], value, fpath)
        keys = {}
        for key in CLAIM_KEYS:
            if key in raw and raw[key] is not None:
                if not isinstance(raw[key], str | int) or isinstance(raw[key], bool):
                    raise ApplicationError(f"{path}.{key}", "expected an id (text)")
                keys[key] = str(raw[key])
        claims.append(Claim(claim_id, str(measure), facts, keys, i))

    history = []
    past: list[PastFacts] = []
    raw_history = data.get("history", [])
    if not isinstance(raw_history, list):
        raise ApplicationError("history", "expected a list of prior awards")
    for i, raw in enumerate(raw_history):
        path = f"history[{i}]"
        if not isinstance(raw, dict):
            raise ApplicationError(path, "expected an object with measure, year, amount")
        if "facts" in raw:
            past.append(_past_facts(raw, path, inputs))
            continue
        for key in raw:
            if key not in ("measure", "year", "amount", "note", *HISTORY_KEYS):
                raise ApplicationError(
                    f"{path}.{key}",
                    f"unknown field{_closest(key, ['measure', 'year', 'amount', *HISTORY_KEYS])}",
                )
        measure = _require(raw, "measure", path)
        if measure not in measure_inputs:
            raise ApplicationError(
                f"{path}.measure",
                f"no measure {measure!r} in the policy set{_closest(str(measure), sorted(measure_inputs))}",
            )
        hyear = _require(raw, "year", path)
        if isinstance(hyear, bool) or not isinstance(hyear, int):
            raise ApplicationError(f"{path}.year", "expected a year such as 2024")
        amount = read_money(_require(raw, "amount", path), f"{path}.amount")
        hkeys: dict[str, Any] = {}
        for key in HISTORY_KEYS:
            if key in raw and raw[key] is not None:
                hkeys[key] = (
                    read_money(raw[key], f"{path}.{key}") if key == "step" else str(raw[key])
                )
        history.append(PriorAward(str(measure), hyear, amount, hkeys))
    return Application(year, enterprise, tuple(claims), tuple(history), tuple(past))


def _past_facts(raw: dict[str, Any], path: str, inputs: dict[str, InputSpec]) -> PastFacts:
    """``{"year": 2019, "facts": {"main_revenue": "55亿"}}``: what was true in a past year."""
    for key in raw:
        if key not in ("year", "facts", "note"):
            raise ApplicationError(
                f"{path}.{key}",
                "a record of past facts has year and facts only (an award has measure, year, amount)",
            )
    pyear = _require(raw, "year", path)
    if isinstance(pyear, bool) or not isinstance(pyear, int):
        raise ApplicationError(f"{path}.year", "expected a year such as 2019")
    raw_facts = raw["facts"]
    if not isinstance(raw_facts, dict):
        raise ApplicationError(f"{path}.facts", "expected an object of facts")
    facts: dict[str, Any] = {}
    for key, value in raw_facts.items():
        fpath = f"{path}.facts.{key}"
        spec = inputs.get(key)
        if spec is None or spec.type == "list":
            raise ApplicationError(fpath, f"unknown fact{_closest(key, sorted(inputs))}")
        if value is not None:
            facts[key] = read_value(spec, value, fpath)
    return PastFacts(pyear, facts)


def loads(text: str) -> Any:
    """Parse JSON text exactly: every non-integer number becomes a Decimal."""
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise ApplicationError(
            "", f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from exc
