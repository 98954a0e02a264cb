"""A throwaway MariaDB server for the tests (a real server, no mock), like pgcluster.py.

``MariaServer.start()`` runs Debian's ``mariadb-install-db`` into a fresh temporary folder
and starts ``mariadbd`` on it with its own ``--datadir``, ``--socket`` and a free
``--port`` on 127.0.0.1 (as the ``mysql`` user when run as root: the server refuses to
run as root); grant tables are on (no ``--skip-grant-tables``). ``stop()`` shuts it down
and removes the folder. Start-up takes about a second.

``load_sample(server, sample_dir)`` creates a login user with a password that needs URL
quoting (:data:`READER`, :data:`READER_PASSWORD`, as for PostgreSQL) owning two
databases holding the sample CSV files: ``sales`` with six typed tables, and ``staging``
with six tables of text (so ``table = "staging.orders"`` reads the staging copy, as a
schema does in PostgreSQL). Every CSV row goes into both; a value a typed column cannot
hold (the sample's impossible date ``2025-02-30``) is NULL there, as in pgcluster.

The pytest fixture ``maria_sample`` starts one server per test session (per xdist
worker), loads the sample and yields a :class:`MariaSample`; it skips with the reason
only when no MariaDB server binaries are installed (``.ci/run`` installs them).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from pgcluster import READER, READER_PASSWORD, TABLE_COLUMNS, _free_port, tcp_url

__all__ = ["READER", "READER_PASSWORD", "MariaServer", "MariaSample", "load_sample"]

#: pgcluster's column types spelled for MariaDB.
MARIA_TYPES = {
    "text": "TEXT",
    "date": "DATE",
    "numeric(14,2)": "DECIMAL(14,2)",
    "integer": "INT",
    "smallint": "SMALLINT",
}

SERVER_OPTIONS = [
    "--skip-log-bin",
    "--skip-name-resolve",
    "--innodb-flush-log-at-trx-commit=0",
    "--innodb-doublewrite=0",
    "--innodb-buffer-pool-size=64M",
    "--character-set-server=utf8mb4",
    "--collation-server=utf8mb4_bin",
]


def find_binaries() -> tuple[Path, Path] | None:
    """``(mariadb-install-db, mariadbd)``, or None when the server is not installed."""
    install = shutil.which("mariadb-install-db") or shutil.which("mysql_install_db")
    server = None
    for name in ("mariadbd", "mysqld"):
        server = shutil.which(name) or next(
            (str(p) for p in (Path("/usr/sbin") / name,) if p.exists()), None
        )
        if server:
            break
    if install and server:
        return Path(install), Path(server)
    return None


@dataclass
class MariaServer:
    """A running MariaDB server in ``base`` (data, socket and log inside it)."""

    base: Path
    port: int
    process: subprocess.Popen

    @property
    def socket(self) -> Path:
        return self.base / "mysqld.sock"

    @property
    def logfile(self) -> Path:
        return self.base / "server.log"

    @classmethod
    def start(cls, *options: str) -> MariaServer:
        """Create and start a server; raise RuntimeError (with the server log) on failure.

        ``options`` are added to :data:`SERVER_OPTIONS` (a later one wins), e.g. a larger
        ``--innodb-buffer-pool-size`` for a benchmark."""
        found = find_binaries()
        if found is None:
            raise RuntimeError("no MariaDB server binaries (apt-get install mariadb-server)")
        install, server = found
        as_root = os.geteuid() == 0
        base = Path(tempfile.mkdtemp(prefix="salesmeasure-maria-"))
        user = ["--user=mysql"] if as_root else []
        if as_root:
            shutil.chown(base, "mysql", "mysql")
        datadir = base / "data"
        res = subprocess.run(
            [
                str(install),
                "--no-defaults",
                f"--datadir={datadir}",
                *user,
                "--auth-root-authentication-method=normal",  # root without a password
                "--skip-test-db",
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        if res.returncode:
            shutil.rmtree(base, ignore_errors=True)
            raise RuntimeError(f"mariadb-install-db failed: {res.stderr or res.stdout}")
        port = _free_port()
        proc = subprocess.Popen(
            [
                str(server),
                "--no-defaults",
                f"--datadir={datadir}",
                f"--socket={base / 'mysqld.sock'}",
                f"--port={port}",
                "--bind-address=127.0.0.1",
                f"--pid-file={base / 'mysqld.pid'}",
                f"--log-error={base / 'server.log'}",
                *user,
                *SERVER_OPTIONS,
                *options,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        s = cls(base=base, port=port, process=proc)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            try:
                s.connect().close()
                return s
            except Exception:
                time.sleep(0.1)
        log = s.logfile.read_text(errors="replace") if s.logfile.exists() else ""
        s.stop()
        raise RuntimeError(f"MariaDB did not start:\n{log[-2000:]}")

    def stop(self) -> None:
        """Stop the server (SIGTERM, a clean shutdown) and remove its folder."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.base, ignore_errors=True)

    # ------------------------------------------------------------------ connecting
    def connect(self, database: str | None = None, **kw):
        """A PyMySQL connection as root over the private socket (autocommit)."""
        import pymysql

        return pymysql.connect(
            unix_socket=str(self.socket),
            user="root",
            database=database,
            autocommit=True,
            charset="utf8mb4",
            **kw,
        )

    def url(
        self,
        database: str,
        *,
        user: str = READER,
        password: str | None = READER_PASSWORD,
        scheme: str = "mysql",
    ) -> str:
        """A SQLAlchemy-style URL over TCP; ``password=None`` leaves it out of the URL."""
        return tcp_url(scheme, user, password, self.port, database)


@dataclass
class MariaSample:
    """The sample data loaded into a running server: databases ``sales`` and ``staging``."""

    server: MariaServer
    dbname: str = "sales"

    def url(self, **kw) -> str:
        return self.server.url(self.dbname, **kw)

    def connect(self, database: str | None = None):
        """A root connection to ``sales`` (or ``database``), autocommit."""
        return self.server.connect(database or self.dbname)


def _rows(df) -> list[tuple]:
    """DataFrame rows as tuples with None for missing values (for executemany)."""
    obj = df.astype(object).where(df.notna(), None)
    return list(obj.itertuples(index=False, name=None))


def load_sample(server: MariaServer, sample_dir: Path, dbname: str = "sales") -> MariaSample:
    """Create :data:`READER` and the ``sales`` (typed) and ``staging`` (text) databases.

    The reader has every privilege on both (it could write: only the tool's read-only
    session stops it). Loaded with ``executemany`` (PyMySQL sends multi-row INSERTs).
    """
    import pandas as pd

    with server.connect() as conn, conn.cursor() as cur:
        for host in ("127.0.0.1", "localhost"):
            cur.execute("CREATE USER %s@%s IDENTIFIED BY %s", (READER, host, READER_PASSWORD))
        for db in (dbname, "staging"):
            cur.execute(f"CREATE DATABASE `{db}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
            for host in ("127.0.0.1", "localhost"):
                cur.execute(f"GRANT ALL ON `{db}`.* TO %s@%s", (READER, host))
        for name, cols in TABLE_COLUMNS.items():
            text = pd.read_csv(sample_dir / f"{name}.csv", dtype=str, keep_default_na=False)
            text = text[list(cols)]
            typed = text.copy()
            for col, typ in cols.items():
                if typ == "date":
                    d = pd.to_datetime(typed[col], format="ISO8601", errors="coerce")
                    typed[col] = [x.date() if pd.notna(x) else None for x in d]
                elif typ != "text":
                    typed[col] = pd.to_numeric(typed[col], errors="coerce")
                    if typ in {"integer", "smallint"}:
                        typed[col] = typed[col].round().astype("Int64")
            marks = ", ".join(["%s"] * len(cols))
            for db, frame, is_typed in (("staging", text, False), (dbname, typed, True)):
                ddl = ", ".join(
                    f"`{c}` {MARIA_TYPES[t] if is_typed else 'TEXT'}" for c, t in cols.items()
                )
                cur.execute(f"CREATE TABLE `{db}`.`{name}` ({ddl})")
                cur.executemany(f"INSERT INTO `{db}`.`{name}` VALUES ({marks})", _rows(frame))
    return MariaSample(server, dbname)


# ------------------------------------------------------------------ pytest fixtures
@pytest.fixture(scope="session", name="maria_server")
def maria_server_fixture():
    """A running throwaway MariaDB server (skips only when no server is installed)."""
    if find_binaries() is None:
        pytest.skip(
            "MariaDB server binaries not found (no mariadb-install-db / mariadbd): "
            "apt-get install mariadb-server, as .ci/run does"
        )
    server = MariaServer.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session", name="maria_sample")
def maria_sample_fixture(maria_server, sample_dir) -> MariaSample:
    """The sample data in databases ``sales`` (typed) and ``staging`` (text)."""
    return load_sample(maria_server, sample_dir)
