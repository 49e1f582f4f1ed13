"""Review charts: the impact of a revision as static SVG, with the numbers as tables.

Pictures a reviewer reads at a glance: the cost of each changed measure before and
after; enterprises better and worse off by the band of what they received before; and,
when the project names an enterprise field to group by (``[impact] group_by`` in
kfpl.toml), the change in cost by that field's value and enterprises better and worse
off by it. Each comes with a table of the same numbers (computed here, exact Decimal
yuan), so the page is readable without the picture and the picture can be checked
against the table.

The SVGs are byte-identical from one build to the next: matplotlib's Agg-free SVG
backend, a fixed ``svg.hashsalt`` (the ids of clip paths), no date in the metadata,
text kept as text (``svg.fonttype = none``) in a CJK font with a Latin fallback.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from kfpl.diff.impact import Version, aliases_for, load_population
from kfpl.diff.report import yuan
from kfpl.model import PolicySet
from kfpl.runtime.money import WAN, ZERO, money
from kfpl.syntax import nodes as n

# Upper bounds (yuan, exclusive) of the bands of what an enterprise received before.
BANDS = (Decimal(1), 10 * WAN, 50 * WAN, 100 * WAN, 500 * WAN)
FONTS = ["WenQuanYi Zen Hei", "DejaVu Sans"]
OLD_COLOUR, NEW_COLOUR = "#9aa5b1", "#1f6fb2"
BETTER_COLOUR, WORSE_COLOUR = "#2e7d32", "#c62828"
MAX_MEASURES = 15

WORDS = {
    "cost": ("各措施支出：修订前后", "Cost by measure, before and after"),
    "before": ("修订前", "before"),
    "after": ("修订后", "after"),
    "wan": ("万元", "CNY 10,000"),
    "bands": (
        "受益与受损企业：按修订前获得金额分档",
        "Better and worse off, by what they received before",
    ),
    "groups": ("受益与受损企业：按{group}", "Better and worse off, by {group}"),
    "group-cost": ("支出变化：按{group}", "Change in cost by {group}"),
    "better": ("受益企业", "better off"),
    "worse": ("受损企业", "worse off"),
    "enterprises": ("企业数", "enterprises"),
    "delta": ("变化", "change"),
    "measure": ("措施", "measure"),
    "band": ("修订前获得金额", "received before"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "same": ("不变", "unchanged"),
    "nothing": ("未获支持", "nothing"),
    "ungrouped": ("未填写", "not given"),
}


def w(key: str, lang: str) -> str:
    zh, en = WORDS[key]
    return zh if lang == "zh" else en


@dataclass
class Tables:
    """The numbers behind the charts (amounts in yuan, exact)."""

    measures: list[tuple[str, str, str, Decimal, Decimal]] = field(
        default_factory=list
    )  # id, zh, en, old, new
    bands: list[tuple[str, str, int, int, int]] = field(
        default_factory=list
    )  # zh, en, better, worse, same
    group: tuple[str, str] | None = None  # the grouping field's label (zh, en), if any
    groups: list[tuple[str, str, int, int, int]] = field(
        default_factory=list
    )  # zh, en, better, worse, same
    group_costs: list[tuple[str, str, Decimal, Decimal]] = field(
        default_factory=list
    )  # zh, en, old, new

    def title(self, key: str, lang: str) -> str:
        group = self.group[0 if lang == "zh" else 1] if self.group else ""
        return w(key, lang).replace("{group}", group)


def _enum_labels(ps: PolicySet, input_name: str) -> dict[str, tuple[str, str]]:
    decl = ps.inputs.get(input_name)
    if decl is None or not isinstance(decl.type, n.NamedType) or decl.type.name not in ps.enums:
        return {}
    return {
        m.name: (m.label.get("zh") or m.name, m.label.get("en") or m.name)
        for m in ps.enums[decl.type.name].members
    }


def _band_labels() -> list[tuple[str, str]]:
    out = [(w("nothing", "zh"), w("nothing", "en"))]
    edges = list(BANDS[1:])
    lows = [Decimal(0), *edges]
    for low, high in zip(lows, edges, strict=False):
        if low == 0:
            out.append((f"{money(high, 'zh')}以下", f"under {money(high, 'en')}"))
        else:
            out.append(
                (
                    f"{money(low, 'zh')}–{money(high, 'zh')}",
                    f"{money(low, 'en')}–{money(high, 'en')}",
                )
            )
    out.append((f"{money(edges[-1], 'zh')}及以上", f"{money(edges[-1], 'en')} or more"))
    return out


def _band(amount: Decimal) -> int:
    for index, bound in enumerate(BANDS):
        if amount < bound:
            return index
    return len(BANDS)


def _group_values(
    ps: PolicySet, field_name: str, seen: set[Any]
) -> list[tuple[Any, tuple[str, str]]]:
    """The values of the grouping field in order, with labels: an enum's members as
    declared, then any other value met (a yes/no field, a text), then "not given"."""
    labels = _enum_labels(ps, field_name)
    out: list[tuple[Any, tuple[str, str]]] = list(labels.items())
    for value in sorted((v for v in seen if v not in labels and v is not None), key=repr):
        if isinstance(value, bool):
            out.append(
                (value, (w("yes" if value else "no", "zh"), w("yes" if value else "no", "en")))
            )
        else:
            out.append((value, (str(value), str(value))))
    if None in seen:
        out.append((None, (w("ungrouped", "zh"), w("ungrouped", "en"))))
    return out


def impact_tables(
    old: PolicySet, new: PolicySet, data: str | Path, group_by: str | None = None
) -> Tables:
    """The numbers of the charts; ``group_by`` is the project's ``[impact] group_by``
    (an enterprise field), without which there are no group charts."""
    apps = load_population(data, (old, new))
    to_old, to_new = aliases_for(old, new)
    aliases = {**to_old, **to_new}
    old_run = Version(old, aliases).run(apps, to_new)
    new_run = Version(new, aliases).run(apps, to_new)
    per: dict[str, list[Any]] = {}
    for app, a, b in zip(apps, old_run.totals, new_run.totals, strict=True):
        ent = app["enterprise"]
        value = ent.get(group_by) if group_by else None
        if isinstance(value, list | dict):
            value = None  # a set-valued field is not a group
        acc = per.setdefault(str(ent.get("id", "")), [ZERO, ZERO, value])
        acc[0] += a
        acc[1] += b
    tables = Tables()
    titles = {m.id: m for m in (*old.measures.values(), *new.measures.values())}
    changed = [
        m
        for m in sorted(set(old_run.by_measure) | set(new_run.by_measure))
        if old_run.by_measure.get(m, ZERO) != new_run.by_measure.get(m, ZERO)
    ]
    changed.sort(
        key=lambda m: (-abs(new_run.by_measure.get(m, ZERO) - old_run.by_measure.get(m, ZERO)), m)
    )
    for mid in changed[:MAX_MEASURES]:
        title = titles[mid].title
        zh = title.get("zh") if title else mid
        en = title.get("en") if title else mid
        tables.measures.append(
            (mid, zh, en, old_run.by_measure.get(mid, ZERO), new_run.by_measure.get(mid, ZERO))
        )

    def counts(key: Any) -> tuple[int, int, int]:
        rows = [acc for acc in per.values() if key(acc)]
        return (
            sum(1 for a in rows if a[1] > a[0]),
            sum(1 for a in rows if a[1] < a[0]),
            sum(1 for a in rows if a[1] == a[0]),
        )

    for index, (zh, en) in enumerate(_band_labels()):
        tables.bands.append((zh, en, *counts(lambda acc, i=index: _band(acc[0]) == i)))
    if group_by is None:
        return tables
    from kfpl.diff.impact import group_label

    label = group_label(group_by, new, old)
    tables.group = (label["zh"] or group_by, label["en"] or group_by)
    values = _group_values(new, group_by, {acc[2] for acc in per.values()})
    known = [v for v, _ in values]
    for acc in per.values():  # an enum member only the old version knows: as not given
        if acc[2] not in known:
            acc[2] = None
    if None in {acc[2] for acc in per.values()} and None not in known:
        values.append((None, (w("ungrouped", "zh"), w("ungrouped", "en"))))

    def same(value: Any) -> Any:
        # True == 1 in Python: compare the type too, so a yes/no group is not a number's
        return lambda acc: acc[2] == value and type(acc[2]) is type(value)

    for value, (zh, en) in values:
        tables.groups.append((zh, en, *counts(same(value))))
        rows = [acc for acc in per.values() if same(value)(acc)]
        tables.group_costs.append(
            (zh, en, sum((a[0] for a in rows), ZERO), sum((a[1] for a in rows), ZERO))
        )
    return tables


# --------------------------------------------------------------------------- drawing


def _figure(height: float) -> Any:
    import logging

    import matplotlib

    # WenQuanYi Zen Hei has only a medium weight: matplotlib says so at every label.
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "svg.hashsalt": "kfpl-review",
            "svg.fonttype": "none",
            "font.family": FONTS,
            "font.size": 10,
            "axes.unicode_minus": False,
        }
    )
    fig, ax = plt.subplots(figsize=(7.5, height), dpi=100)
    return fig, ax


def _svg(fig: Any) -> str:
    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    fig.tight_layout()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "kfpl"})
    plt.close(fig)
    # matplotlib writes "\r\n" nowhere, but the text must not depend on the platform
    return buffer.getvalue().replace("\r\n", "\n")


def _wan(amount: Decimal) -> float:
    # Only the picture uses floats (bar lengths); every number shown as text is exact.
    return float(amount / WAN)


def cost_chart(t: Tables, lang: str) -> str:
    rows = list(reversed(t.measures))
    fig, ax = _figure(0.9 + 0.45 * max(1, len(rows)))
    ys = range(len(rows))
    ax.barh(
        [y + 0.2 for y in ys],
        [_wan(r[3]) for r in rows],
        height=0.4,
        color=OLD_COLOUR,
        label=w("before", lang),
    )
    ax.barh(
        [y - 0.2 for y in ys],
        [_wan(r[4]) for r in rows],
        height=0.4,
        color=NEW_COLOUR,
        label=w("after", lang),
    )
    ax.set_yticks(list(ys), [r[0] for r in rows])
    ax.set_xlabel(w("wan", lang))
    ax.set_title(w("cost", lang))
    ax.legend(loc="lower right")
    ax.grid(axis="x", color="#e0e0e0")
    ax.set_axisbelow(True)
    return _svg(fig)


def _better_worse(rows: list[tuple[str, str, int, int, int]], lang: str, title: str) -> str:
    rows = list(reversed(rows))
    fig, ax = _figure(0.9 + 0.42 * max(1, len(rows)))
    ys = list(range(len(rows)))
    labels = [r[0] if lang == "zh" else r[1] for r in rows]
    ax.barh(ys, [r[2] for r in rows], color=BETTER_COLOUR, label=w("better", lang))
    ax.barh(ys, [-r[3] for r in rows], color=WORSE_COLOUR, label=w("worse", lang))
    ax.axvline(0, color="#444444", linewidth=0.8)
    ax.set_yticks(ys, labels)
    ax.set_xlabel(w("enterprises", lang))
    ax.xaxis.set_major_formatter(_abs_formatter())
    ax.set_title(title)
    ax.legend(loc="lower right")
    ax.grid(axis="x", color="#e0e0e0")
    ax.set_axisbelow(True)
    return _svg(fig)


def _abs_formatter() -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda x, _pos: f"{abs(x):g}")


def group_cost_chart(t: Tables, lang: str) -> str:
    rows = list(reversed(t.group_costs))
    fig, ax = _figure(0.9 + 0.42 * max(1, len(rows)))
    ys = list(range(len(rows)))
    deltas = [_wan(r[3] - r[2]) for r in rows]
    colours = [BETTER_COLOUR if d >= 0 else WORSE_COLOUR for d in deltas]
    ax.barh(ys, deltas, color=colours)
    ax.axvline(0, color="#444444", linewidth=0.8)
    ax.set_yticks(ys, [r[0] if lang == "zh" else r[1] for r in rows])
    ax.set_xlabel(f"{w('delta', lang)} ({w('wan', lang)})")
    ax.set_title(t.title("group-cost", lang))
    ax.grid(axis="x", color="#e0e0e0")
    ax.set_axisbelow(True)
    return _svg(fig)


def chart_svgs(t: Tables, lang: str) -> dict[str, str]:
    svgs = {
        "cost": cost_chart(t, lang),
        "bands": _better_worse(t.bands, lang, w("bands", lang)),
    }
    if t.group is not None:
        svgs["group-cost"] = group_cost_chart(t, lang)
        svgs["groups"] = _better_worse(t.groups, lang, t.title("groups", lang))
    return svgs


# --------------------------------------------------------------------------- tables


def table_rows(t: Tables, lang: str) -> dict[str, dict[str, Any]]:
    """Each chart's numbers as a head and rows of text (for Markdown and HTML alike)."""
    zh = lang == "zh"
    group = (t.group[0] if zh else t.group[1]) if t.group else ""
    out: dict[str, dict[str, Any]] = {
        "cost": {
            "title": w("cost", lang),
            "head": [w("measure", lang), w("before", lang), w("after", lang), w("delta", lang)],
            "rows": [
                [
                    f"{mid} {z if zh else e}",
                    yuan(a, lang),
                    yuan(b, lang),
                    yuan(b - a, lang, signed=True),
                ]
                for mid, z, e, a, b in t.measures
            ],
        },
        "bands": {
            "title": w("bands", lang),
            "head": [w("band", lang), w("better", lang), w("worse", lang), w("same", lang)],
            "rows": [[z if zh else e, str(b), str(x), str(s)] for z, e, b, x, s in t.bands],
        },
    }
    if t.group is None:
        return out
    out["group-cost"] = {
        "title": t.title("group-cost", lang),
        "head": [group, w("before", lang), w("after", lang), w("delta", lang)],
        "rows": [
            [z if zh else e, yuan(a, lang), yuan(b, lang), yuan(b - a, lang, signed=True)]
            for z, e, a, b in t.group_costs
        ],
    }
    out["groups"] = {
        "title": t.title("groups", lang),
        "head": [group, w("better", lang), w("worse", lang), w("same", lang)],
        "rows": [[z if zh else e, str(b), str(x), str(s)] for z, e, b, x, s in t.groups],
    }
    return out


def _cell(text: str) -> str:
    """Untrusted text (a revision's titles) made inert in a table cell or image text:
    the documentation backend's one escape, as in the review report."""
    from kfpl.docs.pages import md

    return md(text)


def charts_markdown(t: Tables, lang: str, folder: str = "assets") -> str:
    """The charts section of the review page: each picture with its table beside it."""
    out = ["## " + ("影响图表" if lang == "zh" else "The impact in charts"), ""]
    for name, table in table_rows(t, lang).items():
        out.append(f"### {_cell(table['title'])}")
        out.append("")
        out.append('<div class="grid kf-chart" markdown>')
        out.append("")
        out.append(f"![{_cell(table['title'])}]({folder}/review-{name}.svg)")
        out.append("")
        out.append("| " + " | ".join(_cell(h) for h in table["head"]) + " |")
        out.append("|" + "---|" * len(table["head"]))
        for row in table["rows"]:
            out.append("| " + " | ".join(_cell(c) for c in row) + " |")
        out.append("")
        out.append("</div>")
        out.append("")
    return "\n".join(out)
