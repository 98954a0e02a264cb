"""MariaDB and MySQL for :class:`salesmeasure.sources.sql.SQLSource` (``mysql://``, ``mariadb://``).

* **Driver.** An undecorated ``mysql://`` or ``mariadb://`` URL is read with mysqlclient
  when it is installed (a C parser: 1 million orders in 11 s against 31 s, measured
  here; it needs the MySQL client headers to build, so it is optional:
  ``pip install mysqlclient``), else with PyMySQL (``mysql+pymysql://``), the pure-Python
  driver installed with salesmeasure. A URL naming a driver (``mysql+mysqldb://``,
  ``mariadb+mariadbconnector://``) keeps it.
* **Path.** SQLAlchemy with a server-side cursor, rows turned into Arrow columns a
  batch at a time (:func:`fetch_arrow`), then the hash and DataFrame as for PostgreSQL
  (10 million orders: 1.9 GiB against ``pandas.read_sql``'s 7.0 GiB; the time is the
  driver's parsing, about the same either way).
  No Arrow-native reader is used: connectorx (0.4.6) reads MySQL into Arrow fast, but
  on connections of its own that cannot be made read-only: given ``DELETE FROM orders``
  as a query it emptied the table before reporting an error; and a wrong password made
  it retry for about 30 seconds, logging the error to stderr itself.
* **Read-only.** Every connection runs ``SET SESSION TRANSACTION READ ONLY`` before the
  first statement, so a write fails with "Cannot execute statement in a READ ONLY
  transaction" (error 1792).
* **Password.** In the URL (quoted), or ``SALESMEASURE_DB_PASSWORD`` (see
  :func:`salesmeasure.sources.sql.public_spec`); errors are scrubbed of it by
  :class:`~salesmeasure.sources.sql.SQLSource`.
"""

from __future__ import annotations

BACKENDS = ("mysql", "mariadb")

#: The driver an undecorated URL uses (pure Python, installed with salesmeasure).
DEFAULT_DRIVER = "pymysql"


def with_driver(u):
    """The SQLAlchemy URL ``u`` with a driver named when it names none: mysqlclient
    (``MySQLdb``, a C parser, ~3x faster on large tables) when it is installed, else
    PyMySQL."""
    if "+" in u.drivername:
        return u
    return u.set(drivername=f"{u.drivername}+{default_driver()}")


def default_driver() -> str:
    """``mysqldb`` when mysqlclient is importable, else :data:`DEFAULT_DRIVER`."""
    import importlib.util

    return "mysqldb" if importlib.util.find_spec("MySQLdb") is not None else DEFAULT_DRIVER


def make_read_only(engine) -> None:
    """Make every connection of ``engine`` a read-only session before it is used."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _read_only(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        cur.execute("SET SESSION TRANSACTION READ ONLY")
        cur.close()


def fetch_arrow(conn, sql, batch_rows: int = 100_000):
    """The result of ``sql`` as an Arrow table, streamed: a server-side cursor
    (``stream_results``) hands over ``batch_rows`` rows at a time, each turned into Arrow
    columns at once, so the rows are never all held as Python objects (nor as a pandas
    frame of objects). ``None`` when there are no rows (the caller then reads it with
    ``pandas.read_sql``, which knows the columns of an empty result).

    A column whose values do not make one Arrow type is read as text, in every batch: a
    legacy MySQL ``DATE`` holding ``0000-00-00`` comes back from the driver as the string
    among dates, and as text it is parsed like a CSV column (that row quarantined as an
    unparseable date, the others kept).
    """
    import pyarrow as pa

    result = conn.execution_options(stream_results=True, max_row_buffer=batch_rows).execute(sql)
    names = list(result.keys())
    batches = []
    try:
        while rows := result.fetchmany(batch_rows):
            columns = list(zip(*rows, strict=True))
            batches.append(pa.record_batch([_arrow_column(c) for c in columns], names=names))
    finally:
        result.close()
    if not batches:
        return None
    return pa.Table.from_batches(_same_schema(batches))


def _arrow_column(values):
    import pyarrow as pa

    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed types: the values as text
        return pa.array([None if v is None else str(v) for v in values], type=pa.string())


def _same_schema(batches: list) -> list:
    """The batches cast to one schema: a column that is text in some batch is text in all
    (dates and decimals written as text), other differences (an all-NULL batch, decimals
    of another width) unified by Arrow."""
    import pyarrow as pa

    if len({b.schema for b in batches}) == 1:
        return batches
    text = {
        name
        for b in batches
        for name, t in zip(b.schema.names, b.schema.types, strict=True)
        if pa.types.is_string(t)
    }
    out = []
    for b in batches:
        cols = [
            c.cast(pa.string()) if name in text and not pa.types.is_string(c.type) else c
            for name, c in zip(b.schema.names, b.columns, strict=True)
        ]
        out.append(pa.record_batch(cols, names=b.schema.names))
    schema = pa.unify_schemas([b.schema for b in out], promote_options="permissive")
    return [b.cast(schema) for b in out]
