"""Speed and memory of salesmeasure.targets against what a user would otherwise write.

Usage (from the repo root)::

    .venv/bin/python benchmarks/bench_targets.py [--orders 5000000] [--reps 100] [--repeat 2]

Every measurement runs in a fresh subprocess on the same generated data (seeded): after a
warm-up call, time is the best of ``--repeat`` calls and peak memory the growth of the
process's peak resident set (Linux ``VmHWM``, reset through ``/proc/self/clear_refs``)
during one further call, so every allocator counts. Ratios are ours / theirs: below 1
means faster.

Comparisons
-----------
* forecast: ``baseline_forecast`` (4 candidate ETS models, AICc choice, 1000 simulated
  paths) vs fitting one ETS(M,Ad,M) with statsmodels' defaults and simulating 1000 paths
  -- what a user would do by hand;
* rep forecasts: ``proposed_targets`` for ``--reps`` reps in 10 regions (region fits,
  reps with pooled smoothing parameters) vs one full ETS(A,Ad,A) fit per rep;
* order aggregation on ``--orders`` rows: ``monthly_revenue`` vs ``resample("MS").sum()``;
  ``price_volume_mix`` vs a hand-written groupby bridge; ``attainment`` vs two groupbys.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap

SETUP = """
import time, warnings, json
import numpy as np, pandas as pd
warnings.simplefilter("ignore")
from salesmeasure import targets as T

def orders_frame(n, reps, seed=0):
    rng = np.random.default_rng(seed)
    days = pd.date_range("2023-01-01", "2026-10-31", freq="D")
    season = np.array([0.8, 0.85, 0.9, 0.9, 0.95, 1.0, 0.85, 0.85, 1.0, 1.15, 1.3, 1.45])
    w = season[days.month - 1]
    d = rng.choice(len(days), n, p=w / w.sum())
    rep = rng.integers(0, reps, n)
    q = rng.integers(1, 10, n)
    line = rng.choice(np.array(["Hardware", "Software", "Services"]), n)
    price = np.select([line == "Hardware", line == "Software"], [240.0, 120.0], 90.0)
    return pd.DataFrame({
        "order_date": days[d],
        "amount": q * price * rng.uniform(0.9, 1.1, n),
        "quantity": q,
        "product_line": line,
        "rep_id": pd.Series([f"R{r:03d}" for r in rep], dtype="str"),
        "region": pd.Series([f"G{r % 10:02d}" for r in rep], dtype="str"),
    })

def _kb(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1])

def measure(fn, repeat):
    fn()  # warm-up (imports, caches)
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter(); fn(); best = min(best, time.perf_counter() - t)
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset the peak resident set (VmHWM) to the current one
    before = _kb("VmRSS")
    fn()
    return {"seconds": best, "peak_mb": (_kb("VmHWM") - before) / 1024}
"""

CASES = {
    "forecast_ours": """
o = orders_frame(200_000, 20)
y = T.monthly_revenue(o)
fn = lambda: T.baseline_forecast(y, 3, repetitions=1000)
""",
    "forecast_statsmodels": """
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
o = orders_frame(200_000, 20)
y = T.monthly_revenue(o)
def fn():
    r = ETSModel(y, error="mul", trend="add", damped_trend=True, seasonal="mul", seasonal_periods=12).fit(disp=False)
    r.simulate(3, anchor="end", repetitions=1000)
""",
    "rep_forecasts_ours": """
o = orders_frame(ORDERS_SMALL, REPS)
reps = pd.DataFrame({"rep_id": sorted(o.rep_id.unique())})
reps["region"] = o.groupby("rep_id")["region"].first().loc[reps.rep_id].to_numpy()
w = reps.assign(history=1.0, potential=1.0)
fn = lambda: T.proposed_targets(o, w, total=1e7, history_end="2026-09-30", horizon=3, repetitions=500)
""",
    "rep_forecasts_full_fits": """
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
o = orders_frame(ORDERS_SMALL, REPS)
series = [T.monthly_revenue(g, start="2023-01", end="2026-09") for _, g in o.groupby("rep_id")]
def fn():
    for y in series:
        r = ETSModel(y / y.mean(), error="add", trend="add", damped_trend=True, seasonal="add", seasonal_periods=12).fit(disp=False)
        r.simulate(3, anchor="end", repetitions=500)
""",
    "monthly_revenue_ours": """
o = orders_frame(ORDERS, 200)
fn = lambda: T.monthly_revenue(o)
""",
    "monthly_revenue_pandas": """
o = orders_frame(ORDERS, 200)
fn = lambda: o.set_index("order_date")["amount"].resample("MS").sum()
""",
    "pvm_ours": """
o = orders_frame(ORDERS, 200)
a, b = o[o.order_date.dt.year == 2025], o[o.order_date.dt.year == 2024]
fn = lambda: T.price_volume_mix(a, b)
""",
    "pvm_pandas": """
o = orders_frame(ORDERS, 200)
a, b = o[o.order_date.dt.year == 2025], o[o.order_date.dt.year == 2024]
def fn():
    g1 = a.groupby("product_line")[["amount", "quantity"]].sum()
    g0 = b.groupby("product_line")[["amount", "quantity"]].sum()
    p0, p1 = g0.amount / g0.quantity, g1.amount / g1.quantity
    s0, s1 = g0.quantity / g0.quantity.sum(), g1.quantity / g1.quantity.sum()
    vol = (g1.quantity.sum() - g0.quantity.sum()) * (s0 * p0).sum()
    mix = g1.quantity.sum() * ((s1 - s0) * p0).sum()
    price = (g1.quantity * (p1 - p0)).sum()
    return vol, mix, price
""",
    "attainment_ours": """
o = orders_frame(ORDERS, 200)
reps = sorted(o.rep_id.unique())
t = pd.DataFrame({"region": [f"G{int(r[1:]) % 10:02d}" for r in reps], "rep_id": reps, "target_amount": 1e5})
fn = lambda: T.attainment(o, t)
""",
    "attainment_pandas": """
o = orders_frame(ORDERS, 200)
reps = sorted(o.rep_id.unique())
t = pd.DataFrame({"region": [f"G{int(r[1:]) % 10:02d}" for r in reps], "rep_id": reps, "target_amount": 1e5})
def fn():
    act = o.groupby("rep_id")["amount"].sum()
    m = t.set_index("rep_id").join(act.rename("actual"))
    m["attainment"] = m["actual"] / m["target_amount"]
    o.groupby("region")["amount"].sum()
    return m
""",
}

PAIRS = [
    ("forecast (1 series, 46 months)", "forecast_ours", "forecast_statsmodels"),
    ("rep forecasts ({reps} reps)", "rep_forecasts_ours", "rep_forecasts_full_fits"),
    ("monthly revenue ({orders:,} orders)", "monthly_revenue_ours", "monthly_revenue_pandas"),
    ("price/volume/mix ({orders:,} orders)", "pvm_ours", "pvm_pandas"),
    ("attainment ({orders:,} orders)", "attainment_ours", "attainment_pandas"),
]


def run_case(name: str, args) -> dict:
    code = (
        SETUP.replace("ORDERS_SMALL", str(args.reps * 1000))
        + CASES[name]
        .replace("ORDERS_SMALL", str(args.reps * 1000))
        .replace("ORDERS", str(args.orders))
        .replace("REPS", str(args.reps))
        + f"\nprint(json.dumps(measure(fn, {args.repeat})))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orders", type=int, default=5_000_000)
    ap.add_argument("--reps", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--only", default="", help="run only pairs whose label contains this text")
    args = ap.parse_args()
    print(
        f"{'measurement':42s} {'ours s':>8s} {'theirs s':>9s} {'ratio':>6s} {'ours MB':>8s} {'theirs MB':>9s}"
    )
    for label, ours, theirs in PAIRS:
        if args.only and args.only not in label:
            continue
        a, b = run_case(ours, args), run_case(theirs, args)
        print(
            f"{label.format(orders=args.orders, reps=args.reps):42s} {a['seconds']:8.3f} {b['seconds']:9.3f} "
            f"{a['seconds'] / b['seconds']:6.2f} {a['peak_mb']:8.1f} {b['peak_mb']:9.1f}"
        )


if __name__ == "__main__":
    main()
