"""Reading the six tables from an Excel workbook (``.xlsx``), one sheet per table.

The workbook is read by python-calamine (a Rust reader: a 40,000-row sheet in a fraction
of a second), which keeps what the cells hold: a column whose cells are all numbers
comes back as numbers, all dates as dates, and anything else as text, written as the
CSV reader would see it (``1001`` for a whole number, ``2026-07-01`` for a date), so the
data layer's coercion and quarantine treat a bad cell exactly like a bad CSV value.

Each table is the sheet of the same name unless ``salesmeasure.toml`` says
``sheet = "..."``. The first non-empty row is the header and trailing empty rows are
dropped; rows keep their place (``row_base`` is the Excel row of the first record), so
a rejected row is reported as the row number a person sees in Excel.
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
    """One column: numbers, dates or text, as the cells hold them ("" = empty)."""
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

    def read_sheet(self, name: str, *, sheet: str | None = None) -> RawTable:
        """Read table ``name`` from its sheet (see :mod:`salesmeasure.sources`)."""
        sheet_name = self._find_sheet(name, sheet)
        origin = f"{self.path.name}, sheet {sheet_name}"
        try:
            ws = self.book.get_sheet_by_name(sheet_name)
            rows = ws.to_python(skip_empty_area=True)
            start_row = ws.start[0] if ws.start else 0
        except Exception as exc:
            msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise DataError(f"{origin}: cannot read the sheet: {msg}", file=origin) from None

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
            config, lambda n: self.read_sheet(n, sheet=self._sheet(n, config)), self.label
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
