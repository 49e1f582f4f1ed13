"""Text rendering of an evaluation: a summary table and, with --explain, a tree per claim."""

from __future__ import annotations

from kfpl.runtime import Outcome
from kfpl.runtime.money import ZERO, money

STATUS = {
    "awarded": ("予以支持", "awarded"),
    "capped": ("予以支持（已按上限核减）", "awarded (capped)"),
    "not_eligible": ("不符合条件", "not eligible"),
    "undetermined": ("无法确定（缺少数据）", "undetermined (missing data)"),
    "excluded": ("不享受本政策", "excluded"),
    "superseded": ("不重复享受", "superseded (no stacking)"),
}


def render_text(outcome: Outcome, lang: str, explain: bool) -> str:
    zh = lang == "zh"
    app = outcome.app
    head = (
        f"企业 {app.enterprise.get('name', '')}（{app.enterprise_id}），{app.year}年申报"
        if zh
        else f"Enterprise {app.enterprise.get('name', '')} ({app.enterprise_id}), application year {app.year}"
    )
    lines = [head.replace("  ", " "), ""]
    for r in outcome.results:
        status = STATUS[r.status][0 if zh else 1]
        if r.paid and r.amount < 0:
            status = "收回已拨付资金" if zh else "clawed back"
        amount = r.amount if r.paid else ZERO
        up_to = ("最高" if zh else "up to ") if r.ceiling and r.paid else ""
        title = r.meta.zh if zh else r.meta.en
        lines.append(f"{r.claim.id}  {r.meta.id}  {title}")
        lines.append(
            f"    {'结果' if zh else 'result'}: {status}  {up_to}{money(amount, lang)}"
            f"    [{'依据' if zh else 'source'}: {r.meta.source}]"
        )
        if explain:
            for index, step in enumerate(r.steps):
                last = index == len(r.steps) - 1
                branch = "└─ " if last else "├─ "
                mark = {True: "✓ ", False: "✗ ", None: ""}[step.ok]
                text = step.zh if zh else step.en
                lines.append(f"    {'   ' * step.depth}{branch}{mark}{text}  ({step.source})")
        lines.append("")
    if outcome.decisions and explain:
        lines.append("政策规则：" if zh else "Policy rules:")
        for d in outcome.decisions:
            lines.append(f"  - {d.zh if zh else d.en}  ({d.source})")
        lines.append("")
    total = money(outcome.total, lang)
    lines.append(f"合计：{total}" if zh else f"Total: {total}")
    return "\n".join(lines)
