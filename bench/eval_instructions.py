"""Instructions per application (valgrind), for comparing changes on a loaded machine.

Run from the repository root (valgrind installed):

    python bench/eval_instructions.py [--apps 150]

Times on two cores shared with other jobs vary by ±20% from pass to pass; the number
of instructions executed does not. Each figure is a whole interpreter run under
``valgrind --tool=callgrind`` over bench/eval_speed.py's applications, less a run that
only sets up (imports generated/, builds the applications, warms up): `run` is
`Program.run`, `read` the reading alone, `engine` the evaluation of applications read
beforehand, `claims` the per-claim part of it (in force, the set's rules on the
enterprise, the measure), `hand` bench/handwritten.py. Instructions are not time (the
interpreter's memory traffic costs more per instruction than the hand-written code's
arithmetic), so a time ratio comes out above the ratio of instructions.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

MODES = ("setup", "run", "read", "engine", "claims", "hand")


def child(mode: str, apps: int) -> None:
    """The measured loop (run inside valgrind)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import eval_speed
    import handwritten

    from kfpl.python.evaluate import Program
    from kfpl.runtime.money import exact

    program = Program.from_generated("generated")
    runtime = program.runtime
    rng = random.Random(2020)
    data = [eval_speed.application(i, rng) for i in range(apps)]
    read = [runtime.read(a) for a in data]
    for app in data[:5]:
        program.run(app)
        handwritten.evaluate(app)
    if mode == "run":
        for app in data:
            program.run(app)
    elif mode == "read":
        for app in data:
            runtime.read(app)
    elif mode == "engine":
        for typed in read:
            runtime.evaluate(typed)
    elif mode == "claims":
        with exact():
            for typed in read:
                judged: dict[int, object] = {}
                for claim in typed.claims:
                    runtime._claim(typed, claim, True, judged)  # type: ignore[arg-type]
    elif mode == "hand":
        for app in data:
            handwritten.evaluate(app)


def count(mode: str, apps: int) -> int:
    env = dict(os.environ, PYTHONHASHSEED="0")
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable]
    command += [__file__, "--child", mode, "--apps", str(apps)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    found = re.search(r"Collected : (\d+)", done.stderr)
    assert found is not None, done.stderr[-2000:]
    return int(found.group(1))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--apps", type=int, default=150)
    ap.add_argument("--child", choices=MODES)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.apps)
        return 0
    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = dict(zip(MODES, pool.map(lambda m: count(m, args.apps), MODES), strict=True))
    per = {m: (counts[m] - counts["setup"]) / args.apps for m in MODES if m != "setup"}
    for mode, value in per.items():
        print(f"  {mode:7s} {value / 1e3:8.0f}k instructions per application")
    print(
        f"  ratio run/hand {per['run'] / per['hand']:.2f}, read/hand {per['read'] / per['hand']:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
