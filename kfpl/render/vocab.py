"""Every fixed label the documentation prints, in both languages, in one table.

Templates call ``t("key")``; a key missing here is an error at generation time, so a
page can never show a label in the wrong language.
"""

from __future__ import annotations

LANGS = ("zh", "en")

LABELS: dict[str, tuple[str, str]] = {
    # site and navigation
    "site_title": ("政策文件汇编", "Policy documents"),
    "home": ("首页", "Home"),
    "home_intro": (
        "本站由政策源文件（.kfpl）自动生成：每项措施的规则、条件、上限和算例均来自经过检查的政策模型，"
        "政策数字一经修改，页面随之更新。",
        "This site is generated from the policy source (.kfpl): every measure's rule, "
        "conditions, caps and worked examples come from the checked policy model, so the "
        "pages change whenever a number in the policy changes.",
    ),
    "policies": ("政策文件", "Policy documents"),
    "measures": ("支持措施", "Support measures"),
    "rules": ("附则（通用规定）", "General rules"),
    "targets": ("发展目标与责任单位", "Targets and owners"),
    "glossary": ("术语与参数", "Glossary of inputs and parameters"),
    "codes": ("诊断代码", "Diagnostic codes"),
    "guide": ("语言参考", "Language reference"),
    "keywords_guide": ("中文关键词", "Chinese keywords"),
    "editors_guide": ("编辑器支持", "Editors"),
    # tables and headings
    "id": ("编号", "Id"),
    "title": ("名称", "Title"),
    "policy": ("所属政策", "Policy"),
    "source": ("条款出处", "Source clause"),
    "award": ("支持内容", "Award"),
    "rule": ("规则", "Rule"),
    "issuer": ("发文单位", "Issued by"),
    "issued": ("印发日期", "Issued on"),
    "effective": ("实施期限", "Effective period"),
    "interpreter": ("解释单位", "Interpreted by"),
    "notes": ("说明", "Notes"),
    "eligibility": ("申请条件", "Eligibility"),
    "caps": ("上限及适用范围", "Caps and their scope"),
    "limits": ("享受次数与期限", "Frequency and duration"),
    "documents": ("申报材料", "Required documents"),
    "department": ("责任单位", "Responsible department"),
    "interpretation": ("解释说明", "Interpretation notes"),
    "examples": ("算例", "Worked examples"),
    "example": ("算例", "Example"),
    "facts": ("申报情况", "Facts"),
    "year": ("年度", "Year"),
    "more": ("更多内容", "More"),
    "history": ("已获奖励", "Awards already paid"),
    "outcome": ("结果", "Outcome"),
    "original": ("原文", "Original text (Chinese)"),
    "original_missing": ("未找到原文。", "The original text was not found."),
    "rendering": ("规则表述", "The rule in words"),
    "rounding": (
        "每项措施的结果按四舍五入保留到分，只取整一次。",
        "Each measure's result is rounded once, to the fen (CNY 0.01), half up.",
    ),
    "bounds_legend": (
        "“以上”“不超过”“以下”均含本数；“超过”“低于”不含本数。",
        "“At least” and “at most” include the number; “more than” and “less than” exclude it.",
    ),
    "no_conditions": (
        "无其他条件（须符合附则规定）。",
        "No further conditions (the general rules apply).",
    ),
    "no_caps": (
        "无单独上限（附则规定的年度总额上限仍适用）。",
        "No cap of its own (the yearly total of the general rules still applies).",
    ),
    "no_caps_plain": ("无单独上限。", "No cap of its own."),
    "no_documents": ("政策未列明。", "None listed in the policy."),
    "no_examples": ("暂无算例。", "No worked examples yet."),
    "measures_of_policy": ("本文件的支持措施", "Measures of this document"),
    "rules_of_policy": ("本文件的附则", "General rules of this document"),
    "texts_of_policy": ("其他条文", "Other provisions"),
    "inputs": ("申报信息", "Inputs (facts of an application)"),
    "enterprise_inputs": ("企业信息", "Enterprise profile"),
    "claim_inputs": ("申报事项信息", "Facts of a claim"),
    "parameters": ("参数", "Parameters"),
    "enums": ("选项", "Choices"),
    "agencies": ("单位", "Departments"),
    "name": ("名称", "Name"),
    "type": ("类型", "Type"),
    "meaning": ("含义", "Meaning"),
    "value": ("取值", "Value"),
    "since": ("起始日期", "From"),
    "reference": ("依据", "Reference"),
    "values": ("选项", "Values"),
    "fields": ("字段", "Fields"),
    "used_by": ("使用该项的措施", "Used by"),
    "targets_heading": ("量化目标", "Quantitative targets"),
    "chains": ("重点产业链", "Key industry chains"),
    "tasks": ("主要任务", "Main tasks"),
    "goal": ("目标", "Goal"),
    "owner": ("责任单位", "Owner"),
    "lead": ("牵头单位", "Lead department"),
    "chain": ("产业链", "Chain"),
    "code": ("代码", "Code"),
    "codes_intro": (
        "编译器报告的每个问题都有固定代码。下面逐一列出代码的含义、出错示例和改正方法。",
        "Every problem the compiler reports has a stable code. Each entry gives its meaning, "
        "an example that triggers it and the fix.",
    ),
    "codes_missing": (
        "诊断代码目录尚未提供。",
        "The diagnostic-code catalogue is not available yet.",
    ),
    "bad_example": ("出错示例", "Example that triggers it"),
    "fix": ("改正方法", "Fix"),
    "none": ("无", "none"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "measure_count": ("项措施", "measures"),
    # types
    "type_money": ("金额（元）", "money (CNY)"),
    "type_rate": ("比率", "rate"),
    "type_count": ("数量", "count"),
    "type_bool": ("是/否", "yes/no"),
    "type_date": ("日期", "date"),
    "type_year": ("年份", "year"),
    "type_text": ("文字", "text"),
    "type_list": ("清单", "list"),
    "type_enum": ("选项", "choice"),
    "type_set": ("多选", "several choices"),
}


def t(key: str, lang: str) -> str:
    zh, en = LABELS[key]
    return zh if lang == "zh" else en
