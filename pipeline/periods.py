"""Periods: a quarter ('2025Q1') or a calendar year ('2025'), with inclusive first and last day."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class Periode:
    """A parsed period. The CLI (and the notebook API, for analysts who type '2025Q4') turn
    text into a Periode once; everything below takes a Periode and never parses again."""

    label: str
    start: dt.date
    end: dt.date
    kwartalen: tuple[str, ...]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __str__(self) -> str:
        return self.label


def quarter_bounds(year: int, q: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * q - 2, 1)
    end = dt.date(year, 12, 31) if q == 4 else dt.date(year, 3 * q + 1, 1) - dt.timedelta(1)
    return start, end


def parse_periode(text: str) -> Periode:
    """'2025Q1' or '2025'; anything else is a ValueError that says what is expected."""
    text = text.strip().upper()
    m = QUARTER.match(text)
    if m:
        year, q = int(m.group(1)), int(m.group(2))
        start, end = quarter_bounds(year, q)
        return Periode(text, start, end, (text,))
    m = YEAR.match(text)
    if m:
        year = int(m.group(1))
        return Periode(text, dt.date(year, 1, 1), dt.date(year, 12, 31),
                       tuple(f"{year}Q{q}" for q in range(1, 5)))
    raise ValueError(f"'{text}' is not a period: use a quarter like 2025Q1 or a year like 2025")


#: What the public edges accept: a Periode, or the text an analyst types.
PeriodeLike = Periode | str


def as_periode(value: PeriodeLike) -> Periode:
    """For the public edges only (the Monitor API, a notebook's parameters): a Periode as is,
    text parsed once."""
    return value if isinstance(value, Periode) else parse_periode(value)


def vorig_kwartaal(kwartaal: str) -> str:
    """The quarter before a quarter label ('2025Q1' -> '2024Q4')."""
    year, q = int(kwartaal[:4]), int(kwartaal[-1])
    return f"{year - 1}Q4" if q == 1 else f"{year}Q{q - 1}"


def parse_kwartaalbereik(text: str) -> tuple[str, str]:
    """A quarter range 'FIRST..LAST' (2024Q1..2025Q4) as its first and last quarter label; a
    text that is not one is a ValueError that says what is expected."""
    first, _, last = (x.strip() for x in text.strip().upper().partition(".."))
    try:
        kwartalen_between(first, last)  # both quarters, in order
    except ValueError:
        raise ValueError(f"'{text}' is not a quarter range like 2024Q1..2025Q4") from None
    return first, last


def kwartalen_between(first: str, last: str) -> list[str]:
    """Every quarter label from first to last, inclusive."""
    a, b = parse_periode(first), parse_periode(last)
    if len(a.kwartalen) != 1 or len(b.kwartalen) != 1 or a.start > b.start:
        raise ValueError(f"'{first}..{last}' is not a quarter range like 2024Q1..2025Q4")
    out = []
    y, q = a.start.year, (a.start.month + 2) // 3
    while (y, q) <= (b.start.year, (b.start.month + 2) // 3):
        out.append(f"{y}Q{q}")
        y, q = (y + 1, 1) if q == 4 else (y, q + 1)
    return out
