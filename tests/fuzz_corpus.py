"""The fuzz corpus shared by tests/test_fuzz.py and bench/fuzz_check.py: seed texts
(every catalogue example and fix, the broken fixtures, the real policies) and the
pieces a drafter, or a slip of the keyboard, puts into policy text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kfpl.codes import CODES, full_text

ROOT = Path(__file__).resolve().parent.parent


def seeds() -> list[str]:
    out = [full_text(e, w) for e in CODES.values() if e.example for w in ("example", "fixed")]
    for folder in (ROOT / "tests" / "broken", ROOT / "policies"):
        out += [p.read_text("utf-8") for p in sorted(folder.glob("*.kfpl"))]
    return out


# Pieces a drafter (or a slip of the keyboard) puts into policy text.
PIECES = [
    "award", "cap", "per", "year", "item", "tiers", "on", "steps", "of", "passed", "by",
    "each", "staged", "match", "between", "and", "or", "not", "at least", "more than",
    "at most", "less than", "otherwise", "first match", "requires", "example", "given",
    "paid", "in", "->", "=", ",", ":", "(", ")", "[", "]", "{", "}", '"', '"""', "#",
    "zh", "en", "30%", "30", "30万", "1.5亿", "0", "-1万", "2020", "2020-13-45",
    "9" * 40 + "亿", "%", "万", "，", "：", "（", "）", "％", "\u3000", "\u00a0", "\x00",
    "以上", "超过", "市工信局", "booth_fees", "investment", "national", "mfg-2a", "\n",
    "  ", "measure mfg-9", "input x: money", "enum e", "value v", "policy p", "rule mfg-r",
    "target plan-t", "chain c", "task plan-k", "text mfg-t", "source mfg 99", "unit rate",
    "goal about 35% by 2022", "no stacking by matter within policy keep highest",
    "yearly total at most local_tax trim latest", "exclude if demonstrative",
    # Chinese keywords, and the Chinese text they must not swallow.
    "措施 mfg-8", "奖励", "上限", "每年", "不超过", "以下", "主管部门", "来源核查中心", "例",
]  # fmt: skip


# --------------------------------------------------------------------------- every stage
#
# The stages after the checker, each fed by the one before: a text that checks goes on
# through codegen, the import of the generated modules, its worked examples, the docs
# pages, and a structural and behavioural diff against the text it was mutated from.
# Applications (JSON and JSON lines) are mutated separately and evaluated by the real
# policy set. A stage "crashes" when anything but its documented error escapes: that is
# what the CLI would turn into exit 3.


def application_seeds() -> list[str]:
    """Application texts: the worked example and the first lines of the population."""
    out = [(ROOT / "examples" / "application.json").read_text("utf-8")]
    with (ROOT / "examples" / "population" / "applications.jsonl").open(encoding="utf-8") as f:
        for number, line in enumerate(f):
            if number > 60:
                break
            if number:
                out.append(line.strip())
    return out


# Pieces hostile JSON is made of: the values that once reached exit 3, and their cousins.
JSON_PIECES = [
    "1e999999999", "-1e999999999", "9" * 30, "9" * 5000, '"' + "9" * 40 + '"', "NaN",
    "Infinity", "-0", "0.001", '"\\ud800"', '"\\udfff"', '"\\u0000"', "[" * 50, "]" * 50,
    "{" * 20, "[1]", "{}", "null", "true", '"x"', '"1,2,3,4,5,6,7"', '"１２３"', '"١٢٣"',
    '"30万"', '"1.5亿"', '"4.35%"', '"2021-02-30"', '"year": 2020,', '"measure": [1]',
    '"measure": {"a": 1}', '"facts": [1]', '"claims": {}', '"history": [1]', ",", ":",
    '"id": [1]', '"step": "1e30"', '"amount": "-1"', "\u2028", "\x00", '"\\"', "1" * 4301,
]  # fmt: skip


def mutate_json(rng: Any, text: str) -> str:
    """A few textual edits: insert a hostile piece, delete, duplicate or swap a span."""
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(text) + 1)
        kind = rng.random()
        if kind < 0.5:
            text = text[:at] + rng.choice(JSON_PIECES) + text[at:]
        elif kind < 0.65:
            text = text[:at] + text[at + rng.randint(1, 20) :]
        elif kind < 0.8:
            # Replace the value after a colon: keeps the document mostly well-formed.
            colon = text.find(":", at)
            if colon >= 0:
                end = min((i for i in (text.find(",", colon), text.find("}", colon)) if i > 0),
                          default=len(text))  # fmt: skip
                text = text[: colon + 1] + " " + rng.choice(JSON_PIECES) + text[end:]
        elif kind < 0.9:
            span = text[at : at + rng.randint(1, 60)]
            text = text[:at] + span + span + text[at:]
        else:
            text = (
                text[:at] + rng.choice(["[", "{", '"', "]", "}"]) * rng.randint(1, 2000) + text[at:]
            )
    return text


# Values put in place of a field's value by the structural mutation.
JSON_VALUES: list[Any] = [
    None, True, False, 0, -1, 1, 2021, 10**15, 10**15 + 1, 10**40, "0", "-0", "1万", "30万",
    "1.5亿", "999999999999999.99", "1000000000000000.01", "0.001", "1e30", "4.35%", "-4%",
    "1,000", "1,2,3,4,5,6,7", "１２３", "١٢٣", "", " ", "\ud800", "<script>alert(1)</script>",
    "2021-02-29", "2020-02-29", "mfg-1", "mfg-2a", "ind-1", "mfg-99", "above_scale", [], {},
    [1], {"a": 1}, [{}], [{"x": 1}], "x" * 1000,
]  # fmt: skip
_KEYS = ["year", "id", "measure", "facts", "history", "claims", "amount", "step", "project",
         "main_revenue", "booth_rental", "size", "chain", "note", "unknown"]  # fmt: skip


def mutate_structure(rng: Any, text: str) -> str:
    """Parse, change one to three places (a value replaced, a key added or removed, an
    item duplicated), and write back: the result is mostly well-formed JSON."""
    import copy
    import json
    from decimal import Decimal

    data = json.loads(text, parse_float=Decimal)
    for _ in range(rng.randint(1, 3)):
        parent: Any = None
        key: Any = None
        node = data
        while isinstance(node, dict | list) and node and rng.random() < 0.75:
            parent = node
            key = rng.choice(list(node)) if isinstance(node, dict) else rng.randrange(len(node))
            node = node[key]
        if parent is None:
            continue
        choice = rng.random()
        if choice < 0.6:
            parent[key] = copy.deepcopy(rng.choice(JSON_VALUES))
        elif choice < 0.75 and isinstance(parent, dict):
            del parent[key]
        elif choice < 0.9 and isinstance(parent, dict):
            parent[rng.choice(_KEYS)] = copy.deepcopy(rng.choice(JSON_VALUES))
        elif isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
    return json.dumps(data, ensure_ascii=rng.random() < 0.5, default=str)


def deep_json(rng: Any) -> str:
    depth = rng.choice([10, 100, 1000, 10_000, 100_000])
    opener = rng.choice(["[", '{"a":'])
    closer = "]" if opener == "[" else "}"
    inner = opener * depth + "1" + closer * depth
    return '{"year": 2021, "enterprise": {"id": "e"}, "claims": ' + inner + "}"


class Hang(BaseException):
    """Raised by the alarm when one input takes longer than the limit."""


def _program() -> Any:
    from kfpl.python.evaluate import Program

    if not _PROGRAM:
        _PROGRAM.append(Program.from_paths([str(ROOT / "policies")]))
    return _PROGRAM[0]


_PROGRAM: list[Any] = []
_VERSION: list[Any] = []


def run_application(text: str) -> str:
    """Read, evaluate and render one application the way `kfpl eval` does. Returns
    "ok" or "rejected" (an exit-2 message); anything else escaping is a crash."""
    import json

    from kfpl.cli.explain import render_text
    from kfpl.runtime import ApplicationError
    from kfpl.runtime.application import loads

    try:
        data = loads(text)
        outcome = _program().run(data)
    except ApplicationError as exc:
        assert str(exc), "an empty message"
        return "rejected"
    json.dumps(outcome.as_json(), ensure_ascii=False)
    for lang in ("zh", "en"):
        render_text(outcome, lang, explain=True)
    return "ok"


def run_population(lines: list[str]) -> str:
    """Read JSON lines as `kfpl diff --impact` does and run them through one version:
    a bad line must be an ImpactError naming its line number."""
    from kfpl.diff.impact import ImpactError, Version, read_jsonl_lines

    try:
        apps = read_jsonl_lines(lines, "pop.jsonl")
        if not _VERSION:
            _VERSION.append(Version(_program().policy_set, {}))
        _VERSION[0].run(apps, {})
    except ImpactError as exc:
        message = str(exc)
        assert message.startswith("pop.jsonl:"), message
        return "rejected"
    return "ok"


def run_pipeline(texts: dict[str, str], base: dict[str, str] | None) -> str:
    """Everything after the checker for a text that checks: "skipped" when it has errors."""
    from kfpl.diff.behaviour import behavioural_diff
    from kfpl.diff.report import build_document, render_markdown
    from kfpl.diff.report import render_text as diff_text
    from kfpl.diff.structural import diff_policy_sets
    from kfpl.docs.pages import code_entries, render_docs
    from kfpl.project.loader import compile_texts
    from kfpl.python import codegen
    from kfpl.python.evaluate import Program
    from kfpl.python.formatting import format_python
    from kfpl.testing.examples import run_all

    comp = compile_texts(texts)
    if not comp.ok or comp.policy_set is None:
        return "skipped"
    ps = comp.policy_set
    for name, source in codegen.generate_all(ps).items():
        compile(format_python(source, name), name, "exec")
    program = Program.from_policy_set(ps)
    for outcome in run_all(ps, program):
        outcome.explain("zh")
        outcome.explain("en")
    render_docs(ps, {}, _codes(code_entries))
    if base is not None:
        old = compile_texts(base)
        if old.ok and old.policy_set is not None:
            changes = diff_policy_sets(old.policy_set, ps)
            result = behavioural_diff(old.policy_set, ps, None, program)
            doc = build_document("old", "new", changes, result.to_json(), None)
            for lang in ("zh", "en"):
                render_markdown(doc, lang)
                diff_text(doc, lang)
    return "ok"


_CODES: list[Any] = []


def _codes(load: Any) -> Any:
    if not _CODES:
        _CODES.append(load())
    return _CODES[0]
