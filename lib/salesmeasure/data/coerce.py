"""Typing raw values (text or typed) into the data model's kinds, with the quarantine.

Text numbers are read with the configured decimal mark and thousands separator, text
dates with the configured ``strptime`` format (ISO 8601 by default). A value that does
not coerce is a bad row (quarantined), unless its column *as a whole* is written in a
format the reader was not told about: then :func:`format_problem` says which setting
would read it and the load stops (:class:`~salesmeasure.errors.DataError`).

Also read as people write them:

* **Missing markers.** In a number or date column, ``N/A``, ``n/a``, ``NA``, ``-``,
  ``--``, ``null``, ``none``, ``#N/A`` (any case) and blanks are a missing value
  (:data:`MISSING_TOKENS`): an unanswered survey score stays missing, the response
  stays. Text columns keep them (``NA`` may be a region).
* **Currency signs.** A leading or trailing currency symbol or ISO code (``$1,234.50``,
  ``¥1,234``, ``1.234,50 €``, ``EUR 12``, ``12元``) is removed before the number is read
  (:func:`strip_currency`); a column that mixes currencies keeps its main one and
  quarantines the rest ("amount in another currency").
* **Time zones.** A date-time with an offset or zone (``2026-03-01T10:00:00+08:00``,
  ``2026-03-01 10:00 UTC``, ``...Z``, ``... CET``) is the calendar date *as written*,
  that is the local date at the stated offset (``2026-03-01T23:30:00-05:00`` is 1 March,
  although it is 2 March in UTC): reports count days where the sale happened. Under a
  ``date_format`` without ``%z``, a trailing offset, ``Z``, UTC or GMT is dropped the
  same way; a time of day that is not one (``25:00``) leaves the date unparseable.
* **Formula cells without a saved value** (a workbook written by a program, never
  opened in Excel): the reader marks them with :class:`FormulaCell`, and the row is
  quarantined with the reason "formula without a saved value (open and save the file
  in Excel)", the value naming the sheet cell and formula.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd

from salesmeasure.config import TextFormat
from salesmeasure.data.schemas import COLUMNS, REJECTED_COLUMNS

#: Markers for "no value" in number and date columns (compared lower-case, stripped).
MISSING_TOKENS = frozenset({"n/a", "na", "#n/a", "-", "--", "null", "none", "nan", "n.a.", "—"})

FORMULA_REASON = "formula without a saved value (open and save the file in Excel)"


class FormulaCell:
    """A workbook cell holding a formula whose value was never saved (see module doc)."""

    __slots__ = ("cell", "formula", "sheet")

    def __init__(self, sheet: str, cell: str, formula: str = ""):
        self.sheet, self.cell, self.formula = sheet, cell, formula

    def __str__(self) -> str:
        f = f" ={self.formula}" if self.formula else ""
        return f"sheet {self.sheet}, cell {self.cell}{f}"

    __repr__ = __str__


def formula_cells(s: pd.Series) -> np.ndarray:
    """Where ``s`` holds :class:`FormulaCell` markers."""
    if s.dtype != object or pd.api.types.infer_dtype(s, skipna=True) in {"string", "empty"}:
        return np.zeros(len(s), dtype=bool)
    return s.map(lambda v: isinstance(v, FormulaCell)).to_numpy(dtype=bool)


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


def is_missing(s: pd.Series) -> np.ndarray:
    """Blank, or a missing marker of :data:`MISSING_TOKENS` (for number and date columns)."""
    blank = is_blank(s)
    if not (s.dtype == object or pd.api.types.is_string_dtype(s)):
        return blank
    if s.dtype == object and pd.api.types.infer_dtype(s, skipna=True) not in {"string", "empty"}:
        s = s.map(lambda v: v if isinstance(v, str) else "")  # a workbook's numbers and text
    text = s.str.strip().str.lower()
    return blank | text.isin(MISSING_TOKENS).to_numpy(dtype=bool)


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


#: Currency symbols and the code each one stands for in messages.
CURRENCY_SYMBOLS = {
    "US$": "USD", "$": "USD", "€": "EUR", "£": "GBP", "¥": "CNY/JPY", "￥": "CNY/JPY",
    "元": "CNY", "RMB": "CNY", "₹": "INR", "₩": "KRW", "₽": "RUB", "Fr.": "CHF", "kr": "SEK/NOK/DKK",
    "zł": "PLN", "R$": "BRL", "HK$": "HKD", "S$": "SGD", "A$": "AUD", "C$": "CAD", "NT$": "TWD",
}  # fmt: skip
#: ISO 4217 codes recognised before or after an amount.
CURRENCY_CODES = frozenset(
    "USD EUR GBP CNY JPY CHF SEK NOK DKK PLN CZK HUF INR KRW RUB BRL MXN CAD AUD NZD HKD SGD "
    "TWD THB MYR IDR PHP VND ZAR TRY AED SAR ILS".split()
)
_CUR = "|".join(
    sorted((re.escape(c) for c in [*CURRENCY_SYMBOLS, *CURRENCY_CODES]), key=len, reverse=True)
)
_CURRENCY_RE = re.compile(
    rf"^\s*(?P<sign1>[+-]?)\s*(?P<pre>{_CUR})?\s*(?P<num>[+-]?[\d.,' \u00a0\u202f]*\d[.,]?)"
    rf"\s*(?P<post>{_CUR})?\s*$"
)


def strip_currency(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``text`` without a leading/trailing currency sign or ISO code, and the currency
    each value named (None where none): ``"$1,234.50"`` -> ``("1,234.50", "USD")``."""
    s = text.astype("str").str.strip()
    cur = pd.Series([None] * len(s), index=s.index, dtype=object)
    if not len(s):
        return s, cur
    maybe = ~s.str.fullmatch(r"[+-]?[\d.,]*")
    if not maybe.any():
        return s, cur
    ext = s[maybe].str.extract(_CURRENCY_RE)
    sign = ext["pre"].notna() ^ ext["post"].notna()  # a sign or code on one side only
    ext = ext[sign]
    if ext.empty:
        return s, cur
    num = ext["num"].str.strip()
    neg = (ext["sign1"] == "-") & ~num.str.startswith(("-", "+"))
    num = num.where(~neg, "-" + num)
    code = ext["pre"].fillna(ext["post"])
    out = s.copy()
    out[ext.index] = num
    cur[ext.index] = code.map(lambda c: CURRENCY_SYMBOLS.get(c, c))
    return out, cur


def parse_numbers(text: pd.Series, fmt: TextFormat) -> pd.Series:
    """Text -> float64 (NaN where it does not parse) with ``fmt``'s decimal and thousands
    (a currency sign or code around the number is ignored: :func:`strip_currency`)."""
    s, _ = strip_currency(text)
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


#: A time zone written after a date-time: an offset, Z, or UTC/GMT (with an offset).
_ZONE_RE = re.compile(
    r"(?:Z|\s*(?:UTC|GMT)(?:\s*[+-]\d{1,2}(?::?\d{2})?)?|\s*[+-]\d{2}:?\d{2})$", re.IGNORECASE
)
#: A date followed by a time of day (only such values can carry a zone).
_TIME_RE = r"\d[T ]\d{1,2}:\d{2}"


_HOURS = [f"{h:02d}" for h in range(24)]
_MINUTES = [f"{m:02d}" for m in range(60)]


def _iso_wall_dates(s: pd.Series) -> pd.Series:
    """ISO date-times (``2026-03-01T10:00:00+08:00``, ``2026-03-01 10:00 UTC``) as the
    date written before the time: the local date at the stated zone, whatever the zone.
    Only the time's ``HH:MM`` is checked (a value with no time of day there stays as it
    is, to be read or rejected as a date). Slicing, not regular expressions: this runs
    on every date of every table."""
    timed = s.str.slice(10, 11).isin(["T", " "]).to_numpy(dtype=bool)
    if not timed.any():
        return s
    part = s[timed]
    ok = (
        part.str.slice(11, 13).isin(_HOURS)
        & (part.str.slice(13, 14) == ":")
        & part.str.slice(14, 16).isin(_MINUTES)
    )
    out = s.copy()
    out[timed] = part.str.slice(0, 10).where(ok.to_numpy(dtype=bool), part)
    return out


def parse_dates(text: pd.Series, date_format: str | None) -> pd.Series:
    """Text -> datetime64[ns] at midnight (NaT where it does not parse); a date-time with a
    time zone gives its date at that zone (the module docstring)."""
    s = text.astype("str").str.strip()
    with_zone = bool(date_format) and ("%z" in date_format or "%Z" in date_format)
    if not date_format:
        s = _iso_wall_dates(s)
    try:
        d = pd.to_datetime(s, format=date_format or "ISO8601", errors="coerce")
    except (ValueError, TypeError):  # mixed offsets under a %z format: one value at a time
        d = pd.Series([_one_date(v, date_format) for v in s], index=s.index)
        d = pd.to_datetime(d, errors="coerce")
    if getattr(d.dt, "tz", None) is not None:
        d = d.dt.tz_localize(None)
    if d.dtype == object:
        d = pd.to_datetime(
            d.map(lambda v: v.replace(tzinfo=None) if hasattr(v, "tzinfo") else v),
            errors="coerce",
        )
    d = d.dt.normalize().astype("datetime64[ns]")
    if date_format and not with_zone:  # "01/03/2026 10:00 UTC" under "%d/%m/%Y %H:%M"
        retry = d.isna().to_numpy() & s.str.contains(_TIME_RE, regex=True).to_numpy(dtype=bool)
        if retry.any():
            bare = s[retry].map(lambda v: _ZONE_RE.sub("", v).strip())
            again = pd.to_datetime(bare, format=date_format, errors="coerce")
            d[retry] = again.dt.normalize().astype("datetime64[ns]")
    return d


def _one_date(v: str, date_format: str | None):
    import datetime as dt

    try:
        if date_format:
            return pd.Timestamp(dt.datetime.strptime(v, date_format).replace(tzinfo=None))
        return pd.Timestamp(v).tz_localize(None) if pd.Timestamp(v).tz else pd.Timestamp(v)
    except (ValueError, TypeError):
        return pd.NaT


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


def other_currency(text: pd.Series) -> tuple[np.ndarray, str | None]:
    """Where a number column names a currency other than its main one, and the main one."""
    if not pd.api.types.is_string_dtype(text):  # cells of a workbook: only the text ones
        text = text.where(text.map(lambda v: isinstance(v, str)), "")
    _, cur = strip_currency(text)
    seen = cur.dropna()
    for label in [c for c in seen.unique() if "/" in c]:  # "¥" is CNY or JPY: as the others say
        parts = [p for p in label.split("/") if (seen == p).any()]
        if len(parts) == 1:
            cur, seen = cur.replace(label, parts[0]), seen.replace(label, parts[0])
    if seen.nunique() <= 1:
        return np.zeros(len(text), dtype=bool), (seen.iloc[0] if len(seen) else None)
    main = seen.value_counts().index[0]
    return (cur.notna() & (cur != main)).to_numpy(dtype=bool), main


def type_table(
    name: str,
    raw: pd.DataFrame,
    q: Quarantine,
    fmt: TextFormat,
    column_formats: dict[str, TextFormat] | None = None,
) -> pd.DataFrame:
    """Coerce each column to its kind; quarantine values that do not coerce.
    ``column_formats``: another format for some number columns (a column whose dots group
    thousands, :func:`salesmeasure.data.detect.dot_thousands_formats`)."""
    out = {}
    column_formats = column_formats or {}
    for col, kind in COLUMNS[name].items():
        s = raw[col]
        optional = kind.endswith("?")
        base = kind.rstrip("?")
        formulas = formula_cells(s)
        if formulas.any():  # first, so it is the reason the row is reported with
            q.add(formulas, col, FORMULA_REASON)
            s = s.where(~formulas, None)
        blank = is_missing(s) if base in {"num", "date"} else is_blank(s)
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
            num = to_numbers(s, blank, column_formats.get(col, fmt))
            if is_text(s):
                other, main = other_currency(s.where(~blank, ""))
                q.add(other, col, f"amount in another currency (the column is in {main})")
            q.add(num.isna().to_numpy() & ~blank, col, "not a number")
            out[col] = num
            if not optional:
                q.add(blank, col, "missing value")
    return pd.DataFrame(out)
