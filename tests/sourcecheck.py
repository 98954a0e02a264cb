"""Checks shared by the database source tests (PostgreSQL, DuckDB, MariaDB): every backend
holds the sample CSV files as typed tables and as a ``staging`` copy of text, and must give
back what the CSV load gives.
"""

from __future__ import annotations

import pandas as pd

from salesmeasure.config import TABLE_NAMES, parse

#: A mapping that reads the six staging tables of text (``staging.<name>``).
STAGING = parse({"tables": {n: {"table": f"staging.{n}"} for n in TABLE_NAMES}})


def csv_text(sample_dir, name: str) -> pd.DataFrame:
    """A sample CSV file as the text it holds."""
    return pd.read_csv(sample_dir / f"{name}.csv", dtype=str, keep_default_na=False)


def assert_typed_tables_hold_the_csv_values(raw, sample_dir, label: str) -> None:
    """The typed tables read from a database: the CSV files' columns and rows, amounts
    as float64 summing to the CSV's, dates as datetimes; named ``<label>, table <name>``."""
    assert raw.source == label
    for name in TABLE_NAMES:
        assert list(raw[name].frame.columns) == list(csv_text(sample_dir, name).columns), name
        assert len(raw[name].frame) == len(csv_text(sample_dir, name)), name
    o = raw["orders"].frame
    assert o["amount"].dtype == "float64"
    assert pd.api.types.is_datetime64_any_dtype(o["order_date"])
    want = pd.to_numeric(csv_text(sample_dir, "orders")["amount"]).sum()
    assert abs(o["amount"].sum() - want) <= 1e-9 * abs(want)
    assert not raw["orders"].text and raw["orders"].origin == f"{label}, table orders"


def in_row_order(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` as text, rows sorted by every column: a database table has no row order (a
    heap places a row where it fits: PostgreSQL returned survey 331 after survey 248 once
    the sample's comments grew), so rows are compared as a set."""
    t = df.astype(str)
    return t.sort_values(list(t.columns), kind="stable").reset_index(drop=True)


def assert_staging_is_csv_text(raw, sample_dir) -> None:
    """The staging tables read from a database are the CSV files' text, cell for cell
    (rows in any order: see :func:`in_row_order`)."""
    for name in TABLE_NAMES:
        t = raw[name]
        assert t.text, name
        got = t.frame.astype(object).where(t.frame.notna(), "")
        pd.testing.assert_frame_equal(
            in_row_order(got),
            in_row_order(csv_text(sample_dir, name)),
            check_dtype=False,
            obj=name,
        )


def assert_same_dataset(got, want) -> None:
    """Every table of two loaded data sets equal, value for value (rows in any order: a
    database returns a table's rows in no defined order, see :func:`in_row_order`)."""
    for name in TABLE_NAMES:
        a = want.table(name)
        b = got.table(name)
        assert list(a.columns) == list(b.columns), name
        pd.testing.assert_frame_equal(in_row_order(b), in_row_order(a), check_dtype=False, obj=name)


def headlines(ds) -> dict:
    """The index's KPIs of 2026Q3 for all regions and each region."""
    from salesmeasure.render.index import scorecards

    return scorecards(ds, "2026Q3", ["all", *ds.regions])


def assert_staging_load_is_the_csv_load(ds, sample, label: str) -> None:
    """Loading the staging tables gives the CSV load: the same rows, the same rejections
    (a rejected database row named by its source, table and key), the same headlines."""
    assert_same_dataset(ds, sample)
    assert ds.quality.to_dict("records") == sample.quality.to_dict("records")
    assert ds.source == label
    bad = ds.rejected[ds.rejected["reason"] == "unknown rep"].iloc[0]
    assert bad["file"] == f"{label}, table staging.orders"
    assert '"order_id": "' in bad["record"]


def assert_typed_load_is_the_csv_load(ds, sample) -> None:
    """Loading the typed tables gives the CSV load. A typed column cannot hold the
    sample's impossible date 2025-02-30: it is NULL there, so that row is quarantined as a
    missing date instead of an unparseable one."""
    assert_same_dataset(ds, sample)
    q = ds.quality.set_index(["table", "reason"])["rows"]
    want = sample.quality.set_index(["table", "reason"])["rows"]
    assert q.drop(("orders", "missing value")).equals(want.drop(("orders", "unparseable date")))
