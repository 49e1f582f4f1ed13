"""``kfpl init DIR``: a new project that checks, tests, builds and documents at once.

The scaffold is one policy with one measure, the source text it encodes
(``sources/<doc>.json``), a sample application and ``kfpl.toml``; every label in
Chinese and English. Nothing is overwritten: a folder that already holds a project
file or policy files is refused.
"""

from __future__ import annotations

import json
from pathlib import Path

from kfpl.project.config import PROJECT_FILE

POLICY = """\
# 政策文件：文件头、主管部门、申报数据项和一条措施。来源 expo 1 即 sources/expo.json 的
# 第1条；每个算例（例）都是一个测试。
# The policy document: its header, the department, the facts a claim gives, and one
# measure. `source expo 1` cites clause 1 of sources/expo.json; each `example` is a test.

policy expo
  title zh "示范市支持企业参加展会若干措施" en "Demo City Measures Supporting Enterprises at Trade Fairs"
  issued 2024-01-15
  effective 2024 to 2026
  issuer zh "示范市人民政府" en "Demo City People's Government"

agency 市商务局 en "Municipal Bureau of Commerce"

input booth_fees: money zh "展位费" en "booth fees"

measure expo-1
  source expo 1
  title zh "参加展会补贴" en "Trade-fair participation subsidy"
  department 市商务局
  award up to 50% of booth_fees
  cap 10万 per year
  example booth_fees = 8万 -> 4万
  example booth_fees = 30万 -> 10万
"""

SOURCE = {
    "doc": "expo",
    "title": "示范市支持企业参加展会若干措施",
    "title_en": "Demo City Measures Supporting Enterprises at Trade Fairs",
    "order": 1,
    "segments": [
        {"id": "标题", "text": "示范市支持企业参加展会若干措施"},
        {
            "id": "1",
            "text": "1.支持企业参加展会。按不超过展位费的50%给予补贴，单个企业每年最高不超过10万元。",
        },
    ],
}

APPLICATION = {
    "year": 2024,
    "enterprise": {"id": "E-001", "name": "示范企业"},
    "claims": [{"id": "2024-001", "measure": "expo-1", "facts": {"booth_fees": "80000.00"}}],
}

PROJECT = """\
# The kfpl project file: every key is optional (see the kfpl README, "The project file").
lang = "zh"

[site]
title.zh = "示范市展会补贴政策"
title.en = "Demo City Trade-Fair Subsidies"

[examples]
application = "examples/application.json"
"""

GITIGNORE = "site/\n"


class InitError(Exception):
    """The folder already holds a project: a usage error (exit 2)."""


def scaffold(folder: Path) -> list[Path]:
    """Write the new project into ``folder`` (created if needed); the files written."""
    if folder.exists() and not folder.is_dir():
        raise InitError(f"{folder} exists and is not a folder")
    if (folder / PROJECT_FILE).exists() or any(folder.glob("*.kfpl")):
        raise InitError(f"{folder} already holds a kfpl project: nothing written")
    files = {
        folder / PROJECT_FILE: PROJECT,
        folder / "expo.kfpl": POLICY,
        folder / "sources" / "expo.json": json.dumps(SOURCE, ensure_ascii=False, indent=2) + "\n",
        folder / "examples" / "application.json": json.dumps(
            APPLICATION, ensure_ascii=False, indent=2
        )
        + "\n",
        folder / ".gitignore": GITIGNORE,
    }
    for path in files:
        if path.exists():
            raise InitError(f"{path} exists: nothing written")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(files)
