"""``load(spec)``: read a source, map its columns, type, check and quarantine, for every
kind of source alike (see :mod:`salesmeasure.sources` for the readers' contract)."""

from __future__ import annotations

import difflib
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
from pandera.errors import SchemaErrors

from salesmeasure import config as sm_config
from salesmeasure.config import Config, TableConfig
from salesmeasure.data import quality
from salesmeasure.data.coerce import Quarantine, type_table
from salesmeasure.data.dataset import Dataset, _period_start
from salesmeasure.data.detect import format_problem
from salesmeasure.data.schemas import (
    COLUMNS,
    DATE_COLUMN,
    ID_COLUMN,
    OPTIONAL_COLUMNS,
    RANGE_REASON,
    RANGE_REASON_DEFAULT,
    REJECTED_COLUMNS,
    SCHEMAS,
    TABLE_NAMES,
    target_metrics,
)
from salesmeasure.errors import DataError
from salesmeasure.sources import RawTable, open_source

#: The tables of dated activity: they carry the customer's region and are kept in date
#: order (see :func:`_in_date_order`).
ACTIVITY_TABLES = ("orders", "surveys", "complaints")

#: Tables without which no report can be computed (an empty one always stops the load).
ESSENTIAL = ("customers", "orders", "reps")


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


def map_columns(rt: RawTable, tc: TableConfig) -> pd.DataFrame:
    """The raw frame with our column names (mapping and constants applied); DataError
    naming the origin and the closest column when a column is missing."""
    df = rt.frame
    have = [str(c) for c in df.columns]
    out = {}
    missing = []
    for col in COLUMNS[rt.name]:
        if col in tc.constants:
            value = tc.constants[col]
            out[col] = pd.Series([value] * len(df), index=df.index, dtype=object)
            continue
        src = tc.source_name(col)
        if src in have:
            out[col] = df[src]
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
        extra = ""
        if len(have) == 1 and any(d in have[0] for d in ";\t|"):
            d = next(d for d in ";\t|" if d in have[0])
            extra = (
                f'. The header looks {d!r}-separated: set delimiter = "{d}" in salesmeasure.toml'
            )
            extra = extra.replace("'\\t'", "tab").replace('"\t"', '"\\t"')
        raise DataError(
            f"{rt.origin}: missing column{'s' if len(missing) > 1 else ''} {', '.join(parts)}; "
            f"the {'file' if rt.text else 'table'} has {', '.join(map(repr, have))}{extra}",
            file=rt.origin,
            column=missing[0][0],
        )
    return pd.DataFrame(out).reset_index(drop=True)


def _range_checks(name: str, df: pd.DataFrame, q: Quarantine) -> None:
    schema = SCHEMAS.get(name)
    if schema is None:
        return
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
            else f" (if you have none, set allow_empty = true under [tables.{name}] "
            f"in salesmeasure.toml)"
        )
    else:
        reasons = q.reasons() if q is not None else {}
        top = ", ".join(f"{n:,} {r}" for r, n in sorted(reasons.items(), key=lambda x: -x[1])[:3])
        msg = (
            f"{origin}: all {read:,} rows of {name} were rejected ({top}); "
            f"nothing is left to report on"
        )
    return DataError(msg, file=origin)


def load(
    path,
    *,
    fiscal_start_month: int | None = None,
    config: Config | str | Path | None = None,
    today=None,
) -> Dataset:
    """Load, type and validate the six tables of a data source.

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
        A table or column is missing, a file is empty or unreadable, a column is written
        in a format the configuration does not describe, or a table has no usable rows.
    """
    cfg = _config(path, config, fiscal_start_month)
    fsm = cfg.fiscal_start_month
    src = open_source(path, cfg)
    raw_tables = src.read(cfg)

    raws, quarantines, typed, origins = {}, {}, {}, {}
    for name in TABLE_NAMES:
        rt = raw_tables[name]
        tc = cfg.table(name)
        raw = map_columns(rt, tc)
        origins[name] = rt.origin
        if len(raw) == 0 and (name in ESSENTIAL or not tc.allow_empty):
            raise _empty_error(rt.origin, name, 0, None)
        q = Quarantine(name, rt.origin, raw, rt.row_base)
        df = type_table(name, raw, q, tc.format)
        problem = format_problem(name, raw, df, tc, rt.origin, rt.text)
        if problem is not None:
            raise problem
        raws[name], quarantines[name], typed[name] = raw, q, df
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

    stop_if_all_rejected("reps")
    reps_ok = keep("reps")["rep_id"]
    c = t["customers"]
    qk["customers"].add(
        c["rep_id"].notna().to_numpy() & (_positions(c["rep_id"], reps_ok) < 0),
        "rep_id",
        "unknown rep",
    )
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

    stop_if_all_rejected(*TABLE_NAMES)

    clean = {name: keep(name).reset_index(drop=True) for name in TABLE_NAMES}
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
