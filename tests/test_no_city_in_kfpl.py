"""Nothing about Kaifeng is written into the tool: every city-specific word comes from a
project (its policies, sources/ and kfpl.toml). The Kaifeng set in policies/ is one such
project, so its names must not appear in kfpl/."""

from __future__ import annotations

import re
from pathlib import Path

from kfpl.project.loader import compile_paths
from kfpl.syntax.parser import terminal_words

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "kfpl"
# Open work: the synthetic Kaifeng sample population's generator still lives in the
# package, and the diagnostic-code catalogue's examples are written on Kaifeng ids.
ALLOWED = {PACKAGE / "population.py", PACKAGE / "codes.py"}
WORDS = [r"开封", r"(?i)kaifeng", r"\bmfg\b", r"\bind\b", r"examples/application\.json",
         r"revision-2023", r"\b2020\b(?!-12/schema)"]  # fmt: skip


def files() -> list[Path]:
    found = [p for ext in ("*.py", "*.j2", "*.lark") for p in PACKAGE.rglob(ext)]
    found += [ROOT / "grammar" / "kfpl.lark"]
    return sorted(set(found) - ALLOWED - {PACKAGE / "project" / "init.py"})


def test_no_kaifeng_words_in_the_package() -> None:
    hits = []
    for path in files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for word in WORDS:
                if re.search(word, line):
                    hits.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not hits, "\n".join(hits)


def test_no_kaifeng_field_or_enum_names_in_the_package() -> None:
    comp = compile_paths([str(ROOT / "policies")])
    assert comp.policy_set is not None
    ps = comp.policy_set
    names = {name for name, decl in ps.inputs.items() if decl.origin == "enterprise"}
    names |= {m.name for enum in ps.enums.values() for m in enum.members}
    keywords = {w for words in terminal_words().values() for w in words}
    names -= keywords  # a word of the language is not a Kaifeng name
    assert {"local_retained_tax", "above_scale"} <= names  # the test sees the real names
    hits = []
    for path in files():
        text = path.read_text(encoding="utf-8")
        for name in sorted(names):
            if re.search(rf"[\"']{re.escape(name)}[\"']", text):
                hits.append(f"{path.relative_to(ROOT)}: {name}")
    assert not hits, "\n".join(hits)
