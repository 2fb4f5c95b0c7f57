"""How each synthetic organisation exports its quarter: dialects, file layout, workbooks.

Real organisations export the same contract in different ways, and the loader must take
all of them, so the synthetic ones do too: delimiter ``;`` or ``,``; UTF-8, UTF-8 with BOM
or Windows-1252 (with non-ASCII text in their location names, so the encoding matters);
ISO or DD-MM-YYYY dates; headers as ``client_id``, ``Client Id`` or ``CLIENT_ID``; every
field quoted or only where needed; CRLF or LF; optional columns left out or in another
order; and some deliver one XLSX workbook per quarter (dates as date cells or as text,
integers as numbers or as text). A style belongs to an organisation (by its place in the
sorted list of centrumgemeenten), as an export habit does.

Files are written row by row while the simulation runs; workbooks by a small streaming
writer with fixed timestamps (:class:`XlsxStream`), so the same seed gives the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from pipeline.synth.model import Nummering
from schemas import KOLOMMEN, SOORTEN, columns
from schemas.formaat import VERSIE_1

#: Column order and optional columns per soort: the schemas' (aanleverformaat section 2).
HEADERS: dict[str, list[str]] = {s: list(columns(s)) for s in SOORTEN}
OPTIONAL = {s: KOLOMMEN[s].optional for s in SOORTEN}
#: The organisations of synth still export format v1: the columns a later version added are
#: left out (the model draws no reden_niet_geplaatst yet), so the clean deliveries stay the
#: bytes they were. The defects and the tests write every column (HEADERS).
NIEUWER_DAN_V1 = frozenset(k.naam for s in SOORTEN for k in KOLOMMEN[s].kolommen
                           if k.sinds != VERSIE_1)
DATE_COLUMNS = frozenset(c for s in SOORTEN for c in KOLOMMEN[s].dates)
FIXED_TIME = (2025, 1, 1, 0, 0, 0)

#: Location names some organisations put in their verblijf_id (text, any characters).
LOCATIES = ("Fryslân", "Súdwest", "Hûs-Oost", "Reünie", "Zeeën", "Crèche-Noord")


@dataclass(frozen=True)
class Stijl:
    """One organisation's export habits; each is allowed by the delivery format."""

    xlsx: bool = False
    delimiter: str = ";"
    encoding: str = "utf-8"
    dmy: bool = False
    kop: str = "snake"              # snake | titel | hoofdletters
    quote_all: bool = False
    regeleinde: str = "\r\n"
    weglaten: frozenset[str] = frozenset()   # optional columns not exported
    andere_volgorde: bool = False   # optional columns in reverse order
    tekst_getallen: bool = False    # xlsx: integers as text cells
    nummering: Nummering = field(default_factory=Nummering)

    def kolommen(self, soort: str) -> list[str]:
        cols = [c for c in HEADERS[soort]
                if c not in self.weglaten and c not in NIEUWER_DAN_V1]
        if self.andere_volgorde:
            opt = [c for c in cols if c in OPTIONAL[soort]]
            cols = [c for c in cols if c not in OPTIONAL[soort]] + opt[::-1]
        return cols

    def kop_tekst(self, kolom: str) -> str:
        if self.kop == "titel":
            return kolom.replace("_", " ").title()
        return kolom.upper() if self.kop == "hoofdletters" else kolom


def stijl_van(i: int) -> Stijl:
    """The export style of the i-th centrumgemeente (sorted by code): a fixed mix so
    every dialect occurs whatever the seed, four organisations delivering workbooks."""
    nummering = (
        Nummering("K{n:07d}", "A{jaar}-{n:06d}", "V{n:07d}"),
        Nummering("CL-{n:06d}", "{n}", "{locatie}-{n:06d}", LOCATIES[i % len(LOCATIES)]),
        Nummering("c{n}", "AM{n:07d}", "VB{n:08d}"),
        Nummering("Client_{n:05d}", "{jaar}/{n:05d}", "{locatie} {n:05d}",
                  LOCATIES[(i + 3) % len(LOCATIES)]),
    )[i % 4]
    weglaten: frozenset[str] = frozenset()
    if i % 11 == 7:
        weglaten = frozenset({"verwijzer", "geboortejaar"})
    elif i % 13 == 8:
        weglaten = frozenset({"belemmeringen"})
    return Stijl(
        xlsx=i % 9 == 4, delimiter=";" if i % 2 == 0 else ",",
        encoding=("utf-8", "utf-8-sig", "cp1252")[i % 3], dmy=i % 4 in (1, 3),
        kop=("snake", "snake", "titel", "hoofdletters", "snake")[i % 5],
        quote_all=i % 7 == 3, regeleinde="\n" if i % 3 == 1 else "\r\n",
        weglaten=weglaten, andere_volgorde=i % 6 == 5, tekst_getallen=i % 2 == 1,
        nummering=nummering,
    )


@functools.lru_cache(maxsize=8192)
def datum_tekst(ordinal: int, dmy: bool) -> str:
    d = dt.date.fromordinal(ordinal)
    return f"{d.day:02d}-{d.month:02d}-{d.year:04d}" if dmy else d.isoformat()


class KwartaalLevering:
    """The files of one centrumgemeente-quarter, open while the simulation fills them.

    All soorten are opened at once (a soort without rows is still delivered: a header
    and no rows is a valid delivery of zero records); each closes when the simulation
    says it is complete. ``capaciteit`` is written at once when the organisation
    delivers it this quarter (None = not delivered).
    """

    def __init__(self, folder: Path, cg: str, kwartaal: str, stijl: Stijl,
                 capaciteit: list[dict] | None):
        self.folder, self.cg, self.kwartaal, self.stijl = folder, cg, kwartaal, stijl
        self.rows = dict.fromkeys(HEADERS, 0)
        self.open: set[str] = {"instroom", "verblijf", "uitstroom"}
        self.paths: list[Path] = []
        self._cols = {s: stijl.kolommen(s) for s in HEADERS}
        folder.mkdir(parents=True, exist_ok=True)
        soorten = [*self.open, *(["capaciteit"] if capaciteit is not None else [])]
        soorten.sort(key=list(HEADERS).index)
        if stijl.xlsx:
            self._open_workbook(soorten)
        else:
            self._open_csv(soorten)
        if capaciteit is not None:
            for r in capaciteit:
                self.rij("capaciteit", r)
            self.open.add("capaciteit")
            self.klaar(("capaciteit",))

    # -- CSV ---------------------------------------------------------------------------------

    def _open_csv(self, soorten: list[str]) -> None:
        st = self.stijl
        self._fh, self._writer = {}, {}
        for soort in soorten:
            path = self.folder / f"{self.cg}_{self.kwartaal}_{soort}.csv"
            fh = path.open("w", encoding=st.encoding, newline="")
            w = csv.writer(fh, delimiter=st.delimiter, lineterminator=st.regeleinde,
                           quoting=csv.QUOTE_ALL if st.quote_all else csv.QUOTE_MINIMAL)
            w.writerow([st.kop_tekst(c) for c in self._cols[soort]])
            self._fh[soort], self._writer[soort] = fh, w
            self.paths.append(path)

    def _csv_values(self, soort: str, row: dict) -> list[str]:
        dmy = self.stijl.dmy
        out = []
        for c in self._cols[soort]:
            v = row.get(c)
            if v is None:
                out.append("")
            elif c in DATE_COLUMNS:
                out.append(datum_tekst(v, dmy))
            else:
                out.append(str(v))
        return out

    # -- XLSX --------------------------------------------------------------------------------

    def _open_workbook(self, soorten: list[str]) -> None:
        self._wb = XlsxStream(soorten)
        for soort in soorten:
            self._wb.append(soort, [self.stijl.kop_tekst(c) for c in self._cols[soort]])
        self.paths.append(self.folder / f"{self.cg}_{self.kwartaal}.xlsx")

    def _xlsx_values(self, soort: str, row: dict) -> list[object]:
        st = self.stijl
        out: list[object] = []
        for c in self._cols[soort]:
            v = row.get(c)
            if v is None:
                out.append(None)
            elif c in DATE_COLUMNS:
                out.append(datum_tekst(v, True) if st.dmy else dt.date.fromordinal(v))
            elif isinstance(v, int) and st.tekst_getallen:
                out.append(str(v))
            else:
                out.append(v)
        return out

    # -- both --------------------------------------------------------------------------------

    def rij(self, soort: str, row: dict) -> None:
        self.rows[soort] += 1
        if self.stijl.xlsx:
            self._wb.append(soort, self._xlsx_values(soort, row))
        else:
            self._writer[soort].writerow(self._csv_values(soort, row))

    def klaar(self, soorten: tuple[str, ...]) -> None:
        for soort in soorten:
            self.open.discard(soort)
            if not self.stijl.xlsx:
                self._fh.pop(soort).close()
        if self.stijl.xlsx and not self.open:
            self._wb.save(self.paths[0])

    @property
    def af(self) -> bool:
        return not self.open


class XlsxStream:
    """A minimal XLSX workbook written row by row: one sheet per name, text as inline
    strings, integers as numbers, dates as date cells (built-in format 14).

    Why not openpyxl: its write-only mode costs ~0.3 ms per row, which dominates a
    national run and makes a benchmark-sized one take minutes; and it stamps the save
    time into the file. Rows go to one temporary file per sheet (sheets fill at the same
    time), which are streamed into the zip on save with fixed timestamps, so memory stays
    flat and the same rows give the same bytes.
    """

    def __init__(self, sheets: list[str], hidden: tuple[str, ...] = ()):
        self.sheets, self.hidden = list(sheets), set(hidden)
        self._tmp = {s: tempfile.TemporaryFile() for s in self.sheets}
        self._n = dict.fromkeys(self.sheets, 0)

    def append(self, sheet: str, values: list[object]) -> None:
        self._n[sheet] += 1
        r = self._n[sheet]
        cells = []
        for j, v in enumerate(values):
            if v is None:
                continue
            ref = f"{_COLUMN_LETTERS[j]}{r}"
            if isinstance(v, bool) or not isinstance(v, int | float | dt.date):
                text = xml_escape(str(v))
                space = ' xml:space="preserve"' if text != text.strip() else ""
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t{space}>{text}</t></is></c>')
            elif isinstance(v, dt.date):
                cells.append(f'<c r="{ref}" s="1"><v>{(v - _EXCEL_EPOCH).days}</v></c>')
            else:
                cells.append(f'<c r="{ref}"><v>{v}</v></c>')
        self._tmp[sheet].write(f'<row r="{r}">{"".join(cells)}</row>'.encode())

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        hidden = ' state="hidden"'
        sheets = "".join(
            f'<sheet name="{xml_escape(s)}" sheetId="{i}"'
            f'{hidden if s in self.hidden else ""} r:id="rId{i}"/>'
            for i, s in enumerate(self.sheets, start=1))
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(self.sheets) + 1))
        rels += (f'<Relationship Id="rId{len(self.sheets) + 1}" Type="{_REL}/styles" '
                 'Target="styles.xml"/>')
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_CT}.worksheet+xml"/>'
            for i in range(1, len(self.sheets) + 1))
        parts = {
            "[Content_Types].xml": _CONTENT_TYPES.format(overrides=overrides),
            "_rels/.rels": _ROOT_RELS,
            "xl/workbook.xml": _WORKBOOK.format(sheets=sheets),
            "xl/_rels/workbook.xml.rels": _XML + f'<Relationships xmlns="{_PKG_REL}">{rels}'
                                          "</Relationships>",
            "xl/styles.xml": _STYLES,
        }
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for name, text in parts.items():
                z.writestr(_entry(name), text.encode())
            for i, s in enumerate(self.sheets, start=1):
                tmp = self._tmp.pop(s)
                tmp.seek(0)
                with z.open(_entry(f"xl/worksheets/sheet{i}.xml"), "w", force_zip64=True) as w:
                    w.write((_XML + f'<worksheet xmlns="{_MAIN}"><sheetData>').encode())
                    shutil.copyfileobj(tmp, w, 1 << 20)
                    w.write(b"</sheetData></worksheet>")
                tmp.close()


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info


_EXCEL_EPOCH = dt.date(1899, 12, 30)
_COLUMN_LETTERS = [chr(ord("A") + i) for i in range(26)]
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_CONTENT_TYPES = (
    _XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>'
    "{overrides}</Types>")
_ROOT_RELS = (_XML + f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
              f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (_XML + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
             "<sheets>{sheets}</sheets></workbook>")
_STYLES = (
    _XML + f'<styleSheet xmlns="{_MAIN}"><fonts count="1"><font><sz val="11"/>'
    '<name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill '
    'patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    '</cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" '
    'xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" '
    'applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" '
    'xfId="0" builtinId="0"/></cellStyles></styleSheet>')


def write_xlsx(path: Path, sheets: dict[str, list[dict]], hidden: tuple[str, ...] = ()) -> None:
    """A small workbook from ready rows (used by the defect catalogue): one sheet per
    soort with the contract's columns and values as given."""
    wb = XlsxStream(list(sheets), hidden)
    for soort, rows in sheets.items():
        wb.append(soort, HEADERS[soort])
        for r in rows:
            wb.append(soort, [r.get(h) for h in HEADERS[soort]])
    wb.save(path)


def cut_last_rows(path: Path, n: int) -> int:
    """Cut the last n data rows off a CSV file in place (the header stays); returns how many
    were cut. Reads only the end of the file, so a large file costs nothing."""
    size = path.stat().st_size
    with path.open("rb+") as fh:
        chunk = min(size, 1 << 16)
        fh.seek(size - chunk)
        ends = [m.end() for m in re.finditer(rb"\n", fh.read(chunk))]
        cut = min(n, len(ends) - 1)  # ends[0] may be the header's: never cut it
        if cut <= 0:
            return 0
        fh.truncate(size - chunk + ends[-1 - cut])
        return cut
