"""Reporting periods: months, fiscal quarters, fiscal halves and fiscal years.

``Period.parse("2026Q3")`` gives a period with inclusive ``start`` and ``end`` days, the
previous period and the same period a year earlier. Quarters, halves and years are
*fiscal*: with ``fiscal_start_month=4`` the fiscal year FY2026 runs from 1 April 2025 to
31 March 2026 (the fiscal year is named after the calendar year in which it ends, the
most common convention; with the default January start it is the calendar year).
Months (``2026-07``) are calendar months whatever the fiscal start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

_PATTERNS = [
    (re.compile(r"^(?P<year>\d{4})-?Q(?P<n>[1-4])$", re.I), "Q"),
    (re.compile(r"^(?P<year>\d{4})-?H(?P<n>[12])$", re.I), "H"),
    (re.compile(r"^FY-?(?P<year>\d{4})$", re.I), "FY"),
    (re.compile(r"^(?P<year>\d{4})-(?P<n>\d{1,2})$"), "M"),
]
_MONTHS = {"M": 1, "Q": 3, "H": 6, "FY": 12}
_PER_YEAR = {"M": 12, "Q": 4, "H": 2, "FY": 1}


from salesmeasure.errors import PeriodError  # noqa: E402  (defined with every other error)


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period.

    Parameters
    ----------
    kind : {"M", "Q", "H", "FY"}
        Month, fiscal quarter, fiscal half or fiscal year.
    year : int
        Calendar year for months; fiscal year (the year in which it ends) otherwise.
    index : int
        Month number (1-12), quarter (1-4), half (1-2) or 1 for a year.
    fiscal_start_month : int
        First month of the fiscal year (1 = January).
    """

    kind: str
    year: int
    index: int
    fiscal_start_month: int = 1

    def __post_init__(self) -> None:
        if self.kind not in _MONTHS:
            raise PeriodError(f"unknown period kind {self.kind!r}; use M, Q, H or FY")
        if not 1 <= self.fiscal_start_month <= 12:
            raise PeriodError(f"fiscal_start_month must be 1-12, got {self.fiscal_start_month!r}")
        if not 1 <= self.index <= _PER_YEAR[self.kind]:
            raise PeriodError(f"{self.kind} index out of range: {self.index}")

    # ----------------------------------------------------------------- parsing
    @classmethod
    def parse(cls, text: str | Period, *, fiscal_start_month: int = 1) -> Period:
        """Parse ``2026Q3``, ``2026-07``, ``2026H2`` or ``FY2026``.

        Raises
        ------
        PeriodError
            With the accepted forms, when ``text`` matches none of them.
        """
        if isinstance(text, Period):
            return text
        if not isinstance(text, str):
            raise PeriodError(
                f"period must be a string such as '2026Q3', got {type(text).__name__} {text!r}"
            )
        s = text.strip()
        for pattern, kind in _PATTERNS:
            m = pattern.match(s)
            if m:
                year = int(m.group("year"))
                n = int(m.groupdict().get("n") or 1)
                if kind == "M" and not 1 <= n <= 12:
                    raise PeriodError(
                        f"cannot read period {text!r}: month must be 01-12 (e.g. '2026-07'); "
                        f"quarters are written '2026Q3'"
                    )
                return cls(kind, year, n, fiscal_start_month)
        raise PeriodError(
            f"cannot read period {text!r}: use a quarter '2026Q3', a month '2026-07', "
            f"a half '2026H2' or a fiscal year 'FY2026'"
        )

    @classmethod
    def from_timestamp(cls, ts, kind: str = "Q", *, fiscal_start_month: int = 1) -> Period:
        """The period of ``kind`` that contains the date ``ts``."""
        ts = pd.Timestamp(ts)
        if kind == "M":
            return cls("M", ts.year, ts.month, fiscal_start_month)
        # months since the start of the fiscal year that contains ts
        offset = (ts.month - fiscal_start_month) % 12
        fy_start_year = ts.year if ts.month >= fiscal_start_month else ts.year - 1
        fy = fy_start_year + (1 if fiscal_start_month != 1 else 0)
        return cls(kind, fy, offset // _MONTHS[kind] + 1, fiscal_start_month)

    # ------------------------------------------------------------------ dates
    @property
    def label(self) -> str:
        if self.kind == "M":
            return f"{self.year:04d}-{self.index:02d}"
        if self.kind == "FY":
            return f"FY{self.year:04d}"
        return f"{self.year:04d}{self.kind}{self.index}"

    def __str__(self) -> str:
        return self.label

    @property
    def start(self) -> pd.Timestamp:
        if self.kind == "M":
            return pd.Timestamp(self.year, self.index, 1)
        fy_start_year = self.year - (1 if self.fiscal_start_month != 1 else 0)
        first = pd.Timestamp(fy_start_year, self.fiscal_start_month, 1)
        return first + pd.DateOffset(months=(self.index - 1) * _MONTHS[self.kind])

    @property
    def end(self) -> pd.Timestamp:
        """Last day of the period (inclusive, at midnight)."""
        return self.start + pd.DateOffset(months=_MONTHS[self.kind]) - pd.Timedelta(days=1)

    @property
    def days(self) -> int:
        return int((self.end - self.start).days) + 1

    def contains(self, ts):
        """Whether a date (or each date of a Series) falls within the period."""
        if isinstance(ts, pd.Series | pd.Index):
            return (ts >= self.start) & (ts <= self.end)
        ts = pd.Timestamp(ts)
        return bool(self.start <= ts <= self.end)

    # ------------------------------------------------------------- arithmetic
    def shift(self, n: int) -> Period:
        """The period ``n`` steps later (earlier when negative)."""
        per_year = _PER_YEAR[self.kind]
        flat = self.year * per_year + (self.index - 1) + n
        return Period(self.kind, flat // per_year, flat % per_year + 1, self.fiscal_start_month)

    def previous(self) -> Period:
        return self.shift(-1)

    def next(self) -> Period:
        return self.shift(1)

    def same_period_last_year(self) -> Period:
        return Period(self.kind, self.year - 1, self.index, self.fiscal_start_month)

    def months(self) -> list[Period]:
        """The calendar months of the period, in order."""
        first = Period.from_timestamp(self.start, "M", fiscal_start_month=self.fiscal_start_month)
        return [first.shift(i) for i in range(_MONTHS[self.kind])]

    def elapsed_share(self, as_of) -> float:
        """Share of the period's days elapsed by the end of day ``as_of`` (0 to 1)."""
        as_of = pd.Timestamp(as_of).normalize()
        if as_of < self.start:
            return 0.0
        if as_of >= self.end:
            return 1.0
        return ((as_of - self.start).days + 1) / self.days

    def is_complete(self, as_of) -> bool:
        """Whether the data, which runs to ``as_of``, covers the whole period."""
        return pd.Timestamp(as_of).normalize() >= self.end


def latest_complete(as_of, kind: str = "Q", *, fiscal_start_month: int = 1) -> Period:
    """The last period of ``kind`` that ends on or before ``as_of``."""
    p = Period.from_timestamp(as_of, kind, fiscal_start_month=fiscal_start_month)
    return p if p.is_complete(as_of) else p.previous()
