"""Loading and validating a data source.

``load(path)`` reads a directory holding the six tables of the data model as CSV or
Parquet (``orders.csv`` or ``orders.parquet``), types them (ids as strings, dates as
dates, numbers as numbers), checks them with pandera schemas and cross-table rules, and
returns a :class:`Dataset`.

Two kinds of problem are told apart:

* **The source cannot be used** (a missing table, a missing column, an empty or
  unreadable file): :class:`DataError`, naming the file and column, and for a misspelt
  column the closest name found.
* **A row is bad** (negative amount, score out of range, unknown customer, duplicate id,
  unparseable date, ...): the row is *quarantined*: kept out of the analysis tables and
  kept, with its file, record number, column, value, reason and the whole original
  record, in ``Dataset.rejected``; ``Dataset.quality`` counts them by reason.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from salesmeasure.periods import Period

TABLE_NAMES = ("customers", "reps", "orders", "targets", "surveys", "complaints")

#: Column -> kind for every table of the data model. Kinds: id (string, required),
#: str (string, required), text (string, may be empty), date (required), date? (may be
#: empty), num (number, required), num? (number, may be empty).
COLUMNS: dict[str, dict[str, str]] = {
    "customers": {
        "customer_id": "id",
        "name": "text",
        "region": "str",
        "segment": "str",
        "channel": "str",
        "signup_date": "date",
        "rep_id": "id",
    },
    "orders": {
        "order_id": "id",
        "customer_id": "id",
        "order_date": "date",
        "amount": "num",
        "quantity": "num",
        "product_line": "str",
        "rep_id": "id",
    },
    "reps": {"rep_id": "id", "name": "text", "region": "str", "hire_date": "date?"},
    "targets": {"period": "str", "region": "str", "rep_id": "id?", "target_amount": "num"},
    "surveys": {
        "response_id": "id",
        "customer_id": "id",
        "survey_date": "date",
        "nps": "num?",
        "csat": "num?",
        "ces": "num?",
        "q_product_quality": "num?",
        "q_service_level": "num?",
        "q_after_sales": "num?",
        "comment": "text",
    },
    "complaints": {
        "complaint_id": "id",
        "customer_id": "id",
        "opened_date": "date",
        "category": "str",
        "severity": "str",
        "resolved_date": "date?",
    },
}
ID_COLUMN = {
    "customers": "customer_id",
    "orders": "order_id",
    "reps": "rep_id",
    "surveys": "response_id",
    "complaints": "complaint_id",
}
DATE_COLUMN = {
    "orders": "order_date",
    "surveys": "survey_date",
    "complaints": "opened_date",
    "customers": "signup_date",
}
REJECTED_COLUMNS = ["table", "file", "row", "column", "value", "reason", "record"]


from salesmeasure.errors import DataError  # noqa: E402  (defined with every other error)


# ---------------------------------------------------------------- pandera schemas
# Range checks, run lazily on typed rows so every failure is collected at once. Each
# column's check maps to one quarantine reason (RANGE_REASON).
class OrdersSchema(pa.DataFrameModel):
    amount: float = pa.Field(ge=0, nullable=False)
    quantity: float = pa.Field(ge=1, nullable=False)

    class Config:
        strict = False


#: Valid (min, max) whole-number range of every survey score column: the one definition
#: (the schema below and :data:`salesmeasure.survey.scores.SCALES` both read it).
SURVEY_SCALES: dict[str, tuple[int, int]] = {
    "nps": (0, 10),
    "csat": (1, 5),
    "ces": (1, 7),
    "q_product_quality": (1, 5),
    "q_service_level": (1, 5),
    "q_after_sales": (1, 5),
}


def _levels(column: str) -> list[int]:
    lo, hi = SURVEY_SCALES[column]
    return list(range(lo, hi + 1))


class SurveysSchema(pa.DataFrameModel):
    nps: float = pa.Field(isin=_levels("nps"), nullable=True)
    csat: float = pa.Field(isin=_levels("csat"), nullable=True)
    ces: float = pa.Field(isin=_levels("ces"), nullable=True)
    q_product_quality: float = pa.Field(isin=_levels("q_product_quality"), nullable=True)
    q_service_level: float = pa.Field(isin=_levels("q_service_level"), nullable=True)
    q_after_sales: float = pa.Field(isin=_levels("q_after_sales"), nullable=True)

    class Config:
        strict = False


class TargetsSchema(pa.DataFrameModel):
    target_amount: float = pa.Field(ge=0, nullable=False)

    class Config:
        strict = False


SCHEMAS = {"orders": OrdersSchema, "surveys": SurveysSchema, "targets": TargetsSchema}
RANGE_REASON = {
    ("orders", "amount"): "negative amount",
    ("orders", "quantity"): "quantity below 1",
    ("targets", "target_amount"): "negative target",
}
RANGE_REASON_DEFAULT = {"surveys": "score out of range"}


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

    # --------------------------------------------------------------- summaries
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
                t[name] = t[name][t[name][col] <= p.end]
            t["targets"] = t["targets"][
                t["targets"]["period"].map(lambda s: _period_start(s, self.fiscal_start_month))
                <= p.end
            ]
        return replace(self, period=p, region=region, **t)

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
        col = DATE_COLUMN[name]
        return df[(df[col] >= p.start) & (df[col] <= p.end)]


def _period_start(label: str, fiscal_start_month: int) -> pd.Timestamp:
    try:
        return Period.parse(label, fiscal_start_month=fiscal_start_month).start
    except ValueError:
        return pd.Timestamp.max


# ---------------------------------------------------------------------- loading
def _find_file(root: Path, name: str) -> Path:
    found = [
        root / f"{name}.{ext}" for ext in ("parquet", "csv") if (root / f"{name}.{ext}").exists()
    ]
    if not found:
        present = sorted(p.name for p in root.iterdir() if p.is_file())
        raise DataError(
            f"{root}: table '{name}' is missing: expected {name}.csv or {name}.parquet "
            f"(found: {', '.join(present) or 'no files'})",
            file=str(root / f"{name}.csv"),
        )
    if len(found) > 1:
        raise DataError(
            f"{root}: both {name}.parquet and {name}.csv exist; keep one so it is clear "
            f"which one is the data",
            file=str(found[0]),
        )
    return found[0]


def _read_raw(path: Path, columns: dict[str, str]) -> pd.DataFrame:
    """Read a table file; CSV values come back as strings so bad ones can be reported."""
    if path.stat().st_size == 0:
        raise DataError(
            f"{path}: the file is empty (expected a header row and data)", file=str(path)
        )
    try:
        if path.suffix == ".parquet":
            df = pd.read_parquet(path)
        else:
            df = pd.read_csv(
                path, dtype=str, keep_default_na=False, na_values=[], encoding="utf-8-sig"
            )
    except DataError:
        raise
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})", file=str(path)
        ) from None
    except Exception as exc:  # pyarrow / pandas parser errors
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"{path}: cannot read the file: {msg}", file=str(path)) from None
    df.columns = [str(c).strip() for c in df.columns]
    missing = [c for c in columns if c not in df.columns]
    if missing:
        parts = []
        for c in missing:
            hint = difflib.get_close_matches(c, [x for x in df.columns if x not in columns], n=1)
            parts.append(f"'{c}'" + (f" (found '{hint[0]}': a typo?)" if hint else ""))
        raise DataError(
            f"{path}: missing column{'s' if len(missing) > 1 else ''} {', '.join(parts)}; "
            f"the file has {', '.join(map(repr, df.columns))}",
            file=str(path),
            column=missing[0],
        )
    return df.reset_index(drop=True)


class _Quarantine:
    """Collects bad rows of one table with their reasons."""

    def __init__(self, table: str, path: Path, raw: pd.DataFrame):
        self.table = table
        self.file = str(path)
        self.raw = raw
        self.parts: list[pd.DataFrame] = []

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
                    "row": idx + 1,
                    "column": column,
                    "value": vals.astype(object).map(_display).to_numpy(),
                    "reason": reason,
                }
            )
        )

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(columns=REJECTED_COLUMNS)
        df = pd.concat(self.parts, ignore_index=True)
        # one line per bad row: the first reason found (its other problems follow it)
        df = df.drop_duplicates(subset=["row"], keep="first").sort_values("row", kind="stable")
        recs = self.raw.iloc[df["row"].to_numpy() - 1]
        df["record"] = [
            json.dumps({k: _display(v) for k, v in r.items()}, ensure_ascii=False)
            for r in recs.to_dict(orient="records")
        ]
        return df[REJECTED_COLUMNS]

    def bad_rows(self) -> np.ndarray:
        if not self.parts:
            return np.zeros(len(self.raw), dtype=bool)
        bad = np.zeros(len(self.raw), dtype=bool)
        for p in self.parts:
            bad[p["row"].to_numpy() - 1] = True
        return bad


def _display(v) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
        return ""
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _is_blank(s: pd.Series) -> np.ndarray:
    if s.dtype == object or pd.api.types.is_string_dtype(s):
        return (s.isna() | (s.astype("str").str.strip() == "")).to_numpy()
    return s.isna().to_numpy()


def _type_table(name: str, raw: pd.DataFrame, q: _Quarantine) -> pd.DataFrame:
    """Coerce each column to its type; quarantine values that do not coerce."""
    out = {}
    for col, kind in COLUMNS[name].items():
        s = raw[col]
        blank = _is_blank(s)
        optional = kind.endswith("?")
        base = kind.rstrip("?")
        if base in {"id", "str", "text"}:
            if pd.api.types.is_numeric_dtype(s):  # e.g. integer ids in Parquet
                v = s.astype(object).map(_display)
            else:
                v = s.astype("str").str.strip()
            out[col] = v.astype("str").where(~blank)
            if not optional and base != "text":
                q.add(blank, col, "missing value")
        elif base == "date":
            if pd.api.types.is_datetime64_any_dtype(s):
                d = pd.to_datetime(s).dt.tz_localize(None) if getattr(s.dt, "tz", None) else s
                d = d.dt.normalize()
            else:
                text = s.astype("str").str.strip().where(~blank)
                d = pd.to_datetime(text, format="ISO8601", errors="coerce")
                d = d.dt.normalize()
                q.add(d.isna().to_numpy() & ~blank, col, "unparseable date")
            out[col] = d.astype("datetime64[ns]")
            if not optional:
                q.add(blank, col, "missing value")
        else:  # numbers
            num = pd.to_numeric(
                s.where(~blank, None)
                if s.dtype == object or pd.api.types.is_string_dtype(s)
                else s,
                errors="coerce",
            )
            num = num.astype("float64")
            q.add(num.isna().to_numpy() & ~blank, col, "not a number")
            out[col] = num
            if not optional:
                q.add(blank, col, "missing value")
    return pd.DataFrame(out)


def _range_checks(name: str, df: pd.DataFrame, q: _Quarantine) -> None:
    schema = SCHEMAS.get(name)
    if schema is None:
        return
    ok = ~q.bad_rows()
    sub = df[ok]
    try:
        schema.validate(sub, lazy=True)
    except SchemaErrors as err:
        fc = err.failure_cases
        fc = fc[fc["index"].notna()]
        for (col,), grp in fc.groupby(["column"]):
            reason = RANGE_REASON.get((name, col), RANGE_REASON_DEFAULT.get(name, "invalid value"))
            mask = np.zeros(len(df), dtype=bool)
            mask[grp["index"].astype(int).to_numpy()] = True
            q.add(mask, col, reason)


def _positions(values: pd.Series, keys: pd.Series) -> np.ndarray:
    """Position of each value in ``keys`` (-1 when absent), by hashing.

    Works on object arrays: pandas' ``isin``/``map`` on Arrow-backed strings fall back to
    a Python loop and are ~10x slower on millions of ids.
    """
    index = pd.Index(keys.to_numpy(dtype=object))
    return index.get_indexer(values.to_numpy(dtype=object))


def _fingerprint(files: list[Path]) -> str:
    h = hashlib.sha256()
    for f in sorted(files):
        h.update(f.name.encode())
        with open(f, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()[:16]


def fingerprint(path) -> str:
    """The data fingerprint of a source directory, without loading it."""
    root = Path(path)
    files = [
        p for n in TABLE_NAMES for p in root.glob(f"{n}.*") if p.suffix in {".csv", ".parquet"}
    ]
    return _fingerprint(files)


def _read_config(root: Path) -> dict:
    cfg = root / "salesmeasure.toml"
    if not cfg.exists():
        return {}
    try:
        return tomllib.loads(cfg.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{cfg}: not valid TOML: {exc}", file=str(cfg)) from None


def load(path, *, fiscal_start_month: int | None = None) -> Dataset:
    """Load, type and validate the six tables of a data source directory.

    Parameters
    ----------
    path : str or Path
        Directory with ``customers, orders, reps, targets, surveys, complaints`` as
        ``.csv`` or ``.parquet``. An optional ``salesmeasure.toml`` there may set
        ``fiscal_start_month``.
    fiscal_start_month : int, optional
        Overrides the configuration (1 = January).

    Raises
    ------
    DataError
        A directory, table or column is missing, or a file is empty or unreadable.
    """
    root = Path(path)
    if not root.exists():
        raise DataError(f"{root}: no such data directory", file=str(root))
    if not root.is_dir():
        raise DataError(
            f"{root}: not a directory (point at the folder holding the tables)", file=str(root)
        )
    cfg = _read_config(root)
    fsm = int(fiscal_start_month or cfg.get("fiscal_start_month", 1))

    files = {name: _find_file(root, name) for name in TABLE_NAMES}
    raws = {name: _read_raw(files[name], COLUMNS[name]) for name in TABLE_NAMES}
    quarantines = {name: _Quarantine(name, files[name], raws[name]) for name in TABLE_NAMES}
    typed = {name: _type_table(name, raws[name], quarantines[name]) for name in TABLE_NAMES}
    for name in TABLE_NAMES:
        _range_checks(name, typed[name], quarantines[name])

    # duplicate ids: the first occurrence stays, later ones are quarantined
    for name, col in ID_COLUMN.items():
        df, q = typed[name], quarantines[name]
        ids = df[col].where(~q.bad_rows())
        q.add(ids.notna().to_numpy() & ids.duplicated(keep="first").to_numpy(), col, "duplicate id")
    t = typed
    qk = quarantines

    # cross-table rules, in dependency order: reps -> customers -> the rest
    def keep(name):
        return t[name][~qk[name].bad_rows()]

    reps_ok = keep("reps")["rep_id"]
    c = t["customers"]
    qk["customers"].add(
        c["rep_id"].notna().to_numpy() & (_positions(c["rep_id"], reps_ok) < 0),
        "rep_id",
        "unknown rep",
    )
    customers = keep("customers")

    for name, date_col, early_reason in [
        ("orders", "order_date", "order before signup"),
        ("surveys", "survey_date", "survey before signup"),
        ("complaints", "opened_date", "complaint before signup"),
    ]:
        df, q = t[name], qk[name]
        pos = _positions(df["customer_id"], customers["customer_id"])
        known = pos >= 0
        q.add(df["customer_id"].notna().to_numpy() & ~known, "customer_id", "unknown customer")
        su = customers["signup_date"].to_numpy()[np.where(known, pos, 0)]
        q.add(known & (df[date_col].to_numpy() < su), date_col, early_reason)
    o = t["orders"]
    qk["orders"].add(
        o["rep_id"].notna().to_numpy() & (_positions(o["rep_id"], reps_ok) < 0),
        "rep_id",
        "unknown rep",
    )
    cp = t["complaints"]
    qk["complaints"].add(
        (cp["resolved_date"] < cp["opened_date"]).to_numpy(),
        "resolved_date",
        "resolved before opened",
    )
    tg = t["targets"]
    qk["targets"].add(
        tg["rep_id"].notna().to_numpy() & (_positions(tg["rep_id"], reps_ok) < 0),
        "rep_id",
        "unknown rep",
    )
    bad_period = tg["period"].map(
        lambda s: s is not None and _period_start(s, fsm) == pd.Timestamp.max
    )
    qk["targets"].add(
        bad_period.to_numpy(dtype=bool) & tg["period"].notna().to_numpy(),
        "period",
        "unreadable period",
    )

    clean = {name: keep(name).reset_index(drop=True) for name in TABLE_NAMES}
    clean["orders"]["quantity"] = clean["orders"]["quantity"].round().astype("int64")
    regions = clean["customers"]["region"].to_numpy(dtype=object)
    for name in ("orders", "surveys", "complaints"):
        pos = _positions(clean[name]["customer_id"], clean["customers"]["customer_id"])
        clean[name]["region"] = pd.Series(regions[pos], dtype="str")
    rejected = pd.concat([qk[name].frame() for name in TABLE_NAMES], ignore_index=True)
    if rejected.empty:
        rejected = pd.DataFrame(columns=REJECTED_COLUMNS)
    rejected["row"] = rejected["row"].astype("int64")

    dates = [
        clean["orders"]["order_date"].max(),
        clean["surveys"]["survey_date"].max(),
        clean["complaints"]["opened_date"].max(),
    ]
    dates = [d for d in dates if pd.notna(d)]
    return Dataset(
        **clean,
        rejected=rejected,
        source=str(root),
        fingerprint=_fingerprint(list(files.values())),
        as_of=max(dates) if dates else None,
        fiscal_start_month=fsm,
        row_counts={name: len(raws[name]) for name in TABLE_NAMES},
    )
