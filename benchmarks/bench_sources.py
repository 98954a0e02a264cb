"""Reading orders from a database: the tool's read against plain pandas.read_sql.

For each backend, loads N orders from the generated 1-million-customer data set
(``salesmeasure sample-data --customers 1000000 --format parquet --out benchmarks/data/1m``,
9.2 million orders, topped up to N with renumbered copies) into a typed table, then reads
the same table, each reader in its own subprocess, once:

* ``tool``: ``SQLSource(url).read_table("orders")``, what salesmeasure does (the rows, the
  fingerprint hash, the DataFrame). PostgreSQL: ADBC binary COPY into Arrow; DuckDB: its
  own Arrow result; MariaDB: PyMySQL through SQLAlchemy and ``pandas.read_sql`` (there is
  no Arrow-native MySQL reader on PyPI that we trust: see sources/mysql_source.py);
* ``pandas``: ``pandas.read_sql("SELECT * FROM orders", connection)``, what a user would
  otherwise write: on SQLAlchemy + psycopg (PostgreSQL) or + PyMySQL (MariaDB), on
  DuckDB's DB-API connection (pandas reads it through its cursor, as SQLAlchemy would).

Backends: PostgreSQL in a throwaway cluster (tests/pgcluster.py), a DuckDB file, MariaDB
in a throwaway server (tests/mariadbcluster.py). Prints wall time and peak RSS of each
reader and the ratios (goal for the Arrow paths: >= 3x faster, lower peak memory).

    .venv/bin/python benchmarks/bench_sources.py                          # 10M orders, all
    .venv/bin/python benchmarks/bench_sources.py --backends postgresql,duckdb
    .venv/bin/python benchmarks/bench_sources.py --quick                  # 500,000 orders
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def _peak_rss() -> int:
    """This process's peak resident set size in bytes (VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def worker(kind: str, url: str) -> None:
    """Read the orders table once and print seconds, rows and peak RSS as JSON."""
    import pandas as pd

    from salesmeasure.sources.sql import SQLSource

    # the peak so far is the interpreter and its imports; count from here (Linux >= 4.0)
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")
    base = _peak_rss()
    t = time.perf_counter()
    if kind == "tool":
        with SQLSource(url) as src:
            df = src.read_table("orders").frame
    elif url.startswith("duckdb:"):
        import warnings

        import duckdb

        con = duckdb.connect(url.split(":///", 1)[1], read_only=True)
        with warnings.catch_warnings():  # "pandas only supports SQLAlchemy connectable..."
            warnings.simplefilter("ignore", UserWarning)
            df = pd.read_sql("SELECT * FROM orders", con)
    else:
        from sqlalchemy import create_engine

        from salesmeasure.sources.mysql_source import default_driver

        # the same driver as the tool's: mysqlclient when installed, else PyMySQL
        driver = {"postgresql": "postgresql+psycopg", "mysql": f"mysql+{default_driver()}"}
        scheme, rest = url.split("://", 1)
        engine = create_engine(f"{driver[scheme]}://{rest}")
        with engine.connect() as conn:
            df = pd.read_sql("SELECT * FROM orders", conn)
    seconds = time.perf_counter() - t
    out = {"seconds": seconds, "rows": len(df), "peak_rss": _peak_rss(), "base_rss": base}
    print(json.dumps(out))


def orders_table(n: int, data: Path):
    """N orders as an Arrow table (the data set's orders, topped up with renumbered copies)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    orders = pq.read_table(data / "orders.parquet")
    parts, have = [orders], orders.num_rows
    copy = 1
    while have < n:  # top up with renumbered copies
        extra = orders.slice(0, min(orders.num_rows, n - have))
        ids = pc.binary_join_element_wise(
            pa.scalar(f"D{copy}-"), extra["order_id"].cast(pa.string()), ""
        )
        extra = extra.set_column(extra.schema.get_field_index("order_id"), "order_id", ids)
        parts.append(extra.cast(orders.schema))
        have += extra.num_rows
        copy += 1
    orders = pa.concat_tables(parts).slice(0, n)
    cols = ["order_id", "customer_id", "order_date", "amount", "quantity", "product_line", "rep_id"]
    return orders.select(cols)


def load_postgres(cluster, orders) -> str:
    from pgcluster import copy_arrow, create_tables

    cluster.create_database("bench")
    with cluster.connect("bench") as conn:
        conn.execute('SET ROLE "analyst"')
        conn.execute("CREATE SCHEMA staging")
        create_tables(conn, "public", typed=True)
        copy_arrow(conn, "orders", orders)
        conn.execute("VACUUM ANALYZE orders")
    return cluster.url("bench")


def load_duckdb(path: Path, orders) -> str:
    import duckdb
    from pgcluster import TABLE_COLUMNS

    with duckdb.connect(str(path)) as con:
        ddl = ", ".join(f"{c} {t}" for c, t in TABLE_COLUMNS["orders"].items())
        con.execute(f"CREATE TABLE orders ({ddl})")
        con.register("src", orders)
        # the data set has an impossible date (2025-02-30): NULL in a typed column
        cols = TABLE_COLUMNS["orders"]
        casts = ", ".join(c if t == "text" else f"TRY_CAST({c} AS {t})" for c, t in cols.items())
        con.execute(f"INSERT INTO orders SELECT {casts} FROM src")
    return f"duckdb:///{path}"


def load_mariadb(server, orders, folder: Path) -> str:
    import pyarrow.csv as pacsv
    from mariadbcluster import MARIA_TYPES, READER, READER_PASSWORD
    from pgcluster import TABLE_COLUMNS

    csv = folder / "orders.csv"
    pacsv.write_csv(orders, csv)
    cols = TABLE_COLUMNS["orders"]
    with server.connect(local_infile=True) as conn, conn.cursor() as cur:
        for host in ("127.0.0.1", "localhost"):
            cur.execute("CREATE USER %s@%s IDENTIFIED BY %s", (READER, host, READER_PASSWORD))
            cur.execute("GRANT ALL ON `bench`.* TO %s@%s", (READER, host))
        cur.execute("CREATE DATABASE bench CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
        ddl = ", ".join(f"`{c}` {MARIA_TYPES[t]}" for c, t in cols.items())
        cur.execute(f"CREATE TABLE bench.orders ({ddl})")
        cur.execute(
            f"LOAD DATA LOCAL INFILE '{csv}' INTO TABLE bench.orders "
            "FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"' IGNORE 1 LINES"
        )
    csv.unlink()
    return server.url("bench")


def run(kind: str, url: str) -> dict:
    res = subprocess.run(
        [sys.executable, __file__, "--worker", kind, "--url", url],
        capture_output=True,
        text=True,
        check=False,
    )
    if res.returncode != 0:
        raise SystemExit(f"{kind} reader failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    # stopped with SIGTERM: unwind, so the throwaway cluster is stopped and removed
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000, help="orders to read")
    ap.add_argument("--quick", action="store_true", help="500,000 orders")
    ap.add_argument("--data", type=Path, default=ROOT / "benchmarks" / "data" / "1m")
    ap.add_argument("--backends", default="postgresql,duckdb,mariadb")
    ap.add_argument("--worker", choices=["tool", "pandas"], help=argparse.SUPPRESS)
    ap.add_argument("--url", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker, args.url)
        return
    n = 500_000 if args.quick else args.rows
    data = args.data
    if not (data / "orders.parquet").exists():
        if args.quick:
            data = ROOT / "benchmarks" / "data" / "100k"
            customers = "100000"
        else:
            customers = "1000000"
        if not (data / "orders.parquet").exists():
            print(f"generating {data} ...", flush=True)
            subprocess.run(
                [str(Path(sys.executable).parent / "salesmeasure"), "sample-data",
                 "--customers", customers, "--format", "parquet", "--out", str(data)],
                check=True,
            )  # fmt: skip
    orders = orders_table(n, data)
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    results: dict[str, dict] = {}
    for backend in backends:
        t = time.perf_counter()
        with _database(backend, orders) as url:
            print(f"{backend}: loaded {n:,} orders in {time.perf_counter() - t:.0f} s", flush=True)
            results[backend] = {kind: run(kind, url) for kind in ("tool", "pandas")}
        _report(backend, results[backend], n)


@contextlib.contextmanager
def _database(backend: str, orders):
    """The URL of a throwaway database of ``backend`` holding ``orders``."""
    if backend == "postgresql":
        from pgcluster import running_cluster

        with running_cluster(shared_buffers="1GB", max_wal_size="4GB") as cluster:
            yield load_postgres(cluster, orders)
    elif backend == "duckdb":
        with tempfile.TemporaryDirectory(prefix="bench-duckdb-") as d:
            yield load_duckdb(Path(d) / "bench.duckdb", orders)
    elif backend == "mariadb":
        from mariadbcluster import MariaServer

        server = MariaServer.start("--innodb-buffer-pool-size=2G", "--local-infile=1")
        try:
            yield load_mariadb(server, orders, server.base)
        finally:
            server.stop()
    else:
        raise SystemExit(f"unknown backend {backend!r} (postgresql, duckdb, mariadb)")


def _report(backend: str, res: dict, n: int) -> None:
    for kind, r in res.items():
        assert r["rows"] == n, (backend, kind, r)
        print(
            f"{backend:>10} {kind:>6}: {r['seconds']:7.1f} s  peak RSS "
            f"{r['peak_rss'] / 2**30:5.2f} GiB  (after imports {r['base_rss'] / 2**30:4.2f} GiB; "
            f"{r['rows']:,} rows)"
        )
    a, p = res["tool"], res["pandas"]
    print(
        f"{backend:>10}: the tool's read is {p['seconds'] / a['seconds']:.1f}x as fast as "
        f"pandas.read_sql with {a['peak_rss'] / p['peak_rss']:.2f}x its peak memory",
        flush=True,
    )


if __name__ == "__main__":
    main()
