"""The command-line help in Chinese: each command's text and each option's, by the
English they stand for.

Click reads a command's help from its docstring, in English; a drafter whose project
(or locale) is Chinese gets these instead when asking for help (``kfpl check -h``,
``kfpl -h``). Click's own words (Usage, Options, its usage errors) stay as click
writes them. ``tests/test_cli_help.py`` checks that every command and every option
help has its Chinese here, so a new option cannot ship English-only.
"""

from __future__ import annotations

import copy as _copy

import click

MAIN = """kfpl：政策条文语言的编译、检查与计算工具。

输入政策条文，输出经过检查的计算程序和中英文说明文档。

\b
示例：
  kfpl check
  kfpl build
  kfpl eval application.json --explain
"""

COMMANDS: dict[str, str] = {
    "batch": """逐一计算 DATA 中的每份申报：JSON 行文件，或一个数据表文件夹
（企业、申报、奖励记录、以往年度事实，CSV 或 Parquet 格式）。

写出 OUT/claims.<格式>（每项申报一行）和 OUT/totals.<格式>（每份申报一行）；金额精确到分：
以元为单位的十进制文本，另有整数的“分”列。--engine reference 使用逐份计算的标准程序
（作为对照）；dask 在按企业分区的数据上运行列式计算核。

\b
示例：
  kfpl batch examples/population/tables -o out --format parquet
  kfpl batch apps.jsonl -o out --engine dask --scheduler tcp://10.0.0.5:8786
  kfpl batch apps.jsonl --explain 17
""",
    "build": """把政策条文编译为 Python 计算程序（generated/）和说明文档页面。

\b
示例：
  kfpl build            # 写出 generated/ 和 docs/
  kfpl build --check    # 持续集成：生成文件不是最新时报错
""",
    "check": """解析并检查政策文件（默认：当前文件夹所属项目），报告全部问题。

\b
示例：
  kfpl check policies/expo.kfpl --format short
  kfpl check --lang en
""",
    "diff": """比较政策的两个版本，列出变化。

OLD 和 NEW 各为一个 .kfpl 文件或一个文件夹。使用 --rev 时，该版本直接从 git 读取（无需
检出），项目取该修订时的状态（其 kfpl.toml 和 sources/ 中的条文）：给一次 --rev 即比较该修订
与工作区，给两次即比较两个修订；此时位置参数指仓库内的文件夹或文件（默认：项目的政策文件夹）。

\b
示例：
  kfpl diff policies-2024 policies-2025
  kfpl diff --rev HEAD~1 policies --format md
  kfpl diff --rev v1.0 --rev main --fail-on less-generous
  kfpl diff policies-2024 policies-2025 --impact applications.jsonl

退出码：0 完成；1 政策有错误，或某项变化符合 --fail-on；2 用法或输入有误。
""",
    "docs": """根据政策生成中英文页面，并构建 mkdocs 文档网站。

\b
示例：
  kfpl docs                  # policies/ -> docs/zh、docs/en -> site/
  kfpl docs --serve          # 并在 http://127.0.0.1:8000/ 上提供浏览

退出码：0 成功；1 政策有错误或构建失败；2 用法或输入有误。
""",
    "dump": """输出某个文件在编译流程某一阶段的结果（供调试和黄金测试使用）。

\b
示例：
  kfpl dump policies/expo.kfpl --stage python
""",
    "eval": """按政策计算一份申报（JSON）。

\b
示例：
  kfpl eval app.json --explain
  kfpl eval app.json --format json > decision.json
""",
    "explain": """输出某个诊断代码的说明：含义、示例和改法。

\b
示例：
  kfpl explain KF0203
""",
    "fmt": """把政策文件整理为唯一的标准格式（默认：项目的政策文件）。

注释和空行保留；重复整理结果不变。

\b
示例：
  kfpl fmt --check policies     # 持续集成：有文件未整理时退出码为 1
  kfpl fmt --keywords zh measures.kfpl
""",
    "init": """在 FOLDER 中新建项目：一项措施、其来源条文、一份示例申报和 kfpl.toml，
可直接运行 check、test、build 和 docs。

\b
示例：
  kfpl init demo && cd demo && kfpl check && kfpl test && kfpl build && kfpl docs
""",
    "list": """列出措施、规则、目标和参数，含编号、名称和来源。

\b
示例：
  kfpl list --format json
""",
    "lsp": """在标准输入输出上运行语言服务器（供编辑器使用：输入时即时诊断、悬停提示、
补全、跳转到定义、格式整理）。

\b
示例（由编辑器启动；见 docs/zh/guide/editors.md）：
  kfpl lsp
""",
    "schema": """输出本政策集申报数据的 JSON Schema。

\b
示例：
  kfpl schema > application.schema.json
""",
    "serve": """提供政策计算器（企业端）、起草页面、审阅图表和 JSON 接口。

PROJECT 为项目文件夹（含 kfpl.toml）或政策文件所在文件夹；默认：当前文件夹所属项目。

\b
示例：
  kfpl serve --port 8000
  kfpl serve policies --review-against ../revision \\
      --population examples/population/applications.jsonl
  kfpl serve --policy-version other-city=../other-city
""",
    "targets": """逐项报告实施方案的目标：已完成、未完成或无数据。

ACTUALS 为 JSON 对象：目标编号 -> {年份 -> 实际值}。数值可写 JSON 数字或文本：比例写
0.36 或 "36%"，数量写 2200，金额以元为单位或写作 "5000亿"。用 `-` 从标准输入读取。
目标编号见 `kfpl list`。

\b
ACTUALS.json 示例：
  {"plan-mva-share": {"2022": "36%"},
   "plan-cloud-enterprises": {"2022": 2300, "2025": 2900},
   "plan-tech-reform-investment-growth": {"2024": "21%", "2025": "18%"}}

“到某年”的目标看该年的数值；“年均”按所给各年的平均值判断；“3至5年内”看方案印发年份
加5年的数值。“约X”达到X减去X的5%即为完成；“A至B之间”达到A即为完成（超过B的注明超出区间）。

\b
示例：
  kfpl targets actuals.json
  kfpl targets actuals.json --format json

退出码：0 成功；1 政策有错误；2 输入有误（提示中写明字段）。
""",
    "test": """运行政策中写明的算例。

\b
示例：
  kfpl test policies/expo.kfpl -v
""",
}

OPTIONS: dict[str, str] = {
    "Folder for claims.<fmt> and totals.<fmt>.": "写出 claims.<格式> 和 totals.<格式> 的文件夹。",
    "Policy files or folders (default: the project's).": "政策文件或文件夹（默认：项目的政策文件）。",
    "--engine dask: address of a running Dask scheduler (tcp://host:8786); default: a LocalCluster on this machine.": "--engine dask：已运行的 Dask 调度器地址（tcp://host:8786）；默认在本机启动 LocalCluster。",
    "--engine dask: worker processes of the LocalCluster.": "--engine dask：LocalCluster 的工作进程数。",
    "Print one application's explanation (its number in DATA, or its enterprise id) instead of writing files.": "不写文件，只输出一份申报的计算说明（DATA 中的序号或企业编号）。",
    "Language of messages and output: zh or en (default: the project's `lang` in kfpl.toml, else the locale: LC_ALL, LC_MESSAGES, LANG).": "提示和输出的语言：zh 或 en（默认：kfpl.toml 中项目的 `lang`，否则按系统区域设置 LC_ALL、LC_MESSAGES、LANG）。",
    "Folder for the evaluators (default: the project's generated/).": "计算程序的输出文件夹（默认：项目的 generated/）。",
    "Folder for generated pages (default: the project's docs/).": "生成页面的输出文件夹（默认：项目的 docs/）。",
    "Write nothing; exit 1 if anything is stale.": "不写任何文件；有文件不是最新时退出码为 1。",
    "rich: rustc-style with source lines (coloured on a terminal unless NO_COLOR is set); short: path:line:col: CODE message; json: the diagnostics as data; sarif: SARIF 2.1.0.": "rich：附源代码行的详细格式（在终端上着色，设置 NO_COLOR 时不着色）；short：路径:行:列: 代码 提示；json：诊断数据；sarif：SARIF 2.1.0。",
    "Read a side from git at REV (give once or twice).": "从 git 的 REV 修订读取一方（可给一次或两次）。",
    "Output format.": "输出格式。",
    "Evaluate both versions at every boundary and worked example.": "在每个临界值和算例上分别按两个版本计算。",
    "Run a population (JSON lines, CSV folder or Parquet) through both versions.": "用一批申报（JSON 行、CSV 文件夹或 Parquet）分别按两个版本计算。",
    "With --impact: attribute the cost change to each changed item, in order.": "与 --impact 同用：把资金变化按顺序归到每一处修改。",
    "Exit 1 if a change is less generous (or any change, or a high-severity one).": "有不如原来优惠的变化（或任何变化、或重大变化）时退出码为 1。",
    "A progress bar for --impact (default: when stderr is a terminal).": "为 --impact 显示进度条（默认：标准错误输出为终端时显示）。",
    "Markdown sources (default: the project's docs/).": "Markdown 源文件（默认：项目的 docs/）。",
    "Where to build (default: the project's site/).": "网站输出位置（默认：项目的 site/）。",
    "Serve the site on localhost after generating.": "生成后在本机提供网站浏览。",
    "Port for --serve.": "--serve 使用的端口。",
    "Only write the generated pages.": "只写出生成的页面。",
    "Policy files or folders (default: the project of the current folder).": "政策文件或文件夹（默认：当前文件夹所属项目）。",
    "Use the evaluators in this folder (from `kfpl build`) instead of compiling.": "使用该文件夹中由 `kfpl build` 生成的计算程序，不再编译。",
    "Show each claim's explanation tree (text format).": "显示每项申报的计算说明（文本格式）。",
    "Write nothing; exit 1 listing files that would change.": "不写任何文件；列出需要修改的文件，退出码为 1。",
    "Write every keyword in Chinese (zh) or English (en).": "把全部关键字写成中文（zh）或英文（en）。",
    "Address to bind (loopback by default).": "监听地址（默认只监听本机）。",
    "A revised version of the project, for the review charts.": "项目的修订版本，用于审阅图表。",
    "Applications (JSON lines or tables) the review charts run through both versions.": "审阅图表分别按两个版本计算的一批申报（JSON 行或数据表）。",
    "The enterprise field the review charts group by (default: the project file's [impact] group_by).": "审阅图表分组所依据的企业字段（默认：项目文件 [impact] 中的 group_by）。",
    "Another policy version or project a request may name (?version=NAME); repeatable.": "请求可以指定的另一个政策版本或项目（?version=名称）；可重复给出。",
    "URL prefix when served behind a proxy (e.g. /calculator).": "置于代理之后时的网址前缀（如 /calculator）。",
    "Policy files or folders (default: policies/).": "政策文件或文件夹（默认：policies/）。",
    "Print every example, not only failures.": "列出每个算例，而不只是未通过的。",
    "Show the version and exit.": "显示版本号后退出。",
    "Show this message and exit.": "显示本帮助后退出。",
}


def localized(command: click.Command, name: str | None = None) -> click.Command:
    """A copy of ``command`` whose help and options' help are in Chinese; the command
    itself is left as it is (tests and a server run many commands in one process)."""
    zh = MAIN if isinstance(command, click.Group) else COMMANDS.get(name or command.name or "")
    copy = _copy.copy(command)
    if zh is not None:
        copy.help = zh
        # Click ends a short help at an English full stop; ours ends at the first 。
        first = zh.split("\n\n", 1)[0].replace("\n", "")
        copy.short_help = first.split("。", 1)[0]
    params = []
    for param in command.params:
        text = getattr(param, "help", None)
        if text and text in OPTIONS:
            param = _copy.copy(param)
            param.help = OPTIONS[text]
        params.append(param)
    copy.params = params
    return copy
