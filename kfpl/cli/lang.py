"""Which language a command writes its words in, decided once for every command.

``--lang zh|en`` when given; else the ``lang`` of the project file (``kfpl.toml``);
else the locale: the first of ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` that is set (the
POSIX order) decides, ``zh…`` meaning Chinese and anything else English.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

import click

from kfpl.project.config import Project

LANG = click.Choice(["zh", "en"])

lang_option = click.option(
    "--lang",
    type=LANG,
    default=None,
    help="Language of messages and output: zh or en (default: the project's `lang` in "
    "kfpl.toml, else the locale: LC_ALL, LC_MESSAGES, LANG).",
)


def from_locale(environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def resolve(flag: str | None, project: Project | None) -> str:
    """Flag, then project, then locale."""
    if flag:
        return flag
    if project is not None and project.lang:
        return project.lang
    return from_locale()


def resolve_for(flag: str | None, paths: Sequence[str] = ()) -> str:
    """The language for a command run on ``paths`` (the project of the first, or of the
    current folder). A project file that cannot be read leaves the choice to the locale:
    the command itself then reports the file's problem, in that language."""
    from kfpl.project.loader import InputError, project_of

    if flag:
        return flag
    try:
        project: Project | None = project_of(tuple(paths))
    except InputError:
        project = None
    return resolve(None, project)
