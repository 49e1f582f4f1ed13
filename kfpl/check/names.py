"""Declarations and ids: unique names, document prefixes, agencies, types, headers."""

from __future__ import annotations

from kfpl.check.base import ORIGINS, Context
from kfpl.check.periods import check_period_order
from kfpl.check.types import expect_literal
from kfpl.diagnostics import Secondary, did_you_mean
from kfpl.model import BUILTIN_TYPES, item_key, module_stem
from kfpl.syntax import nodes as n

# Items that share one namespace of ids (measure expo-2a and rule expo-2a would clash in
# `kfpl list`, in history records and in generated code), and the declarations that
# share the namespace of names used in conditions and awards.
_IDS = (n.Measure, n.Rule, n.Target, n.Task, n.TextBlock)
_NAMES = (n.InputDecl, n.ParamDecl)
_ID_ITEMS = {n.Measure: "measure", n.Rule: "rule", n.Target: "target", n.Task: "task",
             n.TextBlock: "text"}  # fmt: skip


def _namespace(item: n.Item) -> str:
    if isinstance(item, _IDS):
        return "id"
    if isinstance(item, _NAMES):
        return "name"
    return type(item).__name__


def _kind(item: n.Item) -> str:
    return {
        n.Policy: "policy", n.EnumDecl: "enum", n.InputDecl: "input", n.ParamDecl: "parameter",
        n.AgencyDecl: "agency", n.Measure: "measure", n.Rule: "rule", n.Target: "target",
        n.Chain: "chain", n.Task: "task", n.TextBlock: "text",
    }[type(item)]  # fmt: skip


def check_unique(ctx: Context) -> None:
    """Every id and name is declared once across all files of the set."""
    seen: dict[tuple[str, str], n.Item] = {}
    for module in ctx.modules:
        for item in module.items:
            key = (_namespace(item), item_key(item))
            first = seen.setdefault(key, item)
            if first is item:
                continue
            where = "" if first.span.file == item.span.file else f" (first in {first.span.file})"
            ctx.error(
                "KF0101",
                f"`{item_key(item)}` is declared twice{where}",
                item.span,
                label=f"second {_kind(item)} `{item_key(item)}`",
                help="give each item its own id, or delete one of them",
                secondary=(Secondary(first.span, f"first declared here as {_kind(first)}"),),
            )


def check_file_names(ctx: Context) -> None:
    """Each file gives its name to its evaluator module (generated/<name>.py): two files
    with one name in different folders would overwrite each other's module."""
    seen: dict[str, n.Module] = {}
    for module in ctx.modules:
        stem = module_stem(module.path)
        first = seen.setdefault(stem, module)
        if first is module:
            continue
        ctx.error(
            "KF0101",
            f"two policy files are named `{stem}.kfpl` ({first.path} and {module.path}): "
            f"both would be compiled to `{stem}.py`",
            n.Span(module.path, 1, 1, 1, 2),
            label=f"second file named `{stem}.kfpl`",
            help="rename one of the files: a policy set needs one file name per file",
        )


def policy_ids(ctx: Context) -> set[str]:
    return set(ctx.ps.policies)


def check_headers(ctx: Context) -> None:
    """Each file starts with one `policy` header."""
    for module in ctx.modules:
        headers = module.of_type(n.Policy)
        if not headers:
            first = module.items[0].span if module.items else n.Span(module.path, 1, 1, 1, 2)
            ctx.error(
                "KF0106",
                "this file has no `policy` header",
                first,
                label="the file should start with `policy ID`",
                help='start the file with `policy common` and a `title zh "…" en "…"`',
            )
            continue
        for extra in headers[1:]:
            ctx.error(
                "KF0106",
                f"a second `policy` header (`{extra.id}`) in one file",
                extra.span,
                label="second header",
                help="one file is one policy: move this part into its own .kfpl file",
                secondary=(Secondary(headers[0].span, "first header here"),),
            )
        if module.items[0] is not headers[0]:
            ctx.error(
                "KF0106",
                "the `policy` header must come first in the file",
                headers[0].span,
                label="header after other items",
                help="move this `policy` block to the top of the file",
            )
        policy = headers[0]
        check_period_order(ctx, policy.effective)
        if policy.title is None:
            ctx.error(
                "KF0303",
                f"policy `{policy.id}` has no `title`",
                policy.span,
                label="title missing",
                help='add `title zh "…" en "…"` under the header',
            )


def check_id_prefixes(ctx: Context) -> None:
    """Measure, rule, target, task and text ids start with a document or policy id."""
    prefixes = set(ctx.documents) | policy_ids(ctx)
    first = min(policy_ids(ctx) or ctx.documents or {"doc"})
    for module in ctx.modules:
        for item in module.items:
            if not isinstance(item, _IDS):
                continue
            kind = _ID_ITEMS[type(item)]
            head = item.id.split("-", 1)[0]
            doc = item.source.doc if item.source and item.source.doc in prefixes else None
            example = f"{doc or first}-{item.id}" if "-" not in item.id else f"{first}-{item.id}"
            if "-" not in item.id:
                ctx.error(
                    "KF0102",
                    f"{kind} id `{item.id}` has no document prefix",
                    ctx.head_span(item, kind),
                    label=f"expected an id such as `{first}-1`",
                    help=f"write `{kind} {example}`: ids start with the document they come from",
                )
            elif head not in prefixes:
                guess = did_you_mean(head, prefixes)
                known = ", ".join(f"`{p}-`" for p in sorted(prefixes))
                ctx.error(
                    "KF0102",
                    f"{kind} id `{item.id}` starts with `{head}-`, which is no document or policy",
                    ctx.head_span(item, kind),
                    label="unknown prefix",
                    help=f"did you mean `{guess}-`?" if guess else f"use one of {known}",
                )


def check_agencies(ctx: Context) -> None:
    """Departments, owners and leads are declared `agency` names."""
    for module in ctx.modules:
        for item in module.items:
            names: tuple[str, ...] = ()
            if isinstance(item, n.Measure):
                names = item.departments
            elif isinstance(item, n.Target | n.Task):
                names = item.owners
            elif isinstance(item, n.Chain) and item.lead:
                names = (item.lead,)
            for name in names:
                if name not in ctx.ps.agencies:
                    _unknown_agency(ctx, name, item)


def _cjk_guess(name: str, known: set[str]) -> str | None:
    """A close name, or one that contains the written characters in order (市工信局)."""
    guess = did_you_mean(name, known)
    if guess:
        return guess
    for candidate in sorted(known):
        chars = iter(candidate)
        if len(name) >= 3 and all(ch in chars for ch in name):
            return candidate
    return None


def _unknown_agency(ctx: Context, name: str, item: n.Item) -> None:
    known = set(ctx.ps.agencies)
    guess = _cjk_guess(name, known)
    if guess:
        help = f"did you mean `{guess}`?"
    elif known:
        help = f'declare it with `agency {name} en "…"`, or use a declared agency'
    else:
        help = f'declare it: `agency {name} en "…"`'
    ctx.error(
        "KF0103",
        f"unknown agency `{name}`",
        ctx.word_span(item.span, name),
        label="not declared with `agency`",
        help=help,
    )


def check_declarations(ctx: Context) -> None:
    """Types, origins, enum members, list fields and parameters."""
    for module in ctx.modules:
        for item in module.items:
            if isinstance(item, n.EnumDecl):
                _check_enum(ctx, item)
            elif isinstance(item, n.InputDecl):
                _check_input(ctx, item)
            elif isinstance(item, n.ParamDecl):
                _check_param_order(ctx, item)


def _check_enum(ctx: Context, decl: n.EnumDecl) -> None:
    seen: dict[str, n.EnumMember] = {}
    for member in decl.members:
        first = seen.setdefault(member.name, member)
        if first is not member:
            ctx.error(
                "KF0107",
                f"enum `{decl.name}` lists `{member.name}` twice",
                member.span,
                label="second `value`",
                help="delete one of the two lines",
                secondary=(Secondary(first.span, "first listed here"),),
            )


def _type_name_error(ctx: Context, type_name: str, span: n.Span) -> None:
    known = set(BUILTIN_TYPES) | set(ctx.ps.enums)
    guess = did_you_mean(type_name, known)
    builtins = ", ".join(BUILTIN_TYPES)
    ctx.error(
        "KF0104",
        f"unknown type `{type_name}`",
        span,
        label="not a type",
        help=f"did you mean `{guess}`?"
        if guess
        else f"use {builtins}, or declare `enum {type_name}`",
    )


def _check_input(ctx: Context, decl: n.InputDecl) -> None:
    if isinstance(decl.type, n.NamedType):
        if ctx.type_of_name(decl.type.name).kind == "unknown":
            _type_name_error(ctx, decl.type.name, decl.type.span)
    else:
        seen: dict[str, n.Field] = {}
        for fld in decl.type.fields:
            if ctx.type_of_name(fld.type_name).kind == "unknown":
                _type_name_error(ctx, fld.type_name, fld.span)
            first = seen.setdefault(fld.name, fld)
            if first is not fld:
                ctx.error(
                    "KF0108",
                    f"the record of `{decl.name}` has two fields named `{fld.name}`",
                    fld.span,
                    label="second field",
                    help="rename or delete one of them",
                    secondary=(Secondary(first.span, "first field here"),),
                )
    if decl.origin is not None and decl.origin not in ORIGINS:
        guess = did_you_mean(decl.origin, set(ORIGINS))
        ctx.error(
            "KF0105",
            f"unknown origin `from {decl.origin}`",
            ctx.word_span(decl.span, decl.origin),
            label="not a known origin",
            help=f"did you mean `from {guess}`?" if guess else
            "write `from enterprise` for a fact of the enterprise profile, or nothing for "
            "a fact of the claim",
        )  # fmt: skip


def _check_param_order(ctx: Context, decl: n.ParamDecl) -> None:
    if decl.type_name not in ("rate", "money", "count"):
        ctx.error(
            "KF0109",
            f"parameter `{decl.name}` has type `{decl.type_name}`",
            ctx.word_span(decl.span, decl.type_name),
            label="parameters are numbers",
            help="a parameter is a `rate`, `money` or `count` with dated values",
        )
    ty = ctx.type_of_name(decl.type_name)
    if ty.numeric:
        for value in decl.values:
            expect_literal(ctx, value.value, ty, f"a value of parameter `{decl.name}`")
    for before, after in zip(decl.values, decl.values[1:], strict=False):
        if after.since <= before.since:
            ctx.error(
                "KF0110",
                f"the values of parameter `{decl.name}` are not in date order",
                after.span,
                label=f"dated {after.since}, not after {before.since}",
                help="list the values oldest first, each with its own date",
                secondary=(Secondary(before.span, "previous value"),),
            )
