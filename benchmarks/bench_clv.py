"""Speed and memory of salesmeasure.clv against lifetimes 0.11.3, measured in one run.

Usage (from the repo root)::

    .venv/bin/python benchmarks/bench_clv.py [--transactions 5000000] [--customers 1000000]

lifetimes needs pandas 2.3 and setuptools < 81, so it lives in its own virtualenv
``.venv-lifetimes`` (git-ignored)::

    python3.11 -m venv .venv-lifetimes
    .venv-lifetimes/bin/pip install "pandas==2.3.3" "numpy<2.4" "setuptools<81" lifetimes==0.11.3

Each measurement runs in a fresh subprocess (ours with this interpreter, lifetimes with
``.venv-lifetimes/bin/python``) on the same generated data, written once to
``benchmarks/data/``. Time is the best of ``--repeat`` calls (for both libraries); peak memory is the growth of
the process's peak resident set (Linux ``VmHWM``, reset just before the call through
``/proc/self/clear_refs``) during one further call, so it counts every allocator (numpy,
pandas, Arrow).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
LIFETIMES_PY = ROOT / ".venv-lifetimes" / "bin" / "python"
OBS_END = "2025-12-31"
TRUE_BG = {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5}  # per week


# ----------------------------------------------------------------------------- data
def make_transactions(n_tx: int, seed: int = 0) -> Path:
    """``n_tx`` orders of ~n_tx/10 customers over 2023-2025 (ids, dates, amounts)."""
    path = DATA / f"transactions_{n_tx}.npz"
    if path.exists():
        return path
    rng = np.random.default_rng(seed)
    n_cust = n_tx // 10
    days = 1095
    birth = rng.integers(0, days, n_cust)
    lam = rng.gamma(0.8, 1 / 40, n_cust)  # orders per day
    extra = rng.poisson(lam * (days - birth))
    scale = (n_tx - n_cust) / extra.sum()
    extra = np.floor(extra * scale + rng.random(n_cust)).astype(np.int64)
    extra[-1] += (n_tx - n_cust) - extra.sum()
    extra = np.maximum(extra, 0)
    cust = np.repeat(np.arange(n_cust), 1 + extra)[:n_tx]
    first = np.r_[True, cust[1:] != cust[:-1]]
    span = days - birth[cust]
    offset = np.where(first, 0, rng.integers(0, np.maximum(span, 1)))
    day = birth[cust] + offset
    order = np.argsort(day, kind="stable")
    ids = np.char.add(b"C", np.char.zfill(cust[order].astype("S7"), 7))
    dates = (np.datetime64("2023-01-01") + day[order]).astype("datetime64[ns]")
    amount = rng.gamma(4.0, 30.0, len(order)).round(2)
    DATA.mkdir(parents=True, exist_ok=True)
    np.savez(path, ids=ids, dates=dates, amount=amount)
    return path


def make_customers(n: int, *, continuous: bool, seed: int = 1) -> Path:
    """BG/NBD draws of (frequency, recency, T) for ``n`` customers (weeks)."""
    path = DATA / f"customers_{n}_{'cont' if continuous else 'weekly'}.npz"
    if path.exists():
        return path
    rng = np.random.default_rng(seed)
    r, alpha, a, b = TRUE_BG.values()
    T = rng.integers(1, 157, n).astype(float)
    if continuous:
        T = T + rng.random(n).round(3)
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    N = rng.poisson(lam * T)
    x = np.minimum(N, rng.geometric(p))
    tx = np.zeros(n)
    k = x > 0
    tx[k] = T[k] * rng.beta(x[k], N[k] - x[k] + 1)
    tx = tx.round(3) if continuous else np.floor(tx)
    tx = np.where(x > 0, np.minimum(tx, T), 0.0)
    spend = np.zeros(n)
    nu = rng.gamma(4.0, 1 / 15.0, n)
    spend[k] = rng.gamma(6.0 * x[k], 1 / (x[k] * nu[k]))
    DATA.mkdir(parents=True, exist_ok=True)
    np.savez(path, x=x.astype(float), tx=tx, T=T, m=spend)
    return path


# --------------------------------------------------------------------------- worker
def _vmhwm_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _vmrss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _measure(fn, repeat: int) -> dict:
    import gc

    times = []
    result = None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    del result
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak-RSS high-water mark
    base = _vmrss_kb()
    result = fn()
    peak = _vmhwm_kb() - base
    return {"seconds": min(times), "peak_mb": peak / 1024, "result": result}


def worker(impl: str, task: str, path: str, repeat: int) -> dict:
    import warnings

    warnings.simplefilter("ignore")
    import pandas as pd

    d = np.load(path)
    if task == "rfm":
        tx = pd.DataFrame(
            {
                "customer_id": d["ids"].astype(str),
                "order_date": d["dates"],
                "amount": d["amount"],
            }
        )
        if impl == "ours":
            from salesmeasure.clv import rfm_summary

            def run():
                return rfm_summary(tx, observation_end=OBS_END, freq="W")
        else:
            from lifetimes.utils import summary_data_from_transaction_data

            def run():
                return summary_data_from_transaction_data(
                    tx,
                    "customer_id",
                    "order_date",
                    "amount",
                    observation_period_end=OBS_END,
                    freq="W",
                )

        m = _measure(run, repeat)
        s = m.pop("result")
        s = getattr(s, "frame", s).sort_index()  # ours: an RFMSummary carrying its frame
        m["check"] = {
            "customers": len(s),
            **{c: float(s[c].sum()) for c in ("frequency", "recency", "T", "monetary_value")},
        }
        return m
    x, tx, T, spend = d["x"], d["tx"], d["T"], d["m"]
    if task == "fit":
        if impl == "ours":
            from salesmeasure.clv import BetaGeo
            from salesmeasure.clv.models import memo

            def run():
                memo.forget()  # a repeated fit would be recalled, not fitted (memo.py)
                return BetaGeo().fit(x, tx, T)
        else:
            from lifetimes import BetaGeoFitter

            def run():
                return BetaGeoFitter().fit(x, tx, T)

        m = _measure(run, repeat)
        model = m.pop("result")
        params = model.params_ if isinstance(model.params_, dict) else model.params_.to_dict()
        m["check"] = {k: float(v) for k, v in params.items()}
        return m
    if task == "clv":
        idx = pd.RangeIndex(len(x), name="customer_id")
        summary = pd.DataFrame(
            {"frequency": x, "recency": tx, "T": T, "monetary_value": spend}, index=idx
        )
        if impl == "ours":
            from salesmeasure.clv import BetaGeo, GammaGamma
            from salesmeasure.clv import customer_value as clv

            bg = BetaGeo().fit(x, tx, T)
            gg = GammaGamma().fit(x, spend)

            def run():
                return clv(bg, gg, summary, months=12, discount_rate=0.01, periods_per_month=4.345)[
                    "clv"
                ]
        else:
            from lifetimes import BetaGeoFitter, GammaGammaFitter

            bg = BetaGeoFitter().fit(x, tx, T)
            rep = summary[summary["frequency"] > 0]
            gg = GammaGammaFitter().fit(rep["frequency"], rep["monetary_value"])

            def run():
                return gg.customer_lifetime_value(
                    bg,
                    summary["frequency"],
                    summary["recency"],
                    summary["T"],
                    summary["monetary_value"],
                    time=12,
                    discount_rate=0.01,
                    freq="W",
                )

        m = _measure(run, repeat)
        v = np.asarray(m.pop("result"), dtype=float)
        m["check"] = {"total_clv": float(v.sum()), "customers": len(v)}
        return m
    raise ValueError(task)


# ----------------------------------------------------------------------------- main
def run_worker(python: Path | str, impl: str, task: str, path: Path, repeat: int) -> dict:
    cmd = [str(python), __file__, "--worker", impl, task, str(path), str(repeat)]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=3600)
    if out.returncode != 0:
        raise RuntimeError(f"{impl} {task} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _rel(a: dict, b: dict) -> float:
    return max(abs(a[k] - b[k]) / max(abs(b[k]), 1e-300) for k in b)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--transactions", type=int, default=5_000_000)
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument(
        "--repeat",
        type=int,
        default=2,
        help="timed calls per case (best is kept), for both libraries",
    )
    ap.add_argument("--skip-lifetimes", action="store_true")
    ap.add_argument("--only", default="rfm,fit,clv", help="comma-separated cases to run")
    args = ap.parse_args()
    have_lt = LIFETIMES_PY.exists() and not args.skip_lifetimes
    if not have_lt:
        print("lifetimes venv not found: measuring salesmeasure only (no ratios)\n")
    t0 = time.perf_counter()
    tx_path = make_transactions(args.transactions)
    wk_path = make_customers(args.customers, continuous=False)
    ct_path = make_customers(args.customers, continuous=True)
    print(f"data generated/loaded in {time.perf_counter() - t0:.1f} s\n")
    cases = [
        ("rfm", tx_path, f"rfm_summary, {args.transactions:,} transactions (freq W)"),
        ("fit", wk_path, f"BetaGeo.fit, {args.customers:,} customers (whole weeks)"),
        ("fit", ct_path, f"BetaGeo.fit, {args.customers:,} customers (recency/T to 0.001 wk)"),
        ("clv", wk_path, f"clv 12 months, {args.customers:,} customers (whole weeks)"),
    ]
    rows = []
    wanted = set(args.only.split(","))
    for task, path, label in cases:
        if task not in wanted:
            continue
        ours = run_worker(sys.executable, "ours", task, path, args.repeat)
        theirs = run_worker(LIFETIMES_PY, "lifetimes", task, path, args.repeat) if have_lt else None
        rows.append((label, task, ours, theirs))
        print(f"== {label}")
        print(f"   salesmeasure: {ours['seconds']:8.2f} s   peak +{ours['peak_mb']:7.0f} MB")
        if theirs:
            print(
                f"   lifetimes:    {theirs['seconds']:8.2f} s   peak +{theirs['peak_mb']:7.0f} MB"
            )
            speed = theirs["seconds"] / ours["seconds"]
            mem = theirs["peak_mb"] / max(ours["peak_mb"], 1e-9)
            rel = _rel(ours["check"], theirs["check"])
            print(
                f"   speed-up {speed:5.1f}x   memory ratio {mem:5.1f}x   "
                f"max relative difference of results {rel:.1e}"
            )
            if task == "fit":
                print(
                    "   params ours:      "
                    + ", ".join(f"{k}={v:.6g}" for k, v in ours["check"].items())
                )
                print(
                    "   params lifetimes: "
                    + ", ".join(f"{k}={v:.6g}" for k, v in theirs["check"].items())
                )
        print()
    results = ROOT / "benchmarks" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "bench_clv.json").write_text(
        json.dumps(
            [{"case": lab, "task": t, "ours": o, "lifetimes": th} for lab, t, o, th in rows],
            indent=2,
        )
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        _, _, impl, task, path, repeat = sys.argv
        print(json.dumps(worker(impl, task, path, int(repeat))))
    else:
        main()
