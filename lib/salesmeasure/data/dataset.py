"""The :class:`Dataset`: the six typed, validated tables, and slices of them."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from salesmeasure.data.schemas import DATE_COLUMN, TABLE_NAMES
from salesmeasure.i18n import N_, _
from salesmeasure.periods import Period

#: What each optional table would add to the reports, were it there (one sentence each;
#: :meth:`Dataset.notes`, and for the reports' own "absent" sentences).
WOULD_ADD = {
    "customers": N_("customers' names, segments and channels would appear"),
    "reps": N_("reps' names and targets per rep would appear"),
    "targets": N_("attainment against recorded targets would appear"),
    "surveys": N_("NPS, satisfaction and effort scores and their drivers would appear"),
    "complaints": N_("complaint rates and resolution times would appear"),
}
#: What a derived table or column was made from (:attr:`Dataset.derived` values).
DERIVED_FROM = {
    "from orders": N_(
        "derived from the orders: one customer per customer id, signed up on their first "
        "order; regions: {regions}"
    ),
    "from row": N_("derived from each order's row number (the orders have no order id)"),
    "from customers": N_("each order credited to its customer's rep (the orders name no rep)"),
    "one a line": N_("one unit an order line (the orders have no quantity)"),
    "one product line": N_("one product line for every order (the orders name no product)"),
}


# ------------------------------------------------------------------ the Dataset
@dataclass(frozen=True)
class Dataset:
    """The six typed, validated tables of a data source, or a slice of them.

    Attributes
    ----------
    customers, orders, reps, targets, surveys, complaints : DataFrame
        Clean rows only. ``orders``, ``surveys`` and ``complaints`` carry the customer's
        ``region`` as an extra column.
    rejected : DataFrame
        Quarantined rows: ``table, file, row, column, value, reason, record`` where
        ``row`` is the 1-based record number in the file (first record after the
        header = 1) and ``record`` the original row as JSON.
    source : str
        Where the data came from.
    fingerprint : str
        SHA-256 (first 16 hex digits) of the table files' names and bytes.
    as_of : Timestamp
        The last date in the data (orders, surveys, complaints).
    period, region : Period or None, str
        Set on a slice.
    absent : frozenset of str
        Tables with no source at all (no file, sheet or database table, or
        ``absent = true`` in ``salesmeasure.toml``). An absent table is an empty frame
        with every column of the data model; it means "no such data", unlike a present
        table with no rows ("none happened"). Only ``orders`` is never absent.
    derived : dict
        What was derived rather than read, e.g. ``{"customers": "from orders",
        "order_id": "from row"}`` (also ``"rep_id": "from customers"``, ``"quantity":
        "one a line"``, ``"product_line": "one product line"``). An absent ``customers``
        table holds the customers derived from the orders (``derived["customers"]``).
    warnings : tuple of str
        Things the loader changed and a person should know (e.g. region spellings
        that differed only in case, unified).
    """

    customers: pd.DataFrame
    orders: pd.DataFrame
    reps: pd.DataFrame
    targets: pd.DataFrame
    surveys: pd.DataFrame
    complaints: pd.DataFrame
    rejected: pd.DataFrame
    source: str = ""
    fingerprint: str = ""
    as_of: pd.Timestamp | None = None
    fiscal_start_month: int = 1
    period: Period | None = None
    region: str = "all"
    row_counts: dict = field(default_factory=dict)
    absent: frozenset = frozenset()
    derived: dict = field(default_factory=dict)
    warnings: tuple = ()

    def has(self, name: str) -> bool:
        """Whether table ``name`` has a source (False: absent, which is not "zero rows")."""
        if name not in TABLE_NAMES:
            raise KeyError(f"unknown table {name!r}; tables are {', '.join(TABLE_NAMES)}")
        return name not in self.absent

    # --------------------------------------------------------------- summaries
    def notes(self) -> list[str]:
        """One line per absent table (what it would add), per derived table or column
        (what from) and per loader warning, for ``salesmeasure validate``."""
        lines = []
        for name in TABLE_NAMES:
            if name in self.absent:
                lines.append(_("{table}: absent").format(table=name) + " — " + _(WOULD_ADD[name]))
        for name, how in self.derived.items():
            text = _(DERIVED_FROM.get(how, how))
            if "{regions}" in text:
                text = text.format(regions=", ".join(self.regions) or "-")
            lines.append(f"{name}: {text}")
        lines.extend(_("warning: {text}").format(text=w) for w in self.warnings)
        return lines

    @property
    def quality(self) -> pd.DataFrame:
        """Quarantined rows counted by table and reason (``table, reason, rows``)."""
        if self.rejected.empty:
            return pd.DataFrame({"table": [], "reason": [], "rows": []}).astype({"rows": "int64"})
        q = (
            self.rejected.groupby(["table", "reason"], sort=True)
            .size()
            .rename("rows")
            .reset_index()
        )
        return q

    @property
    def regions(self) -> list[str]:
        return sorted(self.customers["region"].dropna().unique().tolist())

    @property
    def is_clean(self) -> bool:
        return self.rejected.empty

    def table(self, name: str) -> pd.DataFrame:
        if name not in TABLE_NAMES:
            raise KeyError(f"unknown table {name!r}; tables are {', '.join(TABLE_NAMES)}")
        return getattr(self, name)

    def summary(self) -> pd.DataFrame:
        """Per table: rows read, rows loaded, rows quarantined."""
        rows = []
        rej = self.rejected.groupby("table").size() if not self.rejected.empty else {}
        for name in TABLE_NAMES:
            loaded = len(self.table(name))
            bad = int(rej.get(name, 0)) if len(rej) else 0
            rows.append(
                {
                    "table": name,
                    "rows_read": int(self.row_counts.get(name, loaded + bad)),
                    "rows_loaded": loaded,
                    "rows_quarantined": bad,
                }
            )
        return pd.DataFrame(rows)

    def write_rejected(self, path) -> Path:
        """Write the quarantined rows to a CSV file (atomically)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        self.rejected.to_csv(tmp, index=False)
        tmp.replace(path)
        return path

    # ------------------------------------------------------------------ slices
    def resolve_region(self, region: str) -> str:
        """The canonical spelling of ``region`` (``"all"`` for every region)."""
        if region is None or str(region).strip().lower() in {"all", "*", ""}:
            return "all"
        wanted = str(region).strip()
        by_lower = {r.lower(): r for r in self.regions}
        if wanted.lower() in by_lower:
            return by_lower[wanted.lower()]
        hint = difflib.get_close_matches(wanted, self.regions, n=1)
        extra = f" Did you mean {hint[0]!r}?" if hint else ""
        raise ValueError(
            f"unknown region {wanted!r}; the data has {', '.join(self.regions)} (or 'all').{extra}"
        )

    def slice(self, period: str | Period | None = None, region: str = "all") -> Dataset:
        """The tables for one region, up to the end of one period.

        Rows dated after the period end are left out; the history before the period is
        kept (forecasts, retention and CLV need it). Use :meth:`in_period` for the rows
        dated within the period. ``region="all"`` keeps every region.
        """
        region = self.resolve_region(region)
        p = (
            Period.parse(period, fiscal_start_month=self.fiscal_start_month)
            if period is not None
            else None
        )
        t = {name: self.table(name) for name in TABLE_NAMES}
        if region != "all":
            for name in ("customers", "orders", "surveys", "complaints", "reps", "targets"):
                t[name] = t[name][t[name]["region"] == region]
        if p is not None:
            for name, col in DATE_COLUMN.items():
                t[name] = rows_until(t[name], col, p.end)
            t["targets"] = t["targets"][
                t["targets"]["period"].map(lambda s: _period_start(s, self.fiscal_start_month))
                <= p.end
            ]
        return replace(self, period=p, region=region, **t)

    def until(self, cutoff) -> Dataset:
        """The dated tables without their rows dated after ``cutoff`` (views where the
        table is in date order, as a loaded data set's activity tables are)."""
        cutoff = pd.Timestamp(cutoff)
        cut = {name: rows_until(self.table(name), col, cutoff) for name, col in DATE_COLUMN.items()}
        return replace(self, **cut)

    def in_period(self, name: str, period: str | Period | None = None) -> pd.DataFrame:
        """Rows of table ``name`` dated within ``period`` (default: the slice's period)."""
        p = period if period is not None else self.period
        if p is None:
            raise ValueError("no period: slice the dataset first or pass period=")
        p = Period.parse(p, fiscal_start_month=self.fiscal_start_month)
        df = self.table(name)
        if name == "targets":
            return df[df["period"] == p.label]
        if name not in DATE_COLUMN:
            return df
        return rows_between(df, DATE_COLUMN[name], p.start, p.end)


def rows_until(df: pd.DataFrame, col: str, end) -> pd.DataFrame:
    """Rows of ``df`` with ``col <= end``.

    A table in date order (:func:`salesmeasure.data.load.load` keeps orders, surveys and
    complaints so) gives a slice of itself, which pandas' copy-on-write makes a view: at
    a million customers a copy of the orders is ~1 GB and a report compares several
    periods. Any other table is filtered (a copy, or a view when every row is kept). A
    new frame either way, so adding a column to it leaves ``df`` as it was.
    """
    return rows_between(df, col, None, end)


def rows_between(df: pd.DataFrame, col: str, start, end) -> pd.DataFrame:
    """Rows of ``df`` with ``start <= col <= end`` (``start=None``: no lower bound); a view
    of a table in date order (see :func:`rows_until`)."""
    s = df[col]
    if s.is_monotonic_increasing and not s.hasnans:
        lo = 0 if start is None else int(s.searchsorted(start, side="left"))
        hi = int(s.searchsorted(end, side="right"))
        return df.iloc[lo:hi]
    keep = s <= end
    if start is not None:
        keep &= s >= start
    return df.copy(deep=False) if bool(keep.all()) else df[keep]


def _period_start(label: str, fiscal_start_month: int) -> pd.Timestamp:
    try:
        return Period.parse(label, fiscal_start_month=fiscal_start_month).start
    except ValueError:
        return pd.Timestamp.max
