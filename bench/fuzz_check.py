"""A longer fuzz run of the front end: parse + check must only ever return diagnostics.

    python bench/fuzz_check.py --seconds 60 [--seed 1] [--out fuzz-failures]

Feeds mutated policy texts (seeded from the code catalogue's examples, tests/broken and
policies/), keyword soup, random text and bytes, deep nesting and huge numbers to
``compile_texts`` until the time is up. An input fails if an exception escapes, a
``KF0000`` internal error appears, a code is missing from the catalogue, or a
diagnostic does not render. Failing inputs are written to --out; the run prints how
many inputs it tried and exits 1 if any failed.
"""

from __future__ import annotations

import argparse
import random
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

from fuzz_corpus import PIECES, seeds  # noqa: E402


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default="fuzz-failures")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    gens = generators(seeds())
    tried: Counter[str] = Counter()
    failures = 0
    start = time.monotonic()
    while time.monotonic() - start < args.seconds:
        name, gen = rng.choice(gens)
        texts = gen(rng)
        tried[name] += 1
        found = problem(texts)
        if found is not None:
            failures += 1
            out = Path(args.out)
            out.mkdir(exist_ok=True)
            for i, text in enumerate(texts):
                (out / f"failure-{failures}-{i}.kfpl").write_text(text, "utf-8", "surrogatepass")
            (out / f"failure-{failures}.txt").write_text(found, "utf-8")
            print(f"FAIL ({name}): {found.splitlines()[-1] if found else ''}", file=sys.stderr)
    elapsed = time.monotonic() - start
    total = sum(tried.values())
    detail = ", ".join(f"{k} {v}" for k, v in sorted(tried.items()))
    print(f"inputs tried: {total} in {elapsed:.0f}s ({total / elapsed:.0f}/s; {detail})")
    print(f"failures: {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
