"""A long fuzz run over every stage: only diagnostics or exit-2 messages may come out.

    nice -n 10 python bench/fuzz_check.py --seconds 3600 [--seed 1] [--out fuzz-failures]

Stages (each gets a share of the wall time, so the slow ones are not starved):

* ``check``: mutated policy texts (seeded from the code catalogue's examples,
  tests/broken and policies/), keyword soup, random text and bytes, deep nesting and
  huge numbers through parse + check (``compile_texts``);
* ``pipeline``: a mutated text that checks goes on through codegen, ``ruff format``,
  the import of the generated modules, its worked examples (explained in both
  languages), the docs pages, and a structural and behavioural diff against its seed;
* ``application``: mutated application JSON (the worked example and population lines,
  with hostile numbers, strings, nesting, duplicate keys) read, evaluated and explained
  by the real policy set as ``kfpl eval`` does;
* ``population``: mutated JSON lines read and run as ``kfpl diff --impact`` does.

A crash is an escaping exception (what the CLI turns into exit 3), a ``KF0000``
diagnostic, a code missing from the catalogue, a diagnostic that does not render, an
error message without its line number, or one input taking more than 10 s. Crashing
inputs are written to --out; the run prints per-stage counts and exits 1 on a crash.
"""

from __future__ import annotations

import argparse
import random
import signal
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from kfpl.codes import CODES, PRELUDE
from kfpl.diagnostics import render
from kfpl.project.loader import compile_texts

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the corpus is shared with the fuzz test

from fuzz_corpus import (  # noqa: E402
    PIECES,
    Hang,
    application_seeds,
    deep_json,
    mutate_json,
    mutate_structure,
    run_application,
    run_pipeline,
    run_population,
    seeds,
)


def random_text(rng: random.Random, size: int) -> str:
    alphabet = "abcdemnoprstuvxy_-0123456789 \n\t\"'#%.,:()[]{}=<>-万亿元开封市局，：（）％"
    if rng.random() < 0.3:
        return "".join(chr(rng.randrange(0, 0x3000)) for _ in range(size))
    return "".join(rng.choice(alphabet) for _ in range(size))


def mutate(rng: random.Random, text: str) -> str:
    for _ in range(rng.randint(1, 8)):
        if not text:
            break
        at = rng.randrange(len(text) + 1)
        kind = rng.choice(["insert", "delete", "replace", "duplicate", "swap"])
        if kind == "insert":
            text = text[:at] + rng.choice(PIECES) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + rng.randint(1, 40) :]
        elif kind == "replace":
            text = text[:at] + random_text(rng, rng.randint(0, 8)) + text[at + rng.randint(0, 8) :]
        else:
            lines = text.split("\n")
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            if kind == "duplicate":
                lines.insert(j, lines[i])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    return text


def deep(rng: random.Random) -> str:
    opener = rng.choice(["(", "not ", "not (", "( not "])
    depth = rng.randint(1, 3000)
    cond = opener * depth + "demonstrative" + ")" * (opener.count("(") * depth)
    return PRELUDE + f"\nmeasure mfg-1\n  source mfg 1\n  requires {cond}\n  award 1万\n"


def huge(rng: random.Random) -> str:
    number = "9" * rng.randint(1, 5000) + rng.choice(["", "%", "万", "亿", "元", ".5"])
    clause = rng.choice(
        [f"award {number}", f"award {number} of booth_fees", f"cap {number}",
         f"award tiers on investment\n    at least {number} -> 1万\n    otherwise -> 2万",
         f"award steps of {number} passed by investment\n    otherwise -> 1万"]
    )  # fmt: skip
    return PRELUDE + f"\nmeasure mfg-1\n  source mfg 1\n  department 市工业和信息化局\n  {clause}\n"


def generators(pool: list[str]) -> list[tuple[str, Callable[[random.Random], list[str]]]]:
    return [
        ("mutated", lambda r: [mutate(r, r.choice(pool))]),
        ("mutated-set", lambda r: [mutate(r, r.choice(pool)) for _ in range(r.randint(2, 3))]),
        ("keywords", lambda r: [PRELUDE + " ".join(r.choices(PIECES, k=r.randint(0, 80)))]),
        ("text", lambda r: [random_text(r, r.randint(0, 400))]),
        ("bytes", lambda r: [r.randbytes(r.randint(0, 400)).decode("utf-8", "replace")]),
        ("nesting", lambda r: [deep(r)]),
        ("numbers", lambda r: [huge(r)]),
    ]


def problem(texts: list[str]) -> str | None:
    try:
        comp = compile_texts({f"f{i}.kfpl": t for i, t in enumerate(texts)})
        for diag in comp.diagnostics:
            if diag.code not in CODES or diag.code == "KF0000":
                return render(diag, comp.sources)
            render(diag, comp.sources)
            diag.one_line()
    except Exception:
        return traceback.format_exc()
    return None


HANG_SECONDS = 10


def _alarm(signum: int, frame: object) -> None:
    raise Hang(f"more than {HANG_SECONDS} s")


OUTCOMES: Counter[str] = Counter()


def guarded(stage: str, run: Callable[[], str]) -> str | None:
    """Run one input under the hang alarm; a traceback (or None) comes back. The
    outcome ("ok", "rejected", "skipped") is counted per stage. The alarm counts CPU
    seconds of this process (ITIMER_PROF), not wall time: on a machine shared with
    other jobs a starved process is not a hang."""
    signal.setitimer(signal.ITIMER_PROF, HANG_SECONDS)
    try:
        OUTCOMES[f"{stage} {run()}"] += 1
        return None
    except (Exception, Hang):
        return traceback.format_exc()
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)


class Stages:
    """One generator and runner per stage; ``step(name)`` tries one input."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.pool = seeds()
        self.check_gens = generators(self.pool)
        # Texts that check cleanly are the useful seeds of the later stages.
        self.good = [t for t in self.pool if compile_texts({"f.kfpl": t}).ok]
        self.apps = application_seeds()

    def step(self, stage: str) -> tuple[list[str], str | None]:
        rng = self.rng
        if stage == "check":
            _, gen = rng.choice(self.check_gens)
            texts = gen(rng)
            return texts, guarded(stage, lambda: _raise(problem(texts)))
        if stage == "pipeline":
            seed = rng.choice(self.good)
            text = mutate(rng, seed) if rng.random() < 0.9 else seed
            return [text], guarded(stage, lambda: run_pipeline({"f.kfpl": text}, {"f.kfpl": seed}))
        if stage == "application":
            seed = rng.choice(self.apps)
            text = application_text(rng, seed)
            return [text], guarded(stage, lambda: run_application(text))
        lines = rng.sample(self.apps[1:], k=rng.randint(1, 8))
        for i in rng.sample(range(len(lines)), k=rng.randint(1, len(lines))):
            lines[i] = application_text(rng, lines[i])
        return lines, guarded(stage, lambda: run_population(lines))


def application_text(rng: random.Random, seed: str) -> str:
    pick = rng.random()
    if pick < 0.02:
        return deep_json(rng)
    if pick < 0.7:
        return mutate_structure(rng, seed)
    return mutate_json(rng, seed)


def _raise(found: str | None) -> str:
    if found is not None:
        raise AssertionError(found)
    return "ok"


SHARES = {"check": 0.3, "pipeline": 0.3, "application": 0.25, "population": 0.15}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default="fuzz-failures")
    parser.add_argument("--stages", default=",".join(SHARES), help="comma-separated subset")
    parser.add_argument("--report-every", type=float, default=300.0)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGPROF, _alarm)
    sys.setrecursionlimit(10_000)  # as the CLI runs: the default limit
    rng = random.Random(args.seed)
    stages = Stages(rng)
    chosen = [s for s in args.stages.split(",") if s in SHARES]
    spent: Counter[str] = Counter({s: 0.0 for s in chosen})
    tried: Counter[str] = Counter()
    failures = 0
    start = last = time.monotonic()
    while time.monotonic() - start < args.seconds:
        stage = min(chosen, key=lambda s: spent[s] / SHARES[s])
        began = time.monotonic()
        texts, found = stages.step(stage)
        spent[stage] += time.monotonic() - began
        tried[stage] += 1
        if found is not None:
            failures += 1
            out = Path(args.out)
            out.mkdir(exist_ok=True)
            for i, text in enumerate(texts):
                (out / f"failure-{failures}-{i}.txt").write_text(text, "utf-8", "surrogatepass")
            (out / f"failure-{failures}.trace").write_text(f"stage {stage}\n{found}", "utf-8")
            print(f"FAIL ({stage}): {found.strip().splitlines()[-1]}", file=sys.stderr, flush=True)
        if time.monotonic() - last > args.report_every:
            last = time.monotonic()
            print(f"[{last - start:.0f}s] {report(tried, spent)}; failures {failures}", flush=True)
    elapsed = time.monotonic() - start
    total = sum(tried.values())
    print(
        f"inputs tried: {total} in {elapsed:.0f}s ({total / elapsed:.0f}/s; {report(tried, spent)})"
    )
    print("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(OUTCOMES.items())))
    print(f"failures: {failures}")
    return 1 if failures else 0


def report(tried: Counter[str], spent: Counter[str]) -> str:
    return ", ".join(f"{s} {tried[s]} ({tried[s] / max(spent[s], 1e-9):.0f}/s)" for s in spent)


if __name__ == "__main__":
    sys.exit(main())
