"""``kfpl targets ACTUALS.json``: the implementation plan's targets against reported figures.

Each ``target`` of the policy set has one or more goals (``about 35% by 2022``,
``at least 20% yearly``, ``between 8 and 10 by 2025``, ``at least 1 within 3 to 5
years``). Given the actual figures by target and year, every goal is reported as
``met``, ``not_met`` or ``no_data``; a target is met when all its goals are, not met
when any goal is not, and otherwise has no data. All arithmetic is on exact decimals.

A ``yearly`` goal is a 年均 (average annual) goal: it is judged on the average of the
years reported, not year by year (a year below the goal is made up by the others). A
goal that binds every single year (每年培育8—10个) is written as one ``by YEAR`` goal
per year.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

import click

from kfpl.cli.lang import lang_option
from kfpl.diagnostics import did_you_mean
from kfpl.model import PolicySet
from kfpl.render import money as fmt
from kfpl.runtime.bilingual import Text
from kfpl.syntax import nodes as n
from kfpl.syntax.parser import parse_number

Status = Literal["met", "not_met", "no_data"]

# "About X" is met when the actual is at least X less 5% of X (about 35% -> 33.25%).
ABOUT_TOLERANCE = Decimal("0.05")


STATUS_TEXT: dict[str, dict[Status, str]] = {
    "zh": {"met": "达成", "not_met": "未达成", "no_data": "无数据"},
    "en": {"met": "met", "not_met": "not met", "no_data": "no data"},
}

COMPARATOR_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "about": "{v}左右",
        "exactly": "{v}",
        "at_least": "{v}以上",
        "more_than": "超过{v}",
        "at_most": "{v}以下",
        "less_than": "低于{v}",
        "between": "{v}—{h}",
    },
    "en": {
        "about": "about {v}",
        "exactly": "exactly {v}",
        "at_least": "at least {v}",
        "more_than": "more than {v}",
        "at_most": "at most {v}",
        "less_than": "less than {v}",
        "between": "{v} to {h}",
    },
}


class ActualsError(ValueError):
    """Bad ACTUALS input; the message names the offending field, in both languages
    (``words``; ``str()`` is the English)."""

    def __init__(self, where: str, words: Text) -> None:
        head = Text(f"{where}：", f"{where}: ") if where else Text("", "")
        self.words = head + words
        super().__init__(self.words.en)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class YearCheck:
    year: int
    actual: Decimal
    status: Status
    above_range: bool = False


@dataclass(frozen=True)
class GoalResult:
    goal: n.Goal
    deadline: int | None  # None for yearly goals
    checks: tuple[YearCheck, ...]  # the years evaluated (one for a deadline goal)
    status: Status
    latest: tuple[int, Decimal] | None = None  # the latest figure when the deadline has none
    average: Decimal | None = None  # yearly (年均) goals: the average of the years reported


@dataclass(frozen=True)
class TargetResult:
    target: n.Target
    goals: tuple[GoalResult, ...]
    status: Status


# --------------------------------------------------------------------------- input


def parse_value(raw: Any, where: str) -> Decimal:
    """A JSON number, or text: ``"0.36"``, ``"36%"``, ``"2200"``, ``"5000亿"``."""
    if isinstance(raw, bool) or raw is None:
        raise ActualsError(
            where,
            Text(
                '应为数字，如 0.36、"36%" 或 "5000亿"',
                'expected a number such as 0.36, "36%" or "5000亿"',
            ),
        )
    if isinstance(raw, int | Decimal):
        return Decimal(raw)
    if isinstance(raw, str):
        text = raw.strip().replace(",", "")
        try:
            value, _unit = parse_number(text.removeprefix("-"))
        except (InvalidOperation, ValueError):
            raise ActualsError(
                where,
                Text(
                    f'`{raw}` 不是数字（应写 0.36、"36%"、"2200" 或 "5000亿"）',
                    f'`{raw}` is not a number (write 0.36, "36%", "2200" or "5000亿")',
                ),
            ) from None
        if not value.is_finite():
            raise ActualsError(
                where, Text(f"`{raw}` 不是有限数", f"`{raw}` is not a finite number")
            )
        return -value if text.startswith("-") else value
    got = type(raw).__name__
    raise ActualsError(where, Text(f"应为数字，实际为 `{got}`", f"expected a number, got {got}"))


def load_actuals(text: str, known: Mapping[str, n.Target]) -> dict[str, dict[int, Decimal]]:
    """Parse ACTUALS JSON: ``{target id: {year: value}}``. Raises ``ActualsError``."""
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise ActualsError(
            "",
            Text(
                f"不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列（{exc.msg}）",
                f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
            ),
        ) from None
    if not isinstance(data, dict):
        example = '`{"plan-mva-share": {"2022": "36%"}}`'
        raise ActualsError(
            "", Text(f"顶层必须是对象：{example}", f"the top level must be an object: {example}")
        )
    out: dict[str, dict[int, Decimal]] = {}
    for target_id, by_year in data.items():
        if target_id.startswith("$"):  # "$comment" and the like
            continue
        if target_id not in known:
            guess = did_you_mean(target_id, set(known))
            hint = (
                Text(f"；是否应为 `{guess}`？", f"; did you mean `{guess}`?")
                if guess
                else Text("；`kfpl list` 列出目标编号", "; `kfpl list` shows the target ids")
            )
            raise ActualsError(target_id, Text("没有这个目标", "no such target") + hint)
        if not isinstance(by_year, dict):
            example = '`{"2022": "36%"}`'
            raise ActualsError(
                target_id,
                Text(
                    f"应为以年份为键的对象，如 {example}",
                    f"expected an object of years, e.g. {example}",
                ),
            )
        years: dict[int, Decimal] = {}
        for year_text, raw in by_year.items():
            where = f"{target_id}.{year_text}"
            if not (len(year_text) == 4 and year_text.isdigit()):
                raise ActualsError(
                    where,
                    Text(
                        f"`{year_text}` 不是年份（应写四位数字，如 2022）",
                        f"`{year_text}` is not a year (write four digits, e.g. 2022)",
                    ),
                )
            years[int(year_text)] = parse_value(raw, where)
        out[target_id] = years
    return out


# --------------------------------------------------------------------------- evaluation


def compare(goal: n.Goal, actual: Decimal) -> tuple[Status, bool]:
    """Whether ``actual`` meets the goal, and whether it lies above a range's top."""
    value = goal.value.value
    match goal.comparator:
        case "about":
            ok = actual >= value - value * ABOUT_TOLERANCE
        case "exactly":
            ok = actual == value
        case "at_least":
            ok = actual >= value
        case "more_than":
            ok = actual > value
        case "at_most":
            ok = actual <= value
        case "less_than":
            ok = actual < value
        case "between":
            ok = actual >= value
            high = goal.high.value if goal.high is not None else value
            return ("met" if ok else "not_met"), actual > high
    return ("met" if ok else "not_met"), False


def compare_average(goal: n.Goal, figures: list[Decimal]) -> tuple[Status, bool]:
    """A 年均 goal against the average of ``figures``, decided exactly: the sum of the
    figures is compared with the goal scaled by the number of years, so no division
    (1/3 of a percent…) ever rounds a boundary case the wrong way."""
    count = len(figures)
    scaled = replace(
        goal,
        value=replace(goal.value, value=goal.value.value * count),
        high=replace(goal.high, value=goal.high.value * count) if goal.high is not None else None,
    )
    return compare(scaled, sum(figures, Decimal(0)))


def average_shown(figures: list[Decimal]) -> Decimal:
    """The average for display: exact when it terminates within 6 places, else rounded."""
    mean = sum(figures, Decimal(0)) / len(figures)
    places = Decimal("0.000001")
    return mean if mean == mean.quantize(places) else mean.quantize(places)


def deadline_of(goal: n.Goal, issue_year: int) -> int | None:
    if goal.year is not None:
        return goal.year
    if goal.within_years is not None:
        return issue_year + goal.within_years[1]
    return None


def evaluate_goal(goal: n.Goal, figures: Mapping[int, Decimal], issue_year: int) -> GoalResult:
    deadline = deadline_of(goal, issue_year)
    if deadline is None:  # yearly (年均): the average of the reported years decides
        checks = []
        for year in sorted(figures):
            status, above = compare(goal, figures[year])
            checks.append(YearCheck(year, figures[year], status, above))
        if not checks:
            return GoalResult(goal, None, (), "no_data")
        values = [figures[year] for year in sorted(figures)]
        overall, _above = compare_average(goal, values)
        return GoalResult(goal, None, tuple(checks), overall, average=average_shown(values))
    if deadline in figures:
        status, above = compare(goal, figures[deadline])
        check = YearCheck(deadline, figures[deadline], status, above)
        return GoalResult(goal, deadline, (check,), status)
    earlier = [y for y in figures if y < deadline]
    latest = (max(earlier), figures[max(earlier)]) if earlier else None
    return GoalResult(goal, deadline, (), "no_data", latest)


def evaluate_target(
    target: n.Target, figures: Mapping[int, Decimal], issue_year: int
) -> TargetResult:
    goals = tuple(evaluate_goal(g, figures, issue_year) for g in target.goals)
    statuses = {g.status for g in goals}
    if "not_met" in statuses:
        status: Status = "not_met"
    elif statuses == {"met"}:
        status = "met"
    else:
        status = "no_data"
    return TargetResult(target, goals, status)


def evaluate_targets(
    ps: PolicySet, actuals: Mapping[str, Mapping[int, Decimal]]
) -> list[TargetResult]:
    results = []
    for target_id, target in ps.targets.items():
        policy = ps.policy_of(target_id)
        # "within 3 to 5 years" counts from the plan's issue year.
        issue_year = policy.issued.year if policy and policy.issued else ps.reference_year()
        results.append(evaluate_target(target, actuals.get(target_id, {}), issue_year))
    return results


# --------------------------------------------------------------------------- output


def show_value(value: Decimal, unit: str | None, lang: str) -> str:
    if unit == "rate":
        return fmt.rate(value)
    if unit == "money":
        return fmt.money(value, lang)
    return fmt.count(value, lang)


def show_when(goal: n.Goal, lang: str) -> str:
    if goal.yearly:
        return "年均" if lang == "zh" else "on average each year"
    if goal.within_years is not None:
        low, high = goal.within_years
        return f"{low}至{high}年内" if lang == "zh" else f"within {low} to {high} years"
    return f"到{goal.year}年" if lang == "zh" else f"by {goal.year}"


def show_goal(goal: n.Goal, unit: str | None, lang: str) -> str:
    high = show_value(goal.high.value, unit, lang) if goal.high is not None else ""
    level = COMPARATOR_TEXT[lang][goal.comparator].format(
        v=show_value(goal.value.value, unit, lang), h=high
    )
    return f"{show_when(goal, lang)} {level}" if lang == "en" else f"{show_when(goal, lang)}{level}"


def show_check(check: YearCheck, unit: str | None, lang: str) -> str:
    status = STATUS_TEXT[lang][check.status]
    value = show_value(check.actual, unit, lang)
    extra = ""
    if check.above_range:
        extra = "(超出区间)" if lang == "zh" else " (above the range)"
    if lang == "zh":
        return f"{check.year}年实际{value} → {status}{extra}"
    return f"{check.year}: actual {value} → {status}{extra}"


def render_text(results: list[TargetResult], lang: str) -> str:
    lines: list[str] = []
    for result in results:
        t = result.target
        title = t.title.get(lang) if t.title else ""
        source = f"{t.source.doc} {t.source.clause}" if t.source else ""
        tag = ("  [力争]" if lang == "zh" else "  [aspiration]") if t.aspiration else ""
        lines.append(f"{t.id}  {title}  ({source}){tag}: {STATUS_TEXT[lang][result.status]}")
        for goal in result.goals:
            sep = "：" if lang == "zh" else ": "
            head = f"  {show_goal(goal.goal, t.unit, lang)}{sep}"
            if goal.checks and goal.average is not None:
                years = "、".join if lang == "zh" else ", ".join
                shown = years(
                    f"{c.year}年{show_value(c.actual, t.unit, lang)}" if lang == "zh"
                    else f"{c.year} {show_value(c.actual, t.unit, lang)}"
                    for c in goal.checks
                )  # fmt: skip
                average = show_value(goal.average, t.unit, lang)
                status = STATUS_TEXT[lang][goal.status]
                lines.append(
                    head
                    + (f"{shown}，{len(goal.checks)}年平均{average} → {status}" if lang == "zh"
                       else f"{shown}: average over {len(goal.checks)} years {average} → {status}")
                )  # fmt: skip
            elif goal.checks:
                lines.extend(head + show_check(c, t.unit, lang) for c in goal.checks)
            elif goal.latest is not None:
                year, value = goal.latest
                shown = show_value(value, t.unit, lang)
                lines.append(
                    head
                    + (f"无数据(最近一次：{year}年{shown})" if lang == "zh"
                       else f"no data (latest: {year}, {shown})")
                )  # fmt: skip
            else:
                lines.append(head + STATUS_TEXT[lang]["no_data"])
    counts = {s: sum(1 for r in results if r.status == s) for s in ("met", "not_met", "no_data")}
    if lang == "zh":
        lines.append(
            f"共{len(results)}项目标：达成{counts['met']}，未达成{counts['not_met']}，"
            f"无数据{counts['no_data']}"
        )
    else:
        lines.append(
            f"{len(results)} targets: {counts['met']} met, {counts['not_met']} not met, "
            f"{counts['no_data']} no data"
        )
    return "\n".join(lines)


def _when_kind(goal: n.Goal) -> str:
    if goal.yearly:
        return "yearly"
    return "within" if goal.within_years is not None else "by"


def _num(value: Decimal) -> str:
    return fmt.plain(value)


def to_json(results: list[TargetResult], lang: str) -> dict[str, Any]:
    targets = []
    for result in results:
        t = result.target
        goals = []
        for g in result.goals:
            goal = g.goal
            goals.append(
                {
                    "comparator": goal.comparator,
                    "value": _num(goal.value.value),
                    "high": _num(goal.high.value) if goal.high is not None else None,
                    "when": _when_kind(goal),
                    "deadline": g.deadline,
                    "text": show_goal(goal, t.unit, lang),
                    "status": g.status,
                    "years": [
                        {
                            "year": c.year,
                            "actual": _num(c.actual),
                            "status": c.status,
                            "above_range": c.above_range,
                        }
                        for c in g.checks
                    ],
                    "average": _num(g.average) if g.average is not None else None,
                    "latest": (
                        {"year": g.latest[0], "actual": _num(g.latest[1])} if g.latest else None
                    ),
                }
            )
        targets.append(
            {
                "id": t.id,
                "title": {"zh": t.title.zh, "en": t.title.en} if t.title else None,
                "source": {"doc": t.source.doc, "clause": t.source.clause} if t.source else None,
                "unit": t.unit,
                "owners": list(t.owners),
                "aspiration": t.aspiration,
                "status": result.status,
                "status_text": STATUS_TEXT[lang][result.status],
                "goals": goals,
            }
        )
    counts = {s: sum(1 for r in results if r.status == s) for s in ("met", "not_met", "no_data")}
    return {"targets": targets, "summary": counts}


# --------------------------------------------------------------------------- the command


@click.command("targets")
@click.argument("actuals", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--policies", "paths", multiple=True, help="Policy files or folders (default: policies/)."
)
@lang_option
@click.option(
    "--format", "fmt_", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def targets_command(actuals: str, paths: tuple[str, ...], lang: str | None, fmt_: str) -> None:
    """Report each target of the implementation plan as met, not met or no data.

    ACTUALS is a JSON object: target id -> {year -> actual}. Values are JSON numbers
    or text: rates as 0.36 or "36%", counts as 2200, money in yuan or as "5000亿".
    Use `-` to read standard input. Target ids are listed by `kfpl list`.

    \b
    Example ACTUALS.json:
      {"plan-mva-share": {"2022": "36%"},
       "plan-cloud-enterprises": {"2022": 2300, "2025": 2900},
       "plan-tech-reform-investment-growth": {"2024": "21%", "2025": "18%"}}

    \b
    A goal "by YEAR" reads that year's figure; "yearly" (年均) is judged on the
    average of the years given;
    "within 3 to 5 years" reads the year the plan was issued + 5. "About X" is met
    at X less 5% of X or above; "between A and B" is met from A up (above B is
    shown as above the range).

    \b
    Example:
      kfpl targets actuals.json --lang en
      kfpl targets actuals.json --format json

    Exit codes: 0 ok; 1 policy errors; 2 bad input (the message names the field).
    """
    from kfpl.cli.main import compile_or_exit, fail, use_lang

    lang = use_lang(lang, paths)
    comp = compile_or_exit(paths, quiet=True)
    assert comp.policy_set is not None
    ps = comp.policy_set
    try:
        text = sys.stdin.read() if actuals == "-" else Path(actuals).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        fail(Text(f"{actuals}：不是 UTF-8 文本", f"{actuals}: not UTF-8 text"))
    except OSError as exc:
        fail(Text(f"{actuals}：{exc.strerror}", f"{actuals}: {exc.strerror}"))
    try:
        figures = load_actuals(text, ps.targets)
    except ActualsError as exc:
        fail(Text(f"{actuals}：", f"{actuals}: ") + exc.words)
    results = evaluate_targets(ps, figures)
    if fmt_ == "json":
        click.echo(json.dumps(to_json(results, lang), ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(results, lang))
