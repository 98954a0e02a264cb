"""Speed and memory of salesmeasure.survey against what an analyst would otherwise write.

Usage (from the repo root)::

    .venv/bin/python benchmarks/bench_survey.py [--responses 1000000] [--boot 1000]

Data: generated survey answers (three 1-5 items driving a 0-10 NPS, a 1-7 CES) at the
scale of a large customer base. The comparisons, each on the same data in one run:

* ``key_drivers`` (relative weights with a bootstrap interval) against the usual
  recipe: resample the rows with numpy, ``np.corrcoef``, Johnson's weights per resample.
* ``ces(method="bootstrap")`` against resampling the answers by index
  (``x[rng.integers(0, n, (B, n))].mean(axis=1)``), which needs B x n memory.
* ``compare`` across five regions (three tests plus Holm) against scipy/statsmodels
  calls written by hand (Mann-Whitney + ``multipletests``).

Each measurement runs in a fresh subprocess on the same generated data: peak memory is
the peak of memory allocated during the first call (``tracemalloc``, which numpy and
pandas buffers report to), time the best of ``--repeat`` further calls.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SETUP = r"""
import numpy as np, pandas as pd, time, json, sys, tracemalloc
from salesmeasure import survey
n, boot, repeat = {n}, {boot}, {repeat}
rng = np.random.default_rng(0)
g = rng.normal(size=n)
lat = 0.6 * g[:, None] + 0.8 * rng.normal(size=(n, 3))
sat = lat @ np.array([0.55, 0.30, 0.15]) + 0.35 * rng.normal(size=n)
df = pd.DataFrame(np.clip(np.round(3.5 + 0.9 * lat), 1, 5), columns=list(survey.ITEMS))
df["nps"] = np.clip(np.round(7.3 + 1.9 * sat / sat.std() + 0.7 * rng.normal(size=n)), 0, 10)
df["ces"] = np.clip(np.round(5 + 0.8 * sat / sat.std() + 0.6 * rng.normal(size=n)), 1, 7)
df["region"] = np.array(["North", "South", "East", "West", "Central"])[rng.integers(0, 5, n)]

def naive_drivers():
    x = df[[*survey.ITEMS, "nps"]].to_numpy(float)
    r = np.random.default_rng(1)
    w = np.array([survey.relative_weights(np.corrcoef(x[r.integers(0, n, n)], rowvar=False))[0]
                  for _ in range(boot)])
    return np.quantile(w, [0.025, 0.975], axis=0)

def naive_ces():
    x = df["ces"].to_numpy(float)
    r = np.random.default_rng(1)
    out = np.empty(boot)
    step = max(1, 20_000_000 // n)   # chunked so it fits in memory at all
    for s in range(0, boot, step):
        m = min(step, boot - s)
        out[s:s + m] = x[r.integers(0, n, (m, n))].mean(axis=1)
    return np.quantile(out, [0.025, 0.975])

from scipy import stats
from statsmodels.stats.multitest import multipletests

def naive_compare():
    p = []
    for reg in sorted(df["region"].unique()):
        a = df.loc[df["region"] == reg, "ces"].dropna()
        b = df.loc[df["region"] != reg, "ces"].dropna()
        p.append(stats.mannwhitneyu(a, b, alternative="two-sided").pvalue)
    return multipletests(p, method="holm")[1]

CASES = {{
    "key_drivers": lambda: survey.key_drivers(df, "nps", n_boot=boot),
    "naive_drivers": naive_drivers,
    "ces_bootstrap": lambda: survey.ces(df["ces"], method="bootstrap", n_boot=boot),
    "naive_ces": naive_ces,
    "compare": lambda: survey.compare(df, "ces", "region"),
    "naive_compare": naive_compare,
}}
fn = CASES[sys.argv[1]]
tracemalloc.start()  # numpy and pandas report their buffers to tracemalloc
fn()  # first call doubles as warm-up; its peak allocation is the memory figure
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
best = float("inf")
for _ in range(repeat):
    t = time.perf_counter(); fn(); best = min(best, time.perf_counter() - t)
print(json.dumps({{"seconds": best, "peak_mb": peak / 2**20}}))
"""


def measure(case: str, n: int, boot: int, repeat: int) -> dict:
    code = SETUP.format(n=n, boot=boot, repeat=repeat)
    out = subprocess.run(
        [sys.executable, "-c", code, case], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--responses", type=int, default=200_000)
    ap.add_argument("--boot", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    print(f"{args.responses:,} responses, {args.boot} bootstrap resamples, best of {args.repeat}")
    print(
        f"{'task':<14}{'ours s':>9}{'naive s':>10}{'speed-up':>10}{'ours MB':>10}{'naive MB':>10}"
    )
    for ours, naive in [
        ("key_drivers", "naive_drivers"),
        ("ces_bootstrap", "naive_ces"),
        ("compare", "naive_compare"),
    ]:
        a = measure(ours, args.responses, args.boot, args.repeat)
        b = measure(naive, args.responses, args.boot, args.repeat)
        print(
            f"{ours:<14}{a['seconds']:>9.3f}{b['seconds']:>10.3f}"
            f"{b['seconds'] / a['seconds']:>9.1f}x{a['peak_mb']:>10.1f}{b['peak_mb']:>10.1f}"
        )


if __name__ == "__main__":
    main()
