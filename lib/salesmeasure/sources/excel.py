"""Reading the six tables from an Excel workbook (``.xlsx``), one sheet per table.

The workbook is read by python-calamine (a Rust reader: a 40,000-row sheet in a fraction
of a second), which keeps what the cells hold: a column whose cells are all numbers
comes back as numbers, all dates as dates, and anything else as text, written as the
CSV reader would see it (``1001`` for a whole number, ``2026-07-01`` for a date), so the
data layer's coercion and quarantine treat a bad cell exactly like a bad CSV value.

Each table is the sheet of the same name unless ``salesmeasure.toml`` says
``sheet = "..."``. The first non-empty row is the header (after the first ``skip_rows``
rows of the sheet: a title row above the header) and trailing empty rows are dropped;
rows keep their place (``row_base`` is the Excel row of the first record), so a
rejected row is reported as the row number a person sees in Excel.

A formula cell whose value was never saved (a workbook written by a program and not
opened in Excel since) reads as empty in every reader; in an ``.xlsx``/``.xlsm`` it is
found in the sheet's XML and returned as a :class:`~salesmeasure.data.coerce.FormulaCell`
naming the sheet, cell and formula, so the row is quarantined with that reason rather
than as a missing value.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from salesmeasure.errors import DataError
from salesmeasure.sources import RawTable, RawTables, TableNotFound, read_tables

if TYPE_CHECKING:
    from salesmeasure.config import Config

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")


def is_workbook(spec) -> bool:
    """Whether ``spec`` names a spreadsheet file."""
    return Path(str(spec)).suffix.lower() in EXCEL_SUFFIXES


def _is_number(v) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _is_date(v) -> bool:
    return isinstance(v, dt.date)  # datetime is a date too


def _as_text(v) -> str | None:
    """A cell as the CSV text a person would have typed."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time(0) else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def column_from_cells(values: list) -> pd.Series:
    """One column: numbers, dates or text, as the cells hold them ("" = empty); formula
    cells without a saved value (:class:`FormulaCell`) are kept as they are."""
    from salesmeasure.data.coerce import FormulaCell

    marks = [isinstance(v, FormulaCell) for v in values]
    if any(marks):
        col = column_from_cells([None if m else v for v, m in zip(values, marks, strict=True)])
        col = col.astype(object)
        for i, m in enumerate(marks):
            if m:
                col.iloc[i] = values[i]
        return col
    cells = [None if (isinstance(v, str) and v.strip() == "") else v for v in values]
    present = [v for v in cells if v is not None]
    if present and all(_is_number(v) for v in present):
        return pd.Series([np.nan if v is None else float(v) for v in cells], dtype="float64")
    if present and all(_is_date(v) for v in present):
        return pd.Series(pd.to_datetime(cells), dtype="datetime64[ns]")
    return pd.Series([_as_text(v) for v in cells], dtype=object)


class ExcelSource:
    """A workbook with one sheet per table.

    Parameters
    ----------
    path : str or Path
        The ``.xlsx`` (``.xlsm``, ``.xlsb``, ``.xls`` and ``.ods`` are read too).
    """

    def __init__(self, path):
        self.path = Path(path)
        if not self.path.exists():
            raise DataError(f"{self.path}: no such workbook", file=str(self.path))
        if not self.path.is_file():
            raise DataError(f"{self.path}: not a file", file=str(self.path))
        self.label = str(self.path)
        self._book = None
        self._bytes_digest: str | None = None

    @property
    def book(self):
        if self._book is None:
            from python_calamine import CalamineWorkbook

            try:
                self._book = CalamineWorkbook.from_path(str(self.path))
            except Exception as exc:
                msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                raise DataError(
                    f"{self.path}: cannot read the workbook: {msg}", file=str(self.path)
                ) from None
        return self._book

    @property
    def sheet_names(self) -> list[str]:
        return list(self.book.sheet_names)

    def _find_sheet(self, name: str, sheet: str | None) -> str:
        wanted = sheet or name
        names = self.sheet_names
        if wanted in names:
            return wanted
        by_lower = {s.strip().lower(): s for s in names}
        if sheet is None and wanted.lower() in by_lower:
            return by_lower[wanted.lower()]
        hint = difflib.get_close_matches(wanted, names, n=1)
        extra = f" (found {hint[0]!r}: a typo?)" if hint else ""
        how = (
            f'sheet = "{wanted}" in [tables.{name}]'
            if sheet
            else f'a sheet named {wanted!r}, or sheet = "..." in [tables.{name}] of '
            "salesmeasure.toml"
        )
        raise TableNotFound(
            f"{self.path}: table '{name}' is missing: expected {how}{extra}; the workbook "
            f"has the sheets {', '.join(map(repr, names)) or 'none'}",
            file=str(self.path),
            explicit=sheet is not None,
        )

    def read_sheet(self, name: str, *, sheet: str | None = None, skip_rows: int = 0) -> RawTable:
        """Read table ``name`` from its sheet (see :mod:`salesmeasure.sources`); the header
        is the first non-empty row below the first ``skip_rows`` rows."""
        sheet_name = self._find_sheet(name, sheet)
        origin = f"{self.path.name}, sheet {sheet_name}"
        try:
            ws = self.book.get_sheet_by_name(sheet_name)
            rows = ws.to_python(skip_empty_area=True)
            start_row = ws.start[0] if ws.start else 0
            start_col = ws.start[1] if ws.start else 0
        except Exception as exc:
            msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise DataError(f"{origin}: cannot read the sheet: {msg}", file=origin) from None
        if skip_rows > start_row:
            rows = rows[skip_rows - start_row :]
            start_row = skip_rows
        rows = self._mark_formulas(sheet_name, rows, start_row, start_col)

        def empty(r) -> bool:
            return all(c is None or (isinstance(c, str) and c.strip() == "") for c in r)

        first = next((i for i, r in enumerate(rows) if not empty(r)), None)
        if first is None:
            raise DataError(
                f"{origin}: the sheet is empty (expected a header row and data)", file=origin
            )
        last = max(i for i, r in enumerate(rows) if not empty(r))
        header, body = rows[first], rows[first + 1 : last + 1]
        width = len(header)
        while width and _as_text(header[width - 1]) in (None, ""):
            width -= 1
        columns = [
            (_as_text(h) or "").strip() or f"Unnamed: {i}" for i, h in enumerate(header[:width])
        ]
        frame = pd.DataFrame(
            {
                col: column_from_cells([r[i] if i < len(r) else "" for r in body])
                for i, col in enumerate(columns)
            },
            index=pd.RangeIndex(len(body)),
        )
        return RawTable(
            name=name,
            frame=frame,
            origin=origin,
            # Excel row of frame row 0: the header's row (1-based) + 1
            row_base=start_row + first + 2,
            fingerprint=self._sheet_digest(sheet_name),
            text=False,
        )

    def title_rows(self, name: str, sheet: str | None = None) -> int:
        """Rows above the real header of the table's sheet (a title such as "Orders
        export 2026" in A1): the ``skip_rows`` that reads it, 0 when the first non-empty
        row already is the header."""
        try:
            ws = self.book.get_sheet_by_name(self._find_sheet(name, sheet))
            rows = ws.to_python(skip_empty_area=True)
            start_row = ws.start[0] if ws.start else 0
        except Exception:
            return 0
        filled = [
            (i, sum(1 for c in r if not (c is None or (isinstance(c, str) and c.strip() == ""))))
            for i, r in enumerate(rows[:60])
        ]
        filled = [(i, n) for i, n in filled if n]
        for k, (i, n) in enumerate(filled[:6]):
            below = [m for _, m in filled[k + 1 : k + 21]]
            if below and n >= 2 and n >= 0.8 * max(below):
                return start_row + i if k else 0
        return 0

    def _mark_formulas(self, sheet_name: str, rows: list, start_row: int, start_col: int):
        """``rows`` with empty cells that hold an unsaved formula as FormulaCell markers."""
        from salesmeasure.data.coerce import FormulaCell

        cells = unsaved_formulas(self.path, sheet_name)
        if not cells:
            return rows
        rows = [list(r) for r in rows]
        for (r, c), (ref, formula) in cells.items():
            i, j = r - start_row, c - start_col
            if 0 <= i < len(rows) and 0 <= j < len(rows[i]) and rows[i][j] in (None, ""):
                rows[i][j] = FormulaCell(sheet_name, ref, formula)
        return rows

    def _sheet(self, name: str, config: Config) -> str | None:
        tc = config.table(name)
        if tc.file or tc.table or tc.query:
            kind = "file" if tc.file else "table" if tc.table else "query"
            raise DataError(
                f"{config.path}: [tables.{name}] gives a {kind}, but the data is the workbook "
                f'{self.path}; use sheet = "..." for a workbook',
                file=str(config.path),
            )
        return tc.sheet

    def read(self, config: Config) -> RawTables:
        """The tables, one sheet each (a table without a sheet is absent, see
        :func:`~salesmeasure.sources.read_tables`)."""
        return read_tables(
            config,
            lambda n: self.read_sheet(
                n, sheet=self._sheet(n, config), skip_rows=config.table(n).format.skip_rows
            ),
            self.label,
        )

    def fingerprint(self, config: Config) -> str:
        """From the workbook's bytes and the sheet each table comes from (no parsing)."""

        def one(name: str) -> RawTable:
            sheet = self._find_sheet(name, self._sheet(name, config))
            digest = self._sheet_digest(sheet)
            return RawTable(name=name, frame=pd.DataFrame(), origin=sheet, fingerprint=digest)

        return read_tables(config, one, self.label).fingerprint

    def _sheet_digest(self, sheet_name: str) -> str:
        return hashlib.sha256(f"{self._digest()}\x00{sheet_name}".encode()).hexdigest()

    def _digest(self) -> str:
        """SHA-256 of the workbook's bytes (computed once)."""
        if self._bytes_digest is None:
            h = hashlib.sha256(self.path.name.encode())
            with open(self.path, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
            self._bytes_digest = h.hexdigest()
        return self._bytes_digest


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _cell_index(ref: str) -> tuple[int, int]:
    """``"D5"`` -> (4, 3): 0-based row and column."""
    letters = "".join(ch for ch in ref if ch.isalpha())
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return int(ref[len(letters) :]) - 1, col - 1


def unsaved_formulas(path: Path, sheet_name: str) -> dict[tuple[int, int], tuple[str, str]]:
    """The formula cells of a sheet of an ``.xlsx``/``.xlsm`` that have no saved value:
    (row, column) 0-based -> (cell reference, formula). Empty for other formats, for a
    workbook that cannot be read this way, or when every formula has its value."""
    import posixpath
    import xml.etree.ElementTree as ET
    import zipfile

    if Path(path).suffix.lower() not in {".xlsx", ".xlsm"}:
        return {}
    try:
        with zipfile.ZipFile(path) as z:
            book = ET.fromstring(z.read("xl/workbook.xml"))
            rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
            rid = next(
                (s.get(_REL) for s in book.iter(f"{_NS}sheet") if s.get("name") == sheet_name),
                None,
            )
            target = next((r.get("Target") for r in rels if r.get("Id") == rid), None)
            if target is None:
                return {}
            member = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            data = z.read(posixpath.normpath(member))
    except (KeyError, OSError, zipfile.BadZipFile, ET.ParseError):
        return {}
    if b"<f" not in data and b":f" not in data:
        return {}
    out = {}
    for c in ET.fromstring(data).iter(f"{_NS}c"):
        f = c.find(f"{_NS}f")
        if f is None:
            continue
        v = c.find(f"{_NS}v")
        saved = v is not None and (bool(v.text) or c.get("t") == "str")
        if not saved and c.get("r"):
            out[_cell_index(c.get("r"))] = (c.get("r"), f.text or "")
    return out
