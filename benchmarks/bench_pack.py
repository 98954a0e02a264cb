"""The whole quarterly pack on the 1-million-customer data: from Parquet and from PostgreSQL.

For each source, runs ``salesmeasure render --period 2026Q3 --formats html`` (every
notebook x every region + all, fresh output folder) in a subprocess and reports

* wall time;
* peak memory of the whole process tree (the batch, its Dask workers and their kernels:
  the largest sum of RSS over the tree, sampled every 0.5 s from /proc);
* the share spent loading: one ``data.load`` of the same source, timed in its own
  process, times the number of loads in a batch (the batch's own, plus one per kernel
  for a folder, which a kernel keeps across its reports, or one per report for a
  database, which a kernel reads again for each report), over the wall time.

Data: ``benchmarks/data/1m`` (``salesmeasure sample-data --customers 1000000 --format
parquet --out benchmarks/data/1m``: 9.2 million orders, 2.3 million survey answers); for
PostgreSQL the six tables are loaded into a throwaway cluster with COPY first.

    .venv/bin/python benchmarks/bench_pack.py                 # both sources, full pack
    .venv/bin/python benchmarks/bench_pack.py --quick         # 100k customers, notebook 00 only
    .venv/bin/python benchmarks/bench_pack.py --sources parquet
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
BIN = Path(sys.executable).parent


def tree_rss(pid: int) -> int:
    """Sum of RSS (bytes) of ``pid`` and all its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            pages = int((d / "statm").read_text().split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(d.name))
        rss[int(d.name)] = pages * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, []))
    return total


def run_measured(cmd: list[str], env=None) -> tuple[float, int, str]:
    """Run ``cmd``; return wall seconds, peak process-tree RSS and the output tail."""
    t = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    peak = [0]

    def sample():
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_rss(proc.pid))
            time.sleep(0.5)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    out = proc.stdout.read()
    proc.wait()
    th.join()
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{out[-3000:]}")
    return time.perf_counter() - t, peak[0], out


def load_seconds(spec: str) -> float:
    code = (
        "import time, sys; from salesmeasure.data import load; t = time.perf_counter(); "
        "load(sys.argv[1]); print(time.perf_counter() - t)"
    )
    res = subprocess.run(
        [sys.executable, "-c", code, spec], capture_output=True, text=True, check=True
    )
    return float(res.stdout.strip().splitlines()[-1])


def load_into_postgres(cluster, data: Path) -> str:
    """The six Parquet tables into typed tables of a new database ``pack`` (COPY)."""
    import pyarrow.parquet as pq
    from pgcluster import TABLE_COLUMNS, copy_arrow, create_tables

    cluster.create_database("pack")
    with cluster.connect("pack") as conn:
        conn.execute('SET ROLE "analyst"')
        create_tables(conn, "public", typed=True)
        for name in TABLE_COLUMNS:
            copy_arrow(conn, name, pq.read_table(data / f"{name}.parquet"))
        conn.execute("VACUUM ANALYZE")
    return cluster.url("pack")


def bench(label: str, spec: str, args, env) -> None:
    out = Path(tempfile.mkdtemp(prefix="salesmeasure-pack-"))
    cmd = [str(BIN / "salesmeasure"), "render", "--period", args.period, "--data", spec]
    cmd += ["--formats", "html", "--out", str(out), "--jobs", str(args.jobs)]
    if args.quick:
        cmd += ["--notebooks", "00_executive_summary"]
    wall, peak, log = run_measured(cmd, env=env)
    one = load_seconds(spec)
    summary = [line for line in log.splitlines() if " reports for " in line]
    reports = int(summary[-1].split()[0]) if summary else 0
    # the batch's own load, then one per kernel for a folder (report.load_cached keeps
    # it), but one per report for a database (a kernel re-reads it for every report)
    loads = 1 + (reports if "://" in spec else args.jobs)
    print(f"{label}: {summary[-1] if summary else ''}")
    print(
        f"{label}: wall {wall:.0f} s, peak memory of the process tree {peak / 2**30:.1f} GiB, "
        f"one load {one:.1f} s x {loads} loads = {one * loads / wall:.0%} of the wall time"
    )


def main() -> None:
    # stopped with SIGTERM: unwind, so the throwaway cluster is stopped and removed
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT / "benchmarks" / "data" / "1m")
    ap.add_argument("--sources", default="parquet,postgresql")
    ap.add_argument("--period", default="2026Q3")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="100k customers, notebook 00 only")
    args = ap.parse_args()
    data = args.data
    if args.quick:
        data = ROOT / "benchmarks" / "data" / "100k"
    if not (data / "orders.parquet").exists():
        customers = "100000" if args.quick else "1000000"
        subprocess.run(
            [str(BIN / "salesmeasure"), "sample-data", "--customers", customers,
             "--format", "parquet", "--out", str(data)],
            check=True,
        )  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k != "SALESMEASURE_DATA"}
    sources = [s.strip() for s in args.sources.split(",")]
    if "parquet" in sources:
        bench("parquet", str(data), args, env)
    if "postgresql" in sources:
        from pgcluster import running_cluster

        with running_cluster(shared_buffers="1GB", max_wal_size="4GB") as cluster:
            t = time.perf_counter()
            url = load_into_postgres(cluster, data)
            print(f"postgresql: tables loaded with COPY in {time.perf_counter() - t:.0f} s")
            bench("postgresql", url, args, env)


if __name__ == "__main__":
    main()
