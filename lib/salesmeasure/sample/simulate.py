"""The simulation itself: customers, orders, surveys, complaints, targets, defects.

See :mod:`salesmeasure.sample` for the process and its references.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import expit, logit

from salesmeasure.sample import plants as plant
from salesmeasure.sample import zh
from salesmeasure.sample.comments import comments as sample_comments
from salesmeasure.sample.names import (
    COMMENTS_BAD,
    COMMENTS_GOOD,
    FIRST,
    LAST,
    NAME_A,
    NAME_B,
    NAME_C,
)
from salesmeasure.sample.params import (
    AS_OF,
    BTYD,
    CHANGE_POINT,
    CHANNEL_SHARE,
    CHANNELS,
    COMPLAINT_CATEGORIES,
    COMPLAINT_CATEGORY_SHARE,
    COMPLAINT_RATE_PER_YEAR,
    COMPLAINT_SATISFACTION_EFFECT,
    DRIVER_WEIGHTS,
    GROWTH_CLIP,
    HARD_BOOK,
    ITEM_MEANS,
    ITEMS,
    LIST_PRICE,
    MONTH_SEASONALITY,
    PLANNED_GROWTH,
    PRICE_INCREASE,
    PRODUCT_LINES,
    PRODUCT_MIX,
    REGION_GROWTH,
    REGION_SHARE,
    REGIONS,
    SATISFACTION_TO_DROPOUT,
    SEGMENT_SHARE,
    SEGMENT_SPEND,
    SEGMENTS,
    SOFTWARE_SHIFT_PER_YEAR,
    SPEND,
    START,
    STRETCH,
    SURVEY_RATE,
    WEEKDAY_INTENSITY,
)
from salesmeasure.stats import largest_remainder


def _season_grid(n_days: int) -> np.ndarray:
    """Daily purchase intensity (month seasonality x weekday pattern) from START."""
    days = START + pd.to_timedelta(np.arange(n_days), unit="D")
    month = np.asarray(MONTH_SEASONALITY)[days.month.to_numpy() - 1]
    wd = np.asarray(WEEKDAY_INTENSITY)[days.day_of_week.to_numpy()]
    w = month * wd
    return w / (np.mean(WEEKDAY_INTENSITY))  # mean over a week = month multiplier


def _largest_remainder(total: float, shares: np.ndarray) -> np.ndarray:
    """Whole-unit amounts proportional to ``shares`` that add up exactly to ``total``."""
    return largest_remainder(total, shares)


def simulate(
    seed: int = 42,
    customers: int = 4000,
    *,
    as_of: str | pd.Timestamp = AS_OF,
    defects: bool = True,
    lang: str = "en",
    plants: bool = True,
) -> tuple[dict[str, pd.DataFrame], dict]:
    """Draw the six tables and the planted truths (in memory).

    ``lang`` is the language of the sample (``"en"`` or ``"zh-CN"``): its survey
    comments (drawn by :func:`salesmeasure.sample.comments.comments` from a generator of
    their own), customer and rep names, regions, segments, channels, product lines and
    complaint categories (:mod:`salesmeasure.sample.zh`). Every draw is the same in both
    languages, so each Chinese value is its English twin under another name.

    ``plants`` (default on) plants the harder book of ``HARD_BOOK`` and the complaint
    change point of ``CHANGE_POINT`` (:mod:`salesmeasure.sample.plants`); neither takes a
    draw from the main generator, so with ``plants=False`` every other value is the same.

    Returns
    -------
    tables : dict of DataFrame
        ``customers, orders, reps, targets, surveys, complaints`` (clean typed values,
        plus injected bad rows when ``defects``).
    truth : dict
        The generator's parameters and planted effects (what ``generator.json`` holds).
    """
    if lang not in ("en", "zh-CN"):
        raise ValueError(f"sample language must be 'en' or 'zh-CN', got {lang!r}")
    rng = np.random.default_rng(seed)
    as_of = pd.Timestamp(as_of).normalize()
    n_days = int((as_of - START).days) + 1
    n = int(customers)
    if n < 50:
        raise ValueError(f"customers must be at least 50, got {n}")

    # ------------------------------------------------------------- reps
    rep_rows = []
    rep_skill = {}
    for ri, region in enumerate(REGIONS):
        for k in range(5):
            rid = f"R{ri * 5 + k + 1:02d}"
            skill = float(np.round(np.exp(rng.normal(0, 0.2)), 3))
            rep_skill[rid] = skill
            hire = pd.Timestamp("2018-01-01") + pd.Timedelta(days=int(rng.integers(0, 1800)))
            if k == 4 and ri % 2 == 0:  # some reps join during the window
                hire = pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(rng.integers(0, 500)))
            first, last = (ri * 5 + k) % len(FIRST), (ri * 7 + k * 3) % len(LAST)
            name = f"{FIRST[first]} {LAST[last]}" if lang == "en" else zh.rep_name(first, last)
            rep_rows.append((rid, name, region, hire))
    reps = pd.DataFrame(rep_rows, columns=["rep_id", "name", "region", "hire_date"])

    # -------------------------------------------------------- customers
    region_share = np.array([REGION_SHARE[r] for r in REGIONS])
    region_idx = rng.choice(len(REGIONS), size=n, p=region_share / region_share.sum())
    growth = np.array([REGION_GROWTH[r] for r in REGIONS])[region_idx]
    # acquisition density ~ (1+g)^t on [0, T_years]: inverse-CDF sampling
    t_years = n_days / 365.25
    u = rng.random(n)
    lg = np.log1p(growth)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(np.abs(lg) < 1e-9, u * t_years, np.log1p(u * np.expm1(lg * t_years)) / lg)
    signup_day = np.minimum((t * 365.25).astype(np.int64), n_days - 1)
    # B2B signups happen on weekdays: move weekend signups to the next Monday if possible
    dow = (START.day_of_week + signup_day) % 7
    shift = np.where(dow == 5, 2, np.where(dow == 6, 1, 0))
    signup_day = np.where(signup_day + shift < n_days, signup_day + shift, signup_day)

    segment_idx = rng.choice(3, size=n, p=SEGMENT_SHARE)
    channel_idx = rng.choice(3, size=n, p=CHANNEL_SHARE)
    # each customer's rep: one of the region's reps already hired at signup
    rep_ids = reps["rep_id"].to_numpy()
    rep_region = reps["region"].map({r: i for i, r in enumerate(REGIONS)}).to_numpy()
    rep_hire_day = ((reps["hire_date"] - START).dt.days).to_numpy()
    cust_rep = np.empty(n, dtype=np.int64)
    for ri in range(len(REGIONS)):
        members = np.flatnonzero(rep_region == ri)
        idx = np.flatnonzero(region_idx == ri)
        choice = rng.integers(0, len(members), size=idx.size)
        chosen = members[choice]
        not_hired = rep_hire_day[chosen] > signup_day[idx]
        senior = members[rep_hire_day[members] <= 0]
        chosen[not_hired] = senior[rng.integers(0, len(senior), size=int(not_hired.sum()))]
        cust_rep[idx] = chosen

    # ----------------------------------------------- latent satisfaction
    g = rng.normal(size=n)
    item_lat = 0.8 * g[:, None] + 0.6 * rng.normal(size=(n, 3))  # corr 0.64 between items
    w = np.array([[DRIVER_WEIGHTS[r][it] for it in ITEMS] for r in REGIONS])[region_idx]
    sat = (w * item_lat).sum(axis=1) + 0.35 * rng.normal(size=n)
    sat_z = (sat - sat.mean()) / sat.std()

    # ------------------------------------------------------ BG/NBD buying
    lam = rng.gamma(BTYD["r"], 1.0 / BTYD["alpha"], size=n) / 7.0  # per day
    p0 = rng.beta(BTYD["a"], BTYD["b"], size=n)
    p = expit(logit(np.clip(p0, 1e-9, 1 - 1e-9)) - SATISFACTION_TO_DROPOUT * sat_z)
    season = _season_grid(n_days)
    cum = np.concatenate([[0.0], np.cumsum(season)])  # operational time at day starts
    op_start = cum[signup_day + 1]  # repeat orders start the day after signup
    op_window = cum[n_days] - op_start
    n_arrivals = rng.poisson(lam * op_window)
    k_dropout = rng.geometric(np.clip(p, 1e-12, 1.0))  # repeat orders up to and incl. dropout
    m = np.minimum(n_arrivals, k_dropout)  # repeat orders observed
    # first m order statistics of N uniforms on the window, via exponential spacings
    owner = np.repeat(np.arange(n), m)
    e = rng.exponential(size=owner.size)
    cs = np.cumsum(e)
    starts = np.concatenate([[0], np.cumsum(m)[:-1]])
    base = np.repeat(np.concatenate([[0.0], cs])[starts], m)
    partial = cs - base  # S_j within customer
    total_m = np.zeros(n)
    has = m > 0
    total_m[has] = partial[np.cumsum(m)[has] - 1]
    rest = np.zeros(n)
    rest[has] = rng.gamma(n_arrivals[has] - m[has] + 1.0)
    s_total = total_m + rest  # S_{N+1}
    frac = partial / np.repeat(np.where(has, s_total, 1.0), m)
    op_t = op_start[owner] + frac * op_window[owner]
    repeat_day = np.clip(np.searchsorted(cum, op_t, side="right") - 1, 0, n_days - 1)
    cust_of_order = np.concatenate([np.arange(n), owner])
    order_day = np.concatenate([signup_day, repeat_day])
    order = np.lexsort((cust_of_order, order_day))
    cust_of_order = cust_of_order[order]
    order_day = order_day[order]
    n_orders = cust_of_order.size

    # ------------------------------------------------------------- spend
    nu = rng.gamma(SPEND["q"], 1.0 / SPEND["gamma"], size=n)
    seg_mult = np.array([SEGMENT_SPEND[s] for s in SEGMENTS])[segment_idx]
    spend_draw = rng.gamma(SPEND["p"], 1.0 / nu[cust_of_order])
    year_off = ((START + pd.to_timedelta(order_day, unit="D")).year - START.year).to_numpy()
    mix = np.array([PRODUCT_MIX[s] for s in SEGMENTS])[segment_idx[cust_of_order]].copy()
    shift_sw = np.minimum(SOFTWARE_SHIFT_PER_YEAR * year_off, 0.15)
    mix[:, 1] += shift_sw
    mix[:, 0] -= shift_sw / 2
    mix[:, 2] -= shift_sw / 2
    cu = rng.random(n_orders)[:, None]
    product_idx = (cu > np.cumsum(mix, axis=1)).sum(axis=1).clip(0, 2)
    list_price = (
        np.array([LIST_PRICE[pl] for pl in PRODUCT_LINES])[product_idx]
        * (1 + np.array([PRICE_INCREASE[pl] for pl in PRODUCT_LINES])[product_idx]) ** year_off
    )
    discount = np.round(rng.choice([0.0, 0.0, 0.05, 0.10, 0.15], size=n_orders), 2)
    unit = list_price * (1 - discount)

    def order_amounts(rep_of_customer):
        skill = np.array([rep_skill[r] for r in rep_ids])[rep_of_customer]
        z = spend_draw * (seg_mult * skill)[cust_of_order]
        quantity = np.maximum(1, np.round(z / unit)).astype(np.int64)
        return quantity, np.round(quantity * unit, 2)

    hard_truth = {}
    if plants:  # the harder book: who holds whom inside the region (no draw)
        hb_rep = int(np.flatnonzero(rep_ids == HARD_BOOK["rep_id"])[0])
        cust_rep, hard_truth = plant.hard_book(
            cust_rep,
            rep=hb_rep,
            region=REGIONS.index(HARD_BOOK["region"]),
            region_idx=region_idx,
            signup_day=signup_day,
            rep_hire_day=rep_hire_day,
            revenue_by_order=order_amounts(cust_rep)[1],
            cust_of_order=cust_of_order,
            order_day=order_day,
            ref_day=plant.reference_day(as_of),
        )
    quantity, amount = order_amounts(cust_rep)
    order_rep = cust_rep[cust_of_order].copy()
    cover = rng.random(n_orders) < 0.03  # a colleague in the same region covers the order
    if cover.any():
        reg = region_idx[cust_of_order[cover]]
        order_rep[cover] = np.array(
            [rng.choice(np.flatnonzero((rep_region == r) & (rep_hire_day <= 0))) for r in reg]
        )

    cust_ids = np.char.add("C", np.char.zfill(np.arange(1, n + 1).astype(str), 7))
    dates = START + pd.to_timedelta(np.arange(n_days), unit="D")
    orders = pd.DataFrame(
        {
            "order_id": np.char.add("O", np.char.zfill(np.arange(1, n_orders + 1).astype(str), 8)),
            "customer_id": cust_ids[cust_of_order],
            "order_date": dates[order_day],
            "amount": amount,
            "quantity": quantity,
            "product_line": np.asarray(PRODUCT_LINES)[product_idx],
            "rep_id": rep_ids[order_rep],
        }
    )

    name_a = rng.integers(0, len(NAME_A), n)
    name_b = rng.integers(0, len(NAME_B), n)
    name_c = rng.integers(0, len(NAME_C), n)
    if lang == "en":
        names = (
            np.asarray(NAME_A)[name_a].astype(object)
            + " "
            + np.asarray(NAME_B)[name_b].astype(object)
            + " "
            + np.asarray(NAME_C)[name_c].astype(object)
        )
        names[min(7, n - 1)] = "O'Brien & Sons <Ltd>"  # a name that must be escaped in HTML
    else:  # the same draws, Chinese words (sample.zh)
        names = np.array(
            [zh.company_name(*abc) for abc in zip(name_a, name_b, name_c, strict=True)], object
        )
        names[min(7, n - 1)] = zh.ESCAPE_NAME
    customers_df = pd.DataFrame(
        {
            "customer_id": cust_ids,
            "name": names,
            "region": np.asarray(REGIONS)[region_idx],
            "segment": np.asarray(SEGMENTS)[segment_idx],
            "channel": np.asarray(CHANNELS)[channel_idx],
            "signup_date": dates[signup_day],
            "rep_id": rep_ids[cust_rep],
        }
    )

    # ------------------------------------------------------------ surveys
    surveyed = np.flatnonzero(rng.random(n_orders) < SURVEY_RATE)
    s_day = order_day[surveyed] + rng.integers(3, 21, size=surveyed.size)
    keep = s_day < n_days
    surveyed, s_day = surveyed[keep], s_day[keep]
    sc = cust_of_order[surveyed]
    ns = sc.size
    item_resp = item_lat[sc] + 0.35 * rng.normal(size=(ns, 3))
    sat_resp = (w[sc] * item_resp).sum(axis=1) + 0.35 * rng.normal(size=ns)
    sat_resp_z = (sat_resp - sat.mean()) / sat.std()
    means = np.array([ITEM_MEANS[r] for r in REGIONS])[region_idx[sc]]
    likert = np.clip(np.round(means + 0.85 * item_resp), 1, 5)
    nps = np.clip(np.round(7.8 + 1.9 * sat_resp_z + 0.7 * rng.normal(size=ns)), 0, 10)
    csat = np.clip(np.round(3.8 + 0.85 * sat_resp_z + 0.35 * rng.normal(size=ns)), 1, 5)
    ces = np.clip(
        np.round(5.0 + 0.8 * sat_resp_z + 0.6 * item_resp[:, 1] + 0.6 * rng.normal(size=ns)), 1, 7
    )
    surveys = pd.DataFrame(
        {
            "response_id": np.char.add("S", np.char.zfill(np.arange(1, ns + 1).astype(str), 8)),
            "customer_id": cust_ids[sc],
            "survey_date": dates[s_day],
            "nps": nps,
            "csat": csat,
            "ces": ces,
            ITEMS[0]: likert[:, 0],
            ITEMS[1]: likert[:, 1],
            ITEMS[2]: likert[:, 2],
        }
    )
    for col, rate in [("nps", 0.02), ("csat", 0.03), ("ces", 0.10)] + [(c, 0.05) for c in ITEMS]:
        surveys.loc[rng.random(ns) < rate, col] = np.nan
    # The comments once were one of a few fixed phrases drawn here; the two draws stay so
    # that every later draw (complaints, defects) is unchanged. The comments themselves
    # come from their own generator (planted themes and sentiment).
    rng.integers(0, len(COMMENTS_GOOD), ns)
    rng.integers(0, len(COMMENTS_BAD), ns)
    texts, comment_truth, _mentions = sample_comments(sat_resp_z, seed, lang=lang)
    surveys["comment"] = texts
    surveys = surveys.sort_values(["survey_date", "response_id"], kind="stable")
    surveys["response_id"] = np.char.add("S", np.char.zfill(np.arange(1, ns + 1).astype(str), 8))

    # --------------------------------------------------------- complaints
    last_day = np.full(n, -1)
    np.maximum.at(last_day, cust_of_order, order_day)
    active_end = np.minimum(last_day + 60, n_days - 1)
    active_years = (active_end - signup_day + 1) / 365.25
    rate = COMPLAINT_RATE_PER_YEAR * np.exp(-COMPLAINT_SATISFACTION_EFFECT * sat_z)
    n_comp = rng.poisson(rate * active_years)
    cc = np.repeat(np.arange(n), n_comp)
    nc = cc.size
    c_day = signup_day[cc] + (rng.random(nc) * (active_end[cc] - signup_day[cc] + 1)).astype(int)
    severity_idx = rng.choice(3, size=nc, p=[0.55, 0.33, 0.12])
    days_to_resolve = np.ceil(rng.gamma(2.0, np.array([3.0, 5.0, 9.0])[severity_idx]))
    never = rng.random(nc) < 0.03
    category_idx = rng.choice(len(COMPLAINT_CATEGORIES), size=nc, p=COMPLAINT_CATEGORY_SHARE)
    change_truth = {}
    if plants:  # the change point: extra complaints from a generator of their own
        cp_from = pd.Timestamp(CHANGE_POINT["from"] + "-01")
        extra = plant.extra_complaints(
            seed,
            region=REGIONS.index(CHANGE_POINT["region"]),
            region_idx=region_idx,
            signup_day=signup_day,
            active_end=active_end,
            from_day=int((cp_from - START).days),
            rate_per_year=CHANGE_POINT["extra_per_year"],
        )
        cc, c_day, severity_idx, days_to_resolve, never = (
            np.concatenate([a, b])
            for a, b in zip((cc, c_day, severity_idx, days_to_resolve, never), extra, strict=True)
        )
        n_extra = extra[0].size
        category_idx = np.r_[
            category_idx, np.full(n_extra, COMPLAINT_CATEGORIES.index(CHANGE_POINT["category"]))
        ]
        nc = cc.size
        change_truth = {**CHANGE_POINT, "extra_complaints": int(n_extra)}
    r_day = c_day + days_to_resolve.astype(int)
    resolved = pd.Series(dates[np.minimum(r_day, n_days - 1)])
    resolved[(r_day > n_days - 1) | never] = pd.NaT
    complaints = pd.DataFrame(
        {
            "complaint_id": np.char.add("K", np.char.zfill(np.arange(1, nc + 1).astype(str), 7)),
            "customer_id": cust_ids[cc],
            "opened_date": dates[c_day],
            "category": np.asarray(COMPLAINT_CATEGORIES)[category_idx],
            "severity": np.asarray(["Low", "Medium", "High"])[severity_idx],
            "resolved_date": resolved.to_numpy(),
        }
    )
    complaints = complaints.sort_values(["opened_date", "complaint_id"], kind="stable")
    complaints["complaint_id"] = np.char.add(
        "K", np.char.zfill(np.arange(1, nc + 1).astype(str), 7)
    )

    # ------------------------------------------------------------ targets
    targets = _targets(orders, customers_df, reps, as_of)

    truth = {
        "seed": int(seed),
        "n_customers": n,
        "start": str(START.date()),
        "as_of": str(as_of.date()),
        "regions": REGIONS,
        "region_share": REGION_SHARE,
        "region_growth": REGION_GROWTH,
        "month_seasonality": MONTH_SEASONALITY,
        "quarter_seasonality": {
            f"Q{q + 1}": float(np.mean(MONTH_SEASONALITY[3 * q : 3 * q + 3])) for q in range(4)
        },
        "weekday_intensity": WEEKDAY_INTENSITY,
        "segments": SEGMENTS,
        "segment_spend": SEGMENT_SPEND,
        "channels": CHANNELS,
        "product_lines": PRODUCT_LINES,
        "list_price_2023": LIST_PRICE,
        "price_increase_per_year": PRICE_INCREASE,
        "btyd": BTYD,
        "btyd_time_unit": "week",
        "spend": SPEND,
        "satisfaction_to_dropout": SATISFACTION_TO_DROPOUT,
        "items": ITEMS,
        "driver_weights": DRIVER_WEIGHTS,
        "item_means": ITEM_MEANS,
        "survey_rate_per_order": SURVEY_RATE,
        "complaint_rate_per_year": COMPLAINT_RATE_PER_YEAR,
        "complaint_satisfaction_effect": COMPLAINT_SATISFACTION_EFFECT,
        "planned_growth": PLANNED_GROWTH,
        "target_growth_clip": list(GROWTH_CLIP),
        "target_stretch": STRETCH,
        "rep_skill": rep_skill,
        "hard_book_rep": (
            {
                **HARD_BOOK,
                **hard_truth,
                "reference_quarter": str(
                    pd.Period(START + pd.Timedelta(days=plant.reference_day(as_of)), "Q")
                ),
            }
            if plants
            else {}
        ),
        "change_point": change_truth,
        "comments": comment_truth,
        "counts": {
            "customers": int(n),
            "orders": int(n_orders),
            "surveys": int(ns),
            "complaints": int(nc),
        },
    }
    tables = {
        "customers": customers_df,
        "orders": orders,
        "reps": reps,
        "targets": targets,
        "surveys": surveys.reset_index(drop=True),
        "complaints": complaints.reset_index(drop=True),
    }
    truth["injected_defects"] = _inject_defects(tables, rng) if defects else {}
    if lang != "en":  # Chinese regions, segments, product lines, ... (the same draws)
        tables, truth = zh.localise(tables, truth)
    return tables, truth


def _targets(orders, customers, reps, as_of) -> pd.DataFrame:
    """Region and rep targets, set before each quarter from what was known then.

    Region total = revenue of the same quarter last year x (1 + half the year-on-year
    growth of the four complete quarters before, clipped to ``GROWTH_CLIP``; ``1 +
    PLANNED_GROWTH`` when those have no full year before them) x (1 + ``STRETCH``), to the
    nearest 1000: planners assume recent growth slows. Reps get shares of it by their
    revenue in the four quarters a year earlier (largest remainder, so rep targets add up
    exactly to the region total).
    """
    region = orders["customer_id"].map(customers.set_index("customer_id")["region"])
    q = orders["order_date"].dt.to_period("Q")
    rev = orders.assign(region=region, q=q).groupby(["region", "q"])["amount"].sum()
    rep_rev = orders.assign(q=q).groupby(["rep_id", "q"])["amount"].sum()
    first_q = pd.Period(START, "Q") + 4  # targets from the second year on
    last_q = pd.Period(as_of, "Q")
    rows = []
    for qq in pd.period_range(first_q, last_q, freq="Q"):
        label = f"{qq.year}Q{qq.quarter}"
        q_end = qq.end_time.normalize()
        for reg in REGIONS:
            total = round(rev.get((reg, qq - 4), 0.0) * _growth(rev, reg, qq) * (1 + STRETCH), -3)
            rows.append((label, reg, None, float(total)))
            staff = reps[(reps["region"] == reg) & (reps["hire_date"] <= qq.start_time)]
            staff = staff[staff["hire_date"] <= q_end]
            hist = np.array(
                [sum(rep_rev.get((r, qq - k), 0.0) for k in range(4, 8)) for r in staff["rep_id"]]
            )
            shares = np.where(hist > 0, hist, hist[hist > 0].mean() if (hist > 0).any() else 1.0)
            for rid, amt in zip(staff["rep_id"], _largest_remainder(total, shares), strict=True):
                rows.append((label, reg, rid, float(amt)))
    return pd.DataFrame(rows, columns=["period", "region", "rep_id", "target_amount"])


def _growth(rev: pd.Series, region: str, qq: pd.Period) -> float:
    """Planned growth factor of ``region`` for quarter ``qq`` (see :func:`_targets`)."""
    if qq - 8 < pd.Period(START, "Q"):
        return 1 + PLANNED_GROWTH
    recent = sum(rev.get((region, qq - k), 0.0) for k in range(1, 5))
    before = sum(rev.get((region, qq - k), 0.0) for k in range(5, 9))
    if before <= 0:
        return 1 + PLANNED_GROWTH
    return float(np.clip(1 + 0.5 * (recent / before - 1), *GROWTH_CLIP))


def _inject_defects(tables: dict[str, pd.DataFrame], rng) -> dict:
    """Append a few bad rows of known kinds; returns {table: {reason: count}}."""
    o = tables["orders"]
    s = tables["surveys"]
    c = tables["complaints"]
    cust = tables["customers"]
    bad_o = o.sample(9, random_state=int(rng.integers(1 << 31))).copy()
    bad_o["order_id"] = [f"X{i:08d}" for i in range(1, 10)]
    bad_o = bad_o.astype({"amount": object, "quantity": object, "order_date": object})
    bad_o.iloc[0:3, bad_o.columns.get_loc("amount")] = [-120.0, -5.5, -999.0]
    bad_o.iloc[3:5, bad_o.columns.get_loc("quantity")] = [0, 0]
    bad_o.iloc[5:7, bad_o.columns.get_loc("customer_id")] = ["C9999998", "C9999999"]
    bad_o.iloc[7, bad_o.columns.get_loc("order_date")] = "2025-02-30"
    bad_o.iloc[8, bad_o.columns.get_loc("rep_id")] = "R99"
    dup = o.iloc[[10, 20]].copy()  # exact re-exports of two orders: duplicate ids
    tables["orders"] = pd.concat([o.astype({"order_date": object}), bad_o, dup], ignore_index=True)

    bad_s = s.sample(4, random_state=int(rng.integers(1 << 31))).copy()
    bad_s["response_id"] = [f"SX{i:07d}" for i in range(1, 5)]
    bad_s.iloc[0:2, bad_s.columns.get_loc("nps")] = [11.0, 12.0]
    bad_s.iloc[2, bad_s.columns.get_loc("csat")] = 7.0
    first = cust.iloc[0]
    bad_s.iloc[3, bad_s.columns.get_loc("customer_id")] = first["customer_id"]
    bad_s.iloc[3, bad_s.columns.get_loc("survey_date")] = first["signup_date"] - pd.Timedelta(
        days=30
    )
    tables["surveys"] = pd.concat([s, bad_s], ignore_index=True)

    bad_c = c.dropna(subset=["resolved_date"]).sample(1, random_state=1).copy()
    bad_c["complaint_id"] = ["KX000001"]
    bad_c["resolved_date"] = bad_c["opened_date"] - pd.Timedelta(days=3)
    tables["complaints"] = pd.concat([c, bad_c], ignore_index=True)
    return {
        "orders": {
            "negative amount": 3,
            "quantity below 1": 2,
            "unknown customer": 2,
            "unparseable date": 1,
            "unknown rep": 1,
            "duplicate id": 2,
        },
        "surveys": {"score out of range": 3, "survey before signup": 1},
        "complaints": {"resolved before opened": 1},
    }
