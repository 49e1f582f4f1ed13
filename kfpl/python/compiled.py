"""A policy set's evaluators from the user cache, so `kfpl eval` does not recompile.

Parsing and checking a policy set takes longer than evaluating an application, and the
generated evaluators are a pure function of what the compiler read: the policy files
(their paths and text), the project's source documents, and kfpl itself. The cache entry
is named by a hash of exactly those (kfpl by the size and modification time of each of
its files, like Python's own bytecode cache), and holds the compiled bytecode of the
evaluator modules. Only a set that compiled without errors is stored, so a hit answers
what a fresh compile would. Any failure to read or write the cache falls back to
compiling.
"""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Callable
from pathlib import Path
from types import CodeType, ModuleType

from kfpl import cache as user_cache


def _entry(files: list[Path], documents: Path) -> Path | None:
    digest = hashlib.sha256()
    for path in files:
        digest.update(f"policy {path}\n".encode("utf-8", "surrogateescape"))
        digest.update(path.read_bytes())
    if documents.is_dir():
        for path in sorted(documents.glob("*.json")):
            digest.update(f"document {path.name}\n".encode("utf-8", "surrogateescape"))
            digest.update(path.read_bytes())
    name = user_cache.key("evaluators", user_cache.kfpl_fingerprint(), digest.hexdigest())
    return user_cache.entry(f"evaluators-{name}.marshal")


def _compile(name: str, source: str) -> CodeType:
    return compile(source, f"<generated {name}>", "exec")


def _modules(codes: list[tuple[str, str, CodeType]]) -> list[ModuleType]:
    modules = []
    for name, filename, code in codes:
        module = ModuleType(name)
        module.__file__ = filename
        exec(code, module.__dict__)
        modules.append(module)
    return modules


def evaluator_modules(
    files: list[Path], documents: Path, generate: Callable[[], dict[str, str]]
) -> list[ModuleType]:
    """The evaluator modules of the policy set in ``files`` (with the project's documents
    folder ``documents``): from the cache, or from ``generate()`` (file name -> generated
    source; it exits or raises when the set has errors, and then nothing is stored)."""
    try:
        entry = _entry(files, documents)
    except OSError:
        entry = None
    if entry is not None and entry.is_file():
        try:
            return _modules(marshal.loads(entry.read_bytes()))
        except Exception:  # a damaged entry: compile afresh and replace it
            pass
    compiled = [
        (f"kfpl_generated_{name[:-3]}", f"<generated {name}>", _compile(name, source))
        for name, source in generate().items()
    ]
    if entry is not None:
        user_cache.store(entry, marshal.dumps(compiled))
    return _modules(compiled)
