"""MariaDB and MySQL for :class:`salesmeasure.sources.sql.SQLSource` (``mysql://``, ``mariadb://``).

* **Driver.** An undecorated ``mysql://`` or ``mariadb://`` URL is read with PyMySQL
  (``mysql+pymysql://``), a pure-Python driver with nothing to compile; SQLAlchemy alone
  would pick mysqlclient, which needs the MySQL client headers to build. A URL naming a
  driver (``mysql+mysqldb://``, ``mariadb+mariadbconnector://``) keeps it.
* **Path.** SQLAlchemy and ``pandas.read_sql``, then Arrow for the hash, as for SQLite.
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
    """The SQLAlchemy URL ``u`` with PyMySQL named when it names no driver."""
    if "+" in u.drivername:
        return u
    return u.set(drivername=f"{u.drivername}+{DEFAULT_DRIVER}")


def make_read_only(engine) -> None:
    """Make every connection of ``engine`` a read-only session before it is used."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _read_only(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        cur.execute("SET SESSION TRANSACTION READ ONLY")
        cur.close()
