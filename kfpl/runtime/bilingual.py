"""A text in both of kfpl's languages, chosen at the boundary that prints it.

Diagnostics (and the messages built like them) are made once, with their Chinese and
English together; the command that prints them picks one with ``text[lang]``, and the
JSON and SARIF exports can carry both. Identifiers, code spans (`…`) and numbers are
written the same in both. It lives in the runtime because application data errors
(``ApplicationError``) are bilingual too, and a generated evaluator imports only
``kfpl.runtime``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Lang = Literal["zh", "en"]


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


def spaced(zh: str) -> str:
    """Chinese with a space between a code span and a Chinese character beside it
    (措施 ``expo-2a`` 缺少), however the parts were joined: the rule of Chinese
    typesetting for Latin text in a line, applied once here rather than at every site."""
    if "`" not in zh:
        return zh
    out: list[str] = []
    inside = False
    for i, ch in enumerate(zh):
        if ch == "`":
            if not inside and out and _is_han(out[-1]):
                out.append(" ")
            out.append(ch)
            inside = not inside
            if not inside and i + 1 < len(zh) and _is_han(zh[i + 1]):
                out.append(" ")
            continue
        out.append(ch)
    return "".join(out)


@dataclass(frozen=True)
class Text:
    zh: str
    en: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "zh", spaced(self.zh))

    def __getitem__(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def __bool__(self) -> bool:
        return bool(self.zh or self.en)

    def __add__(self, other: Text) -> Text:
        return Text(self.zh + other.zh, self.en + other.en)

    @staticmethod
    def same(text: str) -> Text:
        """A text that reads the same in both languages (a code span, a number)."""
        return Text(text, text)

    @staticmethod
    def join(parts: Iterable[Text], zh: str = "、", en: str = ", ") -> Text:
        items = list(parts)
        return Text(zh.join(p.zh for p in items), en.join(p.en for p in items))

    def as_json(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


EMPTY = Text("", "")
