"""Rendering a diff: JSON (the data), and from it text for a terminal and Markdown for a
review, in Chinese or English.

The JSON document is built first and the two human formats are rendered from it, so
the three can never disagree. Everything is deterministic: same inputs, same bytes.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any

from kfpl.diff.structural import CHECKS, DIRECTIONS, ITEM_KINDS, SEVERITIES, Change
from kfpl.runtime.dates import Span, day_en, day_zh
from kfpl.textwidth import clip, display_width, ljust, rjust

DIFF_VERSION = 1
DIRECTION_ORDER = (
    "more_generous",
    "less_generous",
    "mixed",
    "depends",
    "review",
    "neutral",
    "wording",
)
SYMBOLS = {"add": "+", "remove": "-", "change": "~", "rename": "→"}


def build_document(
    old: str,
    new: str,
    changes: list[Change],
    behaviour: dict[str, Any] | None = None,
    impact: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSON document of a diff (stable keys, amounts as decimal strings)."""
    items = item_groups(changes)
    actions = Counter(group_action(group) for group in items.values())
    directions: Counter[str] = Counter(ch.direction for ch in changes)
    return {
        "diff_version": DIFF_VERSION,
        "old": old,
        "new": new,
        "summary": {
            "changes": len(changes),
            "items": {a: actions.get(a, 0) for a in ("add", "change", "remove", "rename")},
            "directions": {d: directions.get(d, 0) for d in DIRECTION_ORDER},
            "severities": {s: sum(1 for ch in changes if ch.severity == s) for s in SEVERITIES},
        },
        "changes": [ch.to_json() for ch in changes],
        "behaviour": behaviour,
        "impact": impact,
    }


def item_groups(changes: list[Change]) -> dict[tuple[str, str], list[Change]]:
    groups: dict[tuple[str, str], list[Change]] = {}
    for ch in changes:
        groups.setdefault((ch.item_kind, ch.item), []).append(ch)
    return groups


def group_action(group: list[Change]) -> str:
    return group[0].action


def _i(lang: str) -> int:
    return 0 if lang == "zh" else 1


def _t(pair: dict[str, str] | None, lang: str) -> str:
    return "" if pair is None else pair[lang]


# --------------------------------------------------------------------------- money


def yuan(value: str | Decimal, lang: str, signed: bool = False) -> str:
    """Exact yuan with the fen shown: ``CNY 1,234,567.00`` / ``1,234,567.00元``."""
    amount = Decimal(value)
    sign = (
        ("+" if amount > 0 else "-" if amount < 0 else "±")
        if signed
        else ("-" if amount < 0 else "")
    )
    body = f"{abs(amount):,.2f}"
    return f"{sign}{body}元" if lang == "zh" else f"{sign}CNY {body}"


# --------------------------------------------------------------------------- text

WORDS: dict[str, tuple[str, str]] = {
    "title": ("kfpl 语义差异", "kfpl semantic diff"),
    "no_changes": ("两个版本在语义上没有差异。", "No changes: the two versions mean the same."),
    "summary": ("差异", "Diff"),
    "add": ("新增", "to add"),
    "change": ("修改", "to change"),
    "remove": ("删除", "to remove"),
    "rename": ("改编号", "renamed"),
    "behaviour": ("行为差异", "Behavioural diff"),
    "impact": ("预算影响", "Budget impact"),
}


def word(key: str, lang: str) -> str:
    return WORDS[key][_i(lang)]


def summary_line(doc: dict[str, Any], lang: str) -> str:
    s = doc["summary"]
    items = s["items"]
    dirs = s["directions"]
    if lang == "zh":
        parts = [
            f"新增 {items['add']} 项",
            f"修改 {items['change']} 项",
            f"删除 {items['remove']} 项",
            f"改编号 {items['rename']} 项",
        ]
        tone = "，".join(
            f"{DIRECTIONS[d][0]} {dirs[d]}"
            for d in DIRECTION_ORDER
            if dirs[d] or d in ("more_generous", "less_generous")
        )
        return f"差异：{'，'.join(parts)}；共 {s['changes']} 处变化（{tone}）。"
    parts = [
        f"{items['add']} to add",
        f"{items['change']} to change",
        f"{items['remove']} to remove",
        f"{items['rename']} renamed",
    ]
    tone = ", ".join(
        f"{dirs[d]} {DIRECTIONS[d][1]}"
        for d in DIRECTION_ORDER
        if dirs[d] or d in ("more_generous", "less_generous")
    )
    return f"Diff: {', '.join(parts)}; {s['changes']} {'change' if s['changes'] == 1 else 'changes'} ({tone})."


def _item_head(group: list[dict[str, Any]], lang: str) -> str:
    first = group[0]
    kind = ITEM_KINDS[first["item_kind"]][_i(lang)]
    ident = first["item"]
    if first["action"] == "rename" and first["old_item"]:
        ident = f"{first['old_item']} → {first['item']}"
    title = _t(first["title"], lang)
    source = f" ({first['source']})" if first["source"] else ""
    symbol = SYMBOLS[first["action"]]
    if lang == "zh" and title and first["item_kind"] in ("input", "enum", "parameter", "matter"):
        return f"{symbol} {kind} {title}" + source  # a name a zh reader knows by its label
    return f"{symbol} {kind} {ident}" + (f"  {title}" if title else "") + source


def _direction(ch: dict[str, Any], lang: str) -> str:
    text = DIRECTIONS[ch["direction"]][_i(lang)]
    if ch.get("settled_by_behaviour"):
        text += "（经行为差异验证）" if lang == "zh" else " (proven by behaviour)"
    return text


def _grouped(doc: dict[str, Any]) -> list[list[dict[str, Any]]]:
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for ch in doc["changes"]:
        groups.setdefault((ch["item_kind"], ch["item"]), []).append(ch)
    return list(groups.values())


TEXT_WIDTH = 64  # terminal columns of the change column; longer changes run past it
SHORT = TEXT_WIDTH  # wording changes are cut to the column, so their tags line up


def _short(text: str) -> str:
    """Long wording changes (notes) are cut in the terminal; Markdown and JSON keep all."""
    return clip(text, SHORT)


def render_text(doc: dict[str, Any], lang: str = "en") -> str:
    out = [f"{word('title', lang)}: {doc['old']} → {doc['new']}", ""]
    if not doc["changes"]:
        out.append(word("no_changes", lang))
    for group in _grouped(doc):
        out.append(_item_head(group, lang))
        texts = [
            _short(ch["text"][lang]) if ch["direction"] == "wording" else ch["text"][lang]
            for ch in group
        ]
        width = min(TEXT_WIDTH, max(display_width(t) for t in texts))
        for ch, text in zip(group, texts, strict=True):
            sev = SEVERITIES[ch["severity"]][_i(lang)]
            out.append(f"    {ch['check']}  {ljust(text, width)}   [{_direction(ch, lang)}, {sev}]")
        out.append("")
    if doc.get("behaviour"):
        out.extend(behaviour_text(doc["behaviour"], lang))
    if doc.get("impact"):
        out.extend(impact_text(doc["impact"], lang))
    out.append(summary_line(doc, lang))
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- markdown


def _md(text: str) -> str:
    """Untrusted text (titles and labels of a revision under review) made inert in
    Markdown, HTML and table cells: the documentation backend's one escape."""
    from kfpl.docs.pages import md

    return md(text)


def _code(text: str) -> str:
    """A path or label as inline code, or escaped text when it could end the span."""
    return _md(text) if "`" in text or "\n" in text else f"`{text}`"


def render_markdown(doc: dict[str, Any], lang: str = "en") -> str:
    zh = lang == "zh"
    out = [f"## {word('title', lang)}", ""]
    out.append(f"{_code(doc['old'])} → {_code(doc['new'])}")
    out.append("")
    out.append(f"**{summary_line(doc, lang)}**")
    out.append("")
    if not doc["changes"]:
        out.append(word("no_changes", lang))
        out.append("")
    for group in _grouped(doc):
        out.append(f"### {_md(_item_head(group, lang))}")
        out.append("")
        head = (
            "| 检查 | 变化 | 对申报人 | 严重程度 |"
            if zh
            else "| check | change | for applicants | severity |"
        )
        out.append(head)
        out.append("|---|---|---|---|")
        for ch in group:
            sev = SEVERITIES[ch["severity"]][_i(lang)]
            kind = CHECKS[ch["check"]][1][_i(lang)]
            out.append(
                f"| `{ch['check']}` {_md(kind)} | {_md(ch['text'][lang])} | {_md(_direction(ch, lang))} | {sev} |"
            )
        out.append("")
    if doc.get("behaviour"):
        out.extend(behaviour_markdown(doc["behaviour"], lang))
    if doc.get("impact"):
        out.extend(impact_markdown(doc["impact"], lang))
    return "\n".join(out).rstrip() + "\n"


# --------------------------------------------------------------------------- behaviour


def _outcome(side: dict[str, Any], lang: str) -> str:
    status = side["status"]
    if status in ("awarded", "capped"):
        text = yuan(side["amount"], lang)
        if side.get("ceiling"):
            text = ("最高" + text) if lang == "zh" else ("up to " + text)
        return text
    words = STATUS_WORDS.get(str(status), (str(status), str(status)))
    return words[_i(lang)]


STATUS_WORDS = {
    "not_eligible": ("不符合条件", "not eligible"),
    "undetermined": ("无法确定", "undetermined"),
    "excluded": ("排除", "excluded"),
    "superseded": ("被替代", "superseded"),
    "absent": ("无此措施", "no such measure"),
    "not_in_force": ("不在有效期", "not in force"),
}


def _case_facts(case: dict[str, Any], lang: str) -> str:
    """The facts of a probe as the probe words them in that language (zh by their labels,
    en with amounts in yuan); the JSON's ``facts`` keep kfpl's own notation (30万)."""
    worded = case.get(f"facts_{lang}")
    if worded:
        return str(worded)
    return ", ".join(f"{k} = {v}" for k, v in case["facts"].items()) or "—"


VERDICTS: dict[str, tuple[str, str]] = {
    "unchanged": ("结果全部相同（已证明中性）", "every result the same (proven neutral)"),
    "more_generous": ("只增不减", "only increases"),
    "less_generous": ("只减不增", "only decreases"),
    "mixed": ("有增有减", "both increases and decreases"),
    "not_compared": ("未比较", "not compared"),
    "added": ("新增措施", "measure added"),
    "removed": ("已删除", "measure removed"),
}
POINTS = ("个点", "point", "points")
APPLICATIONS = ("份申报", "application", "applications")
TEXT_CASES = 3  # per measure in the terminal; Markdown shows what JSON holds


def _ident(m: dict[str, Any], lang: str = "en") -> str:
    if m["measure"] == "(rules)":
        return (
            "附则（一份申报申请全部措施）"
            if lang == "zh"
            else "general rules (one application claiming every measure)"
        )
    if not m.get("old_measure") or m["old_measure"] == m["measure"]:
        return str(m["measure"])
    return f"{m['old_measure']} → {m['measure']}"


def _behaviour_intro(b: dict[str, Any], lang: str) -> str:
    # Neutrality is proven only by points actually compared: a measure with none (no
    # year in force in both versions) proves nothing and is not counted here.
    same = [
        m
        for m in b["measures"]
        if m["verdict"] == "unchanged" and m["measure"] != "(rules)" and m["points"]
    ]
    same_points = sum(m["points"] for m in same)
    if lang == "zh":
        text = (
            f"在每个门槛和上限边界（±1 个单位）及算例上分别运行两个版本：共 {b['points']} 个点，"
            f"{b['cases_total']} 个结果改变"
        )
        if same:
            text += f"；{len(same)} 项措施在其全部 {same_points} 个点上结果相同（已证明中性）"
        return text + "。"
    text = (
        f"both versions evaluated at every threshold and cap boundary (± one unit) and on the "
        f"worked examples: {b['points']} points, {b['cases_total']} results changed"
    )
    if same:
        noun = "measure gives" if len(same) == 1 else "measures give"
        text += (
            f"; {len(same)} {noun} the same result at every one of "
            f"{'its' if len(same) == 1 else 'their'} "
            f"{same_points} points (proven neutral)"
        )
    return text + "."


def _years(period: list[Any] | None, lang: str) -> str:
    """[first, last] years, or [first, last] ISO days for a period written with days."""
    if period is None:
        return "未规定有效期" if lang == "zh" else "no effective period"
    if isinstance(period[0], str):
        span = Span(date.fromisoformat(period[0]), date.fromisoformat(period[1]), True)
        return span.zh() if lang == "zh" else span.en()
    return f"{period[0]}—{period[1]}年" if lang == "zh" else f"{period[0]} to {period[1]}"


def _when(case: dict[str, Any], lang: str) -> str:
    if "date" in case:
        day = date.fromisoformat(case["date"])
        return day_zh(day) if lang == "zh" else day_en(day)
    return f"{case['year']}年" if lang == "zh" else str(case["year"])


def _compared_lines(b: dict[str, Any], lang: str) -> list[str]:
    """Measures nothing was compared for, and measures compared in one side's years
    because the other declares no effective period: said, never passed off as neutral."""
    zh = lang == "zh"
    groups: dict[tuple[str, str, str, object], list[str]] = {}
    for m in b["measures"]:
        periods = m.get("periods")
        if periods is None:
            continue
        old, new = periods["old"], periods["new"]
        if m["verdict"] == "not_compared":
            kind = "none"
        elif old is None and new is None:
            kind = "neither"
        elif old is None or new is None:
            kind = "old" if old is None else "new"
        else:
            continue
        key = (kind, _years(old, lang), _years(new, lang), m.get("year"))
        groups.setdefault(key, []).append(_ident(m, lang))
    out = []
    for (kind, old, new, year), names in groups.items():
        listed = ("、" if zh else ", ").join(names)
        if kind == "none":
            out.append(
                f"未比较（两个版本没有共同的有效年度：旧版本{old}，新版本{new}），对其结果不作任何结论：{listed}。"
                if zh
                else f"not compared (no year is in force in both versions: old {old}, new {new}); "
                f"nothing is proven about: {listed}."
            )
        elif kind == "neither":
            out.append(
                f"两个版本都未规定有效期（每年有效），在{year}年比较：{listed}。"
                if zh
                else f"neither version declares an effective period (both in force every year): "
                f"compared in {year}: {listed}."
            )
        else:
            side = ("旧" if kind == "old" else "新") if zh else kind
            out.append(
                f"{side}版本未规定有效期（每年有效），只在另一版本的有效年度内比较"
                f"（旧版本{old}，新版本{new}）：{listed}。"
                if zh
                else f"the {side} version declares no effective period (in force every year): "
                f"compared in the other version's years only (old {old}, new {new}): {listed}."
            )
    return out


def _day_lines(b: dict[str, Any], lang: str) -> list[str]:
    """The boundary days of periods written with days where a worked example's result
    changes: in force in one version only, or in both with a different result."""
    out = []
    for d in b.get("days", []):
        if not d["changed"]:
            continue
        day = date.fromisoformat(d["date"])
        if lang == "zh":
            where = (
                "两个版本均在有效期内"
                if d["old"] and d["new"]
                else f"只在{'新' if d['new'] else '旧'}版本有效期内"
                if d["old"] or d["new"]
                else "两个版本均不在有效期内"
            )
            out.append(f"{day_zh(day)}{where}：{d['changed']} 个算例结果随之改变。")
        else:
            where = (
                "in force in both versions"
                if d["old"] and d["new"]
                else f"in force only in the {'new' if d['new'] else 'old'} version"
                if d["old"] or d["new"]
                else "in force in neither version"
            )
            out.append(f"{day_en(day)} is {where}: {d['changed']} worked-example results change.")
    return out


def _period_lines(b: dict[str, Any], lang: str) -> list[str]:
    out = _day_lines(b, lang)
    for p in b.get("period", []):
        if lang == "zh":
            out.append(
                f"{p['year']}年只在{'新' if p['new_only'] else '旧'}版本有效期内："
                f"{p['changed']} 个算例结果随之改变。"
            )
        else:
            side = "the new" if p["new_only"] else "the old"
            out.append(
                f"{p['year']} is in force only in {side} version: "
                f"{p['changed']} worked-example results change with it."
            )
    return out


LEFT_OUT_KINDS = {
    "field": ("企业信息", "enterprise field"),
    "fact": ("申报数据项", "fact"),
    "value": ("取值", "value"),
    "measure": ("往年奖补所属措施", "prior award for measure"),
}


def left_out_lines(rows: list[dict[str, Any]], lang: str, unit: tuple[str, str, str]) -> list[str]:
    """One line per side: what that version could not read, with how often (``unit``:
    probe points or applications)."""
    zh = lang == "zh"
    out = []
    for side in ("old", "new"):
        mine = [r for r in rows if r["side"] == side]
        if not mine:
            continue
        parts = []
        for r in mine:
            what = (
                f"{r['name']} = {r['value']}"
                if r["kind"] == "value"
                else f"{LEFT_OUT_KINDS[r['kind']][_i(lang)]} {r['name']}"
            )
            parts.append(
                f"{what}（{r['count']} {unit[0]}）"
                if zh
                else f"{what} ({r['count']} {unit[1] if r['count'] == 1 else unit[2]})"
            )
        if zh:
            out.append(
                f"{'旧' if side == 'old' else '新'}版本未规定、未予读取（该版本按缺少此项处理）："
                + "；".join(parts)
                + "。"
            )
        else:
            out.append(
                f"left out for the {side} version, which does not declare them (read there as "
                f"missing): " + "; ".join(parts) + "."
            )
    return out


def behaviour_text(b: dict[str, Any], lang: str) -> list[str]:
    zh = lang == "zh"
    out = [f"{word('behaviour', lang)}: {_behaviour_intro(b, lang)}"]
    out.extend(f"  {line}" for line in _period_lines(b, lang))
    out.extend(f"  {line}" for line in _compared_lines(b, lang))
    out.extend(f"  {line}" for line in left_out_lines(b.get("left_out", []), lang, POINTS))
    shown: dict[str, int] = {}
    for m in b["measures"]:
        if m["verdict"] == "unchanged":
            continue
        points = (
            f"{m['points']} 个点，{m['changed']} 个改变，"
            if zh
            else f"{m['points']} points, {m['changed']} changed, "
        )
        out.append(f"  {_ident(m, lang)}: {points}{VERDICTS[m['verdict']][_i(lang)]}")
        for case in b["cases"]:
            if case["measure"] != m["measure"]:
                continue
            shown[m["measure"]] = shown.get(m["measure"], 0) + 1
            if shown[m["measure"]] > TEXT_CASES:
                continue
            out.append(
                f"    · {case['label'][lang]} ({_when(case, lang)}): {_case_facts(case, lang)}"
            )
            for side, name in (("old", "旧" if zh else "old"), ("new", "新" if zh else "new")):
                why = "; ".join(case[side]["why"][lang])
                out.append(f"        {name}: {_outcome(case[side], lang)} — {why}")
        more = m["changed"] - min(m["changed"], TEXT_CASES)
        if more > 0:
            out.append(
                f"    … 另有 {more} 个（见 --format md / json）"
                if zh
                else f"    … {more} more (see --format md / json)"
            )
    out.append("")
    return out


def behaviour_markdown(b: dict[str, Any], lang: str) -> list[str]:
    zh = lang == "zh"
    out = [
        f"## {word('behaviour', lang)}",
        "",
        _behaviour_intro(b, lang)[0].upper() + _behaviour_intro(b, lang)[1:],
        "",
    ]
    for line in _period_lines(b, lang):
        out.extend([line, ""])
    for line in _compared_lines(b, lang) + left_out_lines(b.get("left_out", []), lang, POINTS):
        out.extend([_md(line[0].upper() + line[1:]), ""])
    changed = [m for m in b["measures"] if m["verdict"] != "unchanged"]
    if changed:
        out.append(
            "| 措施 | 点数 | 改变 | 结论 |" if zh else "| measure | points | changed | verdict |"
        )
        out.append("|---|---:|---:|---|")
        for m in changed:
            out.append(
                f"| `{_ident(m, lang)}` | {m['points']} | {m['changed']} | {VERDICTS[m['verdict']][_i(lang)]} |"
            )
        out.append("")
    same = [
        _ident(m, lang)
        for m in b["measures"]
        if m["verdict"] == "unchanged" and m["measure"] != "(rules)"
    ]
    if same:
        out.append(
            ("结果全部相同的措施：" if zh else "Same result at every point: ")
            + ", ".join(f"`{x}`" for x in same)
            + "."
        )
        out.append("")
    if b["cases"]:
        out.append("| 措施 | 情形 | 旧版本 | 新版本 |" if zh else "| measure | case | old | new |")
        out.append("|---|---|---|---|")
        for case in b["cases"]:
            cells = []
            for side in ("old", "new"):
                steps = "<br>".join(_md(x) for x in case[side]["why"][lang])
                cells.append(f"**{_outcome(case[side], lang)}**<br>{steps}")
            what = f"{_md(case['label'][lang])} ({_when(case, lang)})<br>{_md(_case_facts(case, lang))}"
            out.append(f"| `{case['measure']}` | {what} | {cells[0]} | {cells[1]} |")
        out.append("")
        if b["cases_total"] > len(b["cases"]):
            out.append(
                f"（共 {b['cases_total']} 个，每项措施最多列出前几个。）"
                if zh
                else f"({b['cases_total']} in all; the first few per measure are listed.)"
            )
            out.append("")
    return out


# --------------------------------------------------------------------------- impact


def impact_text(im: dict[str, Any], lang: str) -> list[str]:
    zh = lang == "zh"
    t = im["totals"]
    out = [
        f"{word('impact', lang)}: {im['data']} ({im['applications']} "
        + ("份申报，" if zh else "applications, ")
        + f"{im['enterprises']} "
        + ("户企业）" if zh else "enterprises)")
    ]
    out.append(
        ("  总额：" if zh else "  total: ")
        + f"{yuan(t['old'], lang)} → {yuan(t['new'], lang)}  ({yuan(t['delta'], lang, True)})"
    )
    y = im["yearly_limit_binds"]
    out.append(
        ("  申报年度：" if zh else "  years in the data: ")
        + ", ".join(str(x) for x in im.get("years", []))
    )
    out.append(
        f"  年度总额上限起作用：{y['old']} → {y['new']} 户"
        if zh
        else f"  yearly total limit binds for: {y['old']} → {y['new']} enterprises"
    )
    out.extend(f"  {line}" for line in left_out_lines(im.get("left_out", []), lang, APPLICATIONS))
    e = im["enterprises_changed"]
    out.append(
        ("  企业：" if zh else "  enterprises: ")
        + (
            f"{e['better']} 户增加，{e['worse']} 户减少，{e['same']} 户不变"
            if zh
            else f"{e['better']} better off, {e['worse']} worse off, {e['same']} unchanged"
        )
    )
    out.append("  " + ("按措施：" if zh else "by measure:"))
    for row in im["by_measure"]:
        if row["delta"] != "0.00":
            out.append(
                f"    {ljust(row['measure'], 10)} {rjust(yuan(row['old'], lang), 20)} → {rjust(yuan(row['new'], lang), 20)}  ({yuan(row['delta'], lang, True)})"
            )
    group = im.get("group_by")
    if group:
        out.append("  " + (f"按{group['zh']}：" if zh else f"by {group['en']}:"))
    for row in im["by_group"] if group else []:
        out.append(
            f"    {ljust(row['label'][lang], 16)} {rjust(yuan(row['old'], lang), 20)} → {rjust(yuan(row['new'], lang), 20)}  ({yuan(row['delta'], lang, True)})"
        )
    if im.get("attribution"):
        out.append(
            "  "
            + (
                "按变化归因（依次叠加，顺序如下）："
                if zh
                else "attributed per change (applied one after another, in this order):"
            )
        )
        for step in im["attribution"]:
            out.append(
                f"    {step['order']}. {step['label'][lang]}: {yuan(step['delta'], lang, True)}"
            )
    rec = im["reconciliation"]
    out.append(
        ("  核对：" if zh else "  reconciliation: ")
        + (
            ("逐户合计与总额一致（精确到分）" if rec["ok"] else "不一致！")
            if zh
            else (
                "per-enterprise results sum to the totals, to the fen" if rec["ok"] else "MISMATCH"
            )
        )
    )
    out.append("")
    return out


def impact_markdown(im: dict[str, Any], lang: str) -> list[str]:
    zh = lang == "zh"
    t = im["totals"]
    out = [f"## {word('impact', lang)}", ""]
    out.append(
        f"数据：{_code(im['data'])}，{im['applications']} 份申报，{im['enterprises']} 户企业。"
        if zh
        else f"Data: {_code(im['data'])}, {im['applications']} applications from {im['enterprises']} enterprises."
    )
    if im.get("synthetic"):
        out.append("")
        out.append(
            "> 注意：这是合成的示例数据，不是真实企业。"
            if zh
            else "> Note: synthetic sample data, not real enterprises."
        )
    out.append("")
    e = im["enterprises_changed"]
    out.append("| | 旧版本 | 新版本 | 变化 |" if zh else "| | old | new | change |")
    out.append("|---|---:|---:|---:|")
    out.append(
        f"| {'总额' if zh else 'total'} | {yuan(t['old'], lang)} | {yuan(t['new'], lang)} | {yuan(t['delta'], lang, True)} |"
    )
    out.append("")
    out.append(
        f"{e['better']} 户企业增加，{e['worse']} 户减少，{e['same']} 户不变。"
        if zh
        else f"{e['better']} enterprises better off, {e['worse']} worse off, {e['same']} unchanged."
    )
    y = im["yearly_limit_binds"]
    years = ", ".join(str(x) for x in im.get("years", []))
    out.append("")
    out.append(
        f"申报年度：{years}。两个版本都有效的年度比较的是措施本身的变化；在旧版本失效后的年度，旧版本一律不予支持。"
        f"年度总额上限起作用的企业：{y['old']} → {y['new']} 户。"
        if zh
        else f"Years in the data: {years}. In a year both versions are in force the measures themselves are "
        f"compared; in a year after the old version expires it pays nothing. The yearly total limit "
        f"binds for {y['old']} → {y['new']} enterprises."
    )
    out.append("")
    for line in left_out_lines(im.get("left_out", []), lang, APPLICATIONS):
        out.extend([_md(line[0].upper() + line[1:]), ""])
    out.append("### " + ("按措施" if zh else "By measure"))
    out.append("")
    out.append(
        "| 措施 | 旧版本 | 新版本 | 变化 | 封顶次数（旧→新） |"
        if zh
        else "| measure | old | new | change | cap binds (old → new) |"
    )
    out.append("|---|---:|---:|---:|---:|")
    same = 0
    for row in im["by_measure"]:
        if row["delta"] == "0.00" and row["capped_old"] == row["capped_new"]:
            same += 1
            continue
        old, new, delta = (
            yuan(row["old"], lang),
            yuan(row["new"], lang),
            yuan(row["delta"], lang, True),
        )
        out.append(
            f"| `{row['measure']}` | {old} | {new} | {delta} | {row['capped_old']} → {row['capped_new']} |"
        )
    out.append("")
    if same:
        out.append(
            f"其余 {same} 项措施的金额和封顶次数都没有变化。"
            if zh
            else f"The other {same} measures cost the same and hit their caps as often."
        )
        out.append("")
    group = im.get("group_by")
    if group:
        name = _md(group[lang])
        out.append("### " + (f"按{name}" if zh else f"By {name}"))
        out.append("")
        out.append(
            f"| {name} | 企业数 | 旧版本 | 新版本 | 变化 |"
            if zh
            else f"| {name} | enterprises | old | new | change |"
        )
        out.append("|---|---:|---:|---:|---:|")
        for row in im["by_group"]:
            out.append(
                f"| {_md(row['label'][lang])} |  {row['enterprises']} | {yuan(row['old'], lang)} | {yuan(row['new'], lang)} | {yuan(row['delta'], lang, True)} |"
            )
        out.append("")
    if im.get("attribution"):
        out.append("### " + ("按变化归因" if zh else "Attribution per change"))
        out.append("")
        out.append(
            "变化按下表顺序依次叠加到旧版本上，每一步的影响是叠加该变化前后的总额之差；变化之间的相互作用计入后叠加的一项。"
            if zh
            else "Changes are applied to the old version one after another in the order below; each "
            "step's impact is the total after it minus the total before it, so any interaction "
            "between changes is attributed to the later one."
        )
        out.append("")
        out.append("| 顺序 | 变化 | 影响 |" if zh else "| order | change | impact |")
        out.append("|---:|---|---:|")
        for step in im["attribution"]:
            out.append(
                f"| {step['order']} | {_md(step['label'][lang])} | {yuan(step['delta'], lang, True)} |"
            )
        out.append("")
    if im.get("largest"):
        out.append("### " + ("变化最大的企业" if zh else "Largest changes"))
        out.append("")
        group = im.get("group_by")
        head = _md(group[lang]) if group else ("分组" if zh else "group")
        out.append(
            f"| 企业 | {head} | 旧版本 | 新版本 | 变化 |"
            if zh
            else f"| enterprise | {head} | old | new | change |"
        )
        out.append("|---|---|---:|---:|---:|")
        for row in im["largest"]:
            out.append(
                f"| {_md(row['enterprise'])} | {_md(row.get('group_label', {}).get(lang) or row['group'])} | {yuan(row['old'], lang)} | {yuan(row['new'], lang)} | {yuan(row['delta'], lang, True)} |"
            )
        out.append("")
    rec = im["reconciliation"]
    out.append(
        ("核对：逐户结果之和与总额一致（精确到分）。" if rec["ok"] else "核对：**不一致**。")
        if zh
        else (
            "Reconciliation: the per-enterprise results sum to the totals, to the fen."
            if rec["ok"]
            else "Reconciliation: **MISMATCH**."
        )
    )
    out.append("")
    return out
