"""Typing raw values (text or typed) into the data model's kinds, with the quarantine.

Text numbers are read with the configured decimal mark and thousands separator, text
dates with the configured ``strptime`` format (ISO 8601 by default). A value that does
not coerce is a bad row (quarantined), unless its column *as a whole* is written in a
format the reader was not told about: then :func:`format_problem` says which setting
would read it and the load stops (:class:`~salesmeasure.errors.DataError`).
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd

from salesmeasure.config import TextFormat
from salesmeasure.data.schemas import COLUMNS, REJECTED_COLUMNS


class Quarantine:
    """Collects the bad rows of one table with their reasons.

    ``row`` numbers are ``row_base + position``: 1 = the first record after a CSV
    header, the sheet row for a spreadsheet.
    """

    def __init__(self, table: str, origin: str, raw: pd.DataFrame, row_base: int = 1):
        self.table = table
        self.file = str(origin)
        self.raw = raw
        self.row_base = row_base
        self.parts: list[pd.DataFrame] = []
        self._bad = np.zeros(len(raw), dtype=bool)

    def add(self, mask, column: str, reason: str, values=None) -> None:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        idx = np.flatnonzero(mask)
        vals = (self.raw[column] if values is None else pd.Series(values)).iloc[idx]
        self.parts.append(
            pd.DataFrame(
                {
                    "table": self.table,
                    "file": self.file,
                    "pos": idx,
                    "column": column,
                    "value": vals.astype(object).map(display).to_numpy(),
                    "reason": reason,
                }
            )
        )
        self._bad[idx] = True

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(columns=REJECTED_COLUMNS)
        df = pd.concat(self.parts, ignore_index=True)
        # one line per bad row: the first reason found (its other problems follow it)
        df = df.drop_duplicates(subset=["pos"], keep="first").sort_values("pos", kind="stable")
        recs = self.raw.iloc[df["pos"].to_numpy()]
        df["record"] = [
            json.dumps({str(k): display(v) for k, v in r.items()}, ensure_ascii=False)
            for r in recs.to_dict(orient="records")
        ]
        df["row"] = df["pos"] + self.row_base
        return df[REJECTED_COLUMNS]

    def bad_rows(self) -> np.ndarray:
        return self._bad.copy()

    def reasons(self) -> dict[str, int]:
        """Bad rows counted by their first reason."""
        f = self.frame()
        return f["reason"].value_counts().to_dict() if len(f) else {}


def display(v) -> str:
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return str(v)


def is_blank(s: pd.Series) -> np.ndarray:
    if s.dtype == object or pd.api.types.is_string_dtype(s):
        return (s.isna() | (s.astype("str").str.strip() == "")).to_numpy()
    return s.isna().to_numpy()


def is_text(s: pd.Series) -> bool:
    return s.dtype == object or pd.api.types.is_string_dtype(s)


def _plain(s: pd.Series) -> pd.Series:
    """Arrow-backed and nullable extension columns as plain numpy/object columns."""
    if isinstance(s.dtype, pd.ArrowDtype) or pd.api.types.is_extension_array_dtype(s.dtype):
        if pd.api.types.is_datetime64_any_dtype(s):
            return pd.Series(pd.to_datetime(s), index=s.index)
        if pd.api.types.is_bool_dtype(s):
            return s.astype(object)
        if pd.api.types.is_numeric_dtype(s):
            return s.astype("float64")
        if pd.api.types.is_string_dtype(s):
            return s.astype(object).where(s.notna(), None)
        return s.astype(object)
    return s


def parse_numbers(text: pd.Series, fmt: TextFormat) -> pd.Series:
    """Text -> float64 (NaN where it does not parse) with ``fmt``'s decimal and thousands."""
    s = text.astype("str").str.strip()
    if fmt.thousands is not None:
        t = fmt.thousands
        if t.strip() == "":
            s = s.str.replace("\u00a0", " ").str.replace("\u202f", " ")
            t = " "
        # a separator must group digits by three ("1,234.50"), or "240,00" would read 24000
        grouped = rf"[+-]?\d{{1,3}}(?:{re.escape(t)}\d{{3}})+(?:{re.escape(fmt.decimal)}\d*)?"
        has = s.str.contains(t, regex=False)
        ok = s.str.fullmatch(grouped)
        s = s.where(~has | ok, "x").str.replace(t, "", regex=False)
    if fmt.decimal == ",":
        s = s.str.replace(",", ".", regex=False)
    return pd.to_numeric(s, errors="coerce").astype("float64")


def parse_dates(text: pd.Series, date_format: str | None) -> pd.Series:
    """Text -> datetime64[ns] at midnight (NaT where it does not parse)."""
    s = text.astype("str").str.strip()
    if date_format:
        d = pd.to_datetime(s, format=date_format, errors="coerce")
    else:
        d = pd.to_datetime(s, format="ISO8601", errors="coerce")
    return d.dt.normalize().astype("datetime64[ns]")


def _typed_cells(s: pd.Series) -> np.ndarray:
    """Cells of an object column that are not text (numbers, dates from a workbook)."""
    if s.dtype != object or pd.api.types.infer_dtype(s, skipna=True) in {"string", "empty"}:
        return np.zeros(len(s), dtype=bool)
    return s.map(lambda v: v is not None and not isinstance(v, str) and pd.notna(v)).to_numpy(
        dtype=bool
    )


def to_dates(s: pd.Series, blank, fmt: TextFormat) -> pd.Series:
    """Any column -> datetime64[ns]; text through :func:`parse_dates`."""
    s = _plain(s)
    if pd.api.types.is_datetime64_any_dtype(s):
        d = s.dt.tz_localize(None) if getattr(s.dt, "tz", None) is not None else s
        return d.dt.normalize().astype("datetime64[ns]")
    if is_text(s):
        typed = _typed_cells(s)
        d = parse_dates(s.where(~blank & ~typed, None), fmt.date_format)
        if typed.any():  # date cells among text cells (a workbook): taken as they are
            d[typed] = pd.to_datetime(s[typed].astype(object), errors="coerce").dt.normalize()
        return d
    # date objects (Excel/database) or anything else: one generic conversion
    return pd.to_datetime(s, errors="coerce").dt.normalize().astype("datetime64[ns]")


def to_numbers(s: pd.Series, blank, fmt: TextFormat) -> pd.Series:
    s = _plain(s)
    if is_text(s):
        typed = _typed_cells(s)
        num = parse_numbers(s.where(~blank & ~typed, ""), fmt).where(~blank)
        if typed.any():  # number cells among text cells: never re-read as text
            num[typed] = pd.to_numeric(s[typed], errors="coerce").astype("float64")
    else:
        num = pd.to_numeric(s, errors="coerce").astype("float64")
    return num.where(np.isfinite(num))  # inf is not a number either


def to_text(s: pd.Series, blank) -> pd.Series:
    s = _plain(s)
    if pd.api.types.is_numeric_dtype(s) or not is_text(s):  # e.g. integer ids in Parquet
        v = s.astype(object).map(display)
    else:
        v = s.astype("str").str.strip()
    return v.astype("str").where(~blank)


def type_table(name: str, raw: pd.DataFrame, q: Quarantine, fmt: TextFormat) -> pd.DataFrame:
    """Coerce each column to its kind; quarantine values that do not coerce."""
    out = {}
    for col, kind in COLUMNS[name].items():
        s = raw[col]
        blank = is_blank(s)
        optional = kind.endswith("?")
        base = kind.rstrip("?")
        if base in {"id", "str", "text"}:
            out[col] = to_text(s, blank)
            if not optional and base != "text":
                q.add(blank, col, "missing value")
        elif base == "date":
            d = to_dates(s, blank, fmt)
            q.add(d.isna().to_numpy() & ~blank, col, "unparseable date")
            out[col] = d
            if not optional:
                q.add(blank, col, "missing value")
        else:  # numbers
            num = to_numbers(s, blank, fmt)
            q.add(num.isna().to_numpy() & ~blank, col, "not a number")
            out[col] = num
            if not optional:
                q.add(blank, col, "missing value")
    return pd.DataFrame(out)
