"""``load(spec)``: read a source, map its columns, type, check and quarantine, for every
kind of source alike (see :mod:`salesmeasure.sources` for the readers' contract)."""

from __future__ import annotations

import difflib
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from salesmeasure import config as sm_config
from salesmeasure.config import Config, TableConfig
from salesmeasure.data import quality
from salesmeasure.data.coerce import Quarantine, is_blank, to_text, type_table
from salesmeasure.data.dataset import Dataset, _period_start
from salesmeasure.data.detect import dot_thousands_formats, format_problem, said
from salesmeasure.data.schemas import (
    COLUMNS,
    DATE_COLUMN,
    ID_COLUMN,
    OPTIONAL_COLUMNS,
    RANGE_REASON,
    RANGE_REASON_DEFAULT,
    REJECTED_COLUMNS,
    TABLE_NAMES,
    range_schema,
    target_metrics,
)
from salesmeasure.errors import DataError
from salesmeasure.sources import RawTable, TablesMissing, open_source

#: The tables of dated activity: they carry the customer's region and are kept in date
#: order (see :func:`_in_date_order`).
ACTIVITY_TABLES = ("orders", "surveys", "complaints")

#: Tables that may not be empty (a header-only one stops the load): the customers, when
#: there is a customers table, and the orders. Any table but orders may be *absent*.
ESSENTIAL = ("customers", "orders")

#: Columns of the data model a source may lack (a transaction log of customer, date and
#: amount is enough): ``order_id`` is then derived from the row (``"row 17"``: the record
#: number, as in the rejected rows), ``rep_id`` is the customer's rep when there is a
#: customers table, else empty (no rep credited, as the data model allows for any order),
#: ``quantity`` is 1 (one unit a line) and ``product_line`` :data:`ONE_PRODUCT_LINE`.
#: Each is named in ``Dataset.derived`` (:data:`DERIVED_COLUMNS`).
OPTIONAL_SOURCE_COLUMNS = {"orders": ("order_id", "rep_id", "quantity", "product_line")}
#: ``Dataset.derived`` entry of each column of :data:`OPTIONAL_SOURCE_COLUMNS` when the
#: source lacks it (``rep_id`` without a customers table is simply empty: not derived).
DERIVED_COLUMNS = {
    "order_id": "from row",
    "quantity": "one a line",
    "product_line": "one product line",
}
#: The product line of every order when the orders have no product column.
ONE_PRODUCT_LINE = "All products"

#: The region of every customer when neither an orders column nor a constant gives one.
MAIN_REGION = "Main"


def _config(spec, config, fiscal_start_month) -> Config:
    if isinstance(config, Config):
        cfg = config
    else:
        cfg = sm_config.find(spec, config)
    if fiscal_start_month:
        from dataclasses import replace

        cfg = replace(cfg, fiscal_start_month=int(fiscal_start_month))
    return cfg


def fingerprint(spec, *, config: Config | str | Path | None = None) -> str:
    """The data fingerprint of a source without loading it (equals ``load(spec).fingerprint``)."""
    cfg = _config(spec, config, None)
    return _combine(open_source(spec, cfg).fingerprint(cfg), cfg)


def _combine(source_fp: str, cfg: Config) -> str:
    if cfg.path is None:  # no mapping file: the source's own digest (stable across versions)
        return source_fp
    return hashlib.sha256(f"{source_fp}\0{cfg.fingerprint}".encode()).hexdigest()[:16]


def map_columns(rt: RawTable, tc: TableConfig, *, extra: bool = False) -> pd.DataFrame:
    """The raw frame with our column names (mapping and constants applied); DataError
    naming the origin and the closest column when a column is missing.

    A column of :data:`OPTIONAL_SOURCE_COLUMNS` the source lacks is filled (derived ids,
    empty reps); with ``extra``, the source columns of
    :data:`salesmeasure.config.EXTRA_COLUMNS` (an order's ``region``) are kept when there.
    """
    out, problem = _map_columns(rt, tc, extra=extra)
    if problem is not None:
        raise problem
    return out


def _map_columns(rt: RawTable, tc: TableConfig, *, extra: bool = False):
    """``(frame, None)``, or ``(None, DataError)`` naming every missing column."""
    df = rt.frame
    have = [str(c) for c in df.columns]
    out = {}
    missing = []
    optional = OPTIONAL_SOURCE_COLUMNS.get(rt.name, ())
    extras = sm_config.EXTRA_COLUMNS.get(rt.name, ()) if extra else ()
    for col in (*COLUMNS[rt.name], *extras):
        if col in tc.constants:
            value = tc.constants[col]
            out[col] = pd.Series([value] * len(df), index=df.index, dtype=object)
            continue
        src = tc.source_name(col)
        if src in have:
            out[col] = df[src]
        elif col in extras:
            continue
        elif col in optional and col not in tc.columns:
            out[col] = _fill(col, len(df), rt.row_base, df.index)
        elif col in OPTIONAL_COLUMNS.get(rt.name, {}) and col not in tc.columns:
            value = OPTIONAL_COLUMNS[rt.name][col]
            out[col] = pd.Series([value] * len(df), index=df.index, dtype=object)
        else:
            missing.append((col, src))
    if missing:
        ours = set(COLUMNS[rt.name]) | set(tc.columns.values())
        spare = [c for c in have if c not in ours]
        parts = []
        for col, src in missing:
            hint = difflib.get_close_matches(src, spare, n=1, cutoff=0.6)
            named = f"'{col}'" if src == col else f"'{src}' (for {col}, as salesmeasure.toml says)"
            parts.append(named + (f" (found '{hint[0]}': a typo?)" if hint else ""))
        sep_hint = ""
        if len(have) == 1 and any(d in have[0] for d in ";\t|"):
            d = next(d for d in ";\t|" if d in have[0])
            sep_hint = (
                f'. The header looks {d!r}-separated: set delimiter = "{d}" in salesmeasure.toml'
            )
            sep_hint = sep_hint.replace("'\\t'", "tab").replace('"\t"', '"\\t"')
        return None, DataError(
            f"{rt.origin}: missing column{'s' if len(missing) > 1 else ''} {', '.join(parts)}; "
            f"the {'file' if rt.text else 'table'} has {', '.join(map(repr, have))}{sep_hint}",
            file=rt.origin,
            column=missing[0][0],
        )
    return pd.DataFrame(out).reset_index(drop=True), None


def _fill(col: str, n: int, row_base: int, index) -> pd.Series:
    """A column of :data:`OPTIONAL_SOURCE_COLUMNS` the source lacks."""
    if col == "order_id":  # the record number: stable for the same file, unique
        return pd.Series([f"row {row_base + i}" for i in range(n)], index=index, dtype=object)
    value = {"quantity": "1", "product_line": ONE_PRODUCT_LINE}.get(col)
    return pd.Series([value] * n, index=index, dtype=object)


def _range_checks(name: str, df: pd.DataFrame, q: Quarantine) -> None:
    schema = range_schema(name)
    if schema is None:
        return
    from pandera.errors import SchemaErrors

    sub = df[~q.bad_rows()]
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


def _empty_error(origin: str, name: str, read: int, q: Quarantine | None) -> DataError:
    if read == 0:
        msg = f"{origin}: the {name} table has a header but no rows; the reports need {name}" + (
            ""
            if name in ESSENTIAL
            else f" (if none happened, set allow_empty = true under [tables.{name}] "
            f"in salesmeasure.toml; if there is no such data, absent = true)"
        )
    else:
        reasons = q.reasons() if q is not None else {}
        top = ", ".join(f"{n:,} {r}" for r, n in sorted(reasons.items(), key=lambda x: -x[1])[:3])
        msg = (
            f"{origin}: all {read:,} rows of {name} were rejected ({top}); "
            f"nothing is left to report on"
        )
        if name != "orders":
            msg += f" (to go without {name}, set absent = true under [tables.{name}])"
    return DataError(msg, file=origin)


def _problems(problems: list[DataError]) -> DataError:
    """One error naming every problem found (the first one's file and column)."""
    if len(problems) == 1:
        return problems[0]
    text = f"{len(problems)} problems with the data:\n" + "\n".join(f"  - {p}" for p in problems)
    return DataError(text, file=problems[0].file, column=problems[0].column)


def _absent_raw(name: str) -> pd.DataFrame:
    """The raw frame of an absent table: every column of the data model, no row."""
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in COLUMNS[name]})


def _read_raw(src, cfg: Config):
    """The tables as read, and every missing table (as errors) when some are missing."""
    try:
        return src.read(cfg), []
    except TablesMissing as exc:
        if exc.partial is None:
            raise
        return exc.partial, list(exc.missing)


def load(
    path,
    *,
    fiscal_start_month: int | None = None,
    config: Config | str | Path | None = None,
    today=None,
) -> Dataset:
    """Load, type and validate the tables of a data source.

    Only ``orders`` is needed. A table with no source (no file, sheet or database table;
    or ``absent = true``) is *absent*: an empty frame, named in ``Dataset.absent``.
    Without ``customers``, the customers are derived from the orders (see
    :func:`derive_customers`); without an ``order_id`` column, order ids are the record
    numbers (``"row 17"``). ``Dataset.derived`` says what was derived.

    Parameters
    ----------
    path : str or Path
        A folder of ``customers, orders, reps, targets, surveys, complaints`` as ``.csv``
        or ``.parquet``, an ``.xlsx`` workbook, or a database URL
        (:func:`salesmeasure.sources.open_source`).
    fiscal_start_month : int, optional
        Overrides the configuration (1 = January).
    config : Config or path, optional
        A parsed configuration or the path of a ``salesmeasure.toml`` (``--config``);
        default: ``salesmeasure.toml`` beside the data, if any.
    today : date-like, optional
        The day of the run (default: today); dates after it are quarantined.

    Raises
    ------
    DataError
        The orders or a column is missing (every missing table and column is named in
        one error), a file is empty or unreadable, a column is written in a format the
        configuration does not describe, or a table has no usable rows.
    """
    cfg = _config(path, config, fiscal_start_month)
    fsm = cfg.fiscal_start_month
    src = open_source(path, cfg)
    raw_tables, problems = _read_raw(src, cfg)
    absent = set(raw_tables.absent) - {"orders"}
    derived: dict[str, str] = {}

    # every missing column of every table, with the missing tables, in one error
    mapped, origins = {}, {}
    for name in TABLE_NAMES:
        if name in absent or name not in raw_tables.tables:
            continue
        rt = raw_tables[name]
        frame, problem = _map_columns(rt, cfg.table(name), extra="customers" in absent)
        if problem is not None:
            problems.append(problem)
        mapped[name] = frame
        origins[name] = rt.origin
    if problems:
        raise _problems(problems)
    otc, ocols = cfg.table("orders"), set(raw_tables["orders"].frame.columns.astype(str))

    def lacks(col: str) -> bool:  # filled by _fill
        return col not in ocols and col not in otc.columns and col not in otc.constants

    derived.update({col: how for col, how in DERIVED_COLUMNS.items() if lacks(col)})
    rep_from_customers = "customers" not in absent and lacks("rep_id")

    raws, quarantines, typed = {}, {}, {}
    for name in TABLE_NAMES:
        tc = cfg.table(name)
        if name in absent:
            raw, origin, row_base = _absent_raw(name), f"{name} (absent)", 1
        else:
            rt = raw_tables[name]
            raw, origin, row_base = mapped[name], rt.origin, rt.row_base
            if len(raw) == 0 and (name in ESSENTIAL or not tc.allow_empty):
                raise _empty_error(rt.origin, name, 0, None)
        origins[name] = origin
        q = Quarantine(name, origin, raw, row_base)
        formats = {}
        if name not in absent and not said(cfg, name, {"decimal", "thousands"}):
            formats = dot_thousands_formats(name, raw, tc, origin, row_base)  # "2.400"
        df = type_table(name, raw, q, tc.format, formats)
        if name not in absent:
            problem = format_problem(name, raw, df, tc, origin, raw_tables[name].text)
            if problem is not None:
                raise problem
        raws[name], quarantines[name], typed[name] = raw, q, df
    order_regions = None
    if "customers" in absent and "region" in raws["orders"].columns:
        r = raws["orders"]["region"]
        order_regions = to_text(r, is_blank(r))
    warnings, order_regions = unify_region_spellings(typed, order_regions)
    for name in TABLE_NAMES:
        _range_checks(name, typed[name], quarantines[name])

    # duplicate ids: the first occurrence stays, later ones are quarantined
    for name, col in ID_COLUMN.items():
        df, q = typed[name], quarantines[name]
        ids = df[col].where(~q.bad_rows())
        q.add(ids.notna().to_numpy() & ids.duplicated(keep="first").to_numpy(), col, "duplicate id")
    t, qk = typed, quarantines

    # dates after today or after the data's own as-of date; absurd order amounts
    as_of = quality.check_dates(t, qk, today=today)
    quality.check_amounts(t["orders"], qk["orders"], cap=cfg.max_order_amount)

    # cross-table rules, in dependency order: reps -> customers -> the rest
    def keep(name):
        return t[name][~qk[name].bad_rows()]

    def stop_if_all_rejected(*names):
        for name in names:
            n = len(raws[name])
            if n and qk[name].bad_rows().all():
                raise _empty_error(origins[name], name, n, qk[name])

    has_reps = "reps" not in absent  # without a reps table, a rep id cannot be checked
    stop_if_all_rejected("reps")
    reps_ok = keep("reps")["rep_id"]

    def unknown_rep(df: pd.DataFrame) -> np.ndarray:
        if not has_reps:
            return np.zeros(len(df), dtype=bool)
        return df["rep_id"].notna().to_numpy() & (_positions(df["rep_id"], reps_ok) < 0)

    if "customers" in absent:
        o, qo = t["orders"], qk["orders"]
        qo.add(unknown_rep(o), "rep_id", "unknown rep")  # a customer's rep is a known rep
        ok = ~qo.bad_rows()
        c = derive_customers(
            o[ok],
            None if order_regions is None else order_regions[ok],
            cfg.table("customers").constants,
        )
        t["customers"] = c
        raws["customers"] = c.astype(object)
        origins["customers"] = "customers derived from orders"
        qk["customers"] = Quarantine("customers", origins["customers"], raws["customers"])
        derived["customers"] = "from orders"
    c = t["customers"]
    qk["customers"].add(unknown_rep(c), "rep_id", "unknown rep")
    stop_if_all_rejected("customers")
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
    if rep_from_customers:  # orders without a rep column: the customer's rep is credited
        pos = _positions(o["customer_id"], customers["customer_id"])
        reps_of = np.append(customers["rep_id"].to_numpy(dtype=object), None)
        rep = pd.Series(reps_of[np.where(pos >= 0, pos, -1)], index=o.index, dtype=object)
        o["rep_id"] = rep.astype("str").where(rep.notna())
        derived["rep_id"] = "from customers"
    qk["orders"].add(unknown_rep(o), "rep_id", "unknown rep")
    cp = t["complaints"]
    qk["complaints"].add(
        (cp["resolved_date"] < cp["opened_date"]).to_numpy(),
        "resolved_date",
        "resolved before opened",
    )
    tg = t["targets"]
    qk["targets"].add(unknown_rep(tg), "rep_id", "unknown rep")
    tg["metric"], unknown_metric = target_metrics(tg["metric"])
    qk["targets"].add(unknown_metric, "metric", "unknown metric")
    bad_period = tg["period"].map(
        lambda s: s is not None and _period_start(s, fsm) == pd.Timestamp.max
    )
    qk["targets"].add(
        bad_period.to_numpy(dtype=bool) & tg["period"].notna().to_numpy(),
        "period",
        "unreadable period",
    )
    check_targets(tg, qk["targets"], customers["region"])
    if len(tg) and qk["targets"].bad_rows().all():
        if set(qk["targets"].reasons()) == {"region with no customers"}:
            # not a broken file: the regions of the targets are not those of the customers
            # (typically customers derived from orders with no region column)
            warnings.append(
                "no target is for a region the customers are in "
                f"({', '.join(sorted(customers['region'].dropna().unique()))})"
                + (
                    '; map the orders\' region column: [tables.orders.columns] region = "..."'
                    if "customers" in absent
                    else ""
                )
            )
        else:
            stop_if_all_rejected("targets")

    stop_if_all_rejected(*(n for n in TABLE_NAMES if n != "targets"))

    clean = {name: keep(name).reset_index(drop=True) for name in TABLE_NAMES}
    if len(clean["reps"]) and len(clean["orders"]) and clean["orders"]["rep_id"].isna().all():
        n = len(clean["reps"])
        warnings.append(
            f"the reps table has {n:,} rep{'s' if n != 1 else ''}, but no order is credited "
            "to a rep "
            "(every order's rep_id is empty), so targets per rep cannot be set from their "
            "revenue; if there are no reps, leave the reps table out"
        )
    clean["orders"]["quantity"] = clean["orders"]["quantity"].round().astype("int64")
    regions = clean["customers"]["region"].to_numpy(dtype=object)
    for name in ACTIVITY_TABLES:
        pos = _positions(clean[name]["customer_id"], clean["customers"]["customer_id"])
        clean[name]["region"] = pd.Series(regions[pos] if len(pos) else [], dtype="str")
        clean[name] = _in_date_order(clean[name], DATE_COLUMN[name])
    rejected = pd.concat([qk[name].frame() for name in TABLE_NAMES], ignore_index=True)
    if rejected.empty:
        rejected = pd.DataFrame(columns=REJECTED_COLUMNS)
    rejected["row"] = rejected["row"].astype("int64")

    return Dataset(
        **clean,
        rejected=rejected,
        source=raw_tables.source,
        fingerprint=_combine(raw_tables.fingerprint, cfg),
        as_of=as_of,
        fiscal_start_month=fsm,
        row_counts={name: len(raws[name]) for name in TABLE_NAMES},
        absent=frozenset(absent),
        derived=derived,
        warnings=tuple(warnings),
    )


# ------------------------------------------------------------ derived customers
def _mode_by(keys: pd.Series, values: pd.Series) -> pd.Series:
    """Per key, its most frequent non-missing value (ties: the one seen first)."""
    df = pd.DataFrame(
        {"k": keys.to_numpy(dtype=object), "v": values.to_numpy(dtype=object)}
    ).dropna()
    if df.empty:
        return pd.Series([], dtype=object)
    n = df.groupby(["k", "v"], sort=False).size().rename("n").reset_index()
    n = n.sort_values("n", ascending=False, kind="stable").drop_duplicates("k")
    return n.set_index("k")["v"]


def derive_customers(orders: pd.DataFrame, regions: pd.Series | None, constants) -> pd.DataFrame:
    """The customers table of a source that has none: one row per customer of ``orders``.

    ``signup_date`` is the customer's first order date; ``rep_id`` the rep on most of
    their orders (missing when none has one); ``region`` the region on most of their
    orders when ``regions`` (an orders column) is given, else ``constants["region"]``,
    else :data:`MAIN_REGION`; ``name``, ``segment`` and ``channel`` are missing unless a
    constant gives them. Customers in order of their first row in ``orders``.
    """
    ids = orders["customer_id"]
    first = orders.groupby(ids.to_numpy(dtype=object), sort=False)["order_date"].min()
    keys = first.index
    fallback = str(constants.get("region", MAIN_REGION))

    def const(col):
        v = constants.get(col)
        return pd.Series([None if v is None else str(v)] * len(keys), dtype=object)

    region = const("region").fillna(fallback)
    if regions is not None:
        found = _mode_by(ids, regions.where(regions.notna(), None)).reindex(keys)
        region = pd.Series(found.to_numpy(dtype=object), dtype=object).fillna(fallback)
    rep = _mode_by(ids, orders["rep_id"]).reindex(keys)
    out = pd.DataFrame(
        {
            "customer_id": pd.Series(keys.to_numpy(dtype=object), dtype=object),
            "name": const("name"),
            "region": region,
            "segment": const("segment"),
            "channel": const("channel"),
            "signup_date": pd.Series(first.to_numpy(), dtype="datetime64[ns]"),
            "rep_id": pd.Series(rep.to_numpy(dtype=object), dtype=object),
        }
    )
    for col in ("customer_id", "name", "region", "segment", "channel", "rep_id"):
        out[col] = out[col].astype("str").where(out[col].notna())
    return out


# ------------------------------------------------------------------ regions
REGION_TABLES = ("customers", "reps", "targets")


def unify_region_spellings(typed: dict[str, pd.DataFrame], extra: pd.Series | None = None):
    """Region names that differ only in case (``north``, ``North``) read as one: the most
    frequent spelling (ties: the first seen). Replaces the region columns of ``typed`` in
    place; returns the warnings (one per unified region) and ``extra`` (another series of
    regions, counted and unified too)."""
    names = [n for n in REGION_TABLES if n in typed]
    series = [typed[n]["region"] for n in names] + ([extra] if extra is not None else [])
    values = pd.concat([s.dropna().astype(object) for s in series], ignore_index=True)
    if values.empty:
        return [], extra
    counts = values.value_counts(sort=False)
    by_lower: dict[str, list[str]] = {}
    for spelling in counts.index:
        by_lower.setdefault(str(spelling).lower(), []).append(spelling)
    mapping, warnings = {}, []
    for spellings in by_lower.values():
        if len(spellings) < 2:
            continue
        best = max(spellings, key=lambda x: counts[x])  # max keeps the first of a tie
        mapping.update({sp: best for sp in spellings if sp != best})
        others = ", ".join(f"{sp!r} ({counts[sp]:,} rows)" for sp in spellings if sp != best)
        warnings.append(
            f"region {best!r} ({counts[best]:,} rows) is also written {others}: "
            f"all read as {best!r}"
        )
    if not mapping:
        return [], extra

    def unified(s: pd.Series) -> pd.Series:
        return s.where(~s.isin(list(mapping)), s.map(mapping))

    for n in names:
        typed[n]["region"] = unified(typed[n]["region"])
    return warnings, (unified(extra) if extra is not None else None)


# ------------------------------------------------------------------ targets
def check_targets(targets: pd.DataFrame, q: Quarantine, customer_regions: pd.Series) -> None:
    """Quarantine a target row that repeats an earlier one (same period, region, rep, and
    metric when there is one; the first stays: "duplicate target") and a target for a
    region with no customers ("region with no customers"), which would count in the
    company total with no revenue against it."""
    ok = ~q.bad_rows()
    key = [c for c in ("period", "region", "rep_id", "metric") if c in targets.columns]
    dup = np.zeros(len(targets), dtype=bool)
    dup[np.flatnonzero(ok)] = targets.loc[ok, key].duplicated(keep="first").to_numpy()
    q.add(dup, "target_amount", "duplicate target")
    known = pd.Index(customer_regions.dropna().unique())
    region = targets["region"]
    q.add(
        ~q.bad_rows() & region.notna().to_numpy() & ~region.isin(known).to_numpy(),
        "region",
        "region with no customers",
    )


def _in_date_order(df: pd.DataFrame, col: str) -> pd.DataFrame:
    """``df`` sorted by ``col``, ties in their order in the source (a stable sort).

    Every analysis is indifferent to row order, but a table in date order lets
    :meth:`Dataset.slice` take the rows up to a date as a view of the table rather than a
    copy: at a million customers each copy of the orders is ~1 GB, and a report compares
    several periods.
    """
    if df.empty or df[col].is_monotonic_increasing:
        return df
    order = np.argsort(df[col].to_numpy(), kind="stable")
    return df.take(order).reset_index(drop=True)
