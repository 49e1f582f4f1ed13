"""A pytest plugin: every worked example in a collected .kfpl file is a test.

`pytest` (with `policies` in testpaths) runs each `example` line of each measure;
a failure shows expected vs actual and the evaluator's explanation.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from kfpl.diagnostics import render


@cache
def _compiled(folder: str) -> Any:
    from kfpl.project.loader import compile_paths
    from kfpl.python.evaluate import Program

    comp = compile_paths((folder,))
    program = Program.from_policy_set(comp.policy_set) if comp.ok and comp.policy_set else None
    return comp, program


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "kfpl_policies",
        "folders (relative to the rootdir) whose .kfpl examples are collected as tests",
        type="linelist",
        default=["policies"],
    )


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    # Only the configured policy folders: fixture policies elsewhere (some broken on
    # purpose) belong to the tests that use them.
    if file_path.suffix != ".kfpl":
        return None
    root = parent.config.rootpath
    folders = {(root / f).resolve() for f in parent.config.getini("kfpl_policies")}
    if file_path.parent.resolve() in folders:
        return KfplFile.from_parent(parent, path=file_path)
    return None


class KfplFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        from kfpl.testing.examples import cases

        comp, program = _compiled(str(self.path.parent))
        if program is None:
            yield PolicyErrors.from_parent(self, name="check", comp=comp)
            return
        for case in cases(comp.policy_set):
            if Path(case.measure.span.file).resolve() == self.path.resolve():
                yield ExampleItem.from_parent(self, name=case.name, case=case)


class PolicyErrors(pytest.Item):
    def __init__(self, *, comp: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.comp = comp

    def runtest(self) -> None:
        text = "\n\n".join(render(d, self.comp.sources) for d in self.comp.diagnostics)
        raise ExampleFailure(f"the policy set does not check:\n{text}")

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        return str(excinfo.value)


class ExampleFailure(AssertionError):
    pass


class ExampleItem(pytest.Item):
    def __init__(self, *, case: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        from kfpl.testing.examples import run_case

        comp, program = _compiled(str(self.path.parent))
        outcome = run_case(self.case, comp.policy_set, program)
        if not outcome.passed:
            raise ExampleFailure(
                f"{self.case.location}: expected {outcome.expected.en}, got {outcome.actual.en}\n"
                f"{outcome.explain('en')}"
            )

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        if isinstance(excinfo.value, ExampleFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.case.example.span.line - 1, self.case.name
