"""The legal phrases of policy text, in Chinese and English, each written once.

The documentation (``kfpl.render.sentences``) and the explanation of a decision
(``kfpl.runtime``) print the same phrases — 以上, 不超过, 单个企业每年最高不超过X,
按…的30%给予补贴, 给予一次性奖励X, 分别给予… — so both take them from here, and a
phrase the law writes one way is printed one way everywhere. The words a policy
itself supplies (what a claim is for: 品种; the award's name: 后补助; the measure word of
a count: 台) come in as arguments, never from a list of particular policies.
"""

from __future__ import annotations

# Comparisons as the documents write them: 以上/不超过/以下 include the number,
# 超过/低于 exclude it.
BOUND: dict[str, dict[str, str]] = {
    "zh": {
        "at_least": "{x}以上",
        "more_than": "超过{x}",
        "at_most": "不超过{x}",
        "less_than": "低于{x}",
        "equal": "为{x}",
    },
    "en": {
        "at_least": "at least {x}",
        "more_than": "more than {x}",
        "at_most": "at most {x}",
        "less_than": "less than {x}",
        "equal": "equal to {x}",
    },
}

# What a claim, a once key or a stacking rule is about, when the policy gives no word.
KEY: dict[str, dict[str, str]] = {
    "zh": {"project": "项目", "product": "产品", "matter": "事项", "level": "级别",
           "step": "台阶", "item": "项"},
    "en": {"project": "project", "product": "product", "matter": "matter", "level": "level",
           "step": "step", "item": "item"},
}  # fmt: skip

# The award's noun when the policy does not name it (`called`): 补贴 for a share of costs,
# 奖励 for a share of growth and for fixed amounts.
SUBSIDY = {"zh": "补贴", "en": "subsidy"}
REWARD = {"zh": "奖励", "en": "reward"}


def bound(op: str, x: str, lang: str) -> str:
    """``x`` compared as the documents write it: 500万元以上, 超过50亿元, at most CNY 1."""
    return BOUND[lang][op].format(x=x)


def key(name: str, lang: str, word: str | None = None) -> str | None:
    """The word for a key (项目, 产品), or the policy's own ``word`` (品种) for it."""
    return word or KEY[lang].get(name)


def cap_subject(scope: str, lang: str, word: str | None = None) -> str:
    """Whose ceiling a cap is, as the law words it: 单个企业每年, 单个项目, and with the
    policy's own ``word`` for what the scope is about, 单个品种 (a product) or 单台 (one
    item of a list, counted in 台). English: the phrase after the amount."""
    if lang == "zh":
        if scope in ("project", "product"):
            return f"单个{word or KEY['zh'][scope]}"
        if scope == "item":
            return f"单{word}" if word else "每项"
        return {"claim": "每项申请", "year": "单个企业每年", "enterprise": "单个企业累计"}[scope]
    if scope in ("project", "product", "item"):
        return f"per {word or scope}"
    return {"claim": "per claim", "year": "per enterprise per year",
            "enterprise": "per enterprise in total"}[scope]  # fmt: skip


def cap(scope: str, x: str, lang: str, word: str | None = None) -> str:
    """单个企业每年最高不超过30万元 / at most CNY 300,000 per enterprise per year."""
    subject = cap_subject(scope, lang, word)
    return f"{subject}最高不超过{x}" if lang == "zh" else f"at most {x} {subject}"


def give(noun: str, once: bool, lang: str) -> str:
    """给予一次性奖励 / a one-time reward: the verb phrase of an award (zh), its noun (en)."""
    if lang == "zh":
        return f"给予{'一次性' if once else ''}{noun}"
    phrase = f"one-time {noun}" if once else noun
    vowel = phrase[:1] in "aeiou" and not phrase.startswith("one")  # a one-time, an award
    return f"{'an' if vowel else 'a'} {phrase}"


def share_of(base: str, rate: str, noun: str, lang: str, ceiling: bool, once: bool) -> str:
    """按不超过展位费的50%给予补贴 / a subsidy of up to 50% of the booth fees."""
    if lang == "zh":
        return f"按{'不超过' if ceiling else ''}{base}的{rate}{give(noun, once, lang)}"
    return f"{give(noun, once, lang)} of {'up to ' if ceiling else ''}{rate} of {base}"


def rate_on(base: str, rate: str, noun: str, ceiling: bool, once: bool) -> str:
    """English for a rate the law names: "a subsidy of up to the benchmark lending rate
    (…) on the bank loan amount" (Chinese words it as a share: 按…的…给予补贴)."""
    return f"{give(noun, once, 'en')} of {'up to ' if ceiling else ''}{rate} on {base}"


def fixed(amount: str, noun: str, lang: str, ceiling: bool, once: bool) -> str:
    """给予一次性奖励100万元 / (最高给予…) / a one-time reward of CNY 1,000,000."""
    if lang == "zh":
        return f"{'最高' if ceiling else ''}{give(noun, once, lang)}{amount}"
    return f"{give(noun, once, lang)} of {'up to ' if ceiling else ''}{amount}"


def respectively_zh(what: str, cases: list[str], amounts: list[str], noun: str,
                    once: bool, ceiling: bool = False) -> str:  # fmt: skip
    """按认定级别（国家级、省级）分别给予一次性奖励100万元、50万元: the law's 分别."""
    upto = "最高" if ceiling else ""
    return f"按{what}（{'、'.join(cases)}）分别{upto}{give(noun, once, 'zh')}{'、'.join(amounts)}"


def term_zh(noun: str, years: str) -> str:
    """补贴期限不超过1年: how long a measure supports, as the law words it."""
    return f"{noun}期限不超过{years}年"


def sum_of(parts: list[str], lang: str) -> str:
    """场地租赁费、布展费和运费之和: an enumeration, as the texts write one."""
    if len(parts) == 1:
        return parts[0]
    if lang == "zh":
        return f"{'、'.join(parts[:-1])}和{parts[-1]}之和"
    listed = " and ".join(parts) if len(parts) == 2 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"the sum of {listed}"


def one_of(values: list[str], lang: str) -> str:
    """国家级、省级 (the law's enumeration of alternatives) / national or provincial."""
    if lang == "zh":
        return "、".join(values)
    return " or ".join(values) if len(values) <= 2 else ", ".join(values[:-1]) + " or " + values[-1]


def each(what: str, lang: str, unit: str | None = None) -> str:
    """对销售的农机逐台计算，各台相加 / For each of …, the amounts added together."""
    if lang == "zh":
        word = unit or "项"
        return f"对{what}逐{word}计算，各{word}相加"
    return f"For each of {what}, the amounts added together"
