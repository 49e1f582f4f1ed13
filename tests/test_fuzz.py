"""Fuzz: whatever the text, parse + check only ever return diagnostics.

Generated and mutated policy texts, random text and bytes, deep nesting and huge
numbers go through the whole front end (``compile_texts``): no exception may escape,
no ``KF0000`` (internal error) may appear, every code is in the catalogue, and every
diagnostic renders. ``bench/fuzz_check.py`` runs the same idea for longer.
"""

from __future__ import annotations

from pathlib import Path

from fuzz_corpus import PIECES, seeds
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kfpl.codes import CODES, PRELUDE
from kfpl.diagnostics import render
from kfpl.project.loader import compile_texts

ROOT = Path(__file__).resolve().parent.parent

SEEDS = seeds()


FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def assert_only_diagnostics(*texts: str) -> None:
    files = {f"f{i}.kfpl": text for i, text in enumerate(texts)}
    comp = compile_texts(files)  # must not raise
    for diag in comp.diagnostics:
        assert diag.code in CODES, diag
        assert diag.code != "KF0000", render(diag, comp.sources)
        assert render(diag, comp.sources)
        assert diag.one_line().startswith(diag.span.file)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 6))):
        if not text:
            break
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "replace", "duplicate", "swap"]))
        if kind == "insert":
            text = text[:at] + draw(st.sampled_from(PIECES)) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        elif kind == "replace":
            text = text[:at] + draw(st.text(max_size=8)) + text[at + draw(st.integers(0, 8)) :]
        else:
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            if kind == "duplicate":
                lines.insert(j, lines[i])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    return text


@st.composite
def assembled(draw: st.DrawFn) -> str:
    """Policy-like text built from keywords and values in random order."""
    words = draw(st.lists(st.sampled_from(PIECES), max_size=60))
    return PRELUDE + " ".join(words)


@FUZZ
@given(mutated())
def test_mutated_policies_give_only_diagnostics(text: str) -> None:
    assert_only_diagnostics(text)


@FUZZ
@given(assembled())
def test_assembled_policies_give_only_diagnostics(text: str) -> None:
    assert_only_diagnostics(text)


@FUZZ
@given(st.text(max_size=300))
def test_random_text_gives_only_diagnostics(text: str) -> None:
    assert_only_diagnostics(text)


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes_give_only_diagnostics(data: bytes) -> None:
    assert_only_diagnostics(data.decode("utf-8", "replace"), data.decode("latin-1"))


@FUZZ
@given(st.integers(1, 2000), st.sampled_from(["(", "not ", "not (", "( not "]))
def test_deep_nesting_gives_only_diagnostics(depth: int, opener: str) -> None:
    closer = ")" * opener.count("(")
    cond = opener * depth + "demonstrative" + closer * depth
    text = PRELUDE + "\nmeasure mfg-1\n  source mfg 1\n  requires " + cond + "\n  award 1万\n"
    assert_only_diagnostics(text)


@FUZZ
@given(st.integers(1, 3000), st.sampled_from(["", "%", "万", "亿", "元", ".5", "_0"]))
def test_huge_numbers_give_only_diagnostics(digits: int, suffix: str) -> None:
    number = "9" * digits + suffix
    for clause in (f"award {number}", f"award {number} of booth_fees", f"cap {number}",
                   f"award tiers on investment\n    at least {number} -> 1万\n    otherwise -> 2万",
                   f"award steps of {number} passed by investment\n    otherwise -> 1万"):  # fmt: skip
        assert_only_diagnostics(
            PRELUDE
            + f"\nmeasure mfg-1\n  source mfg 1\n  department 市工业和信息化局\n  {clause}\n"
        )


@FUZZ
@given(st.lists(mutated(), min_size=2, max_size=3))
def test_several_files_give_only_diagnostics(texts: list[str]) -> None:
    assert_only_diagnostics(*texts)


# --------------------------------------------------------------------------- every stage


def test_every_stage_survives_a_short_mutational_run() -> None:
    """A bounded run of what bench/fuzz_check.py runs for hours: mutated applications
    and population lines through eval and impact, mutated policies through codegen,
    import, examples, docs and diff. Only exit-2 answers may come out."""
    import random

    from fuzz_corpus import (
        application_seeds,
        deep_json,
        mutate_json,
        mutate_structure,
        run_application,
        run_pipeline,
        run_population,
    )

    rng = random.Random(5)
    apps = application_seeds()
    outcomes = [run_application(deep_json(rng)) for _ in range(3)]
    for _ in range(150):
        seed = rng.choice(apps)
        mutated = mutate_structure(rng, seed) if rng.random() < 0.7 else mutate_json(rng, seed)
        outcomes.append(run_application(mutated))
    assert {"ok", "rejected"} <= set(outcomes)  # the mutations reach past the parser
    for _ in range(15):
        lines = [mutate_structure(rng, line) for line in rng.sample(apps[1:], k=4)]
        assert run_population(lines) in ("ok", "rejected")
    good = [t for t in SEEDS[:60] if compile_texts({"f.kfpl": t}).ok]
    for seed in good[:4]:
        assert run_pipeline({"f.kfpl": seed + "\n"}, {"f.kfpl": seed}) == "ok"


def test_a_renamed_enterprise_input_is_a_difference_not_a_crash() -> None:
    """Found by the fuzzer: the behavioural diff gave the old version the new
    version's enterprise input (`local_tax` renamed), and `kfpl diff` exited 3."""
    from fuzz_corpus import run_pipeline

    seed = next(t for t in SEEDS if "input local_tax: money from enterprise" in t and
                "measure " in t and compile_texts({"f.kfpl": t}).ok)  # fmt: skip
    renamed = seed.replace("local_tax", "localx")
    assert run_pipeline({"f.kfpl": renamed}, {"f.kfpl": seed}) in ("ok", "skipped")
    assert compile_texts({"f.kfpl": renamed}).ok
