"""Reading the six tables from a database named by a SQLAlchemy-style URL.

``postgresql://user:password@host:5432/sales`` (also ``postgresql+psycopg://``),
``sqlite:///path/to/file.db``, ``duckdb:///file.duckdb`` (``duckdb:////abs/file.duckdb``),
``mysql://user:password@host:3306/sales`` or ``mariadb://...``: each table is
``SELECT * FROM <table>`` (``<name>`` by default, or ``table = "schema.name"`` or
``query = "SELECT ..."`` in ``salesmeasure.toml``).

* **Fast path.** PostgreSQL is read straight into Arrow by the ADBC PostgreSQL driver
  (libpq's binary COPY, no Python object per value), DuckDB by its own Python API
  (:mod:`salesmeasure.sources.duckdb_source`); every other database through SQLAlchemy
  and ``pandas.read_sql``. An undecorated ``mysql://`` / ``mariadb://`` URL uses the
  pure-Python PyMySQL driver (:mod:`salesmeasure.sources.mysql_source`).
* **Read-only.** The session is read-only before the first statement runs: PostgreSQL
  connects with ``default_transaction_read_only=on`` (a write fails with "cannot execute
  ... in a read-only transaction"), SQLite with ``PRAGMA query_only``, MySQL/MariaDB with
  ``SET SESSION TRANSACTION READ ONLY``, DuckDB opened ``read_only`` with external access
  off. A DuckDB file that does not exist is an error (never created empty).
* **Secret-safe.** The password may be in the URL, or come from ``PGPASSWORD`` or
  ``~/.pgpass`` (libpq reads both, for either path), or ``SALESMEASURE_DB_PASSWORD``
  (where a batch puts a URL's password for its kernels: :func:`public_spec`). :func:`redact` gives the only name
  of the source that is ever shown (scheme, host and database), and every driver error
  is re-raised as a :class:`DataError` with the password and URL scrubbed from it.
* **Fingerprint.** A hash of the data actually read (the Arrow record batches of every
  table, with the query that produced them), so a changed row changes it. Reading
  10 million orders this way takes seconds, so no cheaper proxy (counts, update times,
  which a schema need not have) is needed; the rows read are kept for ``read``.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

import numpy as np
import pandas as pd
import pyarrow as pa

from salesmeasure.errors import DataError
from salesmeasure.sources import (
    RawTable,
    RawTables,
    TableNotFound,
    duckdb_source,
    mysql_source,
    read_tables,
)

if TYPE_CHECKING:
    from salesmeasure.config import Config

#: Where a URL's password waits for the notebook kernels of a batch (see :func:`public_spec`).
PASSWORD_ENV = "SALESMEASURE_DB_PASSWORD"

DB_SCHEMES = ("postgresql", "postgres", "mysql", "mariadb", "sqlite", "duckdb", "mssql", "oracle")


def is_url(spec) -> bool:
    """Whether ``spec`` names a database (``scheme://...``) rather than a path."""
    s = str(spec)
    if "://" not in s:
        return False
    return s.split("://", 1)[0].split("+", 1)[0].lower() in DB_SCHEMES


def public_spec(spec):
    """``spec`` made safe to pass on to notebooks, cache keys and manifests.

    A path comes back as a Path. A database URL comes back without its password, which
    moves into this process's environment (``SALESMEASURE_DB_PASSWORD``), so the notebook
    kernels a batch starts can still connect; :class:`SQLSource` uses it for a URL that
    has no password of its own. A file database's relative path (``sqlite:///sales.db``,
    ``duckdb:///sales.duckdb``) is made absolute: the kernels run in another folder.
    """
    if spec is None:
        return None
    s = str(spec)
    if not is_url(s):
        return Path(s)
    u = _parse(s)
    db = u.database
    if u.drivername.split("+")[0] in {"sqlite", "duckdb"} and db and db != ":memory:":
        if not Path(db).expanduser().is_absolute():
            s = u.set(database=str(Path(db).expanduser().resolve())).render_as_string(False)
            u = _parse(s)
    if u.password is None:
        return s
    os.environ[PASSWORD_ENV] = str(u.password)
    return u._replace(password=None).render_as_string(hide_password=False)


_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://(.*)$", re.S)
#: What follows the ``@`` of a URL's user part: a host (or [IPv6]) and port, then / ? or end.
_HOST_RE = re.compile(r"^(?:\[[^\]]*\]|[^/?#@\s\[\]:]*)(?::\d*)?(?=[/?]|$)")
#: A user or password that is already percent-encoded (nothing to encode).
_ENCODED_RE = re.compile(r"^(?:[A-Za-z0-9._~!$&'()*+,;=-]|%[0-9A-Fa-f]{2})*$")


def split_url(url: str) -> tuple[str, str | None, str | None, str] | None:
    """``scheme://user:password@host...`` -> (scheme, user, password, rest after ``@``).

    Robust to a password holding ``@ : / # ?`` unencoded: the user part ends at the last
    ``@`` followed by a host (and port) and then ``/``, ``?`` or the end (one in the query
    string does not count). None when ``url`` has no ``scheme://``.
    """
    m = _SCHEME_RE.match(str(url))
    if not m:
        return None
    scheme, rest = m.groups()
    if scheme.split("+")[0].lower() in {"sqlite", "duckdb"}:
        return scheme, None, None, rest
    cands = [i for i, ch in enumerate(rest) if ch == "@" and _HOST_RE.match(rest[i + 1 :])]
    if not cands:
        return scheme, None, None, rest
    chosen = cands[-1]
    q = rest.find("?", cands[0] + 1)
    if q != -1 and chosen > q and "=" in rest[q:chosen]:  # an @ inside the query string
        chosen = max(i for i in cands if i < q)
    user, sep, password = rest[:chosen].partition(":")
    return scheme, user, (password if sep else None), rest[chosen + 1 :]


def _encoded(part: str) -> str:
    return part if _ENCODED_RE.match(part) else quote(part, safe="")


def mask(url: str) -> str:
    """``url`` with its password replaced by ``***`` (user, host, port and database kept),
    for messages that must name the URL as written."""
    parts = split_url(str(url))
    if parts is None:
        return "<database URL>"
    scheme, user, password, rest = parts
    if user is None and "@" in rest and scheme.split("+")[0].lower() not in {"sqlite", "duckdb"}:
        auth, _, rest = rest.rpartition("@")  # no host after any @: hide all before the last
        user, password = auth.split(":", 1)[0], ""
    if user is None:
        return f"{scheme}://{rest}"
    rest = re.sub(r"(?i)(password|passwd|pwd)=[^&]*", r"\1=***", rest)
    return f"{scheme}://{user}{':***' if password is not None else ''}@{rest}"


def normalize_url(url: str) -> str:
    """``url`` with its user and password percent-encoded where they are not yet
    (``postgresql://ann:p@ss/w#rd@host/db`` -> ``...ann:p%40ss%2Fw%23rd@host/db``)."""
    parts = split_url(str(url))
    if parts is None or parts[1] is None:
        return str(url)
    scheme, user, password, rest = parts
    auth = _encoded(user) + (f":{_encoded(password)}" if password is not None else "")
    return f"{scheme}://{auth}@{rest}"


def _parse(url: str):
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        u = make_url(normalize_url(url))
        u.port  # noqa: B018  (a port that is not a number fails here)
    except (ArgumentError, ValueError, TypeError):
        raise DataError(
            f"{mask(url)}: not a database URL (write it as "
            "postgresql://user@host:5432/database, the password after the user and a colon, "
            "or sqlite:///path/to/file.db; "
            "a password holding @ : / # ? or % must be percent-encoded: @ as %40, : as %3A, "
            "/ as %2F, # as %23, ? as %3F, % as %25)"
        ) from None
    if u.drivername.split("+")[0] == "postgres":
        u = u.set(drivername="postgresql")
    return u


def redact(url: str) -> str:
    """The name of a database source safe to show: scheme, host and database only.

    Never the user, password, port or query parameters (which may carry a password).

    >>> redact("postgresql://ann:s3cret@db.example.com:5432/sales?sslmode=require")
    'postgresql://db.example.com/sales'
    """
    parts = split_url(str(url))
    if parts is None:
        return "<database>"
    scheme = parts[0].split("+")[0].lower()
    scheme = "postgresql" if scheme == "postgres" else scheme
    rest = parts[3].split("?", 1)[0].split("#", 1)[0]
    if scheme in {"sqlite", "duckdb"}:
        path = rest[1:] if rest.startswith("/") else rest
        return f"{scheme}:///{path}" if path else f"{scheme}://"
    netloc, _, path = rest.partition("/")
    host = netloc.rsplit("@", 1)[-1]
    host = re.sub(r":\d*$", "", host) if not host.endswith("]") else host
    return f"{scheme}://{host}/{path.split('/')[0]}"


def _secrets(url: str) -> list[str]:
    """Strings that must never be shown: the URL itself and its password (raw and quoted)."""
    parts = split_url(str(url))
    out = set()
    if parts is None or parts[2] is not None or "?" in str(url):  # a file path is no secret
        out |= {str(url), normalize_url(str(url))}
    if os.environ.get(PASSWORD_ENV):
        out.add(os.environ[PASSWORD_ENV])
    if parts is not None and parts[2]:
        pw = parts[2]
        out |= {pw, unquote(pw), quote(unquote(pw), safe=""), quote(pw, safe="")}
    return sorted((s for s in out if len(s) >= 3), key=len, reverse=True)


def scrub(text: str, url: str) -> str:
    """``text`` with the URL, its password and any ``user:password@`` part replaced."""
    for secret in _secrets(url):
        text = text.replace(secret, "***")
    return re.sub(r"(://[^:/@\s]*):[^@\s/]*@", r"\1:***@", text)


def _first_line(exc: BaseException) -> str:
    msg = str(exc).strip()
    return msg.splitlines()[0] if msg else type(exc).__name__


def quote_ident(name: str, quote_char: str = '"') -> str:
    """``schema.table`` -> ``"schema"."table"`` (each part quoted)."""
    parts = name.split(".")
    return ".".join(quote_char + p.replace(quote_char, quote_char * 2) + quote_char for p in parts)


# ------------------------------------------------------------------ Arrow handling
def arrow_to_pandas(table: pa.Table) -> pd.DataFrame:
    """A DataFrame from an Arrow table with the types the data layer coerces.

    PostgreSQL ``numeric`` (an opaque string extension in ADBC, or decimal128) becomes
    float64, dates become datetime64, text stays text; anything else as Arrow converts it.
    """
    cols = {}
    for name, col in zip(table.column_names, table.columns, strict=True):
        t = col.type
        if isinstance(t, pa.BaseExtensionType):
            storage = pa.chunked_array([c.storage for c in col.chunks], type=t.storage_type)
            if getattr(t, "type_name", "") == "numeric" or pa.types.is_string(t.storage_type):
                try:
                    col = storage.cast(pa.float64())
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                    col = storage
            else:
                col = storage
        elif pa.types.is_decimal(t):
            col = pa.chunked_array([_decimal_to_float(c) for c in col.chunks], type=pa.float64())
        cols[name] = col
    plain = pa.table(cols)
    return plain.to_pandas(date_as_object=False, split_blocks=True, self_destruct=True)


def _decimal_to_float(a: pa.Array) -> pa.Array:
    """Decimals as the float64 nearest each value, as parsing its text would give.

    Arrow's decimal-to-float cast is not correctly rounded (``3427.20`` became
    ``3427.2000000000003``); an unscaled integer below 2**53 divided by ``10**scale`` is.
    """
    t = a.type
    if t.bit_width == 128 and t.precision <= 15 and 0 <= t.scale <= 22:
        words = np.frombuffer(a.buffers()[1], dtype="<i8")  # little-endian 128-bit values
        unscaled = words[2 * a.offset : 2 * (a.offset + len(a)) : 2]  # low words suffice
        values = unscaled / 10.0**t.scale
        mask = a.is_null().to_numpy(zero_copy_only=False) if a.null_count else None
        return pa.array(values, type=pa.float64(), mask=mask)
    return a.cast(pa.string()).cast(pa.float64())


class _HashSink:
    """A write-only file object feeding an Arrow IPC stream into a hash."""

    def __init__(self, h):
        self.h = h
        self.closed = False

    def write(self, data) -> int:
        self.h.update(data)
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True


def hash_arrow(h, table: pa.Table) -> None:
    """Feed ``table``'s values into hash ``h`` (deterministically).

    Column by column: name, type, which rows are null, then the non-null values as Arrow
    IPC. Null slots are left out because drivers leave whatever bytes were there.
    """
    h.update(f"{table.num_rows}\x00".encode())
    for name, col in zip(table.column_names, table.columns, strict=True):
        t = col.type
        if isinstance(t, pa.BaseExtensionType):
            col = pa.chunked_array([c.storage for c in col.chunks], type=t.storage_type)
        h.update(f"{name}\x00{t}\x00".encode())
        if col.null_count:
            h.update(np.packbits(col.is_null().to_numpy()).tobytes())
            col = col.drop_null()
        one = pa.table({name: col})
        with pa.ipc.new_stream(_HashSink(h), one.schema) as writer:
            for batch in one.to_batches():
                writer.write_batch(batch)


# ------------------------------------------------------------------ the source
class SQLSource:
    """A database holding the six tables (or queries producing them).

    Parameters
    ----------
    url : str
        SQLAlchemy-style URL. A password in it is used and never shown.
    arrow : bool
        Use the Arrow-native ADBC driver for PostgreSQL (default True); False reads
        through SQLAlchemy + ``pandas.read_sql`` as for the other databases. DuckDB is
        always read through its own API into Arrow.

    Use as a context manager, or call :meth:`close`; one read-only session serves every
    table. ``fingerprint`` is available after the reads.
    """

    def __init__(self, url: str, *, arrow: bool = True):
        self._url = str(url)
        self.u = _parse(self._url)
        # a batch's password for its kernels belongs to a server's URL; a file database
        # (sqlite:///path) has no user or host and takes none
        if self.u.password is None and self.u.host and os.environ.get(PASSWORD_ENV):
            self.u = self.u.set(password=os.environ[PASSWORD_ENV])
        self.backend = self.u.drivername.split("+")[0]
        if self.backend in mysql_source.BACKENDS:
            self.u = mysql_source.with_driver(self.u)
        self.label = redact(self._url)
        self.arrow = arrow and self.backend == "postgresql"
        self.duck = self.backend == "duckdb"
        self._conn = None
        self._engine = None
        self._cached: tuple[str, RawTables] | None = None

    # ------------------------------------------------------------- connections
    def __enter__(self) -> SQLSource:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        try:
            if self._conn is not None:
                self._conn.close()
            if self._engine is not None:
                self._engine.dispose()
        finally:
            self._conn = self._engine = None

    def _adbc_uri(self) -> str:
        u = self.u
        auth = ""
        if u.username:
            auth = quote(u.username, safe="")
            if u.password is not None:
                auth += ":" + quote(str(u.password), safe="")
            auth += "@"
        host = u.host or ""
        if host and ":" in host and not host.startswith("["):
            host = f"[{host}]"
        port = f":{u.port}" if u.port else ""
        params = {k: v for k, v in u.query.items() if k != "options"}
        options = " ".join(
            x for x in (u.query.get("options"), "-c default_transaction_read_only=on") if x
        )
        params["options"] = options
        qs = "&".join(f"{quote(k, safe='')}={quote(str(v), safe='')}" for k, v in params.items())
        return f"postgresql://{auth}{host}{port}/{quote(u.database or '', safe='')}?{qs}"

    def _fail(self, what: str, exc: BaseException) -> DataError:
        return DataError(
            f"{self.label}: {what}: {scrub(_first_line(exc), self._url)}", file=self.label
        )

    def connection(self):
        """The read-only connection (ADBC for PostgreSQL, DuckDB's own, else SQLAlchemy)."""
        if self._conn is not None:
            return self._conn
        try:
            if self.arrow:
                import adbc_driver_postgresql.dbapi as adbc

                self._conn = adbc.connect(self._adbc_uri())
            elif self.duck:
                self._conn = duckdb_source.connect(self.u.database, self.label)
            else:
                self._conn = self._sqlalchemy_engine().connect()
        except DataError:
            raise
        except Exception as exc:
            raise self._fail("cannot connect", exc) from None
        return self._conn

    def _sqlalchemy_engine(self):
        from sqlalchemy import create_engine, event

        u = self.u
        kwargs: dict = {}
        if self.backend == "postgresql":
            if "+" not in u.drivername:
                u = u.set(drivername="postgresql+psycopg")
            kwargs["connect_args"] = {"options": "-c default_transaction_read_only=on"}
        if self.backend == "sqlite":
            kwargs["creator"] = _sqlite_read_only(u.database, self.label)
            u = u.set(database=None, query={})
        engine = create_engine(u, **kwargs)

        if self.backend == "sqlite":

            @event.listens_for(engine, "connect")
            def _query_only(dbapi_conn, _record):
                dbapi_conn.execute("PRAGMA query_only = ON")

        elif self.backend in mysql_source.BACKENDS:
            mysql_source.make_read_only(engine)

        self._engine = engine
        return engine

    def execute(self, sql: str) -> list[tuple]:
        """Run one statement in the read-only session and return its rows (tests, checks)."""
        conn = self.connection()
        try:
            if self.arrow:
                with conn.cursor() as cur:
                    cur.execute(sql)
                    return [tuple(r) for r in cur.fetchall()] if cur.description else []
            if self.duck:
                return duckdb_source.execute(conn, sql)
            from sqlalchemy import text

            res = conn.execute(text(sql))
            return [tuple(r) for r in res] if res.returns_rows else []
        except Exception as exc:
            self._rollback()
            raise self._fail("statement failed", exc) from None

    def _rollback(self) -> None:
        try:
            if self._conn is not None and not self.duck:
                self._conn.rollback()
        except Exception:
            pass

    # ------------------------------------------------------------------ reading
    def query_for(
        self,
        name: str,
        *,
        table: str | None = None,
        query: str | None = None,
        columns: list[str] | None = None,
    ) -> tuple[str, str]:
        """The SQL that reads table ``name`` and how messages name it."""
        if query:
            return query, f"{self.label}, query for {name}"
        ref = table or name
        q = "`" if self.backend in {"mysql", "mariadb"} else '"'
        cols = ", ".join(quote_ident(c, q) for c in columns) if columns else "*"
        return f"SELECT {cols} FROM {quote_ident(ref, q)}", f"{self.label}, table {ref}"

    def read_table(
        self,
        name: str,
        *,
        table: str | None = None,
        query: str | None = None,
        columns: list[str] | None = None,
    ) -> RawTable:
        """Read one of the six tables (by default the database table of that name)."""
        sql, origin = self.query_for(name, table=table, query=query, columns=columns)
        conn = self.connection()
        df = None
        try:
            if self.arrow:
                with conn.cursor() as cur:
                    cur.execute(sql)
                    arrow_table = cur.fetch_arrow_table()
                conn.rollback()  # end the read-only transaction
            elif self.duck:
                arrow_table = duckdb_source.fetch_arrow(conn, sql)
            else:
                arrow_table = None
                if self.backend in mysql_source.BACKENDS:
                    arrow_table = mysql_source.fetch_arrow(conn, _sa_text(sql))
                if arrow_table is None:
                    df = pd.read_sql(_sa_text(sql), conn)
                    try:
                        arrow_table = pa.Table.from_pandas(df, preserve_index=False)
                    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed types (SQLite)
                        arrow_table = None
                conn.rollback()
        except Exception as exc:
            self._rollback()
            missing = self._missing_table_hint(table or name) if not query else ""
            error = TableNotFound if missing else DataError
            extra = {"explicit": table is not None} if missing else {}
            raise error(
                f"{origin}: cannot read it: {scrub(_first_line(exc), self._url)}{missing}",
                file=origin,
                **extra,
            ) from None
        h = hashlib.sha256(f"{name}\x00{sql}\x00".encode())
        if arrow_table is None:
            h.update(pd.util.hash_pandas_object(df.astype(str), index=False).to_numpy())
            frame = df
        else:
            hash_arrow(h, arrow_table)
            frame = arrow_to_pandas(arrow_table)
        return RawTable(
            name=name,
            frame=frame,
            origin=origin,
            row_base=1,
            fingerprint=h.hexdigest(),
            text=bool(len(frame.columns)) and all(_is_text(frame[c]) for c in frame.columns),
        )

    def _where(self, name: str, config: Config) -> dict:
        tc = config.table(name)
        if tc.file or tc.sheet:
            kind = "file" if tc.file else "sheet"
            raise DataError(
                f"{config.path}: [tables.{name}] gives a {kind}, but the data is the database "
                f'{self.label}; use table = "schema.table" or query = "SELECT ..."',
                file=str(config.path),
            )
        return {"table": tc.table, "query": tc.query}

    def read(self, config: Config) -> RawTables:
        """Read the six tables in one read-only session (see :mod:`salesmeasure.sources`).

        The result is kept, so :meth:`fingerprint` then :meth:`read` (or the other way
        round) with the same configuration reads the database once.
        """
        key = config.fingerprint
        if self._cached is not None and self._cached[0] == key:
            return self._cached[1]
        try:
            self.connection()  # a failed connection is one error, not one per table
            raw = read_tables(
                config, lambda n: self.read_table(n, **self._where(n, config)), self.label
            )
        finally:
            self.close()
        self._cached = (key, raw)
        return raw

    def fingerprint(self, config: Config) -> str:
        """A hash of the rows read (Arrow record batches and the queries that gave them).

        Computed from the data actually read rather than from counts or update times,
        which a database need not have; the tables read are kept for :meth:`read`.
        """
        return self.read(config).fingerprint

    def _missing_table_hint(self, ref: str) -> str:
        try:
            names = self.table_names()
        except Exception:
            return ""
        if ref in names or ref.split(".")[-1] in names:
            return ""
        import difflib

        hint = difflib.get_close_matches(ref, names, n=1)
        found = ", ".join(names[:20]) or "none"
        return (
            f" (no table {ref!r}"
            + (f"; did you mean {hint[0]!r}?" if hint else "")
            + f"; tables found: {found})"
        )

    def table_names(self) -> list[str]:
        """Tables and views the session can see, as ``schema.name`` outside the default."""
        if self.backend == "postgresql":
            rows = self.execute(
                "SELECT table_schema, table_name FROM information_schema.tables "
                "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') "
                "ORDER BY table_schema <> 'public', table_schema, table_name"
            )
            return [n if s == "public" else f"{s}.{n}" for s, n in rows]
        if self.duck:
            return duckdb_source.table_names(self.connection())
        from sqlalchemy import inspect

        return sorted(inspect(self.connection()).get_table_names())


def _sqlite_read_only(database: str | None, label: str):
    """A connection factory opening a SQLite file read-only (``file:...?mode=ro``): a
    missing file is "no such file", never created empty."""
    import sqlite3

    if not database or database == ":memory:":
        raise DataError(f"{label}: no database file in the URL (write sqlite:///path/to/file.db)")
    p = Path(database).expanduser()
    if not p.is_file():
        raise DataError(
            f"{label}: no such file {p}"
            + (" (it is a folder)" if p.is_dir() else " (check the path in the URL)"),
            file=str(p),
        )
    uri = p.resolve().as_uri() + "?mode=ro"

    def connect():
        return sqlite3.connect(uri, uri=True, check_same_thread=False)

    return connect


def _is_text(s: pd.Series) -> bool:
    if pd.api.types.is_string_dtype(s):
        return True
    return s.dtype == object and all(isinstance(v, str) for v in s.dropna().head(1000))


def _sa_text(sql: str):
    from sqlalchemy import text

    return text(sql)


@contextmanager
def opened(url: str, **kw) -> Iterator[SQLSource]:
    src = SQLSource(url, **kw)
    try:
        yield src
    finally:
        src.close()
