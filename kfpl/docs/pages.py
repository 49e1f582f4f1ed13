"""The documentation backend: checked model -> bilingual Markdown pages for mkdocs.

``generate_docs(policy_set, policies_dir)`` returns ``{path under docs/: page text}``.
The pages are a pure function of the policy set, the original clause texts and the
diagnostic-code catalogue (``render_docs``); ``generate_docs`` only adds the reading of
the clause texts from ``policies_dir/sources``. Nothing here writes files except
``write_docs``, which the CLI calls.

Layout (mkdocs-static-i18n, folder structure; zh is the default language at the site
root, en under ``/en/``)::

    zh/index.md  en/index.md              home pages
    {lang}/policies/<policy>.md           one per policy: header, its measures and rules
    {lang}/measures/<measure>.md          one per measure
    {lang}/rules.md                       the general rules (附则)
    {lang}/targets.md                     plan targets, chains and tasks with owners
    {lang}/glossary.md                    inputs, parameters, choices, departments
    {lang}/codes.md                       diagnostic codes
    .nav.yml                              the navigation order (read by kfpl/docs/mkdocs_hooks.py)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import jinja2

from kfpl.model import PolicySet
from kfpl.project.sources import Where
from kfpl.project.writes import Root, apply, has_mark, plan, recover
from kfpl.render import money as m
from kfpl.render.sentences import Renderer
from kfpl.render.vocab import LANGS, t
from kfpl.syntax import nodes as n

TEMPLATES = Path(__file__).resolve().parent / "templates"
GENERATED_DIRS = LANGS  # every file under docs/zh and docs/en is generated
NAV_FILE = ".nav.yml"

SourceKey = tuple[str, str]  # (document, clause)


# --------------------------------------------------------------------------- escaping

_ESCAPES = {
    "&": "&amp;", "<": "&lt;", ">": "&gt;", "\\": "&#92;", "`": "&#96;", "*": "&#42;",
    "_": "&#95;", "[": "&#91;", "]": "&#93;", "|": "&#124;", "{": "&#123;", "}": "&#125;",
    "#": "&#35;",
}  # fmt: skip
_ESCAPE_RE = re.compile("[" + re.escape("".join(_ESCAPES)) + "]")


def md(text: object) -> str:
    """User or generated text made inert in Markdown, HTML and tables, on one line.

    Labels may hold ``|``, ``<``, backticks or newlines; none of them may open a table
    cell, a tag, a code span, an attribute list or a new block.
    """
    out = _escaped(" ".join(str(text).split()))
    if re.match(r"^([-+]|\d+[.)])(\s|$)", out):  # would open a list at a block's start
        out = f"&#{ord(out[0])};{out[1:]}"
    return out


def _escaped(line: str) -> str:
    return _ESCAPE_RE.sub(lambda found: _ESCAPES[found.group(0)], line)


_CODE_SPAN = re.compile(r"(`[^`\n]+`)")
_CJK_RUN = re.compile(r"[\u3400-\u9fff][\u3400-\u9fff/、，（）()·—-]*")


def md_prose(text: object, lang: str) -> str:
    """Catalogue prose: its `code spans` kept, the rest escaped; on an English page, a
    quoted Chinese term (以上, 万) is marked ``lang="zh"`` so it reads as a quotation."""
    out = []
    for i, part in enumerate(_CODE_SPAN.split(" ".join(str(text).split()))):
        if i % 2:
            out.append(part)
            continue
        if not part.strip():
            out.append(part)
            continue
        # md() trims and guards a line's start; a part between code spans keeps its
        # spaces (`30万`, `1.5亿`) and cannot open a list.
        body = part.strip()
        escaped = md(body) if i == 0 else _escaped(body)
        escaped = (" " if part[0] == " " else "") + escaped + (" " if part[-1] == " " else "")
        if lang == "en":
            escaped = _CJK_RUN.sub(
                lambda found: f'<span lang="zh">{found.group(0)}</span>', escaped
            )
        out.append(escaped)
    return "".join(out)


def md_cell(items: Iterable[object]) -> str:
    """Several texts in one table cell, one per line."""
    return "<br>".join(md(item) for item in items)


# Marks the renderer puts around an identifier with no label (an example's project `p1`,
# a claim `a`); ``md_idents`` turns them into code spans after escaping.
_IDENT = ("\x02", "\x03")
_IDENT_RE = re.compile("\x02([^\x02\x03]*)\x03")


def md_idents(text: str) -> str:
    """Escaped text with the renderer's identifiers as inline code (a name of the
    grammar's NAME token: letters, digits and ``_``, so never a backtick)."""
    import html

    return _IDENT_RE.sub(lambda found: code(html.unescape(found.group(1))), text)


def code(text: str) -> str:
    """An identifier as inline code; identifiers never hold a backtick (the grammar)."""
    return f"`{text}`"


def fence(text: str) -> str:
    """A code fence longer than any run of backticks in the text."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class CodeEntry:
    """One diagnostic code, in the shape the docs need (adapted from kfpl.codes)."""

    code: str
    title_zh: str
    title_en: str
    explanation_zh: str
    explanation_en: str
    example: str
    fixed: str
    fix_zh: str
    fix_en: str


def _field(entry: Any, *names: str) -> str:
    for name in names:
        value = entry.get(name) if isinstance(entry, dict) else getattr(entry, name, None)
        if isinstance(value, n.Label):
            value = (value.zh or "", value.en or "")
        if isinstance(value, tuple | list) and len(value) == 2 and names[0].endswith("_zh"):
            return str(value[0] or "")
        if isinstance(value, tuple | list) and len(value) == 2 and names[0].endswith("_en"):
            return str(value[1] or "")
        if isinstance(value, dict):
            lang = names[0].rsplit("_", 1)[-1]
            return str(value.get(lang, "") or "")
        if value is not None and not isinstance(value, tuple | list):
            return str(value)
    return ""


def code_entries() -> list[CodeEntry]:
    """The diagnostic-code catalogue from ``kfpl.codes``, whatever its exact shape.

    Accepted: a mapping or a sequence named CODES / CATALOGUE / CATALOG / ALL of
    entries (dataclasses or dicts) with a code and zh/en texts. An absent or unreadable
    catalogue gives an empty list: the codes page then says so.
    """
    try:
        import kfpl.codes as codes_module
    except Exception:  # the catalogue is optional until it lands
        return []
    table: Any = None
    for attr in ("CODES", "CATALOGUE", "CATALOG", "ALL", "codes"):
        table = getattr(codes_module, attr, None)
        if table is not None and not callable(table):
            break
        if callable(table):
            try:
                table = table()
                break
            except TypeError:
                table = None
    if table is None:
        return []
    items = list(table.items()) if isinstance(table, dict) else [(None, e) for e in table]
    out = []
    for key, entry in items:
        code_id = _field(entry, "code", "id") or str(key or "")
        if not re.fullmatch(r"KF\d{4}", code_id):
            continue
        out.append(CodeEntry(
            code=code_id,
            title_zh=_field(entry, "title_zh", "title", "zh_title", "summary_zh"),
            title_en=_field(entry, "title_en", "title", "en_title", "summary_en"),
            explanation_zh=_field(entry, "explanation_zh", "explanation", "zh_explanation",
                                  "explain_zh", "description_zh"),
            explanation_en=_field(entry, "explanation_en", "explanation", "en_explanation",
                                  "explain_en", "description_en"),
            example=_field(entry, "example", "bad_example", "bad"),
            fixed=_field(entry, "fixed", "good_example", "good"),
            fix_zh=_field(entry, "fix_zh", "fix", "zh_fix"),
            fix_en=_field(entry, "fix_en", "fix", "en_fix"),
        ))  # fmt: skip
    return sorted(out, key=lambda e: e.code)


def source_keys(ps: PolicySet) -> list[SourceKey]:
    """Every (document, clause) the policy set cites, in a stable order."""
    keys: set[SourceKey] = set()
    items: list[Any] = [*ps.measures.values(), *ps.rules.values(), *ps.targets.values(),
                        *ps.tasks.values(), *ps.texts.values(), *ps.chains.values()]  # fmt: skip
    for item in items:
        if item.source is not None:
            keys.add((item.source.doc, item.source.clause))
    return sorted(keys)


def load_sources(ps: PolicySet, policies_dir: Where) -> dict[SourceKey, str | None]:
    """Read the original text of every clause the policy set cites (None if missing)."""
    from kfpl.project import sources

    out: dict[SourceKey, str | None] = {}
    for doc, clause in source_keys(ps):
        try:
            out[(doc, clause)] = sources.clause_text(doc, clause, policies_dir)
        except (LookupError, OSError, ValueError):
            out[(doc, clause)] = None
    return out


def generate_docs(policy_set: PolicySet, policies_dir: Where = None) -> dict[str, str]:
    """All generated pages: ``{path relative to docs/: text}``. Deterministic."""
    from kfpl.project.config import Project, load

    project = policies_dir if isinstance(policies_dir, Project) else load(policies_dir or ".")
    return render_docs(policy_set, load_sources(policy_set, project), code_entries(), project.title)


# --------------------------------------------------------------------------- rendering

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def cn_number(text: str) -> int | None:
    """一 -> 1, 十二 -> 12, 二十一 -> 21 (the numerals the documents number parts with)."""
    if not text or any(ch not in _CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return _CN_DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)


def _en_clause(clause: str) -> str:
    if clause.isdigit():
        return f"clause {clause}"
    if clause.startswith("附则"):
        rest = clause.removeprefix("附则")
        return "general provisions" + (f", paragraph {rest}" if rest else "")
    found = re.fullmatch(
        r"([一二三四五六七八九十]+)、?(?:[(（]([一二三四五六七八九十]+)[)）])?(\d*)", clause
    )
    if found:
        parts = [f"part {cn_number(found.group(1))}"]
        if found.group(2):
            parts.append(f"item ({cn_number(found.group(2))})")
        if found.group(3):
            parts.append(f"point {found.group(3)}")
        return ", ".join(parts)
    return "clause " + clause if not re.search(r"[\u3400-\u9fff]", clause) else "a clause"


class Site:
    """The context shared by every page of one language."""

    def __init__(self, ps: PolicySet, lang: str, sources: dict[SourceKey, str | None],
                 codes: list[CodeEntry]) -> None:  # fmt: skip
        self.ps = ps
        self.lang = lang
        self.r = Renderer(ps, lang, ident=lambda name: f"{_IDENT[0]}{name}{_IDENT[1]}")
        self.sources = sources
        self.codes = codes
        # Whether a general rule caps each enterprise's yearly total: only then does a
        # measure without a cap of its own say that the yearly total still applies.
        self.has_yearly_total = any(
            isinstance(body, n.YearlyCap) for rule in ps.rules.values() for body in rule.bodies
        )
        # name -> {"measure": [ids], "rule": [ids]}, from one walk of each item
        self._readers: dict[str, dict[str, list[str]]] = {}
        items: list[tuple[str, n.Measure | n.Rule]] = [
            *(("measure", x) for x in ps.measures.values()),
            *(("rule", x) for x in ps.rules.values()),
        ]
        for kind, item in items:
            for name in sorted(names_read(item)):
                self._readers.setdefault(name, {}).setdefault(kind, []).append(item.id)

    def t(self, key: str) -> str:
        return t(key, self.lang)

    def label(self, label: n.Label | None, fallback: str = "") -> str:
        return self.r.label(label, fallback)

    def policy_title(self, doc: str) -> str:
        policy = self.ps.policies.get(doc)
        return self.label(policy.title, doc) if policy else doc

    def source(self, ref: n.SourceRef | None) -> str:
        """The clause in words: 《…》第2条 / Measures …, clause 2."""
        if ref is None:
            return ""
        title = self.policy_title(ref.doc)
        if self.lang == "zh":
            clause = f"第{ref.clause}条" if ref.clause.isdigit() else ref.clause
            return f"《{title}》{clause}"
        return f"{title}, {_en_clause(ref.clause)}"

    def original(self, ref: n.SourceRef | None) -> list[str]:
        if ref is None:
            return []
        text = self.sources.get((ref.doc, ref.clause))
        return [line for line in (text or "").splitlines() if line.strip()]

    def measures_of(self, policy_id: str) -> list[n.Measure]:
        return [x for x in self.ps.measures.values() if self.ps.owner.get(x.id) == policy_id]

    def rules_of(self, policy_id: str) -> list[n.Rule]:
        return [x for x in self.ps.rules.values() if self.ps.owner.get(x.id) == policy_id]

    def texts_of(self, policy_id: str) -> list[n.TextBlock]:
        return [x for x in self.ps.texts.values() if self.ps.owner.get(x.id) == policy_id]

    def title(self, item: Any) -> str:
        return self.label(item.title, item.id)

    def type_text(self, ref: n.TypeRef) -> str:
        if isinstance(ref, n.ListType):
            return self.t("type_list")
        if isinstance(ref, n.SetType):
            enum_label = self.label(self.ps.enums[ref.enum].label, ref.enum)
            return (
                f"{self.t('type_set')}（{enum_label}）"
                if self.lang == "zh"
                else f"{self.t('type_set')} ({enum_label})"
            )
        if ref.name in self.ps.enums:
            enum = self.ps.enums[ref.name]
            return (
                f"{self.t('type_enum')}（{self.label(enum.label, ref.name)}）"
                if self.lang == "zh"
                else f"{self.t('type_enum')} ({self.label(enum.label, ref.name)})"
            )
        key = f"type_{ref.name}"
        return self.t(key) if key in _TYPE_KEYS else ref.name

    def used_by(self, name: str) -> list[str]:
        """Measures that read an input or parameter, in declaration order."""
        return self._readers.get(name, {}).get("measure", [])

    def rule_users(self, name: str) -> list[str]:
        return self._readers.get(name, {}).get("rule", [])

    def day(self, value: date | None) -> str:
        return m.day(value, self.lang) if value is not None else "—"

    def named(self, name: str) -> n.TypeRef:
        return n.NamedType(name)

    def input_groups(self) -> list[tuple[str, list[n.InputDecl]]]:
        inputs = list(self.ps.inputs.values())
        groups = [
            (self.t("enterprise_inputs"), [d for d in inputs if d.origin == "enterprise"]),
            (self.t("claim_inputs"), [d for d in inputs if d.origin != "enterprise"]),
        ]
        return [(heading, decls) for heading, decls in groups if decls]

    def input_type(self, decl: n.InputDecl) -> str:
        text = md(self.type_text(decl.type))
        if isinstance(decl.type, n.ListType):
            sep = "：" if self.lang == "zh" else ": "
            fields = [f"{self.label(f.label, f.name)}{sep}{self.type_text(n.NamedType(f.type_name))}"
                      for f in decl.type.fields]  # fmt: skip
            text += "<br>" + md_cell(fields)
        return text

    def members(self, enum: n.EnumDecl) -> str:
        return "<br>".join(f"{md(self.label(mem.label, mem.name))} ({code(mem.name)})"
                           for mem in enum.members)  # fmt: skip

    def user_links(self, name: str) -> str:
        links = [f"[{mid}](measures/{mid}.md)" for mid in self.used_by(name)]
        links += [f"[{rid}](rules.md#{rid})" for rid in self.rule_users(name)]
        return ", ".join(links) or "—"

    def has_bounds(self, measure: n.Measure) -> bool:
        return any(isinstance(node, n.Bound | n.Compare) for node in measure.walk())

    def examples(self, measure: n.Measure) -> list[dict[str, str]]:
        with self.r.of(measure):  # the measure's own words (品种) in its examples too
            return self._examples(measure)

    def _examples(self, measure: n.Measure) -> list[dict[str, str]]:
        rows = []
        for i, ex in enumerate(measure.examples, 1):
            rows.append({
                "name": md(ex.title(self.lang) or str(i)),
                "year": m.year(ex.year, self.lang) if ex.year else "",
                "facts": md_cell([*(self.r.fact(f) for f in ex.facts),
                                  *(self._claim_case(c) for c in ex.claims)]) or "—",
                "history": md_cell(self.r.prior(p) for p in ex.priors) or "—",
                "outcome": md(self._total(ex) if ex.claims
                              else self.r.outcome(ex.outcome, self._ceiling(measure.id))),
            })  # fmt: skip
        return rows

    def _claim_case(self, claim: n.ClaimCase) -> str:
        """One claim of a multi-claim example: its name, measure, facts and outcome."""
        sep = "，" if self.lang == "zh" else ", "
        facts = sep.join(self.r.fact(f) for f in claim.facts)
        outcome = self.r.outcome(claim.outcome, self._ceiling(claim.measure))
        # A claim with no facts of its own (all shared) goes straight to its outcome.
        if self.lang == "zh":
            said = f"：{facts}" if facts else ""
            return f"申报{self.r.ident(claim.name)}（{claim.measure}）{said} → {outcome}"
        said = f": {facts}" if facts else ""
        return f"claim {self.r.ident(claim.name)} ({claim.measure}){said} → {outcome}"

    def _ceiling(self, measure_id: str) -> bool:
        """Whether the measure awards up to an amount (the evaluator says "up to")."""
        measure = self.ps.measures.get(measure_id)
        return bool(measure and measure.awards and measure.award.ceiling)

    def _total(self, ex: n.Example) -> str:
        ceiling = any(self._ceiling(c.measure) for c in ex.claims)
        total = self.r.outcome(ex.outcome, ceiling)
        return f"共计{total}" if self.lang == "zh" else f"{total} in all"

    def param_values(self, param: n.ParamDecl) -> list[dict[str, str]]:
        rows = []
        for value in sorted(param.values, key=lambda v: v.since):
            rows.append({
                "value": md(self.r.number(value.value, param.type_name)),
                "since": md(m.day(value.since, self.lang)),
                "ref": md(self.label(value.ref)),
            })  # fmt: skip
        return rows

    def goals(self, goals: tuple[n.Goal, ...], unit: str | None, aspiration: bool,
              word: n.Label | None = None) -> str:  # fmt: skip
        measure_word = word.get(self.lang) if word is not None else None
        return md_cell(self.r.goal(g, unit, aspiration, measure_word) for g in goals) or "—"

    def effective(self, policy: n.Policy) -> str:
        if policy.effective is None:
            return "—"
        return m.period_text(policy.effective, self.lang)


_TYPE_KEYS = {f"type_{name}" for name in ("money", "rate", "count", "bool", "date", "year", "text")}


def names_read(item: n.Node) -> set[str]:
    """Every input or parameter name an item reads."""
    found: set[str] = set()
    for node in item.walk():
        if isinstance(node, (n.Ref, *n.ATOMS)):
            found.add(node.name)
        elif isinstance(node, n.Increase):
            found.update((node.new, node.old))
        elif isinstance(node, n.ByCase | n.Tiers | n.Steps | n.Staged):
            found.add(node.on)
        elif isinstance(node, n.Each):
            found.add(node.over)
        elif isinstance(node, n.Matching):
            found.add(node.higher_award)
            if isinstance(node.rate, n.Ref):
                found.add(node.rate.name)
        elif isinstance(node, n.Percent) and isinstance(node.rate, n.Ref):
            found.add(node.rate.name)
        elif isinstance(node, n.YearlyCap):
            found.add(node.limit)
        elif isinstance(node, n.Exclude):
            found.update(node.flags)
    return found


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=False,  # Markdown, not HTML: every user text goes through `md`
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md
    env.filters["cell"] = md_cell
    env.filters["code"] = code
    env.filters["fence"] = fence
    env.filters["prose"] = md_prose
    return env


def _page(env: jinja2.Environment, template: str, **context: Any) -> str:
    text = md_idents(env.get_template(template).render(**context))
    # One blank line at most between blocks, one newline at the end: stable bytes.
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"
    return "\n".join(line.rstrip() for line in text.split("\n"))


def site_title(ps: PolicySet, title: dict[str, str] | None = None) -> dict[str, str]:
    """The site's title per language: the project file's, else the one policy's title,
    else a generic one."""
    out = dict(title or {})
    only = next(iter(ps.policies.values())) if len(ps.policies) == 1 else None
    for lang in LANGS:
        if lang in out:
            continue
        label = only.title if only is not None else None
        text = (label.zh if lang == "zh" else label.en) if label is not None else None
        out[lang] = text or t("site_title", lang)
    return out


def render_docs(ps: PolicySet, sources: dict[SourceKey, str | None],
                codes: list[CodeEntry], title: dict[str, str] | None = None) -> dict[str, str]:  # fmt: skip
    """The pages, from the model, the clause texts and the codes: a pure function."""
    env = environment()
    pages: dict[str, str] = {}
    policy_ids = [pid for pid in ps.policies]
    titles = site_title(ps, title)
    for lang in LANGS:
        site = Site(ps, lang, sources, codes)
        ctx: dict[str, Any] = {"site": site, "lang": lang, "t": site.t, "r": site.r, "ps": ps,
                               "title": titles[lang]}  # fmt: skip
        pages[f"{lang}/index.md"] = _page(env, "index.md.j2", **ctx)
        for pid in policy_ids:
            pages[f"{lang}/policies/{pid}.md"] = _page(
                env, "policy.md.j2", policy=ps.policies[pid], **ctx
            )
        for measure in ps.measures.values():
            pages[f"{lang}/measures/{measure.id}.md"] = _page(
                env, "measure.md.j2", measure=measure, **ctx
            )
        pages[f"{lang}/rules.md"] = _page(env, "rules.md.j2", **ctx)
        pages[f"{lang}/targets.md"] = _page(env, "targets.md.j2", **ctx)
        pages[f"{lang}/glossary.md"] = _page(env, "glossary.md.j2", **ctx)
        pages[f"{lang}/codes.md"] = _page(env, "codes.md.j2", **ctx)
    pages[NAV_FILE] = nav_yaml(ps)
    pages.update(shipped_pages())
    return dict(sorted(pages.items()))


# Files every site carries, shipped inside the package (so an installed kfpl builds a
# site anywhere), as {file in the package: path under docs/}: the stylesheet, the worker
# shim for search from disk, the script that searches on every input, and the guides in
# both languages (the Chinese one at the site root, zh, the English one under /en/, like
# every page).
GUIDES = ("language", "keywords", "editors")
SHIPPED_AS = {
    "assets/kfpl.css": "assets/kfpl.css",
    "assets/iframe-worker-shim.js": "assets/iframe-worker-shim.js",
    "assets/search-on-input.js": "assets/search-on-input.js",
    **{f"guide/{g}.{lang}.md": f"{lang}/guide/{g}.md" for g in GUIDES for lang in LANGS},
}
SHIPPED = tuple(SHIPPED_AS.values())
# Where kfpl before the Chinese guide put the (English) guides: removed by the next build.
_OLD_GUIDES = tuple(f"guide/{g}.md" for g in GUIDES)


def shipped_pages() -> dict[str, str]:
    from importlib import resources

    base = resources.files("kfpl.docs")
    return {to: base.joinpath(rel).read_text(encoding="utf-8") for rel, to in SHIPPED_AS.items()}


def nav_yaml(ps: PolicySet) -> str:
    """The navigation, in policy-set order; section titles are translated by mkdocs.yml."""
    lines = ["# Generated by kfpl docs: the site navigation. Do not edit.", "nav:"]
    lines.append("  - Home: index.md")
    lines.append("  - Policy documents:")
    lines += [f"      - policies/{pid}.md" for pid in ps.policies]
    if ps.measures:
        lines.append("  - Support measures:")
        lines += [f"      - measures/{mid}.md" for mid in ps.measures]
    lines.append("  - General rules: rules.md")
    lines.append("  - Targets and owners: targets.md")
    lines.append("  - Glossary: glossary.md")
    lines.append("  - Diagnostic codes: codes.md")
    lines.append("  - Language reference: guide/language.md")
    lines.append("  - Chinese keywords: guide/keywords.md")
    lines.append("  - Editors: guide/editors.md")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- files


def _generated(path: str) -> bool:
    return path == NAV_FILE or path.split("/", 1)[0] in GENERATED_DIRS


NAV_MARK = "# Generated by kfpl docs"


def docs_root(docs_dir: str | Path) -> Root:
    """What kfpl owns in docs/: ``zh/``, ``en/``, ``.nav.yml`` and the copies of what the
    package ships (stylesheet, search shim, guides); anything else there is not its own. A folder from before manifests is adopted by the
    documented rule: every page under docs/zh and docs/en is generated."""

    root = Path(docs_dir)

    def adopt(path: Path) -> bool:
        if path.name == NAV_FILE:
            return has_mark(path, NAV_MARK)
        if path.relative_to(root).as_posix() in (*SHIPPED, *_OLD_GUIDES):
            return True  # a copy of what the package ships (stylesheet, guides)
        return path.suffix == ".md"

    return Root(root, folders=GENERATED_DIRS, files=(NAV_FILE, *SHIPPED, *_OLD_GUIDES), adopt=adopt)


def _written_by_name(rel: str) -> bool:
    """Pages other commands write (``kfpl build``: the explained decision, the review):
    ``kfpl docs`` leaves them, only the per-item folders and the navigation are its own."""
    parts = rel.split("/")
    return rel not in (NAV_FILE, *_OLD_GUIDES) and not (
        len(parts) > 2 and parts[1] in ("measures", "policies")
    )


def _files(pages: dict[str, str], docs_dir: str | Path) -> dict[Path, str]:
    return {Path(docs_dir) / rel: text for rel, text in pages.items()}


def stale_docs(pages: dict[str, str], docs_dir: str | Path) -> list[str]:
    """Paths (relative to docs/) that differ from the pages, are missing, or are left
    over (raises ``OutputError`` where kfpl may not write)."""
    root = Path(docs_dir)
    change = plan(_files(pages, root), [docs_root(root)], keep=_written_by_name)
    return sorted(p.relative_to(root).as_posix() for p in change.stale)


def write_docs(pages: dict[str, str], docs_dir: str | Path,
               on_write: Callable[[str], None] | None = None) -> list[str]:  # fmt: skip
    """Replace the pages as one set (kfpl.project.writes); returns what changed."""
    root = Path(docs_dir)
    roots = [docs_root(root)]
    recover(roots)
    change = plan(_files(pages, root), roots, keep=_written_by_name)
    apply(change, roots)
    changed = sorted(p.relative_to(root).as_posix() for p in change.stale)
    if on_write is not None:
        for rel in changed:
            on_write(rel)
    return changed


__all__ = [
    "CodeEntry",
    "code_entries",
    "generate_docs",
    "load_sources",
    "md",
    "render_docs",
    "stale_docs",
    "write_docs",
]  # fmt: skip
