"""The catalogue of diagnostic codes: one entry per ``KFnnnn``, as data.

Codes are stable: a code, once released, keeps its meaning; retired codes are not
reused. Ranges: KF00xx syntax, KF01xx declarations and ids, KF02xx names, KF03xx
measure structure, KF04xx types and units, KF05xx tiers and steps, KF06xx bilingual
labels, KF07xx source references, KF08xx examples and plan items.

Each entry has a title and an explanation in Chinese and English, a small policy text
that triggers the code (``example``), the same text corrected (``fixed``), and the fix
in words (``fix_zh`` / ``fix_en``). Unless ``standalone`` is set, ``example`` and
``fixed`` are read after ``PRELUDE`` (a header and a few declarations), which the docs
may show once. The tests compile every example and check that it raises its code and
that the fixed text raises no error at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]

PRELUDE = """\
policy mfg
  title zh "开封市制造业高质量发展若干财政支持措施" en "Kaifeng Fiscal Measures for Manufacturing"
  effective 2020 to 2022

agency 市工业和信息化局 en "Municipal Bureau of Industry and Information Technology"

enum level zh "级别" en "level"
  value national   zh "国家级" en "national"
  value provincial zh "省级"   en "provincial"

enum stage zh "阶段" en "stage"
  value listed   zh "列入名单" en "listed"
  value accepted zh "通过验收" en "accepted"

input booth_fees: money zh "展会场地租赁费、布展费" en "booth rental and setup fees"
input investment: money zh "设备、研发投入" en "equipment and R&D investment"
input demonstrative: bool zh "示范作用大" en "demonstrative"
input recognition_level: level zh "认定级别" en "recognition level"
input stage_now: stage zh "所处阶段" en "stage reached"
input headcount: count zh "团队人数" en "team size"
input vehicles: list(price: money zh "销售价格" en "sale price") zh "销售车辆" en "vehicles sold"
input local_tax: money from enterprise zh "地方留成税收" en "local retained taxes"

parameter benchmark_rate: rate zh "一年期贷款基准利率" en "one-year benchmark lending rate"
  value 4.35% from 2015-10-24 ref zh "中国人民银行公布" en "PBoC"
"""


@dataclass(frozen=True)
class Code:
    code: str
    severity: Severity
    title_zh: str
    title_en: str
    explanation_zh: str
    explanation_en: str
    example: str  # a policy text that raises this code
    fixed: str  # the same text, corrected
    fix_zh: str
    fix_en: str
    standalone: bool = False  # example and fixed are whole files, without PRELUDE

    @property
    def category(self) -> str:
        return _CATEGORIES[self.code[2:4]]


_CATEGORIES = {
    "00": "syntax",
    "01": "declarations",
    "02": "names",
    "03": "measures",
    "04": "types and units",
    "05": "tiers and steps",
    "06": "labels",
    "07": "sources",
    "08": "examples and plan",
}


def _measure(body: str, head: str = "measure mfg-2a", source: str = "mfg 2") -> str:
    """A measure block with the usual clauses, then ``body`` (indented clause lines)."""
    return (
        f"{head}\n"
        f"  source {source}\n"
        '  title zh "支持企业参加展销会" en "Trade-fair participation"\n'
        "  department 市工业和信息化局\n"
        f"{body}\n"
    )


_AWARD = "  award 30% of booth_fees\n"

_ENTRIES: list[Code] = [
    # ------------------------------------------------------------------ KF00xx syntax
    Code(
        "KF0000", "error",
        "编译器内部错误", "Internal compiler error",
        "kfpl 自身出错（不是政策文件的问题）。检查在出错处停止，其余检查照常进行。",
        "kfpl itself failed (not the policy). That check stopped; the other checks still ran.",
        "", "",
        "请连同政策文件一起报告此问题。", "Report it, with the policy file that triggers it.",
    ),
    Code(
        "KF0001", "error",
        "无法识别的内容", "Unexpected input",
        "解析器在此处读到了语法不允许的词或字符；提示列出此处可以出现的内容。",
        "The parser met a word or character the grammar does not allow here; the help line "
        "lists what may come at this point.",
        _measure("  award 30% booth_fees"), _measure(_AWARD.rstrip()),
        "按提示补上缺少的关键词（此处为 `of`）。", "Add the keyword the help names (here `of`).",
    ),
    Code(
        "KF0002", "error",
        "代码中出现全角标点", "Full-width punctuation in code",
        "全角标点（，：（）％；“”）只能出现在引号内的文字中；代码部分必须使用半角符号。",
        "Full-width punctuation (，：（）％；“”) belongs only inside quoted text; policy code "
        "uses the ASCII characters.",
        _measure("  award 30％ of booth_fees"), _measure(_AWARD.rstrip()),
        "改用对应的半角符号，如 `％` 改为 `%`。", "Type the ASCII character: `%` for `％`.",
    ),
    Code(
        "KF0003", "error",
        "字符串没有结束", "Unterminated text string",
        '引号内的文字必须在同一行用 `"` 结束；跨行文字用 `"""…"""`。',
        'A quoted text must be closed with `"` on the same line; use `"""…"""` for several lines.',
        'measure mfg-2a\n  source mfg 2\n  title zh "支持企业参加展销会 en "Trade fairs"\n',
        'measure mfg-2a\n  source mfg 2\n  title zh "支持企业参加展销会" en "Trade fairs"\n'
        "  department 市工业和信息化局\n" + _AWARD,
        '补上结束的 `"`。', 'Add the closing `"`.',
    ),
    Code(
        "KF0004", "error",
        "文件在条款中间结束", "File ends in the middle of a clause",
        "文件结束时最后一条子句还不完整。",
        "The file ended before the last clause was complete.",
        _measure("  award 30% of"), _measure(_AWARD.rstrip()),
        "把子句写完整。", "Complete the clause.",
    ),
    Code(
        "KF0005", "error",
        "关键词拼写错误", "Misspelled keyword",
        "此处的词与某个关键词只差一两个字母。",
        "The word is a letter or two away from a keyword allowed here.",
        _measure("  awrd 30% of booth_fees"), _measure(_AWARD.rstrip()),
        "按提示改为正确的关键词。", "Write the keyword the message suggests.",
    ),
    Code(
        "KF0006", "error",
        "编号格式不对", "Invalid id",
        "措施、规则和目标的编号是小写字母、数字和连字符，以文件编号开头，如 `mfg-2a`。",
        "Measure, rule and target ids are lower-case letters, digits and hyphens, starting "
        "with a document id, e.g. `mfg-2a`.",
        _measure(_AWARD.rstrip(), head="measure 2a"), _measure(_AWARD.rstrip()),
        "写成 `mfg-2a` 这样的编号。", "Write an id such as `mfg-2a`.",
    ),
    Code(
        "KF0007", "error",
        "无效的字面值", "Invalid literal",
        "这个值形式上像日期或数字，但并不存在（如 2015-13-45）。",
        "The value looks like a date or number but does not exist (e.g. 2015-13-45).",
        'parameter loan_rate: rate zh "利率" en "rate"\n'
        '  value 4.35% from 2015-13-45 ref zh "公布" en "published"\n',
        'parameter loan_rate: rate zh "利率" en "rate"\n'
        '  value 4.35% from 2015-10-24 ref zh "公布" en "published"\n',
        "写一个真实的日期（`YYYY-MM-DD`）。", "Write a real date (YYYY-MM-DD).",
    ),
    Code(
        "KF0008", "error",
        "单位与数字分开", "Unit separated from its number",
        "数字和单位是一个词：`30万`、`1.5亿`、`30%`，中间不能有空格，也不写 `percent`。",
        "A number and its unit are one word: `30万`, `1.5亿`, `30%` - no space between them, "
        "and `%` rather than `percent`.",
        _measure(_AWARD + "  cap 30 万 per year"), _measure(_AWARD + "  cap 30万 per year"),
        "去掉空格：`30万`。", "Remove the space: `30万`.",
    ),
    Code(
        "KF0009", "error",
        "条件嵌套过深", "Conditions nested too deeply",
        "括号嵌套超过 64 层，几乎一定是笔误，而且无法可靠处理。",
        "More than 64 levels of parentheses is surely a slip, and cannot be handled safely.",
        _measure("  requires " + "(" * 70 + "demonstrative" + ")" * 70 + "\n" + _AWARD.rstrip()),
        _measure("  requires demonstrative\n" + _AWARD.rstrip()),
        "去掉多余的括号，或拆成多行 `requires`。",
        "Remove the extra parentheses, or split the condition into several `requires` lines.",
    ),
    Code(
        "KF0010", "error",
        "代码中出现不是关键词的中文阈值词", "Chinese threshold word that is not a keyword",
        "关键词 以上/以下/以内/不超过/不低于 包含该数，超过/低于 不包含；“及以上”“高于”“不满”等"
        "不是关键词，改写为关键词，或写作 `at least` / `at most` / `more than` / `less than`。",
        "The keywords 以上/以下/以内/不超过/不低于 include the number, 超过/低于 exclude it; words "
        "such as 及以上, 高于 or 不满 are not keywords: write a keyword, or `at least` / `at most` "
        "/ `more than` / `less than`.",
        _measure("  requires investment 500万及以上\n" + _AWARD.rstrip()),
        _measure("  requires investment 500万以上\n" + _AWARD.rstrip()),
        "改用关键词（以上、不低于、超过……）。", "Use a keyword (以上, at least, more than, …).",
    ),
    Code(
        "KF0011", "error",
        "不可见字符", "Invisible character",
        "代码中有看不见的字符（不换行空格、零宽空格、字节顺序标记），通常来自从文字处理软件复制的内容。",
        "The code contains a character you cannot see (a no-break space, zero-width space or "
        "byte-order mark), usually copied from a word processor.",
        _measure("  award\u00a030% of booth_fees"), _measure(_AWARD.rstrip()),
        "删除该字符，需要时重新输入普通空格。", "Delete it; type a plain space if one is needed.",
    ),
    # ------------------------------------------------------------------ KF01xx declarations
    Code(
        "KF0101", "error",
        "重复声明", "Declared twice",
        "同一名称或编号在政策集（所有文件）中只能声明一次。",
        "A name or id is declared once in the whole policy set (all files together).",
        'input booth_fees: money zh "展会费" en "booth fees"\n', "",
        "删除其中一个声明，或改名。", "Delete one declaration, or rename one.",
    ),
    Code(
        "KF0102", "error",
        "编号缺少文件前缀", "Id without a document prefix",
        "措施、规则、目标、任务和文本块的编号以来源文件（mfg、ind、plan）或已声明的政策编号开头。",
        "Measure, rule, target, task and text ids start with their document (mfg, ind, plan) "
        "or a declared policy id.",
        _measure(_AWARD.rstrip(), head="measure fair-2a"), _measure(_AWARD.rstrip()),
        "改为 `mfg-2a` 这样的编号。", "Rename it, e.g. `mfg-2a`.",
    ),
    Code(
        "KF0103", "error",
        "未声明的部门", "Unknown agency",
        "责任单位、牵头单位须先用 `agency` 声明，名称须完全一致（不用简称）。",
        "Departments, owners and leads must be declared with `agency`, with the same name "
        "(no abbreviations).",
        _measure(_AWARD.rstrip()).replace("department 市工业和信息化局", "department 市工信局"),
        _measure(_AWARD.rstrip()),
        "使用已声明的全称，或补充 `agency` 声明。",
        "Use the declared full name, or declare the agency.",
    ),
    Code(
        "KF0104", "error",
        "未知类型", "Unknown type",
        "类型为 `money`、`rate`、`count`、`bool`、`date`、`year`、`text`、已声明的枚举，或 `list(…)`。",
        "A type is money, rate, count, bool, date, year, text, a declared enum, or list(…).",
        'input ad_fees: mony zh "广告费" en "advertising fees"\n',
        'input ad_fees: money zh "广告费" en "advertising fees"\n',
        "改正类型名。", "Correct the type name.",
    ),
    Code(
        "KF0105", "error",
        "未知来源", "Unknown origin",
        "`from enterprise` 表示企业概况中的事实；不写则为申报事项本身的事实。",
        "`from enterprise` marks a fact of the enterprise profile; without it, the input is a "
        "fact of the claim.",
        'input size: level from enterprize zh "规模" en "size"\n',
        'input size: level from enterprise zh "规模" en "size"\n',
        "写 `from enterprise`。", "Write `from enterprise`.",
    ),
    Code(
        "KF0106", "error",
        "政策文件头有误", "Policy header missing or misplaced",
        "每个文件以一个 `policy` 文件头开始，且只有一个。",
        "Each file starts with exactly one `policy` header.",
        'policy ind\n  title zh "主导产业" en "Leading industries"\n', "",
        "把第二部分移到单独的 .kfpl 文件。", "Move the second part into its own .kfpl file.",
    ),
    Code(
        "KF0107", "error",
        "枚举值重复", "Enum value listed twice",
        "枚举的每个值只列一次。", "Each value of an enum is listed once.",
        'enum kind zh "类型" en "kind"\n  value industry zh "行业" en "industry"\n'
        '  value industry zh "综合" en "comprehensive"\n',
        'enum kind zh "类型" en "kind"\n  value industry zh "行业" en "industry"\n'
        '  value comprehensive zh "综合" en "comprehensive"\n',
        "删除或改名重复的值。", "Delete or rename the repeated value.",
    ),
    Code(
        "KF0108", "error",
        "记录字段重复", "Record field declared twice",
        "`list(…)` 的每个字段名只出现一次。", "Each field of a list(…) record has its own name.",
        'input machines: list(price: money, price: money) zh "农机" en "machines"\n',
        'input machines: list(price: money, subsidy: money) zh "农机" en "machines"\n',
        "改名或删除重复字段。", "Rename or delete the repeated field.",
    ),
    Code(
        "KF0109", "error",
        "参数类型不对", "Parameter of the wrong type",
        "参数是带日期取值的数：`rate`、`money` 或 `count`。",
        "A parameter is a number with dated values: a rate, money or a count.",
        'parameter cap_rate: bool zh "上限" en "cap"\n'
        '  value 30% from 2020-01-01 ref zh "文件" en "text"\n',
        'parameter cap_rate: rate zh "上限" en "cap"\n'
        '  value 30% from 2020-01-01 ref zh "文件" en "text"\n',
        "把类型改为 `rate`、`money` 或 `count`。", "Make the type rate, money or count.",
    ),
    Code(
        "KF0110", "error",
        "参数取值未按日期排序", "Parameter values out of date order",
        "参数取值按生效日期从早到晚排列，日期不重复。",
        "A parameter's values are listed oldest first, each with its own date.",
        'parameter loan_rate: rate zh "利率" en "rate"\n'
        '  value 4.35% from 2015-10-24 ref zh "2015" en "2015"\n'
        '  value 4.6% from 2015-08-26 ref zh "2015" en "2015"\n',
        'parameter loan_rate: rate zh "利率" en "rate"\n'
        '  value 4.6% from 2015-08-26 ref zh "2015" en "2015"\n'
        '  value 4.35% from 2015-10-24 ref zh "2015" en "2015"\n',
        "按日期从早到晚排列。", "List the values oldest first.",
    ),
    Code(
        "KF0111", "error",
        "有效期起止颠倒", "Effective period ends before it starts",
        "`effective A to B` 要求起始日期（年份）不晚于终止日期（年份）。",
        "`effective A to B` needs A no later than B (years or days).",
        'policy mfg\n  title zh "制造业" en "Manufacturing"\n  effective 2028-04-10 to 2023-04-11\n',
        'policy mfg\n  title zh "制造业" en "Manufacturing"\n  effective 2023-04-11 to 2028-04-10\n',
        "交换起止日期。", "Swap the two ends.",
        standalone=True,
    ),
    Code(
        "KF0112", "error",
        "措施有效期超出政策有效期", "Measure period outside its policy's",
        "措施可以有自己的有效期（`effective` 写在措施中），但只能在所属政策的有效期之内：政策失效后措施不能继续有效。",
        "A measure may have its own period (`effective` inside the measure), but only within its "
        "policy's: a measure cannot stay in force after its policy ends.",
        _measure(_AWARD + "  effective 2021-07-01 to 2023-06-30"),
        _measure(_AWARD + "  effective 2021-07-01 to 2022-12-31"),
        "把措施的有效期收窄到政策有效期之内。", "Narrow the measure's period to within its policy's.",
    ),
    Code(
        "KF0113", "error",
        "修订的政策不存在", "Revised policy not in the set",
        "`revises ID` 指明本政策替代的上一版本，该版本须是同一政策集中的另一个政策。",
        "`revises ID` names the earlier version this policy replaces; it must be another policy "
        "of the same set.",
        'policy mfg2023\n  title zh "制造业" en "Manufacturing"\n  effective 2023-04-11 to 2028-04-10\n'
        "  revises mfg2020\n",
        'policy mfg2023\n  title zh "制造业" en "Manufacturing"\n  effective 2023-04-11 to 2028-04-10\n',
        "写上一版本的政策编号，或删除 `revises`。", "Name the earlier version's policy id, or remove `revises`.",
        standalone=True,
    ),
    Code(
        "KF0114", "error",
        "修订前后有效期重叠", "Revision overlaps the revised version",
        "修订后的政策与被修订的政策有效期重叠时，重叠期间的申报同时适用两个版本。修订版应在原版本失效后开始（或原版本提前截止）。"
        "该检查涉及两个政策文件，因此此处没有单文件示例。",
        "When a revision's period overlaps the version it revises, a claim in the overlap falls "
        "under both. The revision starts after the earlier version ends (or the earlier one is "
        "cut short). The check involves two policy files, so there is no one-file example here.",
        "", "",
        "把修订版的起始日改到原版本截止日之后。", "Start the revision after the earlier version's last day.",
    ),
    # ------------------------------------------------------------------ KF02xx names
    Code(
        "KF0201", "error",
        "未知的输入项", "Unknown input",
        "条件、奖励和示例中用到的名称须声明为 `input` 或 `parameter`（`each` 内也可以是记录字段）。",
        "A name read by a condition, an award or an example must be declared as an `input` "
        "or `parameter` (inside `each`, also a record field).",
        _measure("  award 30% of booth_fee"), _measure(_AWARD.rstrip()),
        "改正拼写，或声明该输入项。", "Correct the spelling, or declare the input.",
    ),
    Code(
        "KF0202", "error",
        "不是枚举的值", "Not a value of the enum",
        "`is`、`in`、分情形奖励、分阶段和示例中的值须是该枚举声明过的值。",
        "Values in `is`, `in`, case arms, stages and examples must be declared values of "
        "the enum.",
        _measure("  requires recognition_level is nationa\n" + _AWARD.rstrip()),
        _measure("  requires recognition_level is national\n" + _AWARD.rstrip()),
        "改用枚举中声明的值。", "Use a value the enum declares.",
    ),
    Code(
        "KF0203", "error",
        "未知的措施", "Unknown measure",
        "示例历史（`given … paid`）中的措施编号须已声明。",
        "A measure named in an example's history (`given … paid`) must be declared.",
        _measure(_AWARD + "  example booth_fees = 10万, given mfg-2x paid 1万 in 2020 -> 3万"),
        _measure(_AWARD + "  example booth_fees = 10万, given mfg-2a paid 1万 in 2020 -> 3万"),
        "改正编号。", "Correct the id.",
    ),
    Code(
        "KF0204", "error",
        "记录没有该字段", "Unknown record field",
        "示例中的记录只能给出 `list(…)` 声明过的字段。",
        "A record in an example gives only the fields its list(…) declares.",
        _measure(
            "  award each vehicles: 4% of price\n  example vehicles = [{prize = 10万}] -> 4000"
        ),
        _measure(
            "  award each vehicles: 4% of price\n  example vehicles = [{price = 10万}] -> 4000"
        ),
        "改正字段名。", "Correct the field name.",
    ),
    Code(
        "KF0205", "error",
        "未知的申报键", "Unknown claim key",
        "`once per`、`no stacking by` 和历史记录按申报键分组：`project`、`product`、`matter`、`level`、`step`。",
        "`once per`, `no stacking by` and history records group by a claim key: project, "
        "product, matter, level, step.",
        _measure(_AWARD + "  once per lvl"), _measure(_AWARD + "  once per level"),
        "使用已知的键。", "Use a known key.",
    ),
    Code(
        "KF0206", "error",
        "需要企业事实", "Enterprise input required",
        "附则（资格、排除、年度总额）针对企业，只能读取 `from enterprise` 的输入项。",
        "General rules (eligibility, exclusions, the yearly total) are about the enterprise "
        "and read only `from enterprise` inputs.",
        'rule mfg-yearly-total\n  source mfg 附则\n  title zh "年度总额" en "Yearly total"\n'
        "  yearly total at most booth_fees trim latest\n",
        'rule mfg-yearly-total\n  source mfg 附则\n  title zh "年度总额" en "Yearly total"\n'
        "  yearly total at most local_tax trim latest\n",
        "改用企业输入项，或把该输入项声明为 `from enterprise`。",
        "Use an enterprise input, or declare the input `from enterprise`.",
    ),
    # ------------------------------------------------------------------ KF03xx measures
    Code(
        "KF0301", "error",
        "措施没有奖励", "Measure without an award",
        "每个措施恰有一条 `award`。", "Every measure has exactly one `award`.",
        _measure("  cap 30万 per year"), _measure(_AWARD + "  cap 30万 per year"),
        "加一条 `award`。", "Add an `award` line.",
    ),
    Code(
        "KF0302", "error",
        "措施有多条奖励", "Measure with several awards",
        "一个措施只支付一种奖励；同一条款的几项奖励拆成带字母后缀的几个措施（mfg-2a、mfg-2b）。",
        "One measure pays one award; split a clause's several awards into measures with "
        "sub-letters (mfg-2a, mfg-2b).",
        _measure(_AWARD + "  award 20% of investment"), _measure(_AWARD.rstrip()),
        "拆分措施，或合并基数（`30% of a + b`）。", "Split the measure, or add the bases.",
    ),
    Code(
        "KF0303", "error",
        "缺少必需子句", "Required clause missing",
        "措施、规则、目标、任务和文本块需要 `source` 和 `title`，文件头需要 `title`，文本块需要 `body`。",
        "Measures, rules, targets, tasks and texts need `source` and `title`; a policy "
        "header needs `title`; a text needs `body`.",
        "measure mfg-2a\n  source mfg 2\n  department 市工业和信息化局\n" + _AWARD,
        _measure(_AWARD.rstrip()),
        '加上 `title zh "…" en "…"`。', 'Add `title zh "…" en "…"`.',
    ),
    Code(
        "KF0304", "warning",
        "没有覆盖所有枚举值", "Enum values not covered",
        "分情形或分阶段奖励没有列出枚举的全部值；未列出的值得不到奖励。",
        "A case or staged award does not list every value of the enum; the missing values "
        "get nothing.",
        _measure("  award by recognition_level: national -> 100万"),
        _measure("  award by recognition_level: national -> 100万, provincial -> 50万"),
        "补上缺少的值，或用 `requires … in (…)` 排除。",
        "Add the missing values, or exclude them with `requires … in (…)`.",
    ),
    Code(
        "KF0305", "error",
        "同一值出现两次", "Value listed twice",
        "分情形奖励的每个值、分阶段奖励的每个阶段只列一次。",
        "Each value of a case award, and each stage of a staged award, is listed once.",
        _measure("  award by recognition_level: national -> 100万, national -> 50万"),
        _measure("  award by recognition_level: national -> 100万, provincial -> 50万"),
        "删除或改正重复项。", "Delete or correct the repeated entry.",
    ),
    Code(
        "KF0306", "error",
        "按件封顶但没有逐件奖励", "Per-item cap without items",
        "`cap … per item` 只用于 `award each …`。", "`cap … per item` goes with `award each …`.",
        _measure(_AWARD + "  cap 2000 per item"), _measure(_AWARD + "  cap 2000 per project"),
        "改为逐件奖励，或换成其他封顶范围。", "Award per item with `each`, or use another scope.",
    ),
    Code(
        "KF0307", "warning",
        "分阶段比例不合计", "Stage shares do not add up",
        "分阶段支付的比例合计应为 100%，追回阶段只能有一个。",
        "The shares of a staged award add up to 100%, and there is one clawback stage at most.",
        _measure("  award staged on stage_now: listed 50%, accepted 30% of 100万"),
        _measure("  award staged on stage_now: listed 50%, accepted 50% of 100万"),
        "调整比例使合计为 100%。", "Make the shares add up to 100%.",
    ),
    Code(
        "KF0308", "error",
        "年限不是正整数", "Years not a positive whole number",
        "`for at most N years` 中 `N` 是正整数。", "In `for at most N years`, N is a positive whole number.",
        _measure(_AWARD + "  for at most 0 years"), _measure(_AWARD + "  for at most 3 years"),
        "写正整数。", "Write a positive whole number.",
    ),
    Code(
        "KF0310", "error",
        "申报对象不是项目或产品", "Claims identified by neither project nor product",
        "`identified by` 说明一项申报针对什么：一个项目（`project`）或一个产品（`product`）；不写则针对企业当年。",
        "`identified by` says what one claim is for: a project or a product; without it a claim "
        "is for the enterprise's year.",
        _measure(_AWARD + "  identified by year"), _measure(_AWARD + "  identified by project"),
        "写 `project` 或 `product`。", "Write project or product.",
    ),
    Code(
        "KF0311", "error",
        "同一事项的申报对象不一致", "One matter, different things claimed for",
        "同一事项（`matter`）的各措施须针对同一类对象（同为项目、同为产品或同为企业），否则无法判断哪些申报属同一事项。",
        "Measures of one matter must be about the same kind of thing (all projects, all products "
        "or all the enterprise), or claims cannot be grouped into one matter.",
        _measure(_AWARD + "  cap 100万 per project\n  matter fairs")
        + _measure("  award 20% of booth_fees\n  matter fairs", head="measure mfg-2b"),
        _measure(_AWARD + "  cap 100万 per project\n  matter fairs")
        + _measure("  award 20% of booth_fees\n  identified by project\n  matter fairs",
                   head="measure mfg-2b"),
        "在缺少的措施上写 `identified by project`，或改用不同的事项。",
        "Write `identified by project` on the measure that lacks it, or use different matters.",
    ),
    Code(
        "KF0312", "error",
        "合计上限的范围与措施不符", "Group cap scope does not fit its measures",
        "`total of … per project`（或 `per product`）按项目（产品）分组合计，所列措施的申报都须针对"
        "项目（产品）；`per item` 不能用于多项措施的合计。",
        "`total of … per project` (or `per product`) adds up each project (product) on its own, "
        "so every measure it lists must have claims for a project (product); `per item` has no "
        "meaning for a group of measures.",
        _measure(_AWARD)
        + 'rule mfg-joint\n  source mfg 附则\n  title zh "合计上限" en "Joint cap"\n'
        "  total of mfg-2a at most 50万 per project\n",
        _measure(_AWARD + "  identified by project")
        + 'rule mfg-joint\n  source mfg 附则\n  title zh "合计上限" en "Joint cap"\n'
        "  total of mfg-2a at most 50万 per project\n",
        "在所列措施上写 `identified by project`，或改为 `per enterprise` / `per year`。",
        "Write `identified by project` on the listed measure, or cap `per enterprise` / "
        "`per year`.",
    ),
    Code(
        "KF0309", "warning",
        "规则没有内容", "Rule with nothing to apply",
        "规则没有 `eligible if`、`exclude if`、`no stacking` 或 `yearly total`；仅说明性的内容写成 `text`。",
        "The rule has no eligible if, exclude if, no stacking or yearly total; informational "
        "content belongs in a `text` block.",
        'rule mfg-general\n  source mfg 附则\n  title zh "附则" en "General provisions"\n',
        'text mfg-general\n  source mfg 附则\n  title zh "附则" en "General provisions"\n'
        '  body zh "本政策由市工信局会同市财政局负责解释。" en "Interpreted by the Bureau."\n',
        "补充规则内容，或改为 `text`。", "Add what the rule does, or make it a `text`.",
    ),
    # ------------------------------------------------------------------ KF04xx types
    Code(
        "KF0401", "error",
        "类型不符", "Wrong type",
        "名称的类型与用法不符：比例只能乘金额，`bool` 只能单独作条件，`is`/`in`/`by` 需要枚举，"
        "`each` 需要列表，分档需要数值。",
        "A name is used against its type: a share is taken of money, a bool stands alone as "
        "a condition, `is`/`in`/`by` need an enum, `each` needs a list, tiers need a number.",
        _measure("  award 30% of demonstrative"),
        _measure("  requires demonstrative\n" + _AWARD.rstrip()),
        "按提示改用合适类型的输入项。", "Use an input of the right type, as the help says.",
    ),
    Code(
        "KF0402", "error",
        "金额与比例混用", "Money and rate mixed",
        "金额（元、万、亿）和比例（%）不能相加、互换或相乘作基数：比例乘以金额才是金额。",
        "Money (元, 万, 亿) and rates (%) never mix: a rate times money is money; a rate is "
        "not a base, and money is not a rate.",
        _measure("  award 30% of benchmark_rate"),
        _measure("  award benchmark_rate of investment"),
        "比例乘以金额输入项。", "Take the rate of a money input.",
    ),
    Code(
        "KF0403", "error",
        "比例缺少 %", "Rate without %",
        "比例必须带 `%`；不带单位的数字在需要金额处按元理解，在需要比例处是错误。",
        "A rate carries `%`; a plain number means yuan where money is expected, and is an "
        "error where a rate is expected.",
        _measure("  award 30 of booth_fees"), _measure(_AWARD.rstrip()),
        "写 `30%`。", "Write `30%`.",
    ),
    Code(
        "KF0404", "error",
        "比例超出 0–100%", "Rate outside 0–100%",
        "比例是基数的份额，在 0% 到 100% 之间。", "A rate is a share of its base, from 0% to 100%.",
        _measure("  award 130% of booth_fees"), _measure(_AWARD.rstrip()),
        "改正比例。", "Correct the rate.",
    ),
    Code(
        "KF0405", "error",
        "金额不是正数", "Amount not positive",
        "封顶金额和固定奖励须大于 0。", "Caps and fixed awards are more than 0.",
        _measure(_AWARD + "  cap 0 per year"), _measure(_AWARD + "  cap 30万 per year"),
        "写正数，或删除该子句。", "Write a positive amount, or delete the clause.",
    ),
    Code(
        "KF0406", "warning",
        "金额可能缺少单位", "Money that may lack its unit",
        "不带单位的数字按元理解；1000 以下的金额通常是漏写了“万”。",
        "A plain number is read as yuan; an amount below 1000 usually lacks 万.",
        _measure(_AWARD + "  cap 30 per year"), _measure(_AWARD + "  cap 30万 per year"),
        "写 `30万`，确实是元时写 `30元`。", "Write `30万`, or `30元` if yuan is meant.",
    ),
    Code(
        "KF0407", "error",
        "计数不是整数", "Count not a whole number",
        "`count` 和 `year` 类型取整数。", "A count or a year is a whole number.",
        _measure("  requires headcount at least 2.5\n" + _AWARD.rstrip()),
        _measure("  requires headcount at least 3\n" + _AWARD.rstrip()),
        "写整数。", "Write a whole number.",
    ),
    Code(
        "KF0408", "error",
        "区间上下限颠倒", "Range runs backwards",
        "区间（`between`、示例中的 `X to Y`、目标区间）下限不大于上限。",
        "In a range (between, an example's X to Y, a goal) the low end is not above the high end.",
        _measure("  award between 100万 and 50万"), _measure("  award between 50万 and 100万"),
        "交换两个数。", "Swap the two numbers.",
    ),
    Code(
        "KF0409", "error",
        "示例值类型不符", "Example value of the wrong type",
        "示例中每个事实的值须符合该输入项的类型。",
        "Each fact in an example has a value of its input's type.",
        _measure("  requires demonstrative\n" + _AWARD + "  example demonstrative = 3, "
                 "booth_fees = 10万 -> 3万"),
        _measure("  requires demonstrative\n" + _AWARD + "  example demonstrative = true, "
                 "booth_fees = 10万 -> 3万"),
        "写该类型的值。", "Write a value of the input's type.",
    ),
    Code(
        "KF0410", "error",
        "单位只用于数量", "A unit on an input that is not a count",
        "`unit`（单位）写明数量的量词（3台、2年）或清单中每一项的量词（单台、逐台），只能用于 `count` "
        "或 `list` 类型的数据项；金额已以元计、比例以%计，再写单位会在数字旁印出错误的字。",
        "`unit` names the measure word of a count (3台, 2年) or of one item of a list (单台, "
        "逐台); only a `count` or a `list` input takes one. Money is in yuan and a rate in "
        "percent already: a unit there would print a wrong word beside the number.",
        'input team_cost: money zh "团队费用" en "team cost" unit zh "人" en "person"\n',
        'input team_members: count zh "团队人数" en "team size" unit zh "人" en "person"\n',
        "删除单位，或把该数据项声明为 `count`（如果它数的是个数）。",
        "Delete the unit, or declare the input as a `count` if it counts things.",
    ),
    # ------------------------------------------------------------------ KF05xx tiers
    Code(
        "KF0501", "error",
        "分档重叠", "Tiers overlap",
        "默认每个值恰好落入一档；重叠处给出一个同时落入两档的值。以上/以下包含该数，超过/不满不包含。",
        "By default every value falls in exactly one tier; the message gives a value that "
        "falls in two. 以上/以下 include the number, 超过/不满 do not.",
        _measure("  award tiers on investment\n    more than 20亿 -> 50% of booth_fees\n"
                 "    at least 20亿 -> 45% of booth_fees"),
        _measure("  award tiers on investment\n    more than 20亿 -> 50% of booth_fees\n"
                 "    at most 20亿 -> 45% of booth_fees"),
        "调整边界使各档不重叠，或在各档后写 `first match`。",
        "Make the bounds disjoint, or write `first match` after the rows.",
    ),
    Code(
        "KF0502", "error",
        "分档有空隙", "Gap between tiers",
        "有些可能的值不落入任何一档；消息给出一个这样的值。",
        "Some possible value falls in no tier; the message gives one.",
        _measure("  award tiers on investment\n    more than 20亿 -> 50% of booth_fees\n"
                 "    less than 20亿 -> 45% of booth_fees"),
        _measure("  award tiers on investment\n    more than 20亿 -> 50% of booth_fees\n"
                 "    at most 20亿 -> 45% of booth_fees"),
        "补上缺少的档，加 `otherwise` 行，或用 `requires` 排除。",
        "Add the missing tier, an `otherwise` row, or a `requires` line.",
    ),
    Code(
        "KF0503", "error",
        "不可能命中的档", "Tier that can never match",
        "一档的两个界限相互矛盾（两个下限，或下限高于上限）。",
        "A tier's two bounds contradict each other (two lower bounds, or low above high).",
        _measure("  award tiers on investment\n    more than 30亿 and at most 20亿 -> 50% of "
                 "booth_fees\n    otherwise -> 45% of booth_fees"),
        _measure("  award tiers on investment\n    more than 20亿 and at most 30亿 -> 50% of "
                 "booth_fees\n    otherwise -> 45% of booth_fees"),
        "改正界限。", "Correct the bounds.",
    ),
    Code(
        "KF0504", "error",
        "`otherwise` 位置不对", "Misplaced otherwise",
        "`otherwise` 只能有一行，且是最后一行。", "There is one `otherwise` row, and it is the last.",
        _measure("  award tiers on investment\n    otherwise -> 45% of booth_fees\n"
                 "    more than 20亿 -> 50% of booth_fees"),
        _measure("  award tiers on investment\n    more than 20亿 -> 50% of booth_fees\n"
                 "    otherwise -> 45% of booth_fees"),
        "把 `otherwise` 移到最后。", "Move `otherwise` to the end.",
    ),
    Code(
        "KF0505", "warning",
        "永远不会命中的档", "Unreachable tier",
        "在 `first match` 下，前面的档已覆盖这一档的全部值。",
        "Under `first match`, earlier tiers already take every value of this one.",
        _measure("  award tiers on investment\n    at least 10亿 -> 50% of booth_fees\n"
                 "    at least 20亿 -> 60% of booth_fees\n    otherwise -> 0% of booth_fees\n"
                 "    first match"),
        _measure("  award tiers on investment\n    at least 20亿 -> 60% of booth_fees\n"
                 "    at least 10亿 -> 50% of booth_fees\n    otherwise -> 0% of booth_fees\n"
                 "    first match"),
        "删除该档，或把它移到覆盖它的档之前。", "Delete the row, or move it above the rows covering it.",
    ),
    Code(
        "KF0506", "error",
        "台阶不是正数", "Step not positive",
        "`steps of X` 的 `X` 须大于 0。", "In `steps of X`, X is more than 0.",
        _measure("  award steps of 0 passed by investment\n    otherwise -> 100万"),
        _measure("  award steps of 50亿 passed by investment\n    otherwise -> 100万"),
        "写正的台阶大小。", "Write a positive step size.",
    ),
    # ------------------------------------------------------------------ KF06xx labels
    Code(
        "KF0601", "error",
        "标签缺少一种语言", "Label missing a language",
        "所有标签都要有中文（`zh`）和英文（`en`）；部门（`agency`）的中文名即其名称，只需 `en`。",
        "Every label has Chinese (zh) and English (en); an agency's Chinese name is its id, "
        "so it needs only en.",
        'input ad_fees: money zh "广告费"\n',
        'input ad_fees: money zh "广告费" en "advertising fees"\n',
        '补上 `en "…"`（或 `zh "…"`）。', 'Add `en "…"` (or `zh "…"`).',
    ),
    Code(
        "KF0602", "error",
        "标签为空", "Empty label",
        "标签文字不能为空。", "A label's text is not empty.",
        'input ad_fees: money zh "广告费" en ""\n',
        'input ad_fees: money zh "广告费" en "advertising fees"\n',
        "写上文字。", "Write the text.",
    ),
    # ------------------------------------------------------------------ KF07xx sources
    Code(
        "KF0701", "error",
        "未知的来源文件", "Unknown source document",
        "来源文件是 plan（实施方案）、mfg（制造业财政支持措施）、ind（主导产业财政支持措施）。",
        "The source documents are plan (implementation plan), mfg (manufacturing fiscal "
        "measures) and ind (leading-industry fiscal measures).",
        _measure(_AWARD.rstrip(), source="mgf 2"), _measure(_AWARD.rstrip()),
        "改正文件编号。", "Correct the document id.",
    ),
    Code(
        "KF0702", "error",
        "文件中没有该条款", "No such clause",
        "mfg 有第 1–14 条和附则，ind 有第 1–21 条和附则，plan 按章节（如 \"二(一)3\"）引用。",
        "mfg has clauses 1–14 and 附则, ind 1–21 and 附则; the plan is cited by section "
        '(e.g. "二(一)3").',
        _measure(_AWARD.rstrip(), source="mfg 15"), _measure(_AWARD.rstrip()),
        "改正条款号。", "Correct the clause number.",
    ),
    Code(
        "KF0703", "warning",
        "编号与来源文件不一致", "Id and source document disagree",
        "编号前缀表明一个文件，来源却引用另一个文件，多为复制粘贴的疏漏。",
        "The id's prefix names one document and the source cites another: usually a "
        "copy-paste slip.",
        _measure(_AWARD.rstrip(), head="measure ind-2"),
        _measure(_AWARD.rstrip(), head="measure ind-2", source="ind 2"),
        "改正来源或编号。", "Correct the source or the id.",
    ),
    # ------------------------------------------------------------------ KF08xx examples, plan
    Code(
        "KF0801", "error",
        "示例重复给出事实", "Fact given twice in an example",
        "一个示例中每个事实只给一次。", "An example gives each fact once.",
        _measure(_AWARD + "  example booth_fees = 10万, booth_fees = 20万 -> 3万"),
        _measure(_AWARD + "  example booth_fees = 10万 -> 3万"),
        "删除重复的事实。", "Delete the repeated fact.",
    ),
    Code(
        "KF0802", "warning",
        "示例年份不在有效期内", "Example year outside the effective period",
        "示例设定的年份（或日期）不在有效期内，该申报什么也得不到；或有效期在该年中间开始或截止，只给年份无法判断。",
        "The example is set in a year (or on a day) the measure is not in force, so the claim "
        "gets nothing; or the period begins or ends within that year, so the year alone does "
        "not decide.",
        _measure(_AWARD + "  example in 2019 booth_fees = 10万 -> 3万"),
        _measure(_AWARD + "  example in 2021 booth_fees = 10万 -> 3万"),
        "改用有效期内的年份（有效期写到日的，用 `example on 日期` 给出日期）；或预期 `-> not eligible`。",
        "Use a year within the effective period (for a period written with days, give the day: "
        "`example on DATE`); or expect `-> not eligible`.",
    ),
    Code(
        "KF0804", "error",
        "往年事实的年份不早于示例年份", "Past fact not in a past year",
        "`given 输入 = 值 in 年份` 给出往年的事实，年份须早于示例的年份。",
        "`given INPUT = VALUE in YEAR` gives a fact of an earlier year; the year is before the "
        "example's.",
        _measure(_AWARD + "  example in 2021 booth_fees = 10万, given booth_fees = 5万 in 2021 -> 3万"),
        _measure(_AWARD + "  example in 2021 booth_fees = 10万, given booth_fees = 5万 in 2020 -> 3万"),
        "改为更早的年份。", "Use an earlier year.",
    ),
    Code(
        "KF0803", "error",
        "目标单位未知", "Unknown target unit",
        "目标的单位是 `money`、`rate` 或 `count`。", "A target's unit is money, rate or count.",
        'target plan-mva-share\n  source plan "一(二)"\n'
        '  title zh "制造业增加值占比" en "Manufacturing share of GDP"\n'
        "  unit percent\n  goal about 35% by 2022\n  owner 市工业和信息化局\n",
        'target plan-mva-share\n  source plan "一(二)"\n'
        '  title zh "制造业增加值占比" en "Manufacturing share of GDP"\n'
        "  unit rate\n  goal about 35% by 2022\n  owner 市工业和信息化局\n",
        "写 `money`、`rate` 或 `count`。", "Write money, rate or count.",
    ),
]  # fmt: skip

CODES: dict[str, Code] = {entry.code: entry for entry in _ENTRIES}


def lookup(code: str) -> Code | None:
    return CODES.get(code)


def full_text(entry: Code, which: str = "example") -> str:
    """The whole file a code's example (or fixed text) is checked as."""
    body = entry.example if which == "example" else entry.fixed
    return body if entry.standalone else PRELUDE + "\n" + body
