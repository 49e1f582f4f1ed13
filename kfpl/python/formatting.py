"""Run ``ruff format`` over generated Python, so evaluators read like hand-written code.

ruff is pinned in pyproject.toml: the formatter's version is part of what makes
generated files byte-identical from one machine to the next.
"""

from __future__ import annotations

import subprocess
import sys
from functools import cache
from pathlib import Path


class FormatterError(RuntimeError):
    pass


@cache
def ruff_binary() -> str:
    try:
        from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

        return str(find_ruff_bin())
    except (ImportError, FileNotFoundError):
        candidate = Path(sys.executable).with_name("ruff")
        if candidate.exists():
            return str(candidate)
    raise FormatterError(
        "ruff is not installed; install kfpl with its dependencies (pip install -e .)"
    )


def format_python(source: str, filename: str = "generated.py") -> str:
    proc = subprocess.run(
        [
            ruff_binary(),
            "format",
            "--isolated",
            "--line-length",
            "100",
            "--stdin-filename",
            filename,
            "-",
        ],
        input=source.encode("utf-8"),
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        raise FormatterError(
            f"ruff format failed on {filename}: {proc.stderr.decode('utf-8', 'replace')}"
        )
    return proc.stdout.decode("utf-8")
