"""The project: a folder of ``*.kfpl`` files, their ``sources/``, and ``kfpl.toml``.

A project is found from a path (or the current folder): the folder itself when it
holds ``kfpl.toml``; otherwise the nearest folder above it that holds one, unless the
path is a folder of ``.kfpl`` files that the project found above does not own (a
revision or a fixture kept inside another project is a project of its own). A folder
of ``.kfpl`` files without any ``kfpl.toml`` is a project with every default.

Every key of ``kfpl.toml`` is optional; paths are relative to the file's folder::

    policies = "."            # the folder of the .kfpl files
    sources = "sources"       # the source documents, <doc>.json (default: <policies>/sources)
    lang = "zh"               # language of every command's messages and output: zh or en
                              # (default: the locale; `--lang` overrides it)

    [site]
    title.zh = "…"            # the documentation site's title in each language
    title.en = "…"

    [output]
    generated = "generated"   # where `kfpl build` writes the evaluators
    docs = "docs"             # where the documentation pages go (docs/zh, docs/en)
    site = "site"             # where `kfpl docs` builds the site

    [examples]
    application = "…json"     # an application explained on the site's explain page
    revision = "…"            # a revised version of the policies: the site's review page
    population = "…jsonl"     # applications for the review's budget impact
    review_intro.zh = "…md"   # the review page's introduction in each language
    review_intro.en = "…md"

    [impact]
    group_by = "…"            # an enterprise enum input: impact reports group by it

``load(folder)`` returns the ``Project``; a malformed file is a ``ProjectError`` that
names the file and the key (a usage error, exit 2).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kfpl.diagnostics import did_you_mean, suggestion
from kfpl.runtime.bilingual import Text

PROJECT_FILE = "kfpl.toml"
LANGS = ("zh", "en")

# key -> kind, for each table; "paths" are resolved against the project folder.
_SCHEMA: dict[str, dict[str, str]] = {
    "": {"policies": "path", "sources": "path", "lang": "lang"},
    "site": {"title": "labels"},
    "output": {"generated": "path", "docs": "path", "site": "path"},
    "examples": {
        "application": "path",
        "revision": "path",
        "population": "path",
        "review_intro": "paths",
    },
    "impact": {"group_by": "name"},
}


class ProjectError(Exception):
    """A project file that cannot be read or has a wrong key: a usage error (exit 2).
    ``words`` in both languages; ``str()`` is the English."""

    def __init__(self, words: Text) -> None:
        super().__init__(words.en)
        self.words = words


@dataclass(frozen=True)
class Project:
    root: Path  # the folder of kfpl.toml (or of the .kfpl files when there is none)
    file: Path | None = None
    policies: Path = Path(".")
    sources: Path = Path("sources")
    lang: str | None = None  # None: not set, the locale decides (kfpl.cli.lang)
    title: dict[str, str] = field(default_factory=dict)
    generated: Path = Path("generated")
    docs: Path = Path("docs")
    site: Path = Path("site")
    application: Path | None = None
    revision: Path | None = None
    population: Path | None = None
    review_intro: dict[str, Path] = field(default_factory=dict)
    group_by: str | None = None

    def shown(self, path: Path) -> str:
        """A path as pages show it: relative to the project, never absolute, so output
        does not vary by machine."""
        try:
            return Path(os.path.relpath(path, self.root)).as_posix()
        except ValueError:  # another drive (Windows)
            return path.name

    def policy_files(self) -> list[Path]:
        return sorted(self.policies.glob("*.kfpl"))


def _fail(file: Path, message: Text) -> ProjectError:
    return ProjectError(Text(f"{file}：{message.zh}", f"{file}: {message.en}"))


def _value(file: Path, key: str, kind: str, raw: Any, root: Path) -> Any:
    if kind == "path":
        if not isinstance(raw, str) or not raw:
            raise _fail(
                file,
                Text(
                    f"`{key}` 应为路径（字符串），实际为 {raw!r}",
                    f"`{key}` must be a path (a string), got {raw!r}",
                ),
            )
        return root / raw
    if kind == "lang":
        if raw not in LANGS:
            raise _fail(
                file,
                Text(
                    f'`{key}` 应为 "zh" 或 "en"，实际为 {raw!r}',
                    f'`{key}` must be "zh" or "en", got {raw!r}',
                ),
            )
        return raw
    if kind == "name":
        if not isinstance(raw, str) or not raw.isidentifier():
            raise _fail(
                file,
                Text(
                    f'`{key}` 应为名称（如 "sector"），实际为 {raw!r}',
                    f'`{key}` must be a name such as "sector", got {raw!r}',
                ),
            )
        return raw
    # labels / paths: a table keyed by language
    if not isinstance(raw, dict):
        example = f'`{key}.zh = "…"`'
        raise _fail(
            file,
            Text(
                f"`{key}` 应为含 `zh` 和 `en` 的表，如 {example}",
                f"`{key}` must be a table with `zh` and `en`, e.g. {example}",
            ),
        )
    out: dict[str, Any] = {}
    for lang, text in raw.items():
        if lang not in LANGS:
            raise _fail(
                file,
                Text(
                    f'`{key}.{lang}`：语言只能是 "zh" 和 "en"',
                    f'`{key}.{lang}`: the languages are "zh" and "en"',
                ),
            )
        if not isinstance(text, str) or not text.strip():
            raise _fail(
                file,
                Text(
                    f"`{key}.{lang}` 应为非空字符串，实际为 {text!r}",
                    f"`{key}.{lang}` must be a non-empty string, got {text!r}",
                ),
            )
        out[lang] = root / text if kind == "paths" else text
    return out


def read(file: Path, text: str | None = None) -> Project:
    """The project described by one ``kfpl.toml`` (``text``: its content as read
    elsewhere, e.g. at a git revision; paths still resolve against ``file``'s folder)."""
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8") if text is None else text)
    except OSError as exc:
        raise _fail(
            file, Text(f"无法读取：{exc.strerror}", f"cannot read: {exc.strerror}")
        ) from exc
    except UnicodeDecodeError as exc:
        raise _fail(file, Text("不是 UTF-8 文本", "not UTF-8 text")) from exc
    except tomllib.TOMLDecodeError as exc:
        raise _fail(file, Text(f"不是有效的 TOML：{exc}", f"not valid TOML: {exc}")) from exc
    root = file.parent
    values: dict[str, Any] = {}
    for key, raw in data.items():
        if isinstance(raw, dict) and key in _SCHEMA and key:
            table = _SCHEMA[key]
            for sub, sub_raw in raw.items():
                if sub not in table:
                    raise _unknown(file, f"{key}.{sub}", sub, table)
                values[sub] = _value(file, f"{key}.{sub}", table[sub], sub_raw, root)
        elif key in _SCHEMA[""]:
            values[key] = _value(file, key, _SCHEMA[""][key], raw, root)
        else:
            raise _unknown(file, key, key, {**_SCHEMA[""], **{k: "" for k in _SCHEMA if k}})
    policies = values.pop("policies", root)
    sources = values.pop("sources", policies / "sources")
    intro = values.pop("review_intro", {})
    for path_key in ("generated", "docs", "site"):
        values.setdefault(path_key, root / path_key)
    return Project(
        root=root, file=file, policies=policies, sources=sources, review_intro=intro, **values
    )


def _unknown(file: Path, shown: str, key: str, known: dict[str, str]) -> ProjectError:
    guess = did_you_mean(key, set(known))
    keys = Text.join(Text.same(f"`{k}`") for k in sorted(known))
    hint = suggestion(guess) if guess else Text(f"可用的键为 {keys.zh}", f"the keys are {keys.en}")
    return _fail(file, Text(f"未知的键 `{shown}`：{hint.zh}", f"unknown key `{shown}`: {hint.en}"))


def bare(folder: Path) -> Project:
    """The project of a folder of ``.kfpl`` files without a ``kfpl.toml``: every default."""
    return _bare(folder)


def _bare(folder: Path) -> Project:
    return Project(
        root=folder,
        policies=folder,
        sources=folder / "sources",
        generated=folder / "generated",
        docs=folder / "docs",
        site=folder / "site",
    )


def _has_policies(folder: Path) -> bool:
    return folder.is_dir() and any(folder.glob("*.kfpl"))


def _same(a: Path, b: Path) -> bool:
    return os.path.normpath(a.absolute()) == os.path.normpath(b.absolute())


def load(location: str | Path = ".") -> Project:
    """The project of a folder, a ``.kfpl`` file or a ``kfpl.toml`` (default: the
    current folder), found as the module docstring says."""
    path = Path(location)
    if path.name == PROJECT_FILE and path.is_file():
        return read(path)
    folder = path if path.is_dir() or not path.suffix else path.parent
    if (folder / PROJECT_FILE).is_file():
        return read(folder / PROJECT_FILE)
    for above in folder.absolute().parents:
        candidate = above / PROJECT_FILE
        if candidate.is_file():
            # Keep paths relative when the project is above a relative folder.
            file = Path(os.path.relpath(candidate)) if not folder.is_absolute() else candidate
            project = read(file)
            if not _has_policies(folder) or _same(project.policies, folder):
                return project
            break
    return _bare(folder)


def documents_folder(location: str | Path = ".") -> Path:
    """The ``sources/`` of the project at ``location``."""
    return load(location).sources
