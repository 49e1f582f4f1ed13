"""The drafting studio's preview: what one edit of one policy file does.

For the text being edited (checked together with the project's other saved files):
the diagnostics, the measure under the cursor rendered in both languages, that
measure's worked examples run, and the structural diff against the saved version.
Examples run only once the whole set checks clean, through the same generated
evaluators as ``kfpl test``; the diagnostics come from the checker alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kfpl.model import PolicySet
from kfpl.render.sentences import Renderer
from kfpl.serve.language import diagnostics
from kfpl.serve.project import Project
from kfpl.syntax import nodes as n


@dataclass
class Preview:
    file: str
    diagnostics: list[dict[str, Any]]
    ok: bool
    measure: n.Measure | None = None
    rendering: dict[str, dict[str, Any]] = field(default_factory=dict)
    examples: list[dict[str, Any]] = field(default_factory=list)
    diff: dict[str, str] = field(default_factory=dict)  # lang -> text; "" when unchanged


def measure_at(ps: PolicySet, file: str, line: int) -> n.Measure | None:
    """The measure whose block holds ``line`` of ``file`` (the last one starting at or
    before it: a block runs until the next item)."""
    best: n.Measure | None = None
    for module in ps.modules:
        if module.path != file:
            continue
        for item in module.items:
            if (
                isinstance(item, n.Measure)
                and item.span.line <= line
                and (best is None or item.span.line >= best.span.line)
            ):
                best = item
            elif (
                not isinstance(item, n.Measure)
                and best is not None
                and best.span.line < item.span.line <= line
            ):
                best = None
    return best


def rendering(ps: PolicySet, measure: n.Measure) -> dict[str, dict[str, Any]]:
    out = {}
    for lang in ("zh", "en"):
        r = Renderer(ps, lang)
        award = r.award(measure)
        out[lang] = {
            "title": r.label(measure.title, measure.id),
            "award": award.flat(lang),
            "caps": r.caps(measure),
            "requires": r.requirements(measure),
        }
    return out


def run_examples(ps: PolicySet, measure: n.Measure) -> list[dict[str, Any]]:
    from kfpl.python.evaluate import Program
    from kfpl.testing.examples import cases, run_case

    program = Program.from_policy_set(ps)
    out = []
    for case in cases(ps):
        if case.measure.id != measure.id:
            continue
        outcome = run_case(case, ps, program)
        out.append(
            {
                "name": case.example.name or f"#{case.index + 1}",
                "line": case.example.span.line,
                "passed": outcome.passed,
                "expected": outcome.expected.as_json(),
                "actual": outcome.actual.as_json(),
                "explain": {lang: outcome.explain(lang) for lang in ("zh", "en")},
            }
        )
    return out


def diff_text(saved: PolicySet, draft: PolicySet) -> dict[str, str]:
    from kfpl.diff.report import build_document, render_text
    from kfpl.diff.structural import diff_policy_sets

    changes = diff_policy_sets(saved, draft)
    if not changes:
        return {"zh": "", "en": ""}
    doc = build_document("saved", "draft", changes)
    return {lang: render_text(doc, lang) for lang in ("zh", "en")}


def preview(project: Project, file: str, text: str, line: int, lang: str = "zh") -> Preview:
    texts = project.texts_with(file, text)
    checked, diags = diagnostics(texts, sources_dir=project.sources_dir, lang=lang)
    result = Preview(file, diags, checked.ok)
    if not checked.ok:
        return result
    ps = checked.policy_set
    result.diff = diff_text(project.policy_set, ps)
    result.measure = measure_at(ps, file, line)
    if result.measure is not None:
        result.rendering = rendering(ps, result.measure)
        result.examples = run_examples(ps, result.measure)
    return result
