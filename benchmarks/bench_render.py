"""Benchmark: `salesmeasure render` against the naive shell loop, measured in one run.

The standard pack is every notebook x every region + ``all``, exported to HTML and PDF.
The naive way is what a user would script without this tool: per report, the
``papermill`` CLI, then ``jupyter nbconvert --to html --no-input``, then a headless
Chromium ``--print-to-pdf`` -- a new process (and kernel) for every step of every report.

Both run as subprocesses on the same data, one after the other; for each the wall time
and the peak resident memory of its whole process tree (sampled every 0.1 s with psutil:
parent, workers, kernels, browser) are printed, and the speed-up ratio (goal >= 4x).

    .venv/bin/python benchmarks/bench_render.py            # the standard pack
    .venv/bin/python benchmarks/bench_render.py --quick    # 2 notebooks x 2 regions
    .venv/bin/python benchmarks/bench_render.py --isolate  # also: fresh kernel per report
    .venv/bin/python benchmarks/bench_render.py --customers 20000  # generated, larger data
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run "
    "--disable-component-update --disable-sync --disable-dev-shm-usage --no-pdf-header-footer"
)


def measure(cmd: list[str], *, env=None, cwd=None) -> tuple[float, float, int]:
    """Run ``cmd``; return (wall seconds, peak RSS of the process tree in MB, exit code)."""
    peak = 0
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    done = threading.Event()

    def sample():
        nonlocal peak
        root = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
                total = 0
                for p in procs:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
                peak = max(peak, total)
            except psutil.Error:
                pass
            done.wait(0.1)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    _, err = proc.communicate()
    done.set()
    th.join()
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        print(f"  ! {cmd[0]} exited {proc.returncode}: {err.strip().splitlines()[-3:]}")
    return wall, peak / 2**20, proc.returncode


def naive_script(notebooks, regions, period, data, out: Path, chromium: str) -> str:
    """The shell loop a user would write: three CLI tools per report."""
    lines = ["set -e"]
    for region in regions:
        d = out / period / region.lower()
        lines.append(f"mkdir -p {shlex.quote(str(d))}")
        for nb in notebooks:
            ipynb = d / f"{nb.stem}.ipynb"
            html = d / f"{nb.stem}.html"
            pdf = d / f"{nb.stem}.pdf"
            q = shlex.quote
            lines.append(
                f"{q(str(BIN / 'papermill'))} --log-level ERROR {q(str(nb))} {q(str(ipynb))} "
                f"-r period {q(period)} -r region {q(region)} -r data_path {q(str(data))}"
            )
            lines.append(
                f"{q(str(BIN / 'jupyter'))} nbconvert --to html --no-input --log-level ERROR "
                f"{q(str(ipynb))}"
            )
            lines.append(
                f"{q(chromium)} {CHROME_FLAGS} --user-data-dir=$(mktemp -d) "
                f"--print-to-pdf={q(str(pdf))} {q(html.as_uri())} 2>/dev/null"
            )
    return "\n".join(lines) + "\n"


def count(out: Path, ext: str) -> int:
    return sum(1 for _ in out.rglob(f"*.{ext}"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="2 notebooks x 2 regions only")
    ap.add_argument("--isolate", action="store_true", help="also time --isolate (fresh kernels)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument(
        "--customers",
        type=int,
        default=0,
        help="generate a data set of this size (default: the sample data)",
    )
    ap.add_argument("--period", default="2026Q3")
    ap.add_argument("--keep", action="store_true", help="keep the output folders")
    args = ap.parse_args()

    from salesmeasure.data import load
    from salesmeasure.render.pdf import INSTALL_HINT, find_chromium

    chromium = find_chromium()
    if chromium is None:
        sys.exit(f"this benchmark prints PDFs: {INSTALL_HINT}")
    data = ROOT / "data" / "sample"
    if args.customers:
        from salesmeasure import sample

        data = ROOT / "benchmarks" / "data" / f"render_{args.customers}"
        if not (data / "orders.csv").exists() and not (data / "orders.parquet").exists():
            print(f"generating {args.customers:,} customers into {data} ...")
            sample.generate(data, seed=7, customers=args.customers, fmt="csv")
    ds = load(data)
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    regions = ["all", *ds.regions]
    if args.quick:
        notebooks, regions = notebooks[:2], regions[:2]
    n = len(notebooks) * len(regions)
    print(
        f"pack: {len(notebooks)} notebooks x {len(regions)} regions = {n} reports, "
        f"HTML + PDF, period {args.period}, data {data.name} ({len(ds.customers):,} customers, "
        f"{len(ds.orders):,} orders); {os.cpu_count()} CPUs, jobs={args.jobs}"
    )

    work = Path(tempfile.mkdtemp(prefix="bench-render-"))
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "MPLBACKEND": "Agg",
    }
    results = {}
    try:
        # naive: a shell loop of CLI tools
        out = work / "naive"
        script = work / "naive.sh"
        script.write_text(naive_script(notebooks, regions, args.period, data, out, chromium))
        print("naive shell loop (papermill CLI + jupyter nbconvert CLI + chromium CLI) ...")
        wall, mem, rc = measure(["bash", str(script)], env=env)
        results["naive shell loop"] = (wall, mem, count(out, "html"), count(out, "pdf"), rc)

        variants = [("salesmeasure render", [])]
        if args.isolate:
            variants.append(("salesmeasure render --isolate", ["--isolate"]))
        for label, extra in variants:
            out = work / label.replace(" ", "_")
            cmd = [
                str(BIN / "salesmeasure"),
                "render",
                "--period",
                args.period,
                "--data",
                str(data),
                "--out",
                str(out),
                "--formats",
                "html,pdf",
                "--jobs",
                str(args.jobs),
                "--force",
                "--no-progress",
                "--notebooks",
                ",".join(nb.stem for nb in notebooks),
                "--regions",
                ",".join(regions),
                *extra,
            ]
            print(f"{label} ...")
            wall, mem, rc = measure(cmd, env=env)
            results[label] = (wall, mem, count(out, "html"), count(out, "pdf"), rc)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"outputs kept in {work}")

    base = results["naive shell loop"][0]
    print()
    print(
        f"{'approach':<32}{'wall s':>9}{'s/report':>10}{'peak MB':>9}{'html':>6}{'pdf':>5}"
        f"{'speed-up':>10}"
    )
    for label, (wall, mem, html, pdf, rc) in results.items():
        # salesmeasure also writes index.html pages: count reports only
        reports_html = html - (2 if label.startswith("salesmeasure") else 0)
        flag = "" if rc == 0 else f"  (exit {rc})"
        print(
            f"{label:<32}{wall:>9.1f}{wall / n:>10.2f}{mem:>9.0f}{reports_html:>6}{pdf:>5}"
            f"{base / wall:>9.1f}x{flag}"
        )
    ours = results["salesmeasure render"][0]
    verdict = "meets" if base / ours >= 4 else "misses"
    print(
        f"\nspeed-up of salesmeasure render over the naive loop: {base / ours:.1f}x "
        f"({verdict} the 4x goal)"
    )


if __name__ == "__main__":
    main()
