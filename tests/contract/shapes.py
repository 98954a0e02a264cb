"""Small data shapes for the contract suite, generated from ``salesmeasure.sample``.

Every shape starts from the same small synthetic data set (300 customers, five regions,
2023-01 to 2026-11-15, no injected defects) and changes one thing a real source can do:
a thin region, a missing table's rows, odd region names, a fiscal year, bad values.
Tables are edited as text (every column read as a string), so what is written is what a
user's export would hold.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

SEED = 11
CUSTOMERS = 300
AS_OF = "2026-11-15"

TABLES = ("customers", "orders", "reps", "targets", "surveys", "complaints")


def base(out: Path) -> Path:
    """Write the base data set to ``out`` (idempotent)."""
    from salesmeasure import sample

    if not (out / "orders.csv").exists():
        sample.generate(out, seed=SEED, customers=CUSTOMERS, as_of=AS_OF, defects=False)
    return out


def read(d: Path, table: str) -> pd.DataFrame:
    return pd.read_csv(d / f"{table}.csv", dtype=str, keep_default_na=False)


def write(d: Path, table: str, df: pd.DataFrame) -> None:
    df.to_csv(d / f"{table}.csv", index=False)


def _dates(df: pd.DataFrame, col: str) -> pd.Series:
    return pd.to_datetime(df[col], format="%Y-%m-%d", errors="coerce")


# ------------------------------------------------------------------------------ shapes
# Each takes a copy of the base data set and changes it in place.


def unchanged(d: Path) -> None:
    """The sample as generated."""


def fiscal_april(d: Path) -> None:
    """A fiscal year starting in April (``salesmeasure.toml``)."""
    (d / "salesmeasure.toml").write_text("fiscal_start_month = 4\n", encoding="utf-8")


def month_without_orders(d: Path) -> None:
    """No order at all in August 2026 (a shop closed for the month)."""
    orders = read(d, "orders")
    dates = _dates(orders, "order_date")
    write(d, "orders", orders[~((dates >= "2026-08-01") & (dates < "2026-09-01"))])


SMALL_REGION = "Harbour"


def small_region_without_rep(d: Path) -> None:
    """12 North customers move to a new region Harbour, which has no rep and no targets."""
    customers = read(d, "customers")
    north = customers.index[customers["region"] == "North"][:12]
    customers.loc[north, "region"] = SMALL_REGION
    customers.loc[north, "rep_id"] = ""
    write(d, "customers", customers)
    moved = set(customers.loc[north, "customer_id"])
    orders = read(d, "orders")
    orders.loc[orders["customer_id"].isin(moved), "rep_id"] = ""
    write(d, "orders", orders)


def region_without_surveys(d: Path) -> None:
    """No survey answer from South customers in 2026Q3."""
    customers = read(d, "customers")
    south = set(customers.loc[customers["region"] == "South", "customer_id"])
    surveys = read(d, "surveys")
    dates = _dates(surveys, "survey_date")
    gone = surveys["customer_id"].isin(south) & (dates >= "2026-07-01") & (dates < "2026-10-01")
    write(d, "surveys", surveys[~gone])


def region_without_targets(d: Path) -> None:
    """East has no target rows at all (region or rep)."""
    targets = read(d, "targets")
    write(d, "targets", targets[targets["region"] != "East"])


#: Region renames of :func:`odd_region_names`.
ODD_NAMES = {"North": "北区", "South": "R&D / Ops", "East": "East Coast"}


def odd_region_names(d: Path) -> None:
    """Region names with CJK characters, ``&``, ``/`` and spaces."""
    for table in ("customers", "reps", "targets"):
        df = read(d, table)
        df["region"] = df["region"].replace(ODD_NAMES)
        write(d, table, df)


def free_items_and_anonymous(d: Path) -> None:
    """Every 7th order line is $0.00 (a free item), every 3rd customer has no name and
    every 4th no rep (in customers and on their orders): all valid values (issue 23)."""
    orders = read(d, "orders")
    orders.loc[orders.index % 7 == 3, "amount"] = "0.0"
    customers = read(d, "customers")
    customers.loc[customers.index % 3 == 0, "name"] = ""
    no_rep = customers.index % 4 == 0
    customers.loc[no_rep, "rep_id"] = ""
    orders.loc[orders["customer_id"].isin(set(customers.loc[no_rep, "customer_id"])), "rep_id"] = ""
    write(d, "customers", customers)
    write(d, "orders", orders)


# ------------------------------------------------------------------------------ bad data


def future_orders(d: Path) -> None:
    """One customer has orders dated in 2030 (a typo in the year)."""
    orders = read(d, "orders")
    extra = orders.iloc[:3].copy()
    extra["order_id"] = [f"OFUT{i}" for i in range(3)]
    extra["order_date"] = ["2030-10-02", "2030-11-12", "2030-12-01"]
    write(d, "orders", pd.concat([orders, extra], ignore_index=True))


HUGE_ORDER_CUSTOMER_REGION = "North"


def huge_order(d: Path) -> None:
    """One order of 1e12 in North in 2026Q3 (a paste of an account number)."""
    customers = read(d, "customers")
    orders = read(d, "orders")
    north = set(customers.loc[customers["region"] == HUGE_ORDER_CUSTOMER_REGION, "customer_id"])
    dates = _dates(orders, "order_date")
    i = orders.index[orders["customer_id"].isin(north) & (dates >= "2026-08-01")][0]
    orders.loc[i, "amount"] = "1000000000000.0"
    write(d, "orders", orders)


def thousands_separators(d: Path) -> None:
    """Amounts written ``1,234.00`` as an Excel export does (quoted in the CSV)."""
    orders = read(d, "orders")
    orders["amount"] = orders["amount"].map(lambda v: f"{float(v):,.2f}")
    write(d, "orders", orders)


def day_first_dates(d: Path) -> None:
    """Order dates written ``DD/MM/YYYY``."""
    orders = read(d, "orders")
    orders["order_date"] = _dates(orders, "order_date").dt.strftime("%d/%m/%Y")
    write(d, "orders", orders)


def header_only_orders(d: Path) -> None:
    """The orders table has its header and no row."""
    write(d, "orders", read(d, "orders").iloc[:0])


def make(base_dir: Path, out: Path, shape) -> Path:
    """A copy of ``base_dir`` at ``out`` changed by ``shape``."""
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(base_dir, out)
    shape(out)
    return out


# ------------------------------------------------------------ public-data-like shapes
# Transaction logs as public data sets come (issue 23): customer, date, amount and
# nothing else, shaped like the CDNOW log (Fader & Hardie): every customer's first
# purchase in the first 12 weeks, 18 months of history, several lines per day, $0.00
# lines (free items), anonymous customers. Generated, not downloaded.

LOG_START = "1997-01-01"
LOG_END = "1998-06-30"


def transaction_log(
    n_customers: int = 2500,
    *,
    start: str = LOG_START,
    end: str = LOG_END,
    seed: int = 23,
    zero_share: float = 0.03,
    single_purchase: bool = False,
) -> pd.DataFrame:
    """A CDNOW-like purchase log: ``customer_id, order_date, amount`` (one row a line).

    Purchases follow BG/NBD (weekly rate ~ Gamma(0.25, 1/4), drop-out after each repeat
    with probability ~ Beta(0.8, 2.4), the CDNOW estimates); a purchase is 1-3 lines on
    the same day; ``zero_share`` of the lines are $0.00. ``single_purchase``: nobody
    comes back (no repeat buyer at all).
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    t0, t1 = pd.Timestamp(start), pd.Timestamp(end)
    days = (t1 - t0).days
    first = rng.integers(0, 84, n_customers)
    lam = rng.gamma(0.25, 1 / 4.0, n_customers) / 7  # per day
    p = rng.beta(0.8, 2.4, n_customers)
    rows = []
    for i in range(n_customers):
        t = float(first[i])
        while True:
            for _ in range(int(rng.integers(1, 4))):
                amt = 0.0 if rng.random() < zero_share else round(float(rng.gamma(2.0, 18.0)), 2)
                rows.append((i, int(t), amt))
            if single_purchase or rng.random() < p[i]:
                break
            t += rng.exponential(1 / max(lam[i], 1e-9))
            if t > days:
                break
    df = pd.DataFrame(rows, columns=["c", "d", "amount"])
    return pd.DataFrame(
        {
            "customer_id": "CUST" + (df["c"] + 1).astype(str).str.zfill(5),
            "order_date": (t0 + pd.to_timedelta(df["d"], unit="D")).dt.strftime("%Y-%m-%d"),
            "amount": df["amount"].map(lambda v: f"{v:.2f}"),
        }
    )


def write_log(d: Path, log: pd.DataFrame, *, full_tables: bool = False) -> Path:
    """Write ``log`` as ``orders.csv`` in ``d``: the log alone (the public-data case: no
    customers, reps, targets, surveys or complaints file, no order id) or, with
    ``full_tables``, the same data spelled out for a loader that needs every table (order
    ids from the row, customers derived from the orders with no name and no rep, the
    optional tables header-only)."""
    d.mkdir(parents=True, exist_ok=True)
    if not full_tables:
        write(d, "orders", log)
        return d
    o = log.copy()
    o.insert(0, "order_id", [f"L{i:07d}" for i in range(len(o))])
    o["quantity"], o["product_line"], o["rep_id"] = "1", "Music", ""
    write(d, "orders", o)
    first = o.groupby("customer_id")["order_date"].min()
    customers = pd.DataFrame(
        {
            "customer_id": first.index,
            "name": "",
            "region": "Main",
            "segment": "All",
            "channel": "Online",
            "signup_date": first.to_numpy(),
            "rep_id": "",
        }
    )
    write(d, "customers", customers)
    heads = {
        "reps": "rep_id,name,region,hire_date",
        "targets": "period,region,rep_id,target_amount",
        "surveys": "response_id,customer_id,survey_date,nps,csat,ces,q_product_quality,"
        "q_service_level,q_after_sales,comment",
        "complaints": "complaint_id,customer_id,opened_date,category,severity,resolved_date",
    }
    for t, h in heads.items():
        (d / f"{t}.csv").write_text(h + "\n", encoding="utf-8")
    # what such a loader made a user do (issue 23): a made-up rep, allow_empty for the rest
    (d / "reps.csv").write_text(heads["reps"] + "\nR0,Placeholder,Main,\n", encoding="utf-8")
    toml = "".join(
        f"[tables.{t}]\nallow_empty = true\n" for t in ("targets", "surveys", "complaints")
    )
    (d / "salesmeasure.toml").write_text(toml, encoding="utf-8")
    return d


def irregular_log(n_customers: int = 400, *, seed: int = 5) -> pd.DataFrame:
    """A short irregular history: seven months (2025-03 .. 2025-09) with no order at all
    in June and orders on only about half of the other days."""
    import numpy as np

    log = transaction_log(n_customers, start="2025-03-01", end="2025-09-30", seed=seed)
    d = pd.to_datetime(log["order_date"])
    days = pd.Series(d.unique())
    rng = np.random.default_rng(seed)
    open_days = set(days[rng.random(len(days)) < 0.55])
    keep = d.isin(open_days) & (d.dt.month != 6)
    return log[keep.to_numpy()].reset_index(drop=True)
