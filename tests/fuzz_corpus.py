"""The fuzz corpus shared by tests/test_fuzz.py and bench/fuzz_check.py: seed texts
(every catalogue example and fix, the broken fixtures, the real policies) and the
pieces a drafter, or a slip of the keyboard, puts into policy text."""

from __future__ import annotations

from pathlib import Path

from kfpl.codes import CODES, full_text

ROOT = Path(__file__).resolve().parent.parent


def seeds() -> list[str]:
    out = [full_text(e, w) for e in CODES.values() if e.example for w in ("example", "fixed")]
    for folder in (ROOT / "tests" / "broken", ROOT / "policies"):
        out += [p.read_text("utf-8") for p in sorted(folder.glob("*.kfpl"))]
    return out


# Pieces a drafter (or a slip of the keyboard) puts into policy text.
PIECES = [
    "award", "cap", "per", "year", "item", "tiers", "on", "steps", "of", "passed", "by",
    "each", "staged", "match", "between", "and", "or", "not", "at least", "more than",
    "at most", "less than", "otherwise", "first match", "requires", "example", "given",
    "paid", "in", "->", "=", ",", ":", "(", ")", "[", "]", "{", "}", '"', '"""', "#",
    "zh", "en", "30%", "30", "30万", "1.5亿", "0", "-1万", "2020", "2020-13-45",
    "9" * 40 + "亿", "%", "万", "，", "：", "（", "）", "％", "\u3000", "\u00a0", "\x00",
    "以上", "超过", "市工信局", "booth_fees", "investment", "national", "mfg-2a", "\n",
    "  ", "measure mfg-9", "input x: money", "enum e", "value v", "policy p", "rule mfg-r",
    "target plan-t", "chain c", "task plan-k", "text mfg-t", "source mfg 99", "unit rate",
    "goal about 35% by 2022", "no stacking by matter within policy keep highest",
    "yearly total at most local_tax trim latest", "exclude if demonstrative",
    # Chinese keywords, and the Chinese text they must not swallow.
    "措施 mfg-8", "奖励", "上限", "每年", "不超过", "以下", "主管部门", "来源核查中心", "例",
]  # fmt: skip
