"""`kfpl init`: a new project outside this repository passes check, test, eval, build and
docs at once, and its documents come from its own sources/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kfpl.cli.main import main


def kfpl(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    code, out = kfpl("init", "demo")
    assert code == 0, out
    monkeypatch.chdir(tmp_path / "demo")
    return tmp_path / "demo"


def test_new_project_checks_tests_evaluates_and_builds(demo: Path) -> None:
    code, out = kfpl("check", "--lang", "en")
    assert code == 0 and "1 measures" in out, out
    code, out = kfpl("check")  # the project's language (kfpl init writes lang = "zh")
    assert code == 0 and "1 项措施" in out, out
    code, out = kfpl("test", "--lang", "en")
    assert code == 0 and "2 passed, 0 failed" in out, out
    code, out = kfpl("eval", "examples/application.json", "--format", "json")
    assert code == 0, out
    assert json.loads(out)["total"] in ("40000.00", "40000")
    code, out = kfpl("build")
    assert code == 0, out
    assert (demo / "generated" / "expo.py").is_file()
    index = (demo / "docs" / "en" / "index.md").read_text(encoding="utf-8")
    assert index.startswith("# Demo City Trade-Fair Subsidies")
    for lang in ("zh", "en"):
        assert (demo / "docs" / lang / "guide" / "language.md").is_file()
    assert not (demo / "docs" / "guide").exists()
    assert (demo / "docs" / "en" / "explain.md").is_file()
    assert not (demo / "docs" / "en" / "review.md").exists()  # no revision named
    assert kfpl("build", "--check")[0] == 0


def test_init_refuses_an_existing_project(demo: Path) -> None:
    code, out = kfpl("init", ".")
    assert code == 2 and "already holds a kfpl project" in out


def test_a_new_document_is_cited_from_sources_with_did_you_mean(demo: Path) -> None:
    policy = demo / "expo.kfpl"
    policy.write_text(policy.read_text("utf-8").replace("source expo 1", "source exp 1"), "utf-8")
    code, out = kfpl("check", "--lang", "en")
    assert code == 1 and "KF0701" in out and "did you mean `expo`?" in out, out
    code, out = kfpl("check")
    assert code == 1 and "未知的来源文件 `exp`" in out and "是否应为 `expo`？" in out, out
    policy.write_text(policy.read_text("utf-8").replace("source exp 1", "source fair 1"), "utf-8")
    code, out = kfpl("check", "--lang", "en")
    assert "the documents are `expo`" in out and "sources/fair.json" in out, out
    # A second document is a second file: then it can be cited.
    source = json.loads((demo / "sources" / "expo.json").read_text("utf-8"))
    source["doc"] = "fair"
    (demo / "sources" / "fair.json").write_text(json.dumps(source, ensure_ascii=False), "utf-8")
    assert kfpl("check")[0] == 0


def test_a_bad_project_file_names_the_key(demo: Path) -> None:
    (demo / "kfpl.toml").write_text('lang = "zh"\n[site]\ntitel.zh = "x"\n', encoding="utf-8")
    code, out = kfpl("check")
    assert code == 2 and "unknown key `site.titel`" in out and "did you mean `title`?" in out
    (demo / "kfpl.toml").write_text('lang = "fr"\n', encoding="utf-8")
    code, out = kfpl("check")
    assert code == 2 and '`lang` must be "zh" or "en"' in out


def test_project_config_lang_is_read(demo: Path) -> None:
    from kfpl.project import config

    assert config.load(demo).lang == "zh"
    code, out = kfpl("eval", "examples/application.json")
    assert code == 0 and "合计：4万元" in out and "Total" not in out, out
    (demo / "kfpl.toml").write_text('lang = "en"\n', encoding="utf-8")
    assert config.load(demo / "expo.kfpl").lang == "en"
    code, out = kfpl("eval", "examples/application.json")  # the project's language
    assert code == 0 and "Total: CNY 40,000" in out, out
