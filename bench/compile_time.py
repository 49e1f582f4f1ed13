"""Compile time of the policy set: parse + check, codegen, and ``ruff format``.

Run from the repository root:

    /work/venv/bin/python bench/compile_time.py [--runs 5] [--scale 100] [POLICY_DIR]

Prints the one-off cost of building the parser (the first parse in a process), then
the median of N runs of each stage for the real policy set and for a synthetic set
``--scale`` times larger: every measure replicated with a renamed id (``mfg-2a`` ->
``mfg-2a-x7``), written to a temporary folder and checked clean before it is timed.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kfpl.project.loader import compile_texts, discover, read_text
from kfpl.python import codegen
from kfpl.python.formatting import format_python
from kfpl.syntax.parser import lark_parser

ITEM_START = re.compile(r"^[^\s#]")
MEASURE_HEAD = re.compile(r"^measure\s+([a-z][a-z0-9]*(?:-[a-z0-9]+)+)")


def split_items(text: str) -> list[str]:
    """The file as chunks, each starting at a line that starts an item (column 0)."""
    chunks: list[list[str]] = [[]]
    for line in text.splitlines(keepends=True):
        if ITEM_START.match(line) and chunks[-1]:
            chunks.append([])
        chunks[-1].append(line)
    return ["".join(c) for c in chunks]


def replicate(text: str, scale: int) -> str:
    """The file with every measure written ``scale`` times, copies renamed.

    A copy's own id is renamed everywhere inside its block (the header and the
    ``given mfg-1 paid …`` history of its examples), so the copies check clean and
    their worked examples still pass."""
    out: list[str] = []
    for chunk in split_items(text):
        out.append(chunk)
        head = MEASURE_HEAD.match(chunk)
        if not head:
            continue
        mid = head.group(1)
        pattern = re.compile(rf"(?<![\w-]){re.escape(mid)}(?![\w-])")
        for copy in range(1, scale):
            out.append(pattern.sub(f"{mid}-x{copy}", chunk))
    return "".join(out)


def median_time(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def bench_set(label: str, texts: dict[str, str], runs: int) -> None:
    def front() -> Any:
        comp = compile_texts(texts)
        if not comp.ok:
            sys.exit(f"{label}: the policy set does not check clean")
        return comp.policy_set

    t_check, ps = median_time(front, runs)
    t_gen, sources = median_time(lambda: codegen.generate_all(ps), runs)
    t_fmt, _ = median_time(
        lambda: [format_python(src, name) for name, src in sources.items()], runs
    )
    lines = sum(t.count("\n") for t in texts.values())
    gen_lines = sum(s.count("\n") for s in sources.values())
    print(f"\n{label}: {len(texts)} files, {lines} lines, {len(ps.measures)} measures "
          f"-> {gen_lines} generated lines (median of {runs} runs)")  # fmt: skip
    print(f"  parse + check        {t_check * 1000:9.1f} ms")
    print(f"  codegen              {t_gen * 1000:9.1f} ms")
    print(f"  parse+check+codegen  {(t_check + t_gen) * 1000:9.1f} ms")
    print(f"  ruff format          {t_fmt * 1000:9.1f} ms  ({len(sources)} module(s))")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("policy_dir", nargs="?", default="policies")
    ap.add_argument("--runs", type=int, default=5, help="runs per stage (median shown)")
    ap.add_argument("--scale", type=int, default=100, help="synthetic set size factor (1: skip it)")
    ap.add_argument("--synthetic-runs", type=int, default=3)
    args = ap.parse_args()

    start = time.perf_counter()
    lark_parser()
    print(f"parser construction (once per process): {time.perf_counter() - start:.2f} s")

    files = discover([args.policy_dir])
    texts = {str(p): read_text(p) for p in files}
    print("files:", ", ".join(Path(p).name for p in texts))
    bench_set(f"real set ({args.policy_dir})", texts, args.runs)

    if args.scale <= 1:
        return 0
    with tempfile.TemporaryDirectory(prefix="kfpl-bench-") as tmp:
        synthetic = {}
        for path, text in texts.items():
            target = Path(tmp) / Path(path).name
            target.write_text(replicate(text, args.scale), encoding="utf-8")
            synthetic[str(target)] = target.read_text(encoding="utf-8")
        bench_set(f"synthetic set ({args.scale}x the measures)", synthetic, args.synthetic_runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
