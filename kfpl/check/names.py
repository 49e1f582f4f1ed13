"""Declarations and ids: unique names, document prefixes, agencies, types, headers."""

from __future__ import annotations

from kfpl.check.base import ORIGINS, Context, kind_text
from kfpl.check.periods import check_period_order
from kfpl.check.types import expect_literal
from kfpl.diagnostics import Secondary, did_you_mean, suggestion
from kfpl.model import BUILTIN_TYPES, item_key, module_stem
from kfpl.runtime.bilingual import Text
from kfpl.syntax import nodes as n
from kfpl.syntax.parser import keyword_rules

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
        n.AgencyDecl: "agency", n.MatterDecl: "matter", n.Measure: "measure", n.Rule: "rule", n.Target: "target",
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
            key_ = item_key(item)
            elsewhere = first.span.file != item.span.file
            kind, first_kind = kind_text(_kind(item)), kind_text(_kind(first))
            ctx.error(
                "KF0101",
                Text(
                    f"`{key_}` 重复声明"
                    + (f"（首次声明于 {first.span.file}）" if elsewhere else ""),
                    f"`{key_}` is declared twice"
                    + (f" (first in {first.span.file})" if elsewhere else ""),
                ),
                item.span,
                label=Text(f"第二个{kind.zh} `{key_}`", f"second {kind.en} `{key_}`"),
                help=Text(
                    "每个条目须使用各自的编号，或删去其中之一",
                    "give each item its own id, or delete one of them",
                ),
                secondary=(
                    Secondary(
                        first.span,
                        Text(
                            f"首次在此声明为{first_kind.zh}",
                            f"first declared here as {first_kind.en}",
                        ),
                    ),
                ),
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
            Text(
                f"两个政策文件同名 `{stem}.kfpl`（{first.path} 与 {module.path}）："
                f"二者都将编译为 `{stem}.py`",
                f"two policy files are named `{stem}.kfpl` ({first.path} and {module.path}): "
                f"both would be compiled to `{stem}.py`",
            ),
            n.Span(module.path, 1, 1, 1, 2),
            label=Text(f"第二个名为 `{stem}.kfpl` 的文件", f"second file named `{stem}.kfpl`"),
            help=Text(
                "请重命名其中一个文件：同一政策集内文件名不得重复",
                "rename one of the files: a policy set needs one file name per file",
            ),
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
                Text("本文件缺少 `policy` 文件头", "this file has no `policy` header"),
                first,
                label=Text("文件应以 `policy ID` 开头", "the file should start with `policy ID`"),
                help=Text(
                    '在文件开头写 `policy common` 及 `title zh "…" en "…"`',
                    'start the file with `policy common` and a `title zh "…" en "…"`',
                ),
            )
            continue
        for extra in headers[1:]:
            ctx.error(
                "KF0106",
                Text(
                    f"同一文件中出现第二个 `policy` 文件头（`{extra.id}`）",
                    f"a second `policy` header (`{extra.id}`) in one file",
                ),
                extra.span,
                label=Text("第二个文件头", "second header"),
                help=Text(
                    "一个文件即一项政策：请将这部分移入单独的 .kfpl 文件",
                    "one file is one policy: move this part into its own .kfpl file",
                ),
                secondary=(
                    Secondary(headers[0].span, Text("第一个文件头在此", "first header here")),
                ),
            )
        if module.items[0] is not headers[0]:
            ctx.error(
                "KF0106",
                Text(
                    "`policy` 文件头必须位于文件开头",
                    "the `policy` header must come first in the file",
                ),
                headers[0].span,
                label=Text("文件头位于其他项目之后", "header after other items"),
                help=Text(
                    "将此 `policy` 块移至文件开头",
                    "move this `policy` block to the top of the file",
                ),
            )
        policy = headers[0]
        check_period_order(ctx, policy.effective)
        if policy.title is None:
            ctx.error(
                "KF0303",
                Text(
                    f"政策 `{policy.id}` 缺少 `title`（标题）",
                    f"policy `{policy.id}` has no `title`",
                ),
                policy.span,
                label=Text("缺少标题", "title missing"),
                help=Text(
                    '在文件头下补写 `title zh "…" en "…"`',
                    'add `title zh "…" en "…"` under the header',
                ),
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
            word = kind_text(kind).zh
            if "-" not in item.id:
                ctx.error(
                    "KF0102",
                    Text(
                        f"{word}编号 `{item.id}` 缺少文件前缀",
                        f"{kind} id `{item.id}` has no document prefix",
                    ),
                    ctx.head_span(item, kind),
                    label=Text(f"编号应形如 `{first}-1`", f"expected an id such as `{first}-1`"),
                    help=Text(
                        f"改写为 `{kind} {example}`：编号以其所出的来源文件开头",
                        f"write `{kind} {example}`: ids start with the document they come from",
                    ),
                )
            elif head not in prefixes:
                guess = did_you_mean(head, prefixes)
                known = Text.join(Text.same(f"`{p}-`") for p in sorted(prefixes))
                ctx.error(
                    "KF0102",
                    Text(
                        f"{word}编号 `{item.id}` 以 `{head}-` 开头，但没有这一来源文件或政策",
                        f"{kind} id `{item.id}` starts with `{head}-`, which is no document or policy",
                    ),
                    ctx.head_span(item, kind),
                    label=Text("未知的前缀", "unknown prefix"),
                    help=suggestion(f"{guess}-")
                    if guess
                    else Text(f"请使用 {known.zh} 之一", f"use one of {known.en}"),
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
    decl = f'`agency {name} en "…"`'
    if guess:
        help = suggestion(guess)
    elif known:
        help = Text(f"用 {decl} 声明该机构，或改用已声明的机构",
                    f"declare it with {decl}, or use a declared agency")  # fmt: skip
    else:
        help = Text(f"先声明该机构：{decl}", f"declare it: {decl}")
    ctx.error(
        "KF0103",
        Text(f"未声明的机构 `{name}`", f"unknown agency `{name}`"),
        ctx.word_span(item.span, name),
        label=Text("未用 `agency` 声明", "not declared with `agency`"),
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
                Text(
                    f"枚举 `{decl.name}` 两次列出 `{member.name}`",
                    f"enum `{decl.name}` lists `{member.name}` twice",
                ),
                member.span,
                label=Text("第二个 `value`", "second `value`"),
                help=Text("删去两行中的一行", "delete one of the two lines"),
                secondary=(Secondary(first.span, Text("首次列出在此", "first listed here")),),
            )


def _zh_type(name: str) -> str:
    """A built-in type's Chinese keyword (金额 for money), from the grammar's keyword section."""
    rules = keyword_rules()
    forms = rules.get(f"_kw_{name}_type") or rules.get(f"_kw_{name}") or ()  # year: 年份
    return next((" ".join(f) for f in forms if not f[0].isascii()), name)


def _type_name_error(ctx: Context, type_name: str, span: n.Span) -> None:
    known = set(BUILTIN_TYPES) | set(ctx.ps.enums)
    guess = did_you_mean(type_name, known)
    builtins = Text.join(Text(f"`{_zh_type(t)}`（`{t}`）", f"`{t}`") for t in BUILTIN_TYPES)
    ctx.error(
        "KF0104",
        Text(f"未知类型 `{type_name}`", f"unknown type `{type_name}`"),
        span,
        label=Text("不是类型", "not a type"),
        help=suggestion(guess)
        if guess
        else Text(
            f"请使用 {builtins.zh} 之一，或声明 `枚举 {type_name}`",
            f"use {builtins.en}, or declare `enum {type_name}`",
        ),
    )


def _set_type_error(ctx: Context, ref: n.SetType) -> None:
    """`set of X` needs X to be a declared enum: a set of money or of text has no
    values to name in `contains`."""
    span = ctx.word_span(ref.span, ref.enum)
    if ref.enum in BUILTIN_TYPES:
        help = Text(
            f"集合只能容纳枚举的值：请声明 `enum {ref.enum}_kind` 并列出其取值",
            f"a set holds values of an enum: declare `enum {ref.enum}_kind` with its values",
        )
        message = Text(
            f"`set of {ref.enum}`：集合只能容纳枚举的值，不能容纳 `{ref.enum}`",
            f"`set of {ref.enum}`: a set holds values of an enum, not {ref.enum}",
        )
    else:
        guess = did_you_mean(ref.enum, set(ctx.ps.enums))
        help = suggestion(guess) if guess else Text(
            f"声明 `enum {ref.enum}` 并列出其取值", f"declare `enum {ref.enum}` with its values"
        )  # fmt: skip
        message = Text(
            f"`set of {ref.enum}` 中的枚举 `{ref.enum}` 未声明",
            f"unknown enum `{ref.enum}` in `set of {ref.enum}`",
        )
    label = Text("不是已声明的枚举", "not a declared enum")
    ctx.error("KF0104", message, span, label=label, help=help)


def _check_input(ctx: Context, decl: n.InputDecl) -> None:
    if isinstance(decl.type, n.NamedType):
        if ctx.type_of_name(decl.type.name).kind == "unknown":
            _type_name_error(ctx, decl.type.name, decl.type.span)
    elif isinstance(decl.type, n.SetType):
        if decl.type.enum not in ctx.ps.enums:
            _set_type_error(ctx, decl.type)
    else:
        seen: dict[str, n.Field] = {}
        for fld in decl.type.fields:
            if ctx.type_of_name(fld.type_name).kind == "unknown":
                _type_name_error(ctx, fld.type_name, fld.span)
            first = seen.setdefault(fld.name, fld)
            if first is not fld:
                ctx.error(
                    "KF0108",
                    Text(
                        f"`{decl.name}` 的记录有两个名为 `{fld.name}` 的字段",
                        f"the record of `{decl.name}` has two fields named `{fld.name}`",
                    ),
                    fld.span,
                    label=Text("第二个字段", "second field"),
                    help=Text("将其中一个改名或删去", "rename or delete one of them"),
                    secondary=(Secondary(first.span, Text("第一个字段在此", "first field here")),),
                )
    if decl.origin is not None and decl.origin not in ORIGINS:
        guess = did_you_mean(decl.origin, set(ORIGINS))
        ctx.error(
            "KF0105",
            Text(f"未知的来源 `from {decl.origin}`", f"unknown origin `from {decl.origin}`"),
            ctx.word_span(decl.span, decl.origin),
            label=Text("不是已知的来源", "not a known origin"),
            help=suggestion(f"from {guess}") if guess else Text(
                "企业基本情况中的事实写 `from enterprise`；申报事项本身的事实不写来源",
                "write `from enterprise` for a fact of the enterprise profile, or nothing for "
                "a fact of the claim",
            ),
        )  # fmt: skip


def _check_param_order(ctx: Context, decl: n.ParamDecl) -> None:
    if decl.type_name not in ("rate", "money", "count"):
        ctx.error(
            "KF0109",
            Text(
                f"参数 `{decl.name}` 的类型为 `{decl.type_name}`",
                f"parameter `{decl.name}` has type `{decl.type_name}`",
            ),
            ctx.word_span(decl.span, decl.type_name),
            label=Text("参数必须是数值", "parameters are numbers"),
            help=Text(
                "参数应为 `rate`、`money` 或 `count`，各取值注明日期",
                "a parameter is a `rate`, `money` or `count` with dated values",
            ),
        )
    ty = ctx.type_of_name(decl.type_name)
    if ty.numeric:
        for value in decl.values:
            what = Text(f"参数 `{decl.name}` 的取值", f"a value of parameter `{decl.name}`")
            expect_literal(ctx, value.value, ty, what)
    for before, after in zip(decl.values, decl.values[1:], strict=False):
        if after.since <= before.since:
            ctx.error(
                "KF0110",
                Text(
                    f"参数 `{decl.name}` 的取值未按日期先后排列",
                    f"the values of parameter `{decl.name}` are not in date order",
                ),
                after.span,
                label=Text(
                    f"日期为 {after.since}，并不晚于 {before.since}",
                    f"dated {after.since}, not after {before.since}",
                ),
                help=Text(
                    "按日期由早到晚列出各取值，每个取值注明日期",
                    "list the values oldest first, each with its own date",
                ),
                secondary=(Secondary(before.span, Text("前一个取值", "previous value")),),
            )
