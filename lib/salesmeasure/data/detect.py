"""Recognising how a source writes numbers and dates, and which setting would read it.

:func:`format_problem` runs on every table during the load: a number or date column is
a *format problem* (the load stops) rather than a few bad rows when most of its values
fail to parse, or when at least 3 failing values (and 0.1% of the column) are read by a
single other setting (``thousands = ","`` reads the ``1,234.00`` that the default leaves
unread, even when only the 15% of orders above 1,000 are written so). The message names
the column, shows a few values and the ``salesmeasure.toml`` line that reads them.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from salesmeasure.config import TableConfig, TextFormat
from salesmeasure.data.coerce import is_blank, is_text, parse_dates, parse_numbers
from salesmeasure.data.schemas import COLUMNS
from salesmeasure.errors import DataError

#: (decimal, thousands) pairs tried on numbers a setting did not read.
NUMBER_FORMATS = [(".", None), (".", ","), (",", None), (",", "."), (",", " "), (".", " "),
                  (".", "'"), (",", "'")]  # fmt: skip
#: Date formats tried on dates a setting did not read (day-first before month-first).
DATE_FORMATS = [
    None, "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%m-%d-%Y", "%Y/%m/%d", "%Y.%m.%d",
    "%d/%m/%y", "%m/%d/%y", "%d.%m.%y", "%Y%m%d", "%d %b %Y", "%d-%b-%Y", "%b %d, %Y",
    "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%d.%m.%Y %H:%M",
]  # fmt: skip
MIN_FAILED = 3
MIN_SHARE = 0.001
SAMPLE = 5000


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t") + '"'


def number_setting(values: pd.Series, fmt: TextFormat) -> tuple[dict, float]:
    """The (decimal, thousands) setting reading most of ``values`` (text, non-blank), as
    the keys that differ from ``fmt``, and the share it reads."""
    best, best_share = {}, -1.0
    for dec, th in NUMBER_FORMATS:
        cand = replace(fmt, decimal=dec, thousands=th)
        share = float(parse_numbers(values, cand).notna().mean())
        if share > best_share + 1e-12:
            best_share = share
            best = {k: v for k, v in (("decimal", dec), ("thousands", th))
                    if getattr(fmt, k) != v}  # fmt: skip
    return best, best_share


def date_setting(values: pd.Series, fmt: TextFormat) -> tuple[str | None, float, bool]:
    """The date format reading most of ``values``, the share it reads, and whether the
    day-first and month-first readings are both complete (all days <= 12: ambiguous)."""
    shares = {f: float(parse_dates(values, f).notna().mean()) for f in DATE_FORMATS}
    best = max(DATE_FORMATS, key=lambda f: (shares[f], -DATE_FORMATS.index(f)))
    twin = {"%d/%m/%Y": "%m/%d/%Y", "%d-%m-%Y": "%m-%d-%Y", "%d/%m/%y": "%m/%d/%y"}.get(best)
    ambiguous = twin is not None and shares[twin] == shares[best]
    return best, shares[best], ambiguous


def _examples(values: pd.Series, n: int = 3) -> str:
    return ", ".join(repr(v) for v in pd.unique(values.to_numpy())[:n])


def format_problem(
    name: str,
    raw: pd.DataFrame,
    typed: pd.DataFrame,
    tc: TableConfig,
    origin: str,
    text: bool = True,
) -> DataError | None:
    """A :class:`DataError` when a number or date column of ``name`` is written in a
    format ``tc`` does not read (see the module docstring), else None."""
    fmt = tc.format
    for col, kind in COLUMNS[name].items():
        base = kind.rstrip("?")
        if base not in {"num", "date"} or col in tc.constants or not is_text(raw[col]):
            continue
        blank = is_blank(raw[col])
        failed = typed[col].isna().to_numpy() & ~blank
        nf, nn = int(failed.sum()), int((~blank).sum())
        if nf == 0:
            continue
        bad = raw[col][failed].astype("str").str.strip()
        sample = bad.iloc[:SAMPLE]
        if base == "num":
            setting, share = number_setting(sample, fmt)
            lines = [f"{k} = {_toml_value(v if v is not None else '')}" for k, v in setting.items()]
        else:
            f, share, ambiguous = date_setting(sample, fmt)
            setting = {} if f == fmt.date_format else {"date_format": f or "ISO8601"}
            lines = [f"date_format = {_toml_value(v)}" for v in setting.values()]
            if ambiguous:
                lines[-1] += (
                    "   # day first; no day above 12 was seen, so check it is not month first"
                )
        most = nf > 0.5 * nn
        readable = bool(setting) and share >= 0.8 and nf >= max(MIN_FAILED, MIN_SHARE * nn)
        if not (most or readable):
            continue
        src = tc.source_name(col)
        what = "numbers" if base == "num" else "dates"
        head = (
            f"{origin}: column '{src}' ({name}.{col}) has {nf:,} of {nn:,} values that are not "
            f"{what} as the reader was told to read them, e.g. {_examples(bad)}"
        )
        if setting and share >= 0.8:
            fix = (
                f"; this is a format, not bad rows: add under [tables.{name}] in salesmeasure.toml "
                f"(or under [format] for every table):\n    " + "\n    ".join(lines)
            )
        else:
            fix = (
                "; so many unreadable values mean a format or mapping problem, not bad rows: "
                "check that the column holds "
                + what
                + (
                    f" (the date format set is {fmt.date_format!r})"
                    if base == "date" and fmt.date_format
                    else ""
                )  # fmt: skip
            )
        return DataError(head + fix, file=origin, column=col)
    return None
