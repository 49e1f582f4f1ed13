"""`kfpl lsp`: the language server, spoken to over stdio as an editor does; and the pure
language service it wraps (which the drafting studio calls over HTTP)."""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from kfpl.language import service

ROOT = Path(__file__).resolve().parent.parent
KFPL = shutil.which("kfpl", path=str(Path(sys.executable).parent))


class Client:
    """A minimal JSON-RPC client over the server's stdin/stdout."""

    def __init__(self, cwd: Path, *args: str) -> None:
        assert KFPL is not None
        self.proc = subprocess.Popen(
            [KFPL, "lsp", *args], cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, env={**os.environ, "NO_COLOR": "1"},
        )  # fmt: skip
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = 0
            while True:
                line = out.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            self.messages.put(json.loads(out.read(length)))

    def send(self, payload: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **payload}).encode("utf-8")
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self.send({"method": method, "params": params})

    def wait_for(self, match: Any) -> dict[str, Any]:
        # A generous bound against a hung server; the test does not measure speed.
        while True:
            message = self.messages.get(timeout=60)
            if match(message):
                return message

    def request(self, method: str, params: dict[str, Any]) -> Any:
        self.next_id += 1
        ident = self.next_id
        self.send({"id": ident, "method": method, "params": params})
        reply = self.wait_for(lambda m: m.get("id") == ident and "method" not in m)
        assert "error" not in reply, reply
        return reply["result"]

    def close(self) -> None:
        try:
            self.request("shutdown", {})
            self.notify("exit", {})
            self.proc.wait(timeout=30)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", folder)
    return folder


def test_the_server_answers_and_publishes_diagnostics(project: Path) -> None:
    client = Client(project)
    try:
        init = client.request(
            "initialize", {"processId": None, "rootUri": project.as_uri(), "capabilities": {}}
        )
        caps = init["capabilities"]
        assert caps["hoverProvider"] and caps["definitionProvider"]
        assert caps["documentFormattingProvider"] and "completionProvider" in caps
        client.notify("initialized", {})

        path = project / "mfg.kfpl"
        text = path.read_text("utf-8").replace(
            "  award up to 30% of booth_rental", "  awrd up to 30% of booth_rental", 1
        )
        uri = path.as_uri()
        client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "kfpl", "version": 1, "text": text}},
        )
        published = client.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics")
        diags = published["params"]["diagnostics"]
        assert published["params"]["uri"] == uri
        assert [d["code"] for d in diags] == ["KF0005"]
        line = text.splitlines().index("  awrd up to 30% of booth_rental + booth_setup")
        assert diags[0]["range"]["start"] == {"line": line, "character": 2}
        assert "award" in diags[0]["message"]

        # Fixed as the drafter types: the diagnostics clear (inputs come from common.kfpl).
        fixed = path.read_text("utf-8")
        client.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": fixed}]},
        )
        cleared = client.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics")
        assert cleared["params"]["diagnostics"] == []

        lines = fixed.splitlines()
        at = next(i for i, row in enumerate(lines) if row.startswith("measure mfg-2a"))
        hover = client.request(
            "textDocument/hover",
            {"textDocument": {"uri": uri}, "position": {"line": at, "character": 10}},
        )
        value = hover["contents"]["value"]
        assert "mfg-2a" in value and "30%" in value
        assert "展销会" in value  # the source clause's own text (policies/sources/mfg.json)

        completion = client.request(
            "textDocument/completion",
            {"textDocument": {"uri": uri}, "position": {"line": at + 4, "character": 2}},
        )
        labels = {item["label"] for item in completion["items"]}
        assert {"award", "奖励", "booth_rental", "mfg-2b", "市工业和信息化局"} <= labels
    finally:
        client.close()


# --------------------------------------------------------------------------- the service


def _project(folder: Path, name: str, text: str | None = None) -> tuple[str, service.Project]:
    path = str(folder / name)
    body = text if text is not None else (folder / name).read_text("utf-8")
    return path, service.Project.around(path, body)


@pytest.mark.parametrize("how", ["flag", "project"])
def test_published_diagnostics_follow_the_language(project: Path, how: str) -> None:
    """`kfpl lsp --lang zh`, or a project whose kfpl.toml says `lang = "zh"`: the
    editor shows the Chinese message, label and help."""
    if how == "project":
        (project / "kfpl.toml").write_text('lang = "zh"\n', "utf-8")
    client = Client(project, *(["--lang", "zh"] if how == "flag" else []))
    try:
        client.request("initialize", {"processId": None, "rootUri": project.as_uri(),
                                      "capabilities": {}})  # fmt: skip
        client.notify("initialized", {})
        path = project / "mfg.kfpl"
        text = path.read_text("utf-8").replace("  award up to 30%", "  awrd up to 30%", 1)
        client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": path.as_uri(), "languageId": "kfpl", "version": 1,
                              "text": text}},
        )  # fmt: skip
        published = client.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics")
        (diag,) = published["params"]["diagnostics"]
        assert diag["code"] == "KF0005"
        assert diag["message"] == "未知的关键词 `awrd`\n是否应为 `award`？\n帮助：改写为 `award`"
    finally:
        client.close()


def test_diagnostics_see_the_whole_project(project: Path) -> None:
    path, proj = _project(project, "mfg.kfpl")
    assert service.diagnostics(path, proj) == []  # inputs and agencies from common.kfpl
    alone = service.Project({path: proj.texts[path]})
    assert {d.code for d in service.diagnostics(path, alone)} >= {"KF0103", "KF0201"}


def test_hover_on_an_input_and_a_keyword(project: Path) -> None:
    path, proj = _project(project, "mfg.kfpl")
    lines = proj.texts[path].splitlines()
    row = next(i for i, r in enumerate(lines) if r.startswith("  award up to 30% of booth_rental"))
    found = service.hover(path, row, lines[row].index("booth_rental") + 2, proj)
    assert found is not None and "展销会、博览会场地租赁费" in found.markdown
    assert "trade-fair and expo booth rental fees" in found.markdown
    keyword = service.hover(path, row, 3, proj)
    assert keyword is not None and "`award`" in keyword.markdown and "`奖励`" in keyword.markdown


def test_definition_across_files(project: Path) -> None:
    path, proj = _project(project, "mfg.kfpl")
    lines = proj.texts[path].splitlines()
    row = next(i for i, r in enumerate(lines) if r.startswith("  requires industrial_enterprise"))
    span = service.definition(path, row, lines[row].index("industrial_enterprise"), proj)
    assert span is not None and span.file.endswith("common.kfpl")
    common = (project / "common.kfpl").read_text("utf-8").splitlines()
    assert common[span.line - 1].startswith("input industrial_enterprise:")


def test_completion_filters_by_prefix_in_both_languages(project: Path) -> None:
    # The file being written is new and half-typed; its neighbours declare the inputs.
    path, proj = _project(project, "mfg.kfpl", "measure mfg-99\n  奖\n  requires indus")
    assert "奖励" in {c.label for c in service.complete(path, 1, 3, proj)}
    labels = {c.label for c in service.complete(path, 2, 16, proj)}
    assert "industrial_enterprise" in labels and "award" not in labels


def test_format_document() -> None:
    assert (
        service.format_document("measure   mfg-1\n award 1万\n") == "measure mfg-1\n  award 1万\n"
    )
    assert service.format_document("measure mfg-1\n awrd 1万\n") is None
