"""Reading an application: JSON in, typed values out, or one clear message per bad field.

Every error names the JSON path of the field (``claims[0].facts.booth_fees``), says
what was expected and what was found. Money is read exactly: JSON numbers are parsed
as Decimal (never float) and strings may be written as a drafter would (``30万``).

The reader is the trust boundary: whatever the bytes, the answer is an application or
an ``ApplicationError`` (exit 2), within the limits below (documented in the README).
Duplicate keys, lone surrogates, NaN and numbers too long or too large to be amounts
are refused, not guessed at.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from kfpl.runtime.bilingual import Text
from kfpl.runtime.money import WAN, YI, exact, out_of_bounds

# What a claim is for: the project (an investment project, an order, a centre) or the
# product (a drug, a brand, a contract-manufactured product). They are facts about the
# thing, checked by the department like every other fact. The matter a claim belongs
# to is never read from the application: it follows from the measure (policy text).
CLAIM_KEYS = ("project", "product")
HISTORY_KEYS = ("project", "product", "level", "step")

# Limits: far above any real application, low enough that one bad file cannot take the
# machine (memory is about 200x the text) or reach arithmetic that cannot be exact.
MAX_APPLICATION_BYTES = 4 * 1024 * 1024  # one application (a JSON file, or one JSON line)
MAX_CLAIMS = 1_000  # claims, and prior awards, per application
MAX_RECORDS = 10_000  # records in one list input
MAX_DEPTH = 20  # nesting of arrays and objects (an application needs 5)
MAX_NUMBER_CHARS = 40  # characters of one JSON number
MAX_MONEY = Decimal(10) ** 15  # yuan (1000万亿); amounts have at most two decimals
MAX_RATE = Decimal(10) ** 6  # a rate as a fraction (10^8 %), at most 10 decimals
MAX_COUNT = 10**15
YEARS = (1000, 9999)


class ApplicationError(ValueError):
    """Bad application data; ``path`` is the JSON path of the offending field. The
    message is in both languages: ``str()`` is the English, ``text(lang)`` either."""

    def __init__(self, path: str, message: str | Text) -> None:
        words = message if isinstance(message, Text) else Text.same(message)
        super().__init__(f"{path}: {words.en}" if path else words.en)
        self.path = path
        self.message = words.en
        self.words = words

    def text(self, lang: str) -> str:
        """``claims[0].facts.x: expected …`` / ``claims[0].facts.x：应为 …``."""
        if not self.path:
            return self.words[lang]
        return f"{self.path}：{self.words.zh}" if lang == "zh" else str(self)


@dataclass(frozen=True)
class InputSpec:
    """What the policy set declares about one input (from a generated module)."""

    name: str
    type: str  # money rate count bool date year text enum set list
    origin: str = "claim"  # or "enterprise"
    members: tuple[str, ...] = ()
    fields: tuple[tuple[str, str], ...] = ()  # for lists: (field, type)
    zh: str = ""
    en: str = ""
    unit: tuple[str, str] = ("", "")  # (zh, en) measure word of a count: 3台 / 3 machines


# Claims and prior awards are built for every one read, and a frozen dataclass's own
# __init__ sets each field through object.__setattr__ (a microsecond a claim, issue 13):
# these two fill their __dict__ directly. They stay frozen against assignment.
_Day = date  # the type, where a field named `date` hides it


@dataclass(frozen=True, init=False)
class Claim:
    id: str
    measure: str
    facts: dict[str, Any]
    keys: dict[str, str]  # project / product
    index: int
    date: date | None = None  # the day of the event claimed (else the application's date)

    def __init__(
        self,
        id: str,
        measure: str,
        facts: dict[str, Any],
        keys: dict[str, str],
        index: int,
        date: _Day | None = None,
    ) -> None:
        fields = self.__dict__
        fields["id"], fields["measure"], fields["facts"] = id, measure, facts
        fields["keys"], fields["index"], fields["date"] = keys, index, date


@dataclass(frozen=True, init=False)
class PriorAward:
    measure: str
    year: int
    amount: Decimal
    keys: dict[str, Any]

    def __init__(self, measure: str, year: int, amount: Decimal, keys: dict[str, Any]) -> None:
        fields = self.__dict__
        fields["measure"], fields["year"], fields["amount"], fields["keys"] = (
            measure,
            year,
            amount,
            keys,
        )


@dataclass(frozen=True, init=False)  # built for every record read: as Claim
class PastFacts:
    """Facts of an earlier year (e.g. last year's revenue), so that 首次超过 can be judged."""

    year: int
    facts: dict[str, Any]

    def __init__(self, year: int, facts: dict[str, Any]) -> None:
        self.__dict__["year"], self.__dict__["facts"] = year, facts


@dataclass(frozen=True, init=False)  # built for every application read: as Claim
class Application:
    year: int
    enterprise: dict[str, Any]
    claims: tuple[Claim, ...]
    history: tuple[PriorAward, ...] = field(default=())
    past: tuple[PastFacts, ...] = field(default=())
    date: date | None = None  # the application's date: the day its claims are judged at

    def __init__(
        self,
        year: int,
        enterprise: dict[str, Any],
        claims: tuple[Claim, ...],
        history: tuple[PriorAward, ...] = (),
        past: tuple[PastFacts, ...] = (),
        date: _Day | None = None,
    ) -> None:
        fields = self.__dict__
        fields["year"], fields["enterprise"], fields["claims"] = year, enterprise, claims
        fields["history"], fields["past"], fields["date"] = history, past, date

    def past_values(self, name: str) -> dict[int, Any]:
        """Year -> the recorded value of ``name`` in each earlier year."""
        return {p.year: p.facts[name] for p in self.past if p.year < self.year and name in p.facts}

    @property
    def enterprise_id(self) -> str:
        return str(self.enterprise.get("id", ""))


# --------------------------------------------------------------------------- scalars

# ASCII digits only (full-width １２ and Arabic-Indic ١٢ are refused, not converted);
# commas only as thousands separators (1,234,567), underscores only between digits.
_AMOUNT = re.compile(
    r"-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+(?:_[0-9]+)*)(?:\.[0-9]+)?(万元|亿元|万|亿|元)?",
    re.ASCII,
)


def _expected(what: Text, got: str) -> Text:
    return Text(f"应为{what.zh}，实际为 {got}", f"expected {what.en}, got {got}")


def _decimal(value: Any, path: str, what: Text) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise ApplicationError(path, _expected(what, json.dumps(value)))
    if isinstance(value, int | Decimal):
        result = Decimal(value)
    elif isinstance(value, float):  # only reachable if a caller parsed JSON with floats
        raise ApplicationError(
            path,
            Text(
                "金额必须精确：请写成字符串，或以 `Decimal` 解析",
                "amounts must be exact: write them as strings or parse with Decimal",
            ),
        )
    elif isinstance(value, str):
        text = value.strip()
        if len(text) > MAX_NUMBER_CHARS or not _AMOUNT.fullmatch(text):
            hint = Text(
                "（用数字 0-9；逗号只能用于每三位分节）",
                " (digits 0-9; commas only between groups of three)",
            )
            raise ApplicationError(
                path, _expected(what, _shown(value)) + (hint if text else Text.same(""))
            )
        text = text.replace(",", "")
        scale = Decimal(1)
        for suffix, factor in (("万元", WAN), ("亿元", YI), ("万", WAN), ("亿", YI), ("元", 1)):
            if text.endswith(suffix):
                text, scale = text[: -len(suffix)], Decimal(factor)
                break
        try:
            with exact():  # 1.31714883345681227668814亿 times 10^8 must not round
                result = Decimal(text.replace("_", "")) * scale
        except InvalidOperation as exc:  # pragma: no cover - the regex admits only numbers
            raise ApplicationError(path, _expected(what, repr(value))) from exc
    else:
        raise ApplicationError(path, _expected(what, type(value).__name__))
    if not result.is_finite():
        raise ApplicationError(path, _expected(what, str(value)))
    problem = out_of_bounds(result)
    if problem is not None:
        raise ApplicationError(
            path,
            Text(
                f"应为{what.zh}，实际数值{problem.zh}",
                f"expected {what.en}, got a number {problem.en}",
            ),
        )
    return result


def _shown(value: Any) -> str:
    """A value as the message shows it: JSON, shortened."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "…"


# The amount almost every application writes: yuan in ASCII digits, at most two decimals
# and below 10^15 — which is all such a string needs checked; read_money's other checks
# cannot refuse it, and its Decimal is the same (the constructor is exact). The general
# path below, for 30万, 1,234.50, JSON numbers and every refusal, was a third of the
# evaluation time when every amount went through it (issue 13).
_PLAIN_MONEY = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,2})?", re.ASCII)
# And a drafter's round amount, whole 万 or 亿 (30万, 1亿元): the general path multiplies
# the digits by 10^4 or 10^8 exactly, giving the integer's Decimal (exponent 0); the
# digit counts keep it below 10^15.
_ROUND_MONEY = re.compile(r"([0-9]{1,11})万元?|([0-9]{1,7})亿元?", re.ASCII)


def plain_money(value: Any) -> Decimal | None:
    """``value`` as ``read_money`` reads it when it is written in one of the plain forms
    above (which it cannot refuse), else None."""
    if value.__class__ is not str:
        return None
    if _PLAIN_MONEY.fullmatch(value):
        return Decimal(value)
    round_amount = _ROUND_MONEY.fullmatch(value)
    if round_amount is None:
        return None
    wan, yi = round_amount.groups()
    return Decimal(int(wan) * 10_000) if wan is not None else Decimal(int(yi) * 100_000_000)


def read_money(value: Any, path: str) -> Decimal:
    plain = plain_money(value)
    if plain is not None:
        return plain
    what = Text(
        '以元计的金额（如 "2000000.00" 或 "200万"）', 'money in yuan (e.g. "2000000.00" or "200万")'
    )
    amount = _decimal(value, path, what)
    if amount < 0:
        raise ApplicationError(
            path,
            Text(f"金额不得为负数，实际为 {amount}", f"money must not be negative, got {amount}"),
        )
    if amount > MAX_MONEY:
        shown = _shown(value)
        raise ApplicationError(
            path,
            Text(
                f"金额超过 10^15 元的上限，实际为 {shown}",
                f"money above the limit of 10^15 yuan, got {shown}",
            ),
        )
    if amount != amount.quantize(Decimal("0.01")):
        raise ApplicationError(
            path,
            Text(
                f"金额最多保留两位小数（到分），实际为 {amount}",
                f"money has at most two decimals (fen), got {amount}",
            ),
        )
    return amount


def read_rate(value: Any, path: str) -> Decimal:
    if isinstance(value, str) and value.strip().endswith("%"):
        rate = (
            _decimal(value.strip()[:-1], path, Text('比例（如 "4.35%"）', 'a rate (e.g. "4.35%")'))
            / 100
        )
    else:
        what = Text('比例（如 "4.35%" 或 "0.0435"）', 'a rate (e.g. "4.35%" or "0.0435")')
        rate = _decimal(value, path, what)
    if rate < 0:
        raise ApplicationError(
            path,
            Text(f"比例不得为负数，实际为 {value}", f"a rate must not be negative, got {value}"),
        )
    if rate > MAX_RATE or rate != rate.quantize(Decimal("1e-10")):
        shown = _shown(value)
        raise ApplicationError(
            path,
            Text(
                f"比例不得超过 10^6，小数不得超过 10 位，实际为 {shown}",
                f"a rate is at most 10^6 with at most 10 decimals, got {shown}",
            ),
        )
    return rate


def read_date(value: Any, path: str) -> date:
    a_date = Text("YYYY-MM-DD 格式的日期", "a date YYYY-MM-DD")
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ApplicationError(path, _expected(a_date, _shown(value)))
    try:
        day = date.fromisoformat(value)
    except ValueError:
        shown = _shown(value)
        raise ApplicationError(
            path, Text(f"{shown} 不是实际存在的日期", f"{shown} is not a calendar date")
        ) from None
    if not YEARS[0] <= day.year <= YEARS[1]:
        raise ApplicationError(path, _expected(a_date, _shown(value)))
    return day


def _dated(value: Any, path: str, year: int, what: Text) -> date:
    """A date that must fall in the application's year: yearly caps, history and the
    stacking of one application all count in that one calendar year."""
    day = read_date(value, path)
    if day.year != year:
        raise ApplicationError(
            path,
            Text(
                f"{value} 不在{what.zh} {year} 年内：一次申报只对应一个自然年度（其他年度请另行申报）",
                f"{value} is not in {what.en} {year}: one application is one calendar year "
                "(apply for another year separately)",
            ),
        )
    return day


_WHOLE = Text("整数", "a whole number")


def read_scalar(spec_type: str, members: tuple[str, ...], value: Any, path: str) -> Any:
    if spec_type == "money":
        return read_money(value, path)
    if spec_type == "rate":
        return read_rate(value, path)
    if spec_type in ("count", "year"):
        if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
            raise ApplicationError(path, _expected(_WHOLE, json.dumps(value, default=str)))
        number = _decimal(value, path, _WHOLE)
        if number != number.to_integral_value() or number < 0:
            raise ApplicationError(
                path, _expected(Text("不小于 0 的整数", "a whole number ≥ 0"), str(value))
            )
        if number > MAX_COUNT:
            raise ApplicationError(
                path,
                Text(
                    f"整数超过 10^15 的上限，实际为 {value}",
                    f"a whole number above the limit of 10^15, got {value}",
                ),
            )
        if spec_type == "year":
            return _year(number, path)
        return int(number)
    if spec_type == "bool":
        if not isinstance(value, bool):
            got = json.dumps(value, default=str, ensure_ascii=False)
            raise ApplicationError(
                path, _expected(Text(" `true` 或 `false`", "true or false"), got)
            )
        return value
    if spec_type == "date":
        return read_date(value, path)
    if spec_type == "text":
        if not isinstance(value, str):
            raise ApplicationError(
                path, _expected(Text("文字", "text"), json.dumps(value, default=str))
            )
        return value
    if spec_type == "enum":
        if value not in members:
            got = json.dumps(value, default=str, ensure_ascii=False)
            raise ApplicationError(
                path,
                _expected(Text(f" {'、'.join(members)} 之一", f"one of {', '.join(members)}"), got),
            )
        return value
    raise ApplicationError(path, f"unsupported type {spec_type}")  # pragma: no cover


def read_set(members: tuple[str, ...], value: Any, path: str) -> tuple[str, ...]:
    """A set-valued fact: a JSON array of the enum's values, each at most once. Kept as
    a tuple in the enum's declared order, so explanations never depend on the order the
    applicant listed them in."""
    if not isinstance(value, list):
        what = Text(
            f"由 {'、'.join(members)} 中的值组成的列表",
            f"a list of values from {', '.join(members)}",
        )
        raise ApplicationError(path, _expected(what, _shown(value)))
    # No length limit is needed: the loop stops at the first unknown or repeated value.
    seen: set[str] = set()
    for i, item in enumerate(value):
        read_scalar("enum", members, item, f"{path}[{i}]")
        if item in seen:
            shown = _shown(item)
            raise ApplicationError(
                f"{path}[{i}]", Text(f"{shown} 重复列出", f"{shown} is listed twice")
            )
        seen.add(item)
    return tuple(m for m in members if m in seen)


def read_value(spec: InputSpec, value: Any, path: str) -> Any:
    if spec.type == "set":
        return read_set(spec.members, value, path)
    if spec.type != "list":
        return read_scalar(spec.type, spec.members, value, path)
    if not isinstance(value, list):
        raise ApplicationError(path, Text("应为记录列表", "expected a list of records"))
    if len(value) > MAX_RECORDS:
        raise ApplicationError(
            path,
            Text(
                f"记录超过 {MAX_RECORDS} 条（上限）", f"more than {MAX_RECORDS} records (the limit)"
            ),
        )
    field_types = dict(spec.fields)
    items = []
    for i, record in enumerate(value):
        item_path = f"{path}[{i}]"
        if not isinstance(record, dict):
            raise ApplicationError(item_path, Text("应为记录 {…}", "expected a record {…}"))
        unknown = sorted(set(record) - set(field_types))
        if unknown:
            raise ApplicationError(
                f"{item_path}.{unknown[0]}",
                Text(
                    f"未知字段；应为 {'、'.join(field_types)}",
                    f"unknown field; expected {', '.join(field_types)}",
                ),
            )
        item = {}
        for name, ftype in spec.fields:
            if name not in record:
                raise ApplicationError(f"{item_path}.{name}", _MISSING)
            item[name] = read_scalar(ftype, (), record[name], f"{item_path}.{name}")
        items.append(item)
    return items


# --------------------------------------------------------------------------- the whole application


_MISSING = Text("缺少该字段", "missing field")


def _closest(word: str, options: list[str]) -> Text:
    import difflib

    match = difflib.get_close_matches(word, options, n=1)
    return (
        Text(f"（是否应为 {match[0]}？）", f" (did you mean {match[0]}?)")
        if match
        else Text.same("")
    )


def _unknown(word: str, options: list[str], thing: Text | None = None) -> Text:
    """``unknown field (did you mean year?)`` / ``未知字段（是否应为 year？）``."""
    what = thing or Text("字段", "field")
    return Text(f"未知{what.zh}", f"unknown {what.en}") + _closest(word, options)


_A_YEAR = Text("年份（如 2021）", "a year such as 2021")


def _year(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | Decimal) or value != int(value):
        raise ApplicationError(path, _expected(_A_YEAR, _shown(value)))
    if not YEARS[0] <= value <= YEARS[1]:
        raise ApplicationError(path, _expected(_A_YEAR, _shown(value)))
    return int(value)


def _id(value: Any, path: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ApplicationError(path, _expected(Text("编号（文字）", "an id (text)"), _shown(value)))
    return str(value)


def _require(obj: dict[str, Any], key: str, path: str) -> Any:
    if key not in obj:
        raise ApplicationError(f"{path}.{key}" if path else key, _MISSING)
    return obj[key]


def _measure(value: Any, path: str, measure_inputs: dict[str, tuple[str, ...]]) -> str:
    if not isinstance(value, str):
        what = Text('措施编号（如 "expo-2a"）', 'a measure id such as "expo-2a"')
        raise ApplicationError(path, _expected(what, _shown(value)))
    if value not in measure_inputs:
        shown = _shown(value)
        raise ApplicationError(
            path,
            Text(f"政策集中没有措施 {shown}", f"no measure {shown} in the policy set")
            + _closest(value, sorted(measure_inputs)),
        )
    return value


_CLAIM_FIELDS = ("id", "measure", "facts", "date", *CLAIM_KEYS)
_AWARD_FIELDS = ("measure", "year", "amount", "note", *HISTORY_KEYS)
_TOP_FIELDS = frozenset({"year", "date", "enterprise", "claims", "history", "$schema", "note"})
_CLAIM_FIELD_SET = frozenset(_CLAIM_FIELDS)
_AWARD_FIELD_SET = frozenset(_AWARD_FIELDS)


class Schema:
    """A policy set's declarations laid out for reading, once per set rather than once
    per application: the enterprise's inputs, and for each measure the claim facts it
    reads. ``read_application`` takes the common values (``true``, ``"1234.50"``, a
    member of an enum, an id written as text) straight from these and hands every other
    value to the general readers, in the order it always read them, so a bad field
    gets the message it always got (issue 13: reading was a third of `Program.run`)."""

    def __init__(
        self, inputs: dict[str, InputSpec], measure_inputs: dict[str, tuple[str, ...]]
    ) -> None:
        self.inputs, self.measure_inputs = inputs, measure_inputs
        self.enterprise = {
            name: spec
            for name, spec in inputs.items()
            if spec.origin == "enterprise" and name not in ("id", "name")
        }
        self.claim_facts = {
            measure: {
                name: inputs[name]
                for name in reads
                if name in inputs and inputs[name].origin != "enterprise"
            }
            for measure, reads in measure_inputs.items()
        }


_schemas: dict[tuple[int, int], tuple[dict[str, InputSpec], dict[str, Any], Schema]] = {}


def schema_of(inputs: dict[str, InputSpec], measure_inputs: dict[str, tuple[str, ...]]) -> Schema:
    """The schema of these declarations, built on first use (a runtime reads with the
    same two dicts all its life; the entry holds them, so their ids stay theirs)."""
    key = (id(inputs), id(measure_inputs))
    entry = _schemas.get(key)
    if entry is None or entry[0] is not inputs or entry[1] is not measure_inputs:
        if len(_schemas) > 64:  # compilations that come and go (tests, the diff)
            _schemas.clear()
        entry = (inputs, measure_inputs, Schema(inputs, measure_inputs))
        _schemas[key] = entry
    return entry[2]


_NOT_PLAIN = object()  # _plain_value: not one of the plain forms
_NO_FACTS: dict[str, Any] = {}  # a claim without facts (only read, never filled)
_plain_money = _PLAIN_MONEY.fullmatch


def _typed(spec: InputSpec, value: Any, where: str, index: int, key: str) -> Any:
    """``read_value`` of a value that is not a plain ``true``/``false`` (the reader takes
    those in line): the plain amount and the enum member straight, every other value
    through the general readers, at the path ``where.format(index, key)`` (written
    only then: most values need none)."""
    if value.__class__ is str:
        kind = spec.type
        if kind == "money" and _plain_money(value):
            return Decimal(value)
        if kind == "enum" and value in spec.members:
            return value
    plain = _plain_value(spec, value)
    return plain if plain is not _NOT_PLAIN else read_value(spec, value, where.format(index, key))


def _plain_value(spec: InputSpec, value: Any) -> Any:
    """``value`` as ``read_value`` reads it when it is one of the common plain forms,
    else ``_NOT_PLAIN`` (and ``read_value`` decides, with its messages)."""
    kind = spec.type
    if kind == "bool" and value.__class__ is bool:
        return value
    if kind == "money":
        plain = plain_money(value)
        return _NOT_PLAIN if plain is None else plain
    if kind == "enum" and value.__class__ is str and value in spec.members:
        return value
    return _NOT_PLAIN


def read_application(
    data: Any,
    inputs: dict[str, InputSpec],
    measure_inputs: dict[str, tuple[str, ...]],
    schema: Schema | None = None,
) -> Application:
    """Validate ``data`` (parsed JSON) against the policy set's declarations (laid out
    in ``schema``, if the caller keeps it)."""
    schema = schema_of(inputs, measure_inputs) if schema is None else schema
    if not isinstance(data, dict):
        raise ApplicationError(
            "",
            Text(
                "申报数据应为包含 `year`、`enterprise`、`claims` 的 JSON 对象",
                "an application is a JSON object with year, enterprise, claims",
            ),
        )
    if not data.keys() <= _TOP_FIELDS:
        for key in data:
            if key not in _TOP_FIELDS:
                raise ApplicationError(key, _unknown(key, sorted(_TOP_FIELDS)))
    # `date` (optional): the day the application's claims are judged at; it gives the
    # year when `year` is left out, and must fall in it when both are written.
    app_date = read_date(data["date"], "date") if data.get("date") is not None else None
    written = data.get("year")
    if "year" not in data and app_date is not None:
        year = app_date.year
    elif written.__class__ is int and YEARS[0] <= written <= YEARS[1]:
        year = written
    else:
        year = _year(_require(data, "year", ""), "year")
    if app_date is not None and app_date.year != year:
        raise ApplicationError(
            "date",
            Text(
                f"{data['date']} 不在申报年度 {year} 年内（`year` 字段）",
                f"{data['date']} is not in the application's year {year} (field year)",
            ),
        )

    raw_ent = _require(data, "enterprise", "")
    if not isinstance(raw_ent, dict):
        raise ApplicationError("enterprise", Text("应为对象", "expected an object"))
    enterprise: dict[str, Any] = {}
    profile = schema.enterprise
    for key, value in raw_ent.items():
        spec = profile.get(key)
        if spec is not None:
            enterprise[key] = (
                value
                if value.__class__ is bool and spec.type == "bool"
                else _typed(spec, value, "enterprise.{1}", 0, key)
            )
        elif key in ("id", "name"):
            if not isinstance(value, str | int) or isinstance(value, bool):
                raise ApplicationError(f"enterprise.{key}", Text("应为文字", "expected text"))
            enterprise[key] = str(value)
        else:
            names = sorted(k for k, s in inputs.items() if s.origin == "enterprise")
            raise ApplicationError(f"enterprise.{key}", _unknown(key, names))
    if "id" not in enterprise:
        raise ApplicationError("enterprise.id", _MISSING)

    raw_claims = _require(data, "claims", "")
    if not isinstance(raw_claims, list):
        raise ApplicationError("claims", Text("应为申报事项列表", "expected a list of claims"))
    if len(raw_claims) > MAX_CLAIMS:
        raise ApplicationError(
            "claims",
            Text(
                f"申报事项超过 {MAX_CLAIMS} 项（上限）",
                f"more than {MAX_CLAIMS} claims (the limit)",
            ),
        )
    claims = []
    seen_ids: set[str] = set()
    for i, raw in enumerate(raw_claims):
        if not isinstance(raw, dict):
            raise ApplicationError(
                f"claims[{i}]",
                Text(
                    "应为包含 `id`、`measure`、`facts` 的对象",
                    "expected an object with id, measure, facts",
                ),
            )
        if not raw.keys() <= _CLAIM_FIELD_SET:
            if "matter" in raw:
                raise ApplicationError(
                    f"claims[{i}].matter",
                    Text(
                        "申报事项不写 `matter`：哪些措施属于同一事项由政策规定（措施中的 `matter`）；"
                        "请改写项目或产品",
                        "a claim does not name its matter: the policy declares which measures "
                        "are one matter (`matter` in the measure); name the project or product "
                        "instead",
                    ),
                )
            for key in raw:
                if key not in _CLAIM_FIELDS:
                    raise ApplicationError(f"claims[{i}].{key}", _unknown(key, list(_CLAIM_FIELDS)))
        claim_id = raw.get("id")
        if claim_id.__class__ is not str:
            claim_id = _id(raw["id"], f"claims[{i}].id") if "id" in raw else f"claim-{i + 1}"
        if claim_id in seen_ids:
            raise ApplicationError(
                f"claims[{i}].id",
                Text(f"申报编号 {claim_id!r} 重复", f"duplicate claim id {claim_id!r}"),
            )
        seen_ids.add(claim_id)
        measure = raw.get("measure")
        if measure.__class__ is not str or measure not in measure_inputs:
            measure = _measure(
                _require(raw, "measure", f"claims[{i}]"), f"claims[{i}].measure", measure_inputs
            )
        raw_facts = raw.get("facts", _NO_FACTS)
        if not isinstance(raw_facts, dict):
            raise ApplicationError(f"claims[{i}].facts", _FACTS)
        reads = schema.claim_facts[measure]
        facts: dict[str, Any] = {}
        for key, value in raw_facts.items():
            spec = reads.get(key)
            if spec is None:
                raise _not_read(measure, key, f"claims[{i}].facts.{key}", inputs, measure_inputs)
            if value is None:
                continue  # explicit null: the fact is unknown (missing is not zero)
            # true/false and a plain amount in line: most facts are one or the other
            if value.__class__ is bool and spec.type == "bool":
                facts[key] = value
            elif value.__class__ is str and spec.type == "money" and _plain_money(value):
                facts[key] = Decimal(value)
            else:
                facts[key] = _typed(spec, value, "claims[{0}].facts.{1}", i, key)
        keys = {}
        for key in CLAIM_KEYS:
            value = raw.get(key)
            if value is not None:
                keys[key] = value if value.__class__ is str else _id(value, f"claims[{i}].{key}")
        claim_date = app_date
        if raw.get("date") is not None:
            within = Text("申报年度", "the application's year")
            claim_date = _dated(raw["date"], f"claims[{i}].date", year, within)
        claims.append(Claim(claim_id, measure, facts, keys, i, claim_date))

    history = []
    past: list[PastFacts] = []
    raw_history = data.get("history", [])
    if not isinstance(raw_history, list):
        raise ApplicationError(
            "history", Text("应为已获奖励列表", "expected a list of prior awards")
        )
    if len(raw_history) > MAX_CLAIMS:
        raise ApplicationError(
            "history",
            Text(
                f"已获奖励超过 {MAX_CLAIMS} 项（上限）",
                f"more than {MAX_CLAIMS} prior awards (the limit)",
            ),
        )
    for i, raw in enumerate(raw_history):
        if not isinstance(raw, dict):
            raise ApplicationError(
                f"history[{i}]",
                Text(
                    "应为包含 `measure`、`year`、`amount` 的对象",
                    "expected an object with measure, year, amount",
                ),
            )
        if "facts" in raw:
            past.append(_past_facts(raw, f"history[{i}]", inputs))
            continue
        if not raw.keys() <= _AWARD_FIELD_SET:
            for key in raw:
                if key not in _AWARD_FIELDS:
                    raise ApplicationError(
                        f"history[{i}].{key}",
                        _unknown(key, ["measure", "year", "amount", *HISTORY_KEYS]),
                    )
        measure = raw.get("measure")
        if measure.__class__ is not str or measure not in measure_inputs:
            measure = _measure(
                _require(raw, "measure", f"history[{i}]"), f"history[{i}].measure", measure_inputs
            )
        hyear = raw.get("year")
        if hyear.__class__ is not int or not YEARS[0] <= hyear <= YEARS[1]:
            hyear = _year(_require(raw, "year", f"history[{i}]"), f"history[{i}].year")
        amount = raw.get("amount")
        if amount.__class__ is str and _plain_money(amount):
            amount = Decimal(amount)
        else:
            amount = plain_money(amount)
        if amount is None:
            amount = read_money(_require(raw, "amount", f"history[{i}]"), f"history[{i}].amount")
        hkeys: dict[str, Any] = {}
        # Measure, year and amount are read: an award of three fields names no keys.
        for key in HISTORY_KEYS if len(raw) > 3 else ():
            value = raw.get(key)
            if value is None:
                continue
            if key == "step":
                hkeys[key] = read_money(value, f"history[{i}].{key}")
            else:
                hkeys[key] = value if value.__class__ is str else _id(value, f"history[{i}].{key}")
        history.append(PriorAward(measure, hyear, amount, hkeys))
    return Application(year, enterprise, tuple(claims), tuple(history), tuple(past), app_date)


def _not_read(
    measure: str,
    key: str,
    path: str,
    inputs: dict[str, InputSpec],
    measure_inputs: dict[str, tuple[str, ...]],
) -> ApplicationError:
    """A claim fact its measure does not read (or an enterprise input written as one)."""
    claim_reads = [r for r in measure_inputs[measure] if inputs[r].origin != "enterprise"]
    near = _closest(key, claim_reads)
    read_zh = "、".join(claim_reads) or "无申报事实"
    read_en = ", ".join(claim_reads) or "no claim facts"
    return ApplicationError(
        path,
        Text(
            f"{measure} 不读取这项事实{near.zh}；它读取：{read_zh}",
            f"{measure} does not read this fact{near.en}; it reads: {read_en}",
        ),
    )


def _past_facts(raw: dict[str, Any], path: str, inputs: dict[str, InputSpec]) -> PastFacts:
    """``{"year": 2019, "facts": {"main_revenue": "55亿"}}``: what was true in a past year."""
    for key in raw:
        if key not in ("year", "facts", "note"):
            raise ApplicationError(
                f"{path}.{key}",
                Text(
                    "往年事实记录只含 `year` 和 `facts`（已获奖励记录含 `measure`、`year`、`amount`）",
                    "a record of past facts has year and facts only (an award has measure, year, amount)",
                ),
            )
    pyear = _require(raw, "year", path)
    if isinstance(pyear, bool) or not isinstance(pyear, int):
        raise ApplicationError(
            f"{path}.year", Text("应为年份（如 2019）", "expected a year such as 2019")
        )
    raw_facts = raw["facts"]
    if not isinstance(raw_facts, dict):
        raise ApplicationError(f"{path}.facts", _FACTS)
    facts: dict[str, Any] = {}
    for key, value in raw_facts.items():
        spec = inputs.get(key)
        if spec is None or spec.type == "list":
            raise ApplicationError(
                f"{path}.facts.{key}", _unknown(key, sorted(inputs), Text("事实", "fact"))
            )
        if value is not None:
            facts[key] = (
                value
                if value.__class__ is bool and spec.type == "bool"
                else _typed(spec, value, path + ".facts.{1}", 0, key)
            )
    return PastFacts(pyear, facts)


_FACTS = Text("应为事实对象", "expected an object of facts")
_TOO_DEEP = Text(
    f"嵌套超过 {MAX_DEPTH} 层（上限）", f"nested more than {MAX_DEPTH} levels (the limit)"
)


class _Refused(Exception):
    """Raised from inside the JSON parser's hooks; becomes an ApplicationError."""

    def __init__(self, words: Text) -> None:
        super().__init__(words.en)
        self.words = words


def _number(text: str) -> str:
    if len(text) > MAX_NUMBER_CHARS:
        raise _Refused(
            Text(
                f"数字长达 {len(text)} 个字符（上限为 {MAX_NUMBER_CHARS} 个）",
                f"a number of {len(text)} characters (the limit is {MAX_NUMBER_CHARS})",
            )
        )
    return text


def _fraction(text: str) -> Decimal:
    value = Decimal(_number(text))
    if value and not -30 <= value.adjusted() <= 30:
        raise _Refused(Text(f"数字 {text} 超出范围", f"the number {text} is out of range"))
    return value


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            shown = _shown(key)
            raise _Refused(
                Text(
                    f"键 {shown} 重复（每个字段只能出现一次）",
                    f"duplicate key {shown} (each field once)",
                )
            )
        out[key] = value
    return out


def _constant(name: str) -> Any:
    raise _Refused(Text(f"{name} 不是数字", f"{name} is not a number"))


# A lone surrogate can only come from the text itself or from a \uD800–\uDFFF escape.
_MAYBE_SURROGATE = re.compile(r"[\ud800-\udfff]|\\u[dD][89a-fA-F]")


def _validate(data: Any, text: str | None = None) -> None:
    """Depth, and text that is not Unicode (a lone surrogate such as \\ud800), with the
    path where each is found; iterative, so no input can exhaust the stack here.
    ``text``: the JSON ``data`` was parsed from, which can show that neither can occur
    (the walk with paths is then only for the message)."""
    if (
        text is not None
        and _MAYBE_SURROGATE.search(text) is None
        and (text.count("[") + text.count("{") < MAX_DEPTH or _within_depth(data))
    ):
        return
    todo: list[tuple[Any, str, int]] = [(data, "", 0)]
    while todo:
        value, path, depth = todo.pop()
        if isinstance(value, str):
            _unicode(value, path)
        elif isinstance(value, dict | list):
            if depth >= MAX_DEPTH:
                raise ApplicationError(path, _TOO_DEEP)
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str):
                    _unicode(key, path)
                    child = f"{path}.{key}" if path else key
                else:
                    child = f"{path}[{key}]"
                todo.append((item, child, depth + 1))


def _within_depth(data: Any) -> bool:
    """Whether no array or object is nested ``MAX_DEPTH`` deep (no paths built)."""
    todo: list[tuple[Any, int]] = [(data, 0)]
    while todo:
        value, depth = todo.pop()
        if isinstance(value, dict | list):
            if depth >= MAX_DEPTH:
                return False
            items = value.values() if isinstance(value, dict) else value
            todo.extend((item, depth + 1) for item in items)
    return True


def _unicode(text: str, path: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = text[exc.start]
        code = f"\\u{ord(bad):04x}"
        raise ApplicationError(
            path,
            Text(
                f"文字中含有孤立代理项 {code}，不是有效字符",
                f"text holds a lone surrogate {code}, which is not a character",
            ),
        ) from None


def loads(text: str) -> Any:
    """Parse JSON text exactly (every non-integer number a Decimal), within the limits:
    too long, too deep, duplicate keys, NaN and lone surrogates are refused."""
    if len(text) > MAX_APPLICATION_BYTES or len(text.encode("utf-8", "surrogatepass")) > (
        MAX_APPLICATION_BYTES
    ):
        mib = MAX_APPLICATION_BYTES // 2**20
        raise ApplicationError(
            "", Text(f"超过 {mib} MiB 的上限", f"larger than {mib} MiB (the limit)")
        )
    try:
        data = json.loads(
            text,
            parse_float=_fraction,
            parse_int=lambda t: int(_number(t)),
            parse_constant=_constant,
            object_pairs_hook=_object,
        )
    except json.JSONDecodeError as exc:
        raise ApplicationError(
            "",
            Text(
                f"不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列（{exc.msg}）",
                f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
            ),
        ) from exc
    except _Refused as exc:
        raise ApplicationError(
            "", Text(f"不予接受：{exc.words.zh}", f"not accepted: {exc.words.en}")
        ) from None
    except RecursionError:
        raise ApplicationError("", _TOO_DEEP) from None
    _validate(data, text)
    return data
