"""The whole quarterly pack on the 1-million-customer data: from Parquet and from PostgreSQL.

For each source, runs ``salesmeasure render --period 2026Q3 --formats html`` (every
notebook x every region + all, fresh output folder) in a subprocess and reports

* wall time;
* peak memory of the whole process tree (the batch, its workers and their kernels: the
  largest sum of PSS over the tree, sampled every 0.5 s from /proc/<pid>/smaps_rollup;
  the sum of RSS, which counts the kernels' shared memory-mapped snapshot once per
  kernel, is printed beside it);
* the share spent loading: the batch loads and validates the source once and writes a
  validated snapshot that each kernel reads (memory-mapped Arrow,
  :mod:`salesmeasure.data.snapshot`); one ``data.load`` of the same source, one snapshot
  write and one snapshot read are timed in their own process, and
  ``load + write + read x kernels`` (one kernel per worker) is given over the wall time.

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


def tree_memory(pid: int) -> tuple[int, int]:
    """``(rss, pss)`` in bytes summed over ``pid`` and all its descendants.

    RSS counts a page shared by several processes (the kernels' memory-mapped data
    snapshot, the page cache of its files) once per process; PSS divides it among them,
    so the sum of PSS is the memory the tree really holds.
    """
    children: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(d.name))
    rss = pss = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        todo.extend(children.get(p, []))
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1]) * 1024
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1]) * 1024
        except (OSError, ValueError, IndexError):
            continue
    return rss, pss


def run_measured(cmd: list[str], env=None) -> tuple[float, tuple[int, int], str]:
    """Run ``cmd``; return wall seconds, peak process-tree ``(rss, pss)``, the output."""
    t = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    peak = [0, 0]

    def sample():
        while proc.poll() is None:
            rss, pss = tree_memory(proc.pid)
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            time.sleep(0.5)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    out = proc.stdout.read()
    proc.wait()
    th.join()
    if proc.returncode not in (0, 1):  # 1: the batch ran, some report failed (said below)
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{out[-3000:]}")
    return time.perf_counter() - t, (peak[0], peak[1]), out


LOAD_CODE = """
import sys, tempfile, time
from salesmeasure.data import load, snapshot
t = time.perf_counter(); ds = load(sys.argv[1]); t_load = time.perf_counter() - t
with tempfile.TemporaryDirectory() as d:
    t = time.perf_counter(); folder = snapshot.write(ds, d, spec=sys.argv[1])
    t_write = time.perf_counter() - t
    del ds
    t = time.perf_counter(); snapshot.read(folder); t_read = time.perf_counter() - t
print(t_load, t_write, t_read)
"""


def load_seconds(spec: str) -> tuple[float, float, float]:
    """Seconds to load and validate the source, write its snapshot, read the snapshot."""
    res = subprocess.run(
        [sys.executable, "-c", LOAD_CODE, spec], capture_output=True, text=True, check=True
    )
    t_load, t_write, t_read = map(float, res.stdout.strip().splitlines()[-1].split())
    return t_load, t_write, t_read


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
    t_load, t_write, t_read = load_seconds(spec)
    summary = [line for line in log.splitlines() if " reports for " in line]
    reports = int(summary[-1].split()[0]) if summary else 0
    kernels = min(args.jobs, reports)  # one warm kernel per worker (25 reports each)
    loading = t_load + t_write + t_read * kernels
    print(f"{label}: {summary[-1] if summary else ''}")
    for line in log.splitlines():
        if line.strip().startswith("FAILED "):
            print(f"{label}: {line.strip()[:300]}")
    print(
        f"{label}: wall {wall:.0f} s, peak memory of the process tree {peak[1] / 2**30:.1f} GiB "
        f"(PSS; RSS summed over processes {peak[0] / 2**30:.1f} GiB), "
        f"loading {loading:.0f} s = {loading / wall:.0%} of the wall time (load and validate "
        f"once {t_load:.1f} s, snapshot write {t_write:.1f} s, read {t_read:.1f} s x {kernels} "
        "kernels)"
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
