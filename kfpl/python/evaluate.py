"""Compiled evaluators for a policy set, in memory or from generated/.

program = Program.from_paths(["policies"])
result = program.evaluate(application)   # the JSON contract, as a dict
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

from kfpl.diagnostics import render
from kfpl.model import PolicySet
from kfpl.project.loader import Compilation, compile_paths
from kfpl.runtime import Outcome, PolicySetRuntime


class PolicyError(Exception):
    """The policy set has errors; ``compilation`` holds the diagnostics."""

    def __init__(self, compilation: Compilation) -> None:
        self.compilation = compilation
        text = "\n\n".join(render(d, compilation.sources) for d in compilation.diagnostics)
        super().__init__(text or "the policy set has errors")

    @classmethod
    def interrupted(cls, folder: str | Path) -> PolicyError:
        error = cls(Compilation(None))
        error.args = (
            f"{folder}: a `kfpl build` was interrupted while replacing these files; "
            "run `kfpl build` to finish it",
        )
        return error

    def __str__(self) -> str:
        return str(self.args[0])


def module_from_source(name: str, source: str, filename: str) -> ModuleType:
    module = ModuleType(name)
    module.__file__ = filename
    exec(compile(source, filename, "exec"), module.__dict__)
    return module


class Program:
    """A policy set ready to evaluate applications."""

    def __init__(self, modules: Iterable[ModuleType], policy_set: PolicySet | None = None) -> None:
        self.modules = list(modules)
        self.policy_set = policy_set
        self.runtime = PolicySetRuntime(self.modules)

    @classmethod
    def from_policy_set(cls, ps: PolicySet) -> Program:
        from kfpl.python import codegen  # jinja2: only when compiling

        modules = [
            module_from_source(f"kfpl_generated_{name[:-3]}", source, f"<generated {name}>")
            for name, source in codegen.generate_all(ps).items()
        ]
        return cls(modules, ps)

    @classmethod
    def from_paths(cls, paths: list[str] | tuple[str, ...]) -> Program:
        comp = compile_paths(paths)
        if not comp.ok or comp.policy_set is None:
            raise PolicyError(comp)
        return cls.from_policy_set(comp.policy_set)

    @classmethod
    def from_generated(cls, folder: str | Path) -> Program:
        """Import the evaluator modules written by ``kfpl build``."""
        from kfpl.project.writes import pending

        if pending(Path(folder)):
            raise PolicyError.interrupted(folder)
        modules = []
        for path in sorted(Path(folder).glob("*.py")):
            if path.name.startswith("_"):
                continue
            name = f"kfpl_generated_{path.stem}"
            spec = importlib.util.spec_from_file_location(name, path)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
            modules.append(module)
        return cls(modules)

    def run(self, application: Any) -> Outcome:
        return self.runtime.evaluate(application)

    def evaluate(self, application: Any) -> dict[str, Any]:
        return self.run(application).as_json()
