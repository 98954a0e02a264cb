"""Reading orders from PostgreSQL: the Arrow path (ADBC) against plain pandas.read_sql.

Starts a throwaway PostgreSQL cluster (tests/pgcluster.py), loads N orders from the
generated 1-million-customer data set (``salesmeasure sample-data --customers 1000000
--format parquet --out benchmarks/data/1m``, 9.2 million orders, topped up to N with
renumbered copies) into a typed table with COPY, then reads the same table, each reader
in its own subprocess, once:

* ``arrow``: ``SQLSource(url).read_table("orders")``, what the tool does (ADBC binary
  COPY into Arrow, numeric to float64, the fingerprint hash, the DataFrame);
* ``pandas``: ``pandas.read_sql("SELECT * FROM orders", engine)`` on SQLAlchemy + psycopg.

Prints wall time and peak RSS of each process and the ratios (goal: >= 3x faster, lower
peak memory).

    .venv/bin/python benchmarks/bench_sources.py            # 10 million orders
    .venv/bin/python benchmarks/bench_sources.py --quick    # 500,000 orders
"""

from __future__ import annotations

import argparse
import json
import resource
import signal
import subprocess
import sys
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
    from sqlalchemy import create_engine

    from salesmeasure.sources.sql import SQLSource

    # the peak so far is the interpreter and its imports; count from here (Linux >= 4.0)
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")
    base = _peak_rss()
    t = time.perf_counter()
    if kind == "arrow":
        with SQLSource(url) as src:
            df = src.read_table("orders").frame
    else:
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.connect() as conn:
            df = pd.read_sql("SELECT * FROM orders", conn)
    seconds = time.perf_counter() - t
    out = {"seconds": seconds, "rows": len(df), "peak_rss": _peak_rss(), "base_rss": base}
    print(json.dumps(out))


def load_orders(cluster, n: int, data: Path) -> str:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq
    from pgcluster import copy_arrow, create_tables

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
    orders = orders.select(cols)
    cluster.create_database("bench")
    with cluster.connect("bench") as conn:
        conn.execute('SET ROLE "analyst"')
        conn.execute("CREATE SCHEMA staging")
        create_tables(conn, "public", typed=True)
        copy_arrow(conn, "orders", orders)
        conn.execute("VACUUM ANALYZE orders")
    return cluster.url("bench")


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
    ap.add_argument("--worker", choices=["arrow", "pandas"], help=argparse.SUPPRESS)
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
    from pgcluster import running_cluster

    with running_cluster(shared_buffers="1GB", max_wal_size="4GB") as cluster:
        t = time.perf_counter()
        url = load_orders(cluster, n, data)
        print(f"loaded {n:,} orders into PostgreSQL in {time.perf_counter() - t:.0f} s")
        results = {kind: run(kind, url) for kind in ("arrow", "pandas")}
    for kind, r in results.items():
        assert r["rows"] == n, (kind, r)
        print(
            f"{kind:>6}: {r['seconds']:7.1f} s  peak RSS {r['peak_rss'] / 2**30:5.2f} GiB  "
            f"(after imports {r['base_rss'] / 2**30:4.2f} GiB; {r['rows']:,} rows)"
        )
    a, p = results["arrow"], results["pandas"]
    print(
        f"Arrow path is {p['seconds'] / a['seconds']:.1f}x faster than pandas.read_sql "
        f"(goal >= 3x) with {a['peak_rss'] / p['peak_rss']:.2f}x its peak memory (goal < 1)"
    )


if __name__ == "__main__":
    main()
