"""`kfpl list`: what the policy set contains, by id, with titles and sources."""

from __future__ import annotations

from typing import Any

from kfpl.model import PolicySet
from kfpl.syntax import nodes as n
from kfpl.textwidth import display_width, ljust


def _label(label: n.Label | None) -> dict[str, str]:
    return {"zh": label.zh or "", "en": label.en or ""} if label else {"zh": "", "en": ""}


def _source(ref: n.SourceRef | None) -> dict[str, str] | None:
    return {"doc": ref.doc, "clause": ref.clause} if ref else None


def listing(ps: PolicySet) -> dict[str, Any]:
    return {
        "policies": [
            {
                "id": p.id,
                "title": _label(p.title),
                "effective": list(p.effective.years) if p.effective else None,
                "effective_days": list(p.effective.iso()) if p.effective else None,
            }
            for p in ps.policies.values()
        ],
        "measures": [
            {
                "id": m.id,
                "policy": ps.owner.get(m.id, ""),
                "source": _source(m.source),
                "title": _label(m.title),
                "departments": list(m.departments),
                "form": type(m.awards[0].form).__name__.lower() if m.awards else None,
                "examples": len(m.examples),
            }
            for m in ps.measures.values()
        ],
        "rules": [
            {
                "id": r.id,
                "policy": ps.owner.get(r.id, ""),
                "source": _source(r.source),
                "title": _label(r.title),
            }
            for r in ps.rules.values()
        ],
        "targets": [
            {
                "id": t.id,
                "source": _source(t.source),
                "title": _label(t.title),
                "owners": list(t.owners),
            }
            for t in ps.targets.values()
        ],
        "chains": [
            {"id": c.name, "title": _label(c.title), "lead": c.lead} for c in ps.chains.values()
        ],
        "tasks": [
            {
                "id": t.id,
                "source": _source(t.source),
                "title": _label(t.title),
                "owners": list(t.owners),
            }
            for t in ps.tasks.values()
        ],
        "parameters": [
            {
                "id": p.name,
                "title": _label(p.label),
                "values": [{"value": v.value.text, "since": v.since.isoformat()} for v in p.values],
            }
            for p in ps.params.values()
        ],
    }


def render_listing(data: dict[str, Any], lang: str) -> str:
    lines = []
    heads = {
        "measures": ("措施", "Measures"),
        "rules": ("规则", "Rules"),
        "targets": ("目标", "Targets"),
        "chains": ("产业链", "Industry chains"),
        "tasks": ("任务", "Tasks"),
        "parameters": ("参数", "Parameters"),
    }
    for key, (zh, en) in heads.items():
        rows = data[key]
        if not rows:
            continue
        lines.append(f"{zh if lang == 'zh' else en} ({len(rows)})")
        width = max(display_width(r["id"]) for r in rows)
        for row in rows:
            src = row.get("source")
            where = f"  [{src['doc']} {src['clause']}]" if src else ""
            lines.append(f"  {ljust(row['id'], width)}  {row['title'][lang]}{where}")
        lines.append("")
    return "\n".join(lines).rstrip()
