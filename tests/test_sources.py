"""Excel and database sources, against a real PostgreSQL server and real workbooks.

The PostgreSQL tests start a throwaway cluster (tests/pgcluster.py) holding the sample
data as typed tables and as staging tables of text; they skip only when no PostgreSQL
server is installed (.ci/run installs it). SQLite is tested through a file database.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

import pandas as pd
import pytest
from pgcluster import READER_PASSWORD, pg_cluster_fixture, pg_sample_fixture  # noqa: F401
from sourcecheck import (
    STAGING,
    assert_same_dataset,
    assert_staging_is_csv_text,
    assert_staging_load_is_the_csv_load,
    assert_typed_load_is_the_csv_load,
    headlines,
)
from sourcecheck import csv_text as _csv

from salesmeasure.config import TABLE_NAMES, Config, parse
from salesmeasure.errors import DataError
from salesmeasure.sources import open_source
from salesmeasure.sources.excel import ExcelSource, column_from_cells
from salesmeasure.sources.sql import SQLSource, redact, scrub


def write_workbook(sample_dir, path, *, typed: bool = True, sheet_names=None) -> None:
    """The sample CSV files as an .xlsx, one sheet per table; with ``typed`` the dates and
    numbers are real Excel dates and numbers (cells that do not parse stay text, as a person
    would have typed them)."""
    sheet_names = sheet_names or {}
    with pd.ExcelWriter(path, engine="openpyxl") as w:
        for name in TABLE_NAMES:
            df = _csv(sample_dir, name)
            if typed:
                for col in df.columns:
                    if col.endswith("_date"):
                        d = pd.to_datetime(df[col], errors="coerce", format="ISO8601")
                        df[col] = [
                            x.to_pydatetime() if pd.notna(x) else (s or None)
                            for x, s in zip(d, df[col], strict=True)
                        ]
                    elif col in {"amount", "quantity", "target_amount", "nps", "csat", "ces"} or (
                        col.startswith("q_")
                    ):
                        num = pd.to_numeric(df[col], errors="coerce")
                        df[col] = [
                            float(x) if pd.notna(x) else (s or None)
                            for x, s in zip(num, df[col], strict=True)
                        ]
            df.to_excel(w, sheet_name=sheet_names.get(name, name), index=False)


@pytest.fixture(scope="module")
def workbook(sample_dir, tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsx") / "sales.xlsx"
    write_workbook(sample_dir, path)
    return path


# ------------------------------------------------------------------ redaction
def test_redact_keeps_only_scheme_host_and_database():
    url = "postgresql+psycopg://ann:s3cr%40t@db.example.com:6543/sales?sslmode=require&password=x"
    assert redact(url) == "postgresql://db.example.com/sales"
    assert redact("postgres://db/sales") == "postgresql://db/sales"
    assert redact("sqlite:////data/sales.db") == "sqlite:////data/sales.db"
    assert redact("mysql://u:p@[::1]:3306/crm") == "mysql://[::1]/crm"


def test_scrub_removes_password_raw_and_quoted_and_the_url():
    url = "postgresql://ann:p%40ss-w0rd@db/sales"
    text = f"failed for {url}; password p@ss-w0rd or p%40ss-w0rd; at mysql://bob:hunter22@x/y"
    out = scrub(text, url)
    assert "p@ss-w0rd" not in out and "p%40ss-w0rd" not in out and "hunter22" not in out
    assert url not in out


# ------------------------------------------------------------------ Excel
def test_excel_cells_come_back_as_the_cells_hold_them():
    s = column_from_cells([1.0, "", 2.5])
    assert s.dtype == "float64" and s.isna().tolist() == [False, True, False]
    d = column_from_cells([dt.date(2026, 7, 1), dt.datetime(2026, 7, 2, 0, 0), None])
    assert d.dtype == "datetime64[ns]" and d.iloc[1] == pd.Timestamp("2026-07-02")
    # a column mixing a date and a mistyped text keeps both as text, ISO for the date
    m = column_from_cells([dt.date(2025, 2, 28), "2025-02-30", 1001.0, 2.5])
    assert m.tolist() == ["2025-02-28", "2025-02-30", "1001", "2.5"]


def test_excel_reads_every_sheet_with_the_csv_values(workbook, sample_dir):
    raw = ExcelSource(workbook).read(Config())
    for name in TABLE_NAMES:
        t = raw[name]
        csv = _csv(sample_dir, name)
        assert list(t.frame.columns) == list(csv.columns), name
        assert len(t.frame) == len(csv), name
        assert t.row_base == 2 and t.origin == f"sales.xlsx, sheet {name}" and not t.text
    o = raw["orders"].frame
    csv = _csv(sample_dir, "orders")
    assert o["amount"].sum() == pytest.approx(pd.to_numeric(csv["amount"]).sum())
    # the one unparseable date of the sample stays the text a person typed
    bad = csv.index[pd.to_datetime(csv["order_date"], errors="coerce").isna()]
    assert o["order_date"].iloc[bad].tolist() == csv["order_date"].iloc[bad].tolist()


def tiny_workbook(path, sheet_names=None, rows: int = 3) -> None:
    """Six small sheets with our column names (for tests of naming and fingerprints)."""
    import openpyxl

    from salesmeasure.config import TABLE_COLUMNS

    sheet_names = sheet_names or {}
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, cols in TABLE_COLUMNS.items():
        ws = wb.create_sheet(sheet_names.get(name, name))
        ws.append(list(cols))
        for i in range(rows):
            ws.append([f"{c}-{i}" if not c.endswith(("amount", "quantity")) else i for c in cols])
    wb.save(path)


def test_excel_sheet_named_in_config_and_missing_sheet_message(workbook, tmp_path):
    src = ExcelSource(workbook)
    with pytest.raises(DataError, match=r"table 'orders' is missing.*'orders'"):
        src.read(parse({"tables": {"orders": {"sheet": "Orderz"}}}))
    path = tmp_path / "crm.xlsx"
    tiny_workbook(path, sheet_names={"orders": "Order lines"})
    with pytest.raises(DataError, match="Order lines"):
        ExcelSource(path).read(Config())
    raw = ExcelSource(path).read(parse({"tables": {"orders": {"sheet": "Order lines"}}}))
    assert raw["orders"].origin == "crm.xlsx, sheet Order lines"


def test_excel_row_base_is_the_excel_row_when_the_table_starts_lower(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "reps"
    ws["B3"], ws["C3"] = "rep_id", "name"
    ws["B4"], ws["C4"] = "R01", "Ann"
    ws["B6"], ws["C6"] = "R02", "Bob"  # an empty row 5 in between keeps its place
    wb.save(tmp_path / "x.xlsx")
    t = ExcelSource(tmp_path / "x.xlsx").read_sheet("reps")
    assert t.row_base == 4
    assert t.frame["rep_id"].tolist() == ["R01", None, "R02"]


def test_excel_fingerprint_changes_with_one_cell(tmp_path):
    import openpyxl

    path = tmp_path / "sales.xlsx"
    tiny_workbook(path)
    before = ExcelSource(path).fingerprint(Config())
    assert before == ExcelSource(path).read(Config()).fingerprint
    wb = openpyxl.load_workbook(path)
    wb["orders"]["D3"] = wb["orders"]["D3"].value + 1
    wb.save(path)
    assert ExcelSource(path).fingerprint(Config()) != before


# ------------------------------------------------------------------ SQLite
@pytest.fixture(scope="module")
def sqlite_db(sample_dir, tmp_path_factory):
    path = tmp_path_factory.mktemp("sqlite") / "sales.db"
    with sqlite3.connect(path) as conn:
        for name in TABLE_NAMES:
            _csv(sample_dir, name).to_sql(name, conn, index=False)
    return path


def test_sqlite_reads_the_tables_and_is_read_only(sqlite_db, sample_dir):
    src = SQLSource(f"sqlite:///{sqlite_db}")
    raw = src.read(Config())
    assert raw.source == f"sqlite:///{sqlite_db}"
    for name in TABLE_NAMES:
        assert len(raw[name].frame) == len(_csv(sample_dir, name))
    with pytest.raises(DataError, match="readonly|read-only|query_only"):
        src.execute("CREATE TABLE x (a int)")
    src.close()


def test_sqlite_missing_table_names_what_is_there(sqlite_db):
    cfg = parse({"tables": {"orders": {"table": "order_lines"}}})
    with pytest.raises(DataError, match=r"table order_lines.*tables found: complaints"):
        SQLSource(f"sqlite:///{sqlite_db}").read(cfg)


# ------------------------------------------------------------------ PostgreSQL
def test_postgres_typed_tables_hold_the_csv_values(pg_sample, sample_dir):
    src = open_source(pg_sample.url(), Config())
    raw = src.read(Config())
    assert raw.source == "postgresql://127.0.0.1/sales"
    o = raw["orders"].frame
    assert len(o) == len(_csv(sample_dir, "orders"))
    assert o["amount"].dtype == "float64"
    assert pd.api.types.is_datetime64_any_dtype(o["order_date"])
    assert o["amount"].sum() == pytest.approx(
        pd.to_numeric(_csv(sample_dir, "orders")["amount"]).sum()
    )
    assert not raw["orders"].text and raw["orders"].origin.endswith("table orders")


def test_postgres_staging_tables_are_the_csv_text(pg_sample, sample_dir):
    assert_staging_is_csv_text(SQLSource(pg_sample.url()).read(STAGING), sample_dir)


def test_postgres_session_is_read_only(pg_sample):
    for arrow in (True, False):
        with SQLSource(pg_sample.url(), arrow=arrow) as src:
            assert src.execute("SELECT current_setting('transaction_read_only')") == [("on",)]
            with pytest.raises(DataError, match="read-only transaction"):
                src.execute("DELETE FROM orders")
            with pytest.raises(DataError, match="read-only transaction"):
                src.execute("CREATE TABLE sneaky (a int)")
    with pg_sample.connect() as conn:  # nothing was written
        assert conn.execute("SELECT count(*) FROM orders").fetchone()[0] > 0
        assert conn.execute("SELECT to_regclass('public.sneaky')").fetchone()[0] is None


def test_postgres_password_from_environment_and_pgpass(pg_sample, tmp_path, monkeypatch):
    url = pg_sample.url(password=None)
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    with pytest.raises(DataError, match="cannot connect"):
        SQLSource(url).read(Config())
    monkeypatch.setenv("PGPASSWORD", READER_PASSWORD)
    assert len(SQLSource(url).read(Config())["reps"].frame) == 25
    assert len(SQLSource(url, arrow=False).read(Config())["reps"].frame) == 25
    monkeypatch.delenv("PGPASSWORD")
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{pg_sample.cluster.port}:sales:analyst:{READER_PASSWORD}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    assert len(SQLSource(url).read(Config())["reps"].frame) == 25


def test_postgres_errors_never_show_the_password(pg_sample):
    wrong = pg_sample.url(password="Wr0ng-" + READER_PASSWORD)
    for url, cfg in [
        (wrong, Config()),
        (pg_sample.url(), parse({"tables": {"orders": {"table": "nope"}}})),
        (pg_sample.url(), parse({"tables": {"orders": {"query": "SELECT amount FROM"}}})),
    ]:
        for arrow in (True, False):
            with pytest.raises(DataError) as err:
                SQLSource(url, arrow=arrow).read(cfg)
            msg = str(err.value)
            assert READER_PASSWORD not in msg and "Wr0ng" not in msg, msg
            assert "analyst" not in msg.split(":", 2)[0]
            assert msg.startswith("postgresql://127.0.0.1/sales")


def test_postgres_fingerprint_changes_when_one_row_changes(pg_sample):
    with pg_sample.connect() as conn:
        conn.execute("CREATE TABLE orders_copy AS SELECT * FROM orders")
    cfg = parse({"tables": {"orders": {"table": "orders_copy"}}})
    before = SQLSource(pg_sample.url()).fingerprint(cfg)
    assert SQLSource(pg_sample.url()).fingerprint(cfg) == before  # stable
    with pg_sample.connect() as conn:
        conn.execute(
            "UPDATE orders_copy SET amount = amount + 0.01 WHERE order_id = "
            "(SELECT min(order_id) FROM orders_copy)"
        )
    after = SQLSource(pg_sample.url()).fingerprint(cfg)
    with pg_sample.connect() as conn:
        conn.execute("DROP TABLE orders_copy")
    assert after != before


def test_postgres_query_instead_of_a_table(pg_sample):
    cfg = parse(
        {
            "tables": {
                "reps": {"query": "SELECT rep_id AS id, name, region, hire_date FROM reps"},
            }
        }
    )
    t = SQLSource(pg_sample.url()).read(cfg)["reps"]
    assert list(t.frame.columns) == ["id", "name", "region", "hire_date"]
    assert t.origin == "postgresql://127.0.0.1/sales, query for reps"


# ------------------------------------------------------------------ same data, same numbers
def test_excel_loads_the_csv_data_and_headlines(workbook, sample):
    from salesmeasure.data import load

    ds = load(workbook)
    assert_same_dataset(ds, sample)
    assert ds.quality.to_dict("records") == sample.quality.to_dict("records")
    assert ds.rejected["file"].str.startswith("sales.xlsx, sheet ").all()
    # Excel row numbers: the CSV record number + 1 (the header is Excel row 1)
    assert (ds.rejected["row"].to_numpy() == sample.rejected["row"].to_numpy() + 1).all()
    assert headlines(ds) == headlines(sample)


def test_postgres_staging_loads_the_csv_data_with_the_same_rejections(pg_sample, sample):
    from salesmeasure.data import load

    ds = load(pg_sample.url(), config=STAGING)
    assert_staging_load_is_the_csv_load(ds, sample, "postgresql://127.0.0.1/sales")


def test_postgres_typed_tables_load_the_csv_data(pg_sample, sample):
    from salesmeasure.data import load

    ds = load(pg_sample.url())
    assert_typed_load_is_the_csv_load(ds, sample)
    assert READER_PASSWORD not in ds.rejected.to_csv()


@pytest.mark.slow
def test_full_pack_rendered_from_postgres_has_the_csv_headlines(pg_sample, sample, tmp_path):
    """``salesmeasure render --data postgresql://...`` for every region: every report
    renders, the index shows the CSV render's headline numbers, and the password is
    nowhere in the output, the executed notebooks or the log. The executive summary alone
    (it reads every table, and every notebook reads the data the same way: the batch's
    snapshot, through ``report.prepare``); all four notebooks cost 62 s of a fresh
    machine's suite (issue 23), and they render from the CSV sample everywhere else."""
    import os
    import subprocess
    import sys
    from collections import Counter
    from pathlib import Path
    from urllib.parse import quote

    out = tmp_path / "reports"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PGPASSWORD", "PGPASSFILE", "SALESMEASURE_DB_PASSWORD"}
    }
    exe = Path(sys.executable).parent / "salesmeasure"
    url = pg_sample.url()
    cmd = [str(exe), "render", "--period", "2026Q3", "--data", url, "--formats", "html"]
    cmd += ["--notebooks", "00_executive_summary"]
    res = subprocess.run(
        [*cmd, "--out", str(out), "--jobs", "2"],
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
    )
    log = res.stdout + res.stderr
    assert res.returncode == 0, log[-3000:]
    secrets = {READER_PASSWORD, quote(READER_PASSWORD, safe=""), url}
    for text, where in [(log, "the log")] + [
        (p.read_text(encoding="utf-8", errors="replace"), str(p))
        for p in out.rglob("*")
        if p.is_file()
    ]:
        for s in secrets:
            assert s not in text, f"the password is in {where}"
    from contract.artifacts import read_index  # the index as a manager's browser shows it

    rows = read_index(out / "2026Q3" / "index.html")
    # compared without white space: the trend is a block of its own under the value
    shown = Counter((k, "".join(v.split())) for row in rows for k, v in row.scorecard)
    want = Counter(
        (k, "".join(v.split())) for card in headlines(sample).values() for k, v in card.items()
    )
    assert len(rows) == 6 and sum(shown.values()) == 24
    assert shown == want
    reports = list((out / "2026Q3").glob("*/*.html"))
    assert len(reports) == len(sample.regions) + 1
