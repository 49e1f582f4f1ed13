"""The service's own words, in both languages (the policy's words come from the model)."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "site": ("政策计算器", "Policy calculator"),
    "calc": ("企业端：政策计算器", "For enterprises: policy calculator"),
    "calc_short": ("政策计算器", "Calculator"),
    "studio": ("起草", "Drafting studio"),
    "review": ("审阅", "Review"),
    "api": ("接口", "API"),
    "switch": ("English", "中文"),
    "choose": ("第一步：选择措施", "Step 1: choose measures"),
    "choose_help": (
        "勾选要测算的措施，或选择一份文件、一条产业链的全部措施，然后点击“生成申报表”。",
        "Tick the measures to calculate, or pick every measure of a document or an industry chain, then press “Make the form”.",
    ),
    "groups": ("按文件或产业链选择", "By document or industry chain"),
    "make_form": ("生成申报表", "Make the form"),
    "form": ("第二步：填写申报信息", "Step 2: fill in the application"),
    "form_help": (
        "只列出所选措施用到的信息。金额可按文件写法填写，如“86万”“1.5亿”“300000”。不填的项目视为未提供（不是零），相关措施将显示为无法确定。",
        "Only the facts the chosen measures read are listed. Amounts are in yuan (860000 or 860,000.00); the Chinese forms the documents use, with the units of ten thousand and of a hundred million, are read too. A field left empty is not provided (not zero): the measures reading it are undetermined.",
    ),
    "year": ("申报年度", "Application year"),
    "enterprise": ("企业基本情况", "Enterprise profile"),
    "enterprise_id": ("统一社会信用代码或编号", "Enterprise id"),
    "enterprise_name": ("企业名称", "Enterprise name"),
    "claim": ("申报事项", "Claim"),
    "project": (
        "项目编号（同一项目的申报按“不重复享受”规则合并）",
        "Project id (claims on one project fall under the no-stacking rule)",
    ),
    "no_facts": ("本措施不需要另外填写事实。", "This measure reads no further facts."),
    "history": ("已获支持（历史记录）", "Awards already received (history)"),
    "history_help": (
        "填写以前年度或本年度已获得的支持，用于一次性奖励、年度上限等规则。",
        "Awards already paid, this year or earlier: they count for one-time awards and yearly caps.",
    ),
    "measure": ("措施", "Measure"),
    "amount": ("金额", "Amount"),
    "unset": ("（未填写）", "(not provided)"),
    "list_none": ("没有（空清单）", "none (an empty list)"),
    "set_none": ("均不涉及", "none of these"),
    "row": ("第{n}项", "item {n}"),
    "calculate": ("测算", "Calculate"),
    "result": ("测算结果", "Result"),
    "total": ("合计", "Total"),
    "status": ("结果", "Result"),
    "source": ("依据", "Source"),
    "original": ("政策原文", "Original text"),
    "why": ("计算过程", "How it was reached"),
    "rules": ("政策规则", "Policy rules"),
    "print": ("打印", "Print"),
    "same_as_eval": (
        "本结果与命令 kfpl eval 对同一申报的结果相同；下方为申报数据（JSON），可保存备查。",
        "This is the decision kfpl eval gives for the same application; the application as JSON is below, to keep with it.",
    ),
    "input_error": ("申报信息有误", "The application has an error"),
    "up_to": ("最高", "up to "),
    "studio_file": ("政策文件", "Policy file"),
    "studio_help": (
        "修改后自动检查；右侧显示诊断、光标所在措施的中英文表述、其示例的运行结果，以及与已保存版本的差异。",
        "Every change is checked: the diagnostics, the measure under the cursor in both languages, its worked examples and the diff against the saved version are shown beside the text.",
    ),
    "save": ("保存", "Save"),
    "completions": ("补全建议", "Completions"),
    "what_is_this": ("光标处是什么", "What is under the cursor"),
    "what_help": (
        "将光标放在措施编号、数据项或机构名称上，此处显示其中英文表述和政策原文；输入时按 Tab 键接受补全建议。",
        "Put the cursor on a measure id, an input or an agency to see its sentence in both languages and its source clause; while typing, Tab accepts the highlighted completion.",
    ),
    "check": ("检查", "Check"),
    "saved": ("已保存", "Saved"),
    "diagnostics": ("诊断", "Diagnostics"),
    "no_problems": ("没有发现问题。", "No problems found."),
    "rendering": ("中英文表述", "Rendering in both languages"),
    "examples": ("示例", "Worked examples"),
    "no_examples": ("本措施没有示例。", "This measure has no worked examples."),
    "passed": ("通过", "passed"),
    "not_passed": ("未通过", "FAILED"),
    "expected": ("应为", "expected"),
    "actual": ("实际", "got"),
    "diff": ("与已保存版本的差异", "Diff against the saved version"),
    "no_diff": ("与已保存版本相同。", "Same as the saved version."),
    "fix_first": ("请先改正错误。", "Fix the errors first."),
    "no_measure": ("光标不在任何措施内。", "The cursor is not inside a measure."),
    "review_title": ("审阅：修订的影响", "Review: the impact of a revision"),
    "review_missing": (
        "启动服务时用 --review-against 指定修订版本的文件夹、用 --population 指定申报数据，即可在此查看影响图表。",
        "Start the service with --review-against (the revised folder) and --population (applications) to see the impact charts here.",
    ),
}


def word(key: str, lang: str) -> str:
    zh, en = WORDS[key]
    return zh if lang == "zh" else en
