"""MariaDB / MySQL URLs (``mysql://``, ``mariadb://``) against a real MariaDB server.

A throwaway server (tests/mariadbcluster.py) holds the sample data as typed tables in
database ``sales`` and as tables of text in database ``staging``, owned by a user whose
password needs URL quoting. Checked as for PostgreSQL: the same values, rejections and
headline numbers as the CSV load, a read-only session, no password in any error, and a
fingerprint that follows one changed row. Skips only when no MariaDB server is installed
(.ci/run installs it).
"""

from __future__ import annotations

import pandas as pd
import pytest
from mariadbcluster import (  # noqa: F401
    READER,
    READER_PASSWORD,
    maria_sample_fixture,
    maria_server_fixture,
)
from sourcecheck import (
    STAGING,
    assert_staging_is_csv_text,
    assert_staging_load_is_the_csv_load,
    assert_typed_load_is_the_csv_load,
    assert_typed_tables_hold_the_csv_values,
    headlines,
)

from salesmeasure.config import Config, parse
from salesmeasure.errors import DataError
from salesmeasure.sources import open_source
from salesmeasure.sources.mysql_source import default_driver
from salesmeasure.sources.sql import PASSWORD_ENV, SQLSource

LABEL = "mysql://127.0.0.1/sales"


def test_mysql_typed_tables_hold_the_csv_values(maria_sample, sample_dir):
    src = open_source(maria_sample.url(), Config())
    # mysqlclient (C) when installed, else PyMySQL (pure Python, installed with us)
    assert src.u.drivername == f"mysql+{default_driver()}"
    raw = src.read(Config())
    assert_typed_tables_hold_the_csv_values(raw, sample_dir, LABEL)


def test_mariadb_scheme_reads_the_same_tables(maria_sample):
    src = SQLSource(maria_sample.url(scheme="mariadb"))
    assert src.u.drivername == f"mariadb+{default_driver()}"
    raw = src.read(Config())
    assert raw.source == "mariadb://127.0.0.1/sales"
    assert raw.fingerprint == SQLSource(maria_sample.url()).read(Config()).fingerprint


def test_mysql_staging_tables_are_the_csv_text(maria_sample, sample_dir):
    assert_staging_is_csv_text(SQLSource(maria_sample.url()).read(STAGING), sample_dir)


def test_mysql_session_is_read_only(maria_sample):
    with SQLSource(maria_sample.url()) as src:
        assert src.execute("SELECT @@session.tx_read_only") == [(1,)]  # MariaDB 10.x name
        for sql in ["DELETE FROM orders", "CREATE TABLE sneaky (a int)", "DROP TABLE reps"]:
            with pytest.raises(DataError, match="READ ONLY transaction"):
                src.execute(sql)
    with maria_sample.connect() as conn, conn.cursor() as cur:  # nothing was written
        cur.execute("SELECT count(*) FROM orders")
        assert cur.fetchone()[0] > 0
        cur.execute("SHOW TABLES LIKE 'sneaky'")
        assert cur.fetchall() == ()


def test_mysql_password_from_the_environment(maria_sample, monkeypatch):
    url = maria_sample.url(password=None)
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    with pytest.raises(DataError, match=r"^mysql://127.0.0.1/sales: cannot connect"):
        SQLSource(url).read(Config())
    monkeypatch.setenv(PASSWORD_ENV, READER_PASSWORD)
    assert len(SQLSource(url).read(Config())["reps"].frame) == 25


def test_mysql_errors_never_show_the_password(maria_sample, monkeypatch):
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    wrong = maria_sample.url(password="Wr0ng-" + READER_PASSWORD)
    for url, cfg in [
        (wrong, Config()),
        (maria_sample.url(), parse({"tables": {"orders": {"table": "nope"}}})),
        (maria_sample.url(), parse({"tables": {"orders": {"query": "SELECT amount FROM"}}})),
    ]:
        with pytest.raises(DataError) as err:
            SQLSource(url).read(cfg)
        msg = str(err.value)
        assert READER_PASSWORD not in msg and "Wr0ng" not in msg, msg
        assert "tr%40ck" not in msg and "analyst" not in msg.split(":", 2)[0]
        assert msg.startswith(LABEL), msg


def test_mysql_missing_table_names_what_is_there(maria_sample):
    cfg = parse({"tables": {"orders": {"table": "order_lines"}}})
    with pytest.raises(DataError, match=r"table order_lines.*tables found: complaints"):
        SQLSource(maria_sample.url()).read(cfg)


def test_mysql_fingerprint_changes_when_one_row_changes(maria_sample):
    with maria_sample.connect() as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE orders_copy AS SELECT * FROM orders")
    cfg = parse({"tables": {"orders": {"table": "orders_copy"}}})
    try:
        before = SQLSource(maria_sample.url()).fingerprint(cfg)
        assert SQLSource(maria_sample.url()).fingerprint(cfg) == before  # stable
        with maria_sample.connect() as conn, conn.cursor() as cur:
            cur.execute("SELECT min(order_id) FROM orders_copy")
            first = cur.fetchone()[0]
            cur.execute(
                "UPDATE orders_copy SET amount = amount + 0.01 WHERE order_id = %s", (first,)
            )
        after = SQLSource(maria_sample.url()).fingerprint(cfg)
    finally:
        with maria_sample.connect() as conn, conn.cursor() as cur:
            cur.execute("DROP TABLE orders_copy")
    assert after != before


def test_mysql_query_instead_of_a_table(maria_sample):
    cfg = parse(
        {"tables": {"reps": {"query": "SELECT rep_id AS id, name, region, hire_date FROM reps"}}}
    )
    t = SQLSource(maria_sample.url()).read(cfg)["reps"]
    assert list(t.frame.columns) == ["id", "name", "region", "hire_date"]
    assert t.origin == f"{LABEL}, query for reps"


# ------------------------------------------------------------------ same data, same numbers
def test_mysql_staging_loads_the_csv_data_with_the_same_rejections(maria_sample, sample):
    from salesmeasure.data import load

    ds = load(maria_sample.url(), config=STAGING)
    assert_staging_load_is_the_csv_load(ds, sample, LABEL)
    assert headlines(ds) == headlines(sample)


def test_mysql_typed_tables_load_the_csv_data_andheadlines(maria_sample, sample):
    from salesmeasure.data import load

    ds = load(maria_sample.url())
    assert_typed_load_is_the_csv_load(ds, sample)
    assert READER_PASSWORD not in ds.rejected.to_csv()
    assert headlines(ds) == headlines(sample)


def test_mysql_default_driver_is_mysqlclient_when_installed_else_pymysql(monkeypatch):
    import importlib.util

    from sqlalchemy.engine import make_url

    from salesmeasure.sources import mysql_source

    real = importlib.util.find_spec
    for installed, want in ((True, "mysqldb"), (False, "pymysql")):
        monkeypatch.setattr(
            importlib.util,
            "find_spec",
            lambda name, *a, _i=installed: (
                (object() if _i else None) if name == "MySQLdb" else real(name, *a)
            ),
        )
        assert mysql_source.default_driver() == want
        u = mysql_source.with_driver(make_url("mariadb://u@h/db"))
        assert u.drivername == f"mariadb+{want}"
    assert mysql_source.with_driver(make_url("mysql+pymysql://u@h/db")).drivername == (
        "mysql+pymysql"
    )


def test_mysql_rows_stream_into_arrow_batches_equal_to_one_read(maria_sample):
    """Read in batches of 7 rows (reps: 25) and 997 (orders): the same frame as one
    batch (the fingerprint follows the batches, which are fixed for a given table)."""
    from salesmeasure.sources import mysql_source

    real = mysql_source.fetch_arrow
    for table, rows in (("reps", 7), ("orders", 997)):  # orders: decimals of every width
        with SQLSource(maria_sample.url()) as src:
            whole = src.read_table(table)
        try:
            mysql_source.fetch_arrow = lambda conn, sql, _n=rows: real(conn, sql, batch_rows=_n)
            with SQLSource(maria_sample.url()) as src:
                small = src.read_table(table)
        finally:
            mysql_source.fetch_arrow = real
        assert len(whole.frame) > rows
        pd.testing.assert_frame_equal(small.frame, whole.frame)


def test_mysql_zero_date_is_quarantined_like_unparseable_text(maria_sample, sample):
    """A legacy MySQL DATE holding 0000-00-00 comes back from the driver as a string among
    dates: that column is read as text (in every batch, here of 997 rows, so the string
    sits in one batch only) and the row is quarantined as an unparseable date; every other
    row loads as from the typed tables. Found at 10 million orders in bench_sources: the
    read fell back to pandas.read_sql and held 7 GiB."""
    from salesmeasure.data import load
    from salesmeasure.sources import mysql_source

    with maria_sample.connect() as conn, conn.cursor() as cur:
        cur.execute("CREATE DATABASE IF NOT EXISTS legacy")
        cur.execute("DROP TABLE IF EXISTS legacy.orders")
        cur.execute("CREATE TABLE legacy.orders AS SELECT * FROM sales.orders")
        cur.execute("SET SESSION sql_mode = ''")  # as an old server allowed
        cur.execute("SELECT order_id FROM sales.orders WHERE order_date IS NOT NULL LIMIT 1")
        victim = cur.fetchone()[0]
        cur.execute(
            "UPDATE legacy.orders SET order_date = '0000-00-00' WHERE order_id = %s", (victim,)
        )
        for host in ("127.0.0.1", "localhost"):
            cur.execute(f"GRANT SELECT ON legacy.* TO '{READER}'@'{host}'")
    cfg = parse({"tables": {"orders": {"query": "SELECT * FROM legacy.orders"}}})
    real = mysql_source.fetch_arrow
    try:
        mysql_source.fetch_arrow = lambda conn, sql: real(conn, sql, batch_rows=997)
        raw = SQLSource(maria_sample.url()).read(cfg)["orders"]
        ds = load(maria_sample.url(), config=cfg)
    finally:
        mysql_source.fetch_arrow = real
    with SQLSource(maria_sample.url()) as src:  # streamed into Arrow, no fallback
        from sqlalchemy import text

        table = real(src.connection(), text("SELECT * FROM legacy.orders"), batch_rows=997)
    assert table is not None and str(table.schema.field("order_date").type) == "string"
    assert str(table.schema.field("amount").type).startswith("decimal")
    dates = raw.frame["order_date"]
    assert (dates == "0000-00-00").sum() == 1
    assert dates.dropna().str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    bad = ds.rejected[ds.rejected["reason"] == "unparseable date"]
    assert bad["value"].tolist() == ["0000-00-00"]
    assert f'"order_id": "{victim}"' in bad["record"].iloc[0]
    typed = load(maria_sample.url())
    want = typed.orders[typed.orders["order_id"] != victim].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        ds.orders.reset_index(drop=True).astype(str), want.astype(str), check_dtype=False
    )
