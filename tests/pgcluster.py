"""A throwaway PostgreSQL cluster for the tests and benchmarks (a real server, no mock).

``PgCluster.start()`` runs Debian's ``initdb`` and ``pg_ctl`` in a fresh temporary folder
on a free port on 127.0.0.1 (and a private socket folder), as the ``postgres`` user when
run as root (the server refuses to run as root), ``stop()`` shuts it down and removes the
folder. ``load_sample(cluster, db, sample_dir)`` creates a database holding the sample
CSV files twice: as six typed tables with our names in ``public`` and as six tables of
text in a ``staging`` schema, owned by a login role with a password (:data:`READER`).

The pytest fixture ``pg_sample`` starts one cluster per test session (per xdist worker),
loads the sample data and yields a :class:`PgSample`; it skips with the reason only when
no PostgreSQL server binaries are installed (``.ci/run`` installs them, so CI never
skips).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shlex
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

#: The login role that owns the sample tables (it could write: the tool's session must not).
READER = "analyst"
#: Its password: characters that need URL quoting, so the tests check the quoting too.
READER_PASSWORD = "Pw-7x!q#tr@ck/Z"

#: Column name -> PostgreSQL type of the typed sample tables (staging tables are all text).
TABLE_COLUMNS: dict[str, dict[str, str]] = {
    "customers": {
        "customer_id": "text",
        "name": "text",
        "region": "text",
        "segment": "text",
        "channel": "text",
        "signup_date": "date",
        "rep_id": "text",
    },
    "orders": {
        "order_id": "text",
        "customer_id": "text",
        "order_date": "date",
        "amount": "numeric(14,2)",
        "quantity": "integer",
        "product_line": "text",
        "rep_id": "text",
    },
    "reps": {"rep_id": "text", "name": "text", "region": "text", "hire_date": "date"},
    "targets": {
        "period": "text",
        "region": "text",
        "rep_id": "text",
        "target_amount": "numeric(14,2)",
    },
    "surveys": {
        "response_id": "text",
        "customer_id": "text",
        "survey_date": "date",
        **{
            c: "smallint"
            for c in ("nps", "csat", "ces", "q_product_quality", "q_service_level", "q_after_sales")
        },
        "comment": "text",
    },
    "complaints": {
        "complaint_id": "text",
        "customer_id": "text",
        "opened_date": "date",
        "category": "text",
        "severity": "text",
        "resolved_date": "date",
    },
}


def create_tables(conn, schema: str, *, typed: bool) -> None:
    """CREATE the six tables in ``schema``: typed, or every column text (staging)."""
    for name, cols in TABLE_COLUMNS.items():
        ddl = ", ".join(f"{c} {t if typed else 'text'}" for c, t in cols.items())
        conn.execute(f"CREATE TABLE {schema}.{name} ({ddl})")


# Casts that give NULL instead of failing, so a typed table holds every sample row (a bad
# date becomes a missing date: still quarantined, with the reason "missing value").
_TRY_CASTS = """
CREATE FUNCTION pg_temp.try_date(v text) RETURNS date LANGUAGE plpgsql AS $$
BEGIN RETURN v::date; EXCEPTION WHEN others THEN RETURN NULL; END $$;
CREATE FUNCTION pg_temp.try_num(v text) RETURNS numeric LANGUAGE plpgsql AS $$
BEGIN RETURN v::numeric; EXCEPTION WHEN others THEN RETURN NULL; END $$;
"""


def find_bindir() -> Path | None:
    """The newest installed PostgreSQL server's bin folder (Debian layout), or None."""
    env = os.environ.get("SALESMEASURE_PG_BINDIR")
    if env and (Path(env) / "initdb").exists():
        return Path(env)
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PgCluster:
    """A running PostgreSQL server in ``base`` (data, socket and log inside it)."""

    bindir: Path
    base: Path
    port: int
    as_postgres: bool

    @property
    def datadir(self) -> Path:
        return self.base / "data"

    @property
    def sockdir(self) -> Path:
        return self.base / "sock"

    @property
    def logfile(self) -> Path:
        return self.base / "server.log"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [str(a) for a in args]
        if self.as_postgres:
            cmd = ["su", "postgres", "-s", "/bin/bash", "-c", shlex.join(cmd)]
        return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=120)

    @classmethod
    def start(cls, bindir: Path | None = None, *, settings: dict | None = None) -> PgCluster:
        """Create and start a cluster; raise RuntimeError (with the server log) on failure."""
        bindir = bindir or find_bindir()
        if bindir is None:
            raise RuntimeError("no PostgreSQL server binaries (apt-get install postgresql)")
        as_postgres = os.geteuid() == 0
        base = Path(tempfile.mkdtemp(prefix="salesmeasure-pg-"))
        (base / "sock").mkdir()
        if as_postgres:
            shutil.chown(base, "postgres", "postgres")
            shutil.chown(base / "sock", "postgres", "postgres")
        c = cls(bindir=bindir, base=base, port=_free_port(), as_postgres=as_postgres)
        try:
            c._run(
                bindir / "initdb",
                "-D",
                c.datadir,
                "-U",
                "postgres",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            )
            opts = {
                "port": c.port,
                "listen_addresses": "127.0.0.1",
                "unix_socket_directories": str(c.sockdir),
                "fsync": "off",
                "synchronous_commit": "off",
                "full_page_writes": "off",
                **(settings or {}),
            }
            o = " ".join(f"-c {k}={v}" for k, v in opts.items())
            c._run(bindir / "pg_ctl", "-D", c.datadir, "-o", o, "-l", c.logfile, "-w", "start")
        except subprocess.CalledProcessError as exc:
            log = c.logfile.read_text() if c.logfile.exists() else ""
            c.stop()
            raise RuntimeError(
                f"PostgreSQL did not start: {exc.stderr or exc.stdout}\n{log[-2000:]}"
            ) from None
        return c

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its folder."""
        if (self.datadir / "postmaster.pid").exists():
            self._run(
                self.bindir / "pg_ctl", "-D", self.datadir, "-m", "fast", "-w", "stop", check=False
            )
        shutil.rmtree(self.base, ignore_errors=True)

    # ------------------------------------------------------------------ connecting
    def connect(self, dbname: str = "postgres", **kw):
        """A psycopg connection as the superuser over the private socket (autocommit)."""
        import psycopg

        return psycopg.connect(
            host=str(self.sockdir),
            port=self.port,
            user="postgres",
            dbname=dbname,
            autocommit=True,
            **kw,
        )

    def url(
        self,
        dbname: str,
        *,
        user: str = READER,
        password: str | None = READER_PASSWORD,
        scheme: str = "postgresql",
    ) -> str:
        """A SQLAlchemy-style URL over TCP; ``password=None`` leaves it out of the URL."""
        return tcp_url(scheme, user, password, self.port, dbname)

    def create_database(self, dbname: str, owner: str = READER) -> None:
        with self.connect() as conn:
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (owner,)).fetchone()
            if not exists:
                conn.execute(
                    f'CREATE ROLE "{owner}" LOGIN PASSWORD '
                    + "'"
                    + READER_PASSWORD.replace("'", "''")
                    + "'"
                )
            # CREATE DATABASE runs alone (it cannot share a transaction)
            conn.execute(f'CREATE DATABASE "{dbname}" OWNER "{owner}"')


@dataclass
class PgSample:
    """The sample data loaded into a running cluster."""

    cluster: PgCluster
    dbname: str

    def url(self, **kw) -> str:
        return self.cluster.url(self.dbname, **kw)

    def connect(self, *, owner: bool = True):
        """A superuser connection to the database, acting as the tables' owner by default."""
        conn = self.cluster.connect(self.dbname)
        if owner:
            conn.execute(f'SET ROLE "{READER}"')
        return conn


def tcp_url(scheme: str, user: str, password: str | None, port: int, database: str) -> str:
    """``scheme://user:password@127.0.0.1:port/database``, user and password URL-quoted
    (``password=None`` leaves it out)."""
    auth = quote(user, safe="")
    if password is not None:
        auth += ":" + quote(password, safe="")
    return f"{scheme}://{auth}@127.0.0.1:{port}/{database}"


def copy_csv(conn, table: str, path: Path, columns: list[str] | None = None) -> None:
    """COPY a CSV file (with header) into ``table`` through psycopg."""
    cols = f" ({', '.join(columns)})" if columns else ""
    with conn.cursor() as cur, open(path, "rb") as fh:
        with cur.copy(f"COPY {table}{cols} FROM STDIN WITH (FORMAT csv, HEADER true)") as cp:
            while chunk := fh.read(1 << 20):
                cp.write(chunk)


def load_sample(cluster: PgCluster, dbname: str, sample_dir: Path) -> PgSample:
    """Create ``dbname`` with the sample data as typed ``public`` and text ``staging`` tables.

    Every CSV row goes into both (duplicate ids, negative amounts and the like included), so
    the tool quarantines the same rows as from the CSV files. The tables belong to
    :data:`READER`, who could change them: only the tool's read-only session stops it.
    """
    cluster.create_database(dbname)
    with cluster.connect(dbname) as conn:
        conn.execute(f'SET ROLE "{READER}"')
        conn.execute("CREATE SCHEMA staging")
        conn.execute(_TRY_CASTS.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"))
        create_tables(conn, "staging", typed=False)
        create_tables(conn, "public", typed=True)
        for name, cols in TABLE_COLUMNS.items():
            copy_csv(conn, f"staging.{name}", sample_dir / f"{name}.csv", list(cols))
            select = ", ".join(_cast(c, t) for c, t in cols.items())
            conn.execute(f"INSERT INTO public.{name} SELECT {select} FROM staging.{name}")
        conn.execute("ANALYZE")
    return PgSample(cluster, dbname)


def _cast(col: str, typ: str) -> str:
    if typ == "date":
        return f"pg_temp.try_date({col})"
    if typ.startswith(("numeric", "integer", "smallint")):
        return f"pg_temp.try_num({col})::{typ}"
    return col


# ------------------------------------------------------------------ pytest fixtures
@pytest.fixture(scope="session", name="pg_cluster")
def pg_cluster_fixture():
    """A running throwaway PostgreSQL cluster (skips only when no server is installed)."""
    bindir = find_bindir()
    if bindir is None:
        pytest.skip(
            "PostgreSQL server binaries not found (no /usr/lib/postgresql/*/bin/initdb): "
            "apt-get install postgresql, as .ci/run does"
        )
    cluster = PgCluster.start(bindir)
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session", name="pg_sample")
def pg_sample_fixture(pg_cluster, sample_dir) -> PgSample:
    """The sample data in database ``sales``: typed ``public`` and text ``staging`` tables."""
    return load_sample(pg_cluster, "sales", sample_dir)


@contextlib.contextmanager
def running_cluster(**settings):
    """``with running_cluster() as c:`` for scripts (benchmarks)."""
    c = PgCluster.start(settings=settings or None)
    try:
        yield c
    finally:
        c.stop()


def copy_arrow(conn, name: str, table, *, chunk: int = 500_000) -> None:
    """COPY an Arrow table into the typed table ``name`` (columns of :data:`TABLE_COLUMNS`).

    Values a typed column cannot hold (the generated data's planted ``2025-02-30``) become
    NULL, as in :func:`load_sample`'s typed tables.
    """
    import io

    import pandas as pd
    import pyarrow as pa
    import pyarrow.csv as pacsv

    cols = TABLE_COLUMNS[name]
    table = table.select(list(cols))
    fixed = {}
    for col, typ in cols.items():
        arr = table[col]
        if typ == "date":
            if not (pa.types.is_date(arr.type) or pa.types.is_timestamp(arr.type)):
                d = pd.to_datetime(arr.to_pandas(), format="ISO8601", errors="coerce")
                fixed[col] = pa.array(d, type=pa.timestamp("us")).cast(pa.date32())
            elif pa.types.is_timestamp(arr.type):
                fixed[col] = arr.cast(pa.date32())
        elif typ != "text":
            num = pd.to_numeric(arr.to_pandas(), errors="coerce")
            if typ in {"integer", "smallint"}:
                fixed[col] = pa.array(num.round().astype("Int64"), type=pa.int64())
            elif not pa.types.is_floating(arr.type):
                fixed[col] = pa.array(num, type=pa.float64())
    for col, arr in fixed.items():
        table = table.set_column(table.schema.get_field_index(col), col, arr)
    sql = f"COPY {name} ({', '.join(cols)}) FROM STDIN WITH (FORMAT csv)"
    with conn.cursor() as cur, cur.copy(sql) as cp:
        for batch in table.to_batches(max_chunksize=chunk):
            buf = io.BytesIO()
            pacsv.write_csv(
                pa.Table.from_batches([batch]),
                buf,
                write_options=pacsv.WriteOptions(include_header=False),
            )
            cp.write(buf.getvalue())
