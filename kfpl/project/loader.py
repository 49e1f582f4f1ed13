"""Find, read, parse and check a policy set: the front half of every command."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kfpl.check.checker import check
from kfpl.diagnostics import Diagnostic, Sources, sort_key
from kfpl.model import PolicySet
from kfpl.syntax import nodes as n
from kfpl.syntax.parser import parse

DEFAULT_POLICY_DIR = "policies"


class InputError(Exception):
    """A path that cannot be read: reported as a usage error (exit 2)."""


@dataclass
class Compilation:
    policy_set: PolicySet | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: Sources = field(default_factory=Sources)

    @property
    def ok(self) -> bool:
        return self.policy_set is not None and not any(
            d.severity == "error" for d in self.diagnostics
        )


def discover(paths: list[str] | tuple[str, ...]) -> list[Path]:
    """The .kfpl files named, or found (sorted) in the folders named."""
    files: list[Path] = []
    for raw in paths or (DEFAULT_POLICY_DIR,):
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(path.glob("*.kfpl")))
        elif path.is_file():
            files.append(path)
        else:
            raise InputError(f"no such file or folder: {raw}")
    for path in files:
        try:
            str(path).encode("utf-8")
        except UnicodeEncodeError:
            # Its name reaches generated code, diagnostics and pages: it must be text.
            shown = str(path).encode("utf-8", "surrogateescape").decode("ascii", "backslashreplace")
            raise InputError(f"{shown}: the file name is not UTF-8 text; rename the file") from None
    if not files:
        raise InputError(f"no .kfpl files in {', '.join(paths or (DEFAULT_POLICY_DIR,))}")
    return files


def compile_texts(texts: dict[str, str]) -> Compilation:
    """Parse and check files given as text, keyed by the path shown in diagnostics."""
    comp = Compilation(None)
    modules: list[n.Module] = []
    for path, text in texts.items():
        comp.sources.add(path, text)
        module, diags = parse(text, path)
        comp.diagnostics.extend(diags)
        if module is not None:
            modules.append(module)
    if len(modules) == len(texts):
        policy_set, diags = check(tuple(modules))
        comp.diagnostics.extend(diags)
        comp.policy_set = policy_set
    comp.diagnostics.sort(key=sort_key)
    return comp


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror}") from exc


def compile_paths(paths: list[str] | tuple[str, ...]) -> Compilation:
    files = discover(paths)
    return compile_texts({str(path): read_text(path) for path in files})
