"""DuckDB files for :class:`salesmeasure.sources.sql.SQLSource` (``duckdb:///...`` URLs).

``duckdb:///relative/path.duckdb`` and ``duckdb:////absolute/path.duckdb``, as SQLAlchemy
spells them. The file is opened by DuckDB's own Python API (no SQLAlchemy dialect), and
each table is fetched straight into Arrow (``relation.to_arrow_table()``: DuckDB's
columnar result, no Python object per value), then hashed and converted exactly as the
PostgreSQL ADBC path does.

* **Read-only.** The file is opened with ``read_only=True`` (a write fails with "Cannot
  execute statement of type ... in read-only mode"), with external access off (no
  ``ATTACH`` of another file, no ``COPY ... TO``, no extension downloads) and the
  configuration locked, so a ``query`` in ``salesmeasure.toml`` cannot write anywhere.
* **A missing file** is a :class:`~salesmeasure.errors.DataError` naming it; DuckDB would
  otherwise create an empty database.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from salesmeasure.errors import DataError

#: Settings of every DuckDB session: nothing outside the opened file, and no way back.
SESSION_CONFIG = {"enable_external_access": False, "lock_configuration": True}


def database_path(database: str | None, label: str) -> Path:
    """The DuckDB file a URL names; DataError when there is none (never create one)."""
    if not database or database == ":memory:":
        raise DataError(
            f"{label}: no DuckDB file named (write duckdb:///relative/path.duckdb "
            "or duckdb:////absolute/path.duckdb)",
            file=label,
        )
    path = Path(database).expanduser()
    if not path.is_file():
        raise DataError(f"{label}: no such DuckDB file: {path}", file=label)
    return path


def connect(database: str | None, label: str):
    """A read-only DuckDB connection to the file ``database`` (see the module docstring)."""
    import duckdb

    path = database_path(database, label)
    return duckdb.connect(str(path), read_only=True, config=dict(SESSION_CONFIG))


def fetch_arrow(conn, sql: str) -> pa.Table:
    """The result of ``sql`` as an Arrow table (DuckDB >= 1.1 and 2.x spellings)."""
    rel = conn.sql(sql)
    if rel is None:  # a statement that is not a query (it ran, and returned nothing)
        raise DataError("the statement returned no result set (write a SELECT)")
    if hasattr(rel, "to_arrow_table"):
        return rel.to_arrow_table()
    return rel.arrow()


def execute(conn, sql: str) -> list[tuple]:
    """Run one statement and return its rows (an empty list when it has none)."""
    cur = conn.execute(sql)
    return [tuple(r) for r in cur.fetchall()] if cur.description else []


def table_names(conn) -> list[str]:
    """Tables and views, as ``schema.name`` outside the default schema ``main``."""
    rows = execute(
        conn,
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_catalog = current_database() "
        "ORDER BY table_schema <> 'main', table_schema, table_name",
    )
    return [n if s == "main" else f"{s}.{n}" for s, n in rows]
