"""`kfpl lsp`: the language service (``kfpl.language.service``) over the Language
Server Protocol, on stdio, with pygls 2.

This module only translates: LSP positions (UTF-16 by default) to kfpl's character
columns and back, URIs to paths, the service's results to protocol types. Diagnostics
are published whenever a document is opened, changed or saved, checked with the other
files of its folder (the editor's unsaved buffers included), in the language of
``kfpl lsp --lang``, else of the document's project (``kfpl.toml`` ``lang``), else of
the locale the server runs in.
"""

from __future__ import annotations

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace import TextDocument
from pygls.workspace.position_codec import ServerTextPosition, ServerTextRange

from kfpl import __version__
from kfpl.cli.lang import resolve_for
from kfpl.diagnostics import Diagnostic
from kfpl.language import service
from kfpl.syntax import nodes as n

server = LanguageServer("kfpl", __version__)

# `kfpl lsp --lang`: the language of every published diagnostic (None: per project).
LANG: str | None = None

_KINDS = {
    "keyword": lsp.CompletionItemKind.Keyword,
    "input": lsp.CompletionItemKind.Variable,
    "parameter": lsp.CompletionItemKind.Constant,
    "agency": lsp.CompletionItemKind.Module,
    "measure": lsp.CompletionItemKind.Function,
    "enum_value": lsp.CompletionItemKind.EnumMember,
}


def _path(uri: str) -> str:
    return to_fs_path(uri) or uri


def _project(ls: LanguageServer, uri: str) -> service.Project:
    doc = ls.workspace.get_text_document(uri)
    buffers = {_path(u): d.source for u, d in ls.workspace.text_documents.items()}
    return service.Project.around(_path(uri), doc.source, buffers)


def _range(doc: TextDocument, span: n.Span) -> lsp.Range:
    # kfpl spans are 1-based lines and columns, the end column just past the last character.
    start = ServerTextPosition(max(0, span.line - 1), max(0, span.column - 1))
    end_line = max(span.line, span.end_line) - 1
    end_col = span.end_column - 1 if span.end_line >= span.line else span.column
    end = ServerTextPosition(max(0, end_line), max(start.character + 1, end_col, 0))
    if end.line > start.line:
        end = ServerTextPosition(end.line, max(0, end_col))
    return doc.range_to_client_units(ServerTextRange(start, end))


def _lsp_diagnostic(doc: TextDocument, diag: Diagnostic, lang: str = "en") -> lsp.Diagnostic:
    message = diag.message[lang] + (f"\n{diag.label[lang]}" if diag.label else "")
    if diag.help:
        message += f"\n{'帮助：' if lang == 'zh' else 'help: '}{diag.help[lang]}"
    related = [
        lsp.DiagnosticRelatedInformation(
            lsp.Location(from_fs_path(s.span.file) or s.span.file, _range(doc, s.span)),
            s.label[lang],
        )
        for s in diag.secondary
    ]
    return lsp.Diagnostic(
        range=_range(doc, diag.span),
        message=message,
        severity=(
            lsp.DiagnosticSeverity.Error
            if diag.severity == "error"
            else lsp.DiagnosticSeverity.Warning
        ),
        code=diag.code,
        source="kfpl",
        related_information=related or None,
    )


def publish(ls: LanguageServer, uri: str) -> None:
    doc = ls.workspace.get_text_document(uri)
    found = service.diagnostics(_path(uri), _project(ls, uri))
    lang = resolve_for(LANG, (_path(uri),))
    ls.text_document_publish_diagnostics(
        lsp.PublishDiagnosticsParams(
            uri=uri,
            diagnostics=[_lsp_diagnostic(doc, d, lang) for d in found],
            version=doc.version,
        )
    )


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: LanguageServer, params: lsp.DidOpenTextDocumentParams) -> None:
    publish(ls, params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: LanguageServer, params: lsp.DidChangeTextDocumentParams) -> None:
    publish(ls, params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: LanguageServer, params: lsp.DidSaveTextDocumentParams) -> None:
    publish(ls, params.text_document.uri)


def _position(ls: LanguageServer, uri: str, position: lsp.Position) -> tuple[int, int]:
    doc = ls.workspace.get_text_document(uri)
    at = doc.position_from_client_units(position)
    return at.line, at.character


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
def hover(ls: LanguageServer, params: lsp.HoverParams) -> lsp.Hover | None:
    uri = params.text_document.uri
    line, col = _position(ls, uri, params.position)
    found = service.hover(_path(uri), line, col, _project(ls, uri))
    if found is None:
        return None
    doc = ls.workspace.get_text_document(uri)
    word = found.word
    span = n.Span(_path(uri), word.line + 1, word.start + 1, word.line + 1, word.end + 1)
    return lsp.Hover(
        contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=found.markdown),
        range=_range(doc, span),
    )


@server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=[" ", "-"]))
def completion(ls: LanguageServer, params: lsp.CompletionParams) -> lsp.CompletionList:
    uri = params.text_document.uri
    line, col = _position(ls, uri, params.position)
    items = [
        lsp.CompletionItem(label=c.label, kind=_KINDS.get(c.kind), detail=c.detail or None)
        for c in service.complete(_path(uri), line, col, _project(ls, uri))
    ]
    return lsp.CompletionList(is_incomplete=False, items=items)


@server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
def definition(ls: LanguageServer, params: lsp.DefinitionParams) -> lsp.Location | None:
    uri = params.text_document.uri
    line, col = _position(ls, uri, params.position)
    span = service.definition(_path(uri), line, col, _project(ls, uri))
    if span is None or span.line < 1:
        return None
    target = from_fs_path(span.file) or span.file
    return lsp.Location(target, _range(ls.workspace.get_text_document(target), span))


@server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
def formatting(ls: LanguageServer, params: lsp.DocumentFormattingParams) -> list[lsp.TextEdit]:
    uri = params.text_document.uri
    doc = ls.workspace.get_text_document(uri)
    formatted = service.format_document(doc.source, _path(uri))
    if formatted is None or formatted == doc.source:
        return []
    lines = doc.lines
    if doc.source.endswith("\n") or not lines:
        end = lsp.Position(len(lines), 0)  # the start of the line after the last
    else:
        end = doc.position_to_client_units(ServerTextPosition(len(lines) - 1, len(lines[-1])))
    return [lsp.TextEdit(lsp.Range(lsp.Position(0, 0), end), formatted)]


def main(lang: str | None = None) -> None:
    global LANG
    LANG = lang
    server.start_io()
