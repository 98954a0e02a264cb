"""DuckDB files (``duckdb:///...``) against a real DuckDB database built from the sample.

The file holds the sample CSV files twice, as in the PostgreSQL tests: six typed tables in
``main`` (a value the type cannot hold, the sample's impossible date, is NULL there) and six
tables of text in a ``staging`` schema. Checked against the CSV load: the same values,
the same rejections and the same headline numbers; and that the session is read-only, a
missing file is never created, and the fingerprint follows one changed row.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from pgcluster import TABLE_COLUMNS
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
from salesmeasure.sources.sql import SQLSource

duckdb = pytest.importorskip("duckdb", reason="duckdb is a dependency: pip install -e .")


def build_duckdb(sample_dir: Path, path: Path) -> None:
    """The sample as typed ``main`` tables and text ``staging`` tables in a DuckDB file."""
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA staging")
        for name, cols in TABLE_COLUMNS.items():
            names = ", ".join(f"'{c}': 'VARCHAR'" for c in cols)
            csv = str(sample_dir / f"{name}.csv").replace("'", "''")
            con.execute(
                f"CREATE TABLE staging.{name} AS SELECT * FROM read_csv('{csv}', header=true, "
                f"columns={{{names}}}, auto_detect=false)"
            )
            ddl = ", ".join(f"{c} {t}" for c, t in cols.items())
            con.execute(f"CREATE TABLE main.{name} ({ddl})")
            casts = ", ".join(
                c if t == "text" else f"TRY_CAST({c} AS {t})" for c, t in cols.items()
            )
            con.execute(f"INSERT INTO main.{name} SELECT {casts} FROM staging.{name}")


@pytest.fixture(scope="module")
def duck_file(sample_dir, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("duckdb") / "sales.duckdb"
    build_duckdb(sample_dir, path)
    return path


def _url(path: Path) -> str:
    return f"duckdb:///{path}"  # an absolute path gives the four slashes


def test_duckdb_typed_tables_hold_the_csv_values(duck_file, sample_dir):
    src = open_source(_url(duck_file), Config())
    raw = src.read(Config())
    assert_typed_tables_hold_the_csv_values(raw, sample_dir, f"duckdb:///{duck_file}")


def test_duckdb_staging_tables_are_the_csv_text(duck_file, sample_dir):
    assert_staging_is_csv_text(SQLSource(_url(duck_file)).read(STAGING), sample_dir)


def test_duckdb_session_is_read_only(duck_file):
    before = duck_file.read_bytes()
    with SQLSource(_url(duck_file)) as src:
        assert src.execute("SELECT count(*) FROM orders")[0][0] > 0
        for sql in [
            "DELETE FROM orders",
            "CREATE TABLE sneaky (a int)",
            f"COPY orders TO '{duck_file.parent / 'out.csv'}'",  # nor a file beside it
            f"ATTACH '{duck_file.parent / 'other.duckdb'}' AS other",
        ]:
            with pytest.raises(DataError, match="read-only|disabled by configuration"):
                src.execute(sql)
    assert duck_file.read_bytes() == before
    assert not (duck_file.parent / "out.csv").exists()
    assert not (duck_file.parent / "other.duckdb").exists()


def test_duckdb_missing_file_is_named_and_never_created(tmp_path, monkeypatch):
    missing = tmp_path / "nowhere.duckdb"
    with pytest.raises(DataError, match=rf"no such DuckDB file: {missing}"):
        SQLSource(_url(missing)).read(Config())
    monkeypatch.chdir(tmp_path)  # duckdb:///relative/path is relative to the working folder
    with pytest.raises(DataError, match=r"^duckdb:///rel/sales\.duckdb: no such DuckDB file"):
        open_source("duckdb:///rel/sales.duckdb").read(Config())
    assert not missing.exists() and not (tmp_path / "rel").exists()
    with pytest.raises(DataError, match="no DuckDB file named"):
        SQLSource("duckdb://").read(Config())


def test_duckdb_relative_path_url(duck_file, monkeypatch):
    monkeypatch.chdir(duck_file.parent)
    raw = SQLSource(f"duckdb:///{duck_file.name}").read(Config())
    assert raw.source == f"duckdb:///{duck_file.name}" and len(raw["reps"].frame) == 25


def test_duckdb_relative_path_is_made_absolute_for_the_notebooks(duck_file, monkeypatch):
    from salesmeasure.sources.sql import public_spec

    monkeypatch.chdir(duck_file.parent)
    spec = public_spec(f"duckdb:///{duck_file.name}")
    assert spec == f"duckdb:///{duck_file}"  # the kernels run in the notebooks folder
    monkeypatch.chdir("/")
    assert len(SQLSource(spec).read(Config())["reps"].frame) == 25


def test_duckdb_missing_table_names_what_is_there(duck_file):
    cfg = parse({"tables": {"orders": {"table": "order_lines"}}})
    with pytest.raises(DataError, match=r"table order_lines.*tables found: complaints") as err:
        SQLSource(_url(duck_file)).read(cfg)
    assert "staging.orders" in str(err.value)


def test_duckdb_fingerprint_changes_when_one_row_changes(duck_file):
    with duckdb.connect(str(duck_file)) as con:
        con.execute("CREATE TABLE orders_copy AS SELECT * FROM orders")
    cfg = parse({"tables": {"orders": {"table": "orders_copy"}}})
    before = SQLSource(_url(duck_file)).fingerprint(cfg)
    assert SQLSource(_url(duck_file)).fingerprint(cfg) == before  # stable
    assert SQLSource(_url(duck_file)).read(cfg).fingerprint == before
    with duckdb.connect(str(duck_file)) as con:
        con.execute(
            "UPDATE orders_copy SET amount = amount + 0.01 "
            "WHERE order_id = (SELECT min(order_id) FROM orders_copy)"
        )
    after = SQLSource(_url(duck_file)).fingerprint(cfg)
    with duckdb.connect(str(duck_file)) as con:
        con.execute("DROP TABLE orders_copy")
    assert after != before


def test_duckdb_query_instead_of_a_table(duck_file):
    cfg = parse(
        {"tables": {"reps": {"query": "SELECT rep_id AS id, name, region, hire_date FROM reps"}}}
    )
    t = SQLSource(_url(duck_file)).read(cfg)["reps"]
    assert list(t.frame.columns) == ["id", "name", "region", "hire_date"]
    assert t.origin == f"duckdb:///{duck_file}, query for reps"
    bad = parse({"tables": {"reps": {"query": "SELECT nme FROM reps"}}})
    with pytest.raises(DataError, match=r"query for reps: cannot read it: Binder Error"):
        SQLSource(_url(duck_file)).read(bad)


# ------------------------------------------------------------------ same data, same numbers
def test_duckdb_staging_loads_the_csv_data_with_the_same_rejections(duck_file, sample):
    from salesmeasure.data import load

    ds = load(_url(duck_file), config=STAGING)
    assert_staging_load_is_the_csv_load(ds, sample, f"duckdb:///{duck_file}")
    assert headlines(ds) == headlines(sample)


def test_duckdb_typed_tables_load_the_csv_data_andheadlines(duck_file, sample):
    from salesmeasure.data import load

    ds = load(_url(duck_file))
    assert_typed_load_is_the_csv_load(ds, sample)
    assert headlines(ds) == headlines(sample)


def test_validate_command_reads_a_duckdb_url(duck_file, tmp_path):
    exe = str(Path(sys.executable).parent / "salesmeasure")
    out = tmp_path / "rejected.csv"
    r = subprocess.run(
        [exe, "validate", _url(duck_file), "--rejected", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 1, r.stdout + r.stderr  # the sample's planted bad rows
    assert r.stdout.startswith(f"duckdb:///{duck_file}: data up to 2026-")
    assert "Traceback" not in r.stderr
    rejected = pd.read_csv(out)
    assert rejected["file"].str.startswith(f"duckdb:///{duck_file}, table ").all()
    r = subprocess.run(
        [exe, "validate", "duckdb:////nonexistent/sales.duckdb"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2 and "no such DuckDB file: /nonexistent/sales.duckdb" in r.stderr
    assert "Traceback" not in r.stderr
