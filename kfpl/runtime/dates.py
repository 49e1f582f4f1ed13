"""Days and effective periods: how they read in both languages, and whether a claim is in force.

A period holds both its ends (``自2023年4月11日起至2028年4月10日止``). A period written in
whole years (``effective 2031 to 2033``) runs from 1 January of its first year to 31 December
of its last, and the year of an application alone decides; a period written with days is
decided by the claim's date. A claim that gives only its year, in a year the period begins
or ends within, cannot be placed: it is undetermined (missing is not zero), and says which
date would decide.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def day_zh(day: date) -> str:
    """2023年4月11日 (no leading zeros, as documents write dates)."""
    return f"{day.year}年{day.month}月{day.day}日"


def day_en(day: date) -> str:
    """11 April 2023."""
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class Span:
    """An effective period as the runtime holds it: two days, both included."""

    start: date
    end: date
    by_day: bool = False  # written with days; else in whole years
    # The first and last years wholly inside, for ``holds`` (asked once per claim).
    _whole: tuple[int, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        first = self.start.year + (0 if (self.start.month, self.start.day) == (1, 1) else 1)
        last = self.end.year - (0 if (self.end.month, self.end.day) == (12, 31) else 1)
        object.__setattr__(self, "_whole", (first, last))

    @classmethod
    def of(cls, iso: tuple[str, str] | None, by_day: bool = False) -> Span | None:
        if iso is None:
            return None
        return cls(date.fromisoformat(iso[0]), date.fromisoformat(iso[1]), by_day)

    @property
    def whole_years(self) -> bool:
        return (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31)

    def holds(self, year: int, day: date | None) -> bool | None:
        """In force for a claim of ``year`` dated ``day`` (None: not dated)? None when the
        year alone cannot tell (the period begins or ends inside that year)."""
        if day is not None:
            return self.start <= day <= self.end
        first, last = self._whole
        if first <= year <= last:  # 1 January and 31 December both inside
            return True
        if year < self.start.year or self.end.year < year:
            return False
        return None

    def zh(self) -> str:
        if not self.by_day:
            return f"{self.start.year}年—{self.end.year}年"  # as the documents write it
        return f"自{day_zh(self.start)}起至{day_zh(self.end)}止"

    def en(self) -> str:
        if not self.by_day:
            return f"{self.start.year} to {self.end.year}"
        return f"from {day_en(self.start)} to {day_en(self.end)}"
