"""What a delivery file's name says (the authority on CG, quarter and soort), and finding files."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.periods import quarter_bounds
from schemas import SOORTEN

CSV_NAME = re.compile(r"^(GM\d{4})_(\d{4})Q([1-4])_([a-z]+)\.csv$", re.IGNORECASE)
XLSX_NAME = re.compile(r"^(GM\d{4})_(\d{4})Q([1-4])\.xlsx$", re.IGNORECASE)
NAME_PATTERNS = (
    "<CG>_<YYYY>Q<n>_<soort>.csv (e.g. GM0344_2025Q1_instroom.csv) or <CG>_<YYYY>Q<n>.xlsx"
)
DELIVERY_SUFFIXES = {".csv", ".xlsx"}


class FileRejected(Exception):
    """The whole file is refused; ``str(exc)`` says what is wrong and how to fix it."""

    def __init__(self, problem: str, fix: str, regel: str):
        super().__init__(f"{problem}. {fix}")
        self.problem = problem
        self.fix = fix
        self.regel = regel


@dataclass(frozen=True)
class DeliveryName:
    """What a file name says: the authority on CG, quarter and soort."""

    centrumgemeente: str
    jaar: int
    kwartaal_nr: int
    soort: str | None  # None for an XLSX workbook (one sheet per soort)

    @property
    def kwartaal(self) -> str:
        return f"{self.jaar}Q{self.kwartaal_nr}"

    @property
    def kwartaal_start(self) -> dt.date:
        return quarter_bounds(self.jaar, self.kwartaal_nr)[0]

    @property
    def kwartaal_eind(self) -> dt.date:
        return quarter_bounds(self.jaar, self.kwartaal_nr)[1]


def parse_name(path: Path) -> DeliveryName:
    """Parse ``GM0344_2025Q1_instroom.csv`` or ``GM0344_2025Q1.xlsx``; reject anything else."""
    m = CSV_NAME.match(path.name)
    if m:
        soort = m.group(4).lower()
        if soort not in SOORTEN:
            raise FileRejected(
                f"'{m.group(4)}' in the file name is not a soort",
                f"Name the file {NAME_PATTERNS}, with soort one of {', '.join(SOORTEN)}",
                "bestandsnaam",
            )
        return DeliveryName(m.group(1).upper(), int(m.group(2)), int(m.group(3)), soort)
    m = XLSX_NAME.match(path.name)
    if m:
        return DeliveryName(m.group(1).upper(), int(m.group(2)), int(m.group(3)), None)
    raise FileRejected(
        "the file name does not follow the delivery pattern",
        f"Rename the file to {NAME_PATTERNS}",
        "bestandsnaam",
    )


def find_files(paths: Iterable[Path]) -> list[Path]:
    """Files as given plus delivery files inside folders (recursive), in a stable order.

    A file named explicitly is always taken (so a wrongly named file gets its
    rejection message); inside folders only ``.csv`` and ``.xlsx`` files are taken,
    skipping hidden files and Excel's ``~$`` lock files.
    """
    found: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if (f.is_file() and f.suffix.lower() in DELIVERY_SUFFIXES
                        and not f.name.startswith((".", "~$"))):
                    found.append(f)
        elif p.is_file():
            found.append(p)
        else:
            raise FileNotFoundError(f"{p}: no such file or folder")
    seen: set[Path] = set()
    unique = []
    for f in found:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique
