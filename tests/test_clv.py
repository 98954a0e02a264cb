"""Tests of salesmeasure.clv against published estimates, hand-computed values, planted
truths in simulated data and (where it can be run) the lifetimes package."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import optimize
from statsmodels.tools.numdiff import approx_hess

from salesmeasure.clv import (
    PERIODS_PER_MONTH,
    BetaGeo,
    FitError,
    GammaGamma,
    ParetoNBD,
    RFMSummary,
    at_risk_customers,
    calibration_holdout,
    compare_holdout,
    rfm_summary,
)
from salesmeasure.clv import customer_value as clv

ROOT = Path(__file__).resolve().parents[1]
CDNOW = Path(__file__).parent / "data" / "cdnow_customers_summary_with_transactions.csv"


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return pd.read_csv(CDNOW)


def simulate_bgnbd(n, r, alpha, a, b, *, T_low=20.0, T_high=78.0, seed=0):
    """Exact BG/NBD draws of (x, t_x, T).

    Given N Poisson arrivals in (0, T], their times are sorted uniforms, so the x-th is
    T * Beta(x, N - x + 1); the customer dies after a Geometric(p) number of repeat
    purchases (Fader, Hardie & Lee 2005, assumptions i-v).
    """
    rng = np.random.default_rng(seed)
    T = rng.uniform(T_low, T_high, n).round(2)
    lam = rng.gamma(r, 1.0 / alpha, n)
    p = rng.beta(a, b, n)
    N = rng.poisson(lam * T)
    J = rng.geometric(p)  # repeat purchases allowed before dropping out (>= 1)
    x = np.minimum(N, J)
    tx = np.zeros(n)
    k = x > 0
    tx[k] = T[k] * rng.beta(x[k], N[k] - x[k] + 1)
    return x.astype(float), tx, T


def simulate_pareto_nbd(n, r, alpha, s, beta, *, T_low=20.0, T_high=78.0, seed=0):
    """Exact Pareto/NBD draws: exponential lifetime, Poisson purchases while alive."""
    rng = np.random.default_rng(seed)
    T = rng.uniform(T_low, T_high, n).round(2)
    lam = rng.gamma(r, 1.0 / alpha, n)
    mu = rng.gamma(s, 1.0 / beta, n)
    life = np.minimum(rng.exponential(1.0 / mu), T)
    x = rng.poisson(lam * life)
    tx = np.zeros(n)
    k = x > 0
    tx[k] = life[k] * rng.beta(x[k], 1)  # maximum of x uniforms on (0, life)
    return x.astype(float), tx, T


def simulate_gamma_gamma(x, p, q, v, *, seed=0):
    """Mean spend of x transactions: z ~ Gamma(p, nu), nu ~ Gamma(q, v)."""
    rng = np.random.default_rng(seed)
    nu = rng.gamma(q, 1.0 / v, len(x))
    m = np.zeros(len(x))
    k = x > 0
    m[k] = rng.gamma(p * x[k], 1.0 / (x[k] * nu[k]))
    return m


def simulate_transactions(n, r, alpha, a, b, *, start="2024-01-01", days=730, seed=1):
    """Transaction-level BG/NBD (rates per day) with staggered first purchases."""
    rng = np.random.default_rng(seed)
    t0 = pd.Timestamp(start)
    rows = []
    birth = rng.integers(0, days // 2, n)
    lam = rng.gamma(r, 1.0 / alpha, n)
    p = rng.beta(a, b, n)
    for i in range(n):
        t = float(birth[i])
        rows.append((i, t))
        while True:
            t += rng.exponential(1.0 / lam[i])
            if t >= days:
                break
            rows.append((i, t))
            if rng.random() < p[i]:
                break
    df = pd.DataFrame(rows, columns=["cid", "t"])
    return pd.DataFrame(
        {
            "customer_id": "C" + df["cid"].astype(str).str.zfill(6),
            "order_date": t0 + pd.to_timedelta(np.floor(df["t"]), unit="D"),
            "amount": rng.gamma(4.0, 25.0, len(df)).round(2),
        }
    )


# ------------------------------------------------------------ rfm_summary conventions
@pytest.fixture()
def tiny_orders() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["A", "A", "A", "A", "B", "C", "C", "D"],
            "order_date": pd.to_datetime(
                [
                    "2026-01-05",  # Mon, week 0 for A
                    "2026-01-07",  # same week -> same purchase occasion
                    "2026-01-19",  # week +2
                    "2026-02-02",  # week +4
                    "2026-01-20",
                    "2026-01-12",
                    "2026-03-30",  # after observation end: not counted
                    "2026-04-01",  # first purchase after observation end: customer absent
                ]
            ),
            "amount": [10.0, 5.0, 20.0, 40.0, 7.0, 3.0, 99.0, 1.0],
        }
    )


def test_rfm_summary_matches_hand_computed_weekly_example(tiny_orders):
    s = rfm_summary(tiny_orders, observation_end="2026-03-01", freq="W")
    # week of 2026-03-01 (a Sunday) starts Mon 2026-02-23 = A's first week + 7
    assert list(s.index) == ["A", "B", "C"]
    assert s.loc["A"].tolist() == [2.0, 4.0, 7.0, 30.0]  # (20 + 40) / 2 repeat periods
    assert s.loc["B"].tolist() == [0.0, 0.0, 5.0, 0.0]
    assert s.loc["C"].tolist() == [0.0, 0.0, 6.0, 0.0]
    assert s.freq == "W"


def test_rfm_summary_daily_and_monthly_match_hand_computed(tiny_orders):
    d = rfm_summary(tiny_orders, observation_end="2026-03-01", freq="D")
    assert d.loc["A"].tolist() == [3.0, 28.0, 55.0, (5 + 20 + 40) / 3]
    m = rfm_summary(tiny_orders, observation_end="2026-03-01", freq="M")
    assert m.loc["A"].tolist() == [1.0, 1.0, 2.0, 40.0]


def test_rfm_summary_bad_input_raises_naming_column(tiny_orders):
    with pytest.raises(ValueError, match="amount"):
        rfm_summary(tiny_orders.assign(amount=-1.0), observation_end="2026-03-01")
    with pytest.raises(ValueError, match="order_date"):
        rfm_summary(tiny_orders.assign(order_date=pd.NaT), observation_end="2026-03-01")
    with pytest.raises(ValueError, match="customer_id"):
        rfm_summary(tiny_orders.drop(columns="customer_id"), observation_end="2026-03-01")
    with pytest.raises(ValueError, match="freq"):
        rfm_summary(tiny_orders, observation_end="2026-03-01", freq="Y")
    with pytest.raises(ValueError, match="'amount' is not numeric"):
        rfm_summary(tiny_orders.assign(amount="ten"), observation_end="2026-03-01")
    nullable = tiny_orders.assign(amount=pd.array([1.0] * 7 + [None], dtype="Float64"))
    with pytest.raises(ValueError, match="'amount' has 1 missing"):
        rfm_summary(nullable, observation_end="2026-03-01")


def test_calibration_holdout_matches_hand_computed_split(tiny_orders):
    ch = calibration_holdout(
        tiny_orders, calibration_end="2026-01-25", observation_end="2026-03-01", freq="W"
    )
    # calibration: A weeks 0 and 2 (+ same-week order), B week 2, C week 1
    assert ch.loc["A", ["frequency_cal", "recency_cal", "T_cal"]].tolist() == [1.0, 2.0, 2.0]
    assert ch.loc["A", "monetary_value_cal"] == 20.0
    assert ch.loc["A", "frequency_holdout"] == 1.0  # week 4 (2026-02-02)
    assert ch.loc["A", "monetary_value_holdout"] == 40.0
    assert ch.loc["B", "frequency_holdout"] == 0.0
    assert (ch["duration_holdout"] == 5.0).all()  # weeks of 2026-01-19 .. 2026-02-23
    with pytest.raises(ValueError, match="after calibration_end"):
        calibration_holdout(tiny_orders, calibration_end="2026-03-01", observation_end="2026-03-01")


@pytest.fixture()
def cutoff_orders() -> pd.DataFrame:
    """Orders planted the day before, on and after a Wednesday cut-off (2026-03-11): the
    days after it fall in the cut-off's week (Mon 03-09 .. Sun 03-15) and month."""
    rows = [
        ("A", "2026-01-05", 10.0),
        ("A", "2026-03-10", 20.0),  # the day before the cut-off
        ("A", "2026-03-11", 30.0),  # the cut-off day: calibration
        ("A", "2026-03-12", 40.0),  # the day after: holdout, same week and month
        ("A", "2026-04-20", 50.0),
        ("B", "2026-03-12", 7.0),  # first seen the day after: not in the calibration
        ("C", "2026-02-02", 3.0),
        ("C", "2026-03-13", 9.0),
    ]
    df = pd.DataFrame(rows, columns=["customer_id", "order_date", "amount"])
    return df.assign(order_date=pd.to_datetime(df["order_date"]))


PANDAS_FREQ = {"D": "D", "W": "W-SUN", "M": "M"}


def _periods_by_pandas(orders, start, end, freq):
    """Independent count of purchase periods per customer in (start, end] by date, with
    pandas Periods (the way lifetimes bins transactions)."""
    d = orders["order_date"]
    w = orders[(d > pd.Timestamp(start) if start else True) & (d <= pd.Timestamp(end))]
    cells = w.assign(p=w["order_date"].dt.to_period(PANDAS_FREQ[freq]))
    return cells.drop_duplicates(["customer_id", "p"]).groupby("customer_id").size()


@pytest.mark.parametrize("freq", ["D", "W", "M"])
def test_calibration_holdout_cut_is_exact_at_every_period_unit(cutoff_orders, freq):
    """Issue 23: no order after the cut-off counts before it, also in the cut-off's week or
    month (weekly periods counted 03-12 in the calibration and dropped it from the holdout)."""
    cut, obs = "2026-03-11", "2026-05-31"
    ch = calibration_holdout(cutoff_orders, calibration_end=cut, observation_end=obs, freq=freq)
    assert list(ch.index) == ["A", "C"]  # B's first order is after the cut-off
    cal = _periods_by_pandas(cutoff_orders, None, cut, freq)
    hold = _periods_by_pandas(cutoff_orders, cut, obs, freq)
    np.testing.assert_array_equal(ch["frequency_cal"], cal.loc[["A", "C"]] - 1)
    np.testing.assert_array_equal(ch["frequency_holdout"], hold.loc[["A", "C"]])
    # by hand: A's holdout is 03-12 and 04-20 at every unit; C's is 03-13
    assert ch.loc["A", "frequency_holdout"] == 2.0 and ch.loc["C", "frequency_holdout"] == 1.0
    assert ch.loc["A", "monetary_value_holdout"] == 45.0  # (40 + 50) / 2
    # A's calibration repeat spend never includes the 40 of 03-12
    want = {"D": (20 + 30) / 2, "W": 20 + 30, "M": 20 + 30}[freq]
    assert ch.loc["A", "monetary_value_cal"] == want


@pytest.mark.parametrize("freq", ["D", "W", "M"])
def test_rfm_summary_counts_nothing_after_the_observation_day(cutoff_orders, freq):
    s = rfm_summary(cutoff_orders, observation_end="2026-03-11", freq=freq)
    assert list(s.index) == ["A", "C"]
    want = {"D": (2.0, 25.0), "W": (1.0, 50.0), "M": (1.0, 50.0)}[freq]
    assert (s.loc["A", "frequency"], s.loc["A", "monetary_value"]) == want
    assert s.loc["C", "frequency"] == 0.0


# ------------------------------------------------------------------ BG/NBD
def test_betageo_matches_hardie_cdnow_published_estimates(cdnow):
    m = BetaGeo().fit(cdnow["x"], cdnow["t_x"], cdnow["T"])
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    for k, v in published.items():
        assert m.params_[k] == pytest.approx(v, abs=1.5e-3), k
    assert m.log_likelihood_ == pytest.approx(-9582.4, abs=0.05)


def test_betageo_conditional_expectation_matches_fhl2005_worked_example(cdnow):
    # Fader, Hardie & Lee (2005), section 5: x=2, t_x=30.43, T=38.86 -> 1.226 in 39 weeks
    m = BetaGeo().fit(cdnow["x"], cdnow["t_x"], cdnow["T"])
    assert m.predict_purchases(39, [2], [30.43], [38.86])[0] == pytest.approx(1.226, abs=1e-3)
    # P(alive) is 1 for customers without repeat purchases (BG/NBD property)
    assert m.prob_alive([0, 0], [0, 0], [10, 40]).tolist() == [1.0, 1.0]


def bgnbd_likelihood_by_hand(r, alpha, a, b, x, tx, T):
    """FHL 2005 eq. (6) written with math.gamma, term by term."""
    beta = math.gamma(a) * math.gamma(b) / math.gamma(a + b)
    b1 = math.gamma(a) * math.gamma(b + x) / math.gamma(a + b + x)
    base = math.gamma(r + x) * alpha**r / math.gamma(r)
    val = b1 / beta * base / (alpha + T) ** (r + x)
    if x > 0:
        b2 = math.gamma(a + 1) * math.gamma(b + x - 1) / math.gamma(a + b + x)
        val += b2 / beta * base / (alpha + tx) ** (r + x)
    return math.log(val)


def test_betageo_loglik_matches_hand_computed_tiny_dataset():
    params = {"r": 0.5, "alpha": 2.0, "a": 0.8, "b": 2.5}
    x, tx, T = [0.0, 1.0, 3.0], [0.0, 3.0, 6.5], [8.0, 8.0, 10.0]
    m = BetaGeo()
    m.params_ = params
    ll = m.log_likelihood(x, tx, T)
    # customer 1 by hand: (alpha / (alpha + T))^r = (2 / 10)^0.5 -> log = 0.5 * log(0.2)
    assert ll[0] == pytest.approx(0.5 * math.log(0.2), rel=1e-12)
    for i in range(3):
        assert ll[i] == pytest.approx(
            bgnbd_likelihood_by_hand(*params.values(), x[i], tx[i], T[i]), rel=1e-12
        )


def test_betageo_analytic_gradient_matches_finite_differences(cdnow):
    m = BetaGeo()
    x, tx, T = (cdnow[c].to_numpy(float) for c in ("x", "t_x", "T"))
    w = np.ones_like(x)
    for p in ([0.3, 5.0, 0.7, 2.0], [1.5, 0.5, 3.0, 0.4]):
        p = np.array(p)
        analytic = m._total_grad(p, x, tx, T, w)
        numeric = optimize.approx_fprime(p, lambda q: m._total_ll(q, x, tx, T, w), 1e-7)
        np.testing.assert_allclose(analytic, numeric, rtol=2e-4)


def test_betageo_standard_errors_match_statsmodels_numerical_hessian(cdnow):
    m = BetaGeo().fit(cdnow["x"], cdnow["t_x"], cdnow["T"])
    x, tx, T = (cdnow[c].to_numpy(float) for c in ("x", "t_x", "T"))
    p = np.array([m.params_[k] for k in ("r", "alpha", "a", "b")])
    H = approx_hess(p, lambda q: -m._total_ll(q, x, tx, T, np.ones_like(x)))
    se = np.sqrt(np.diag(np.linalg.inv(H)))
    np.testing.assert_allclose([m.standard_errors_[k] for k in m.params_], se, rtol=1e-3)


TRUE_BG = {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5}


def test_betageo_recovers_planted_parameters_from_simulated_data():
    x, tx, T = simulate_bgnbd(40_000, *TRUE_BG.values(), seed=11)
    m = BetaGeo().fit(x, tx, T)
    for k, v in TRUE_BG.items():
        assert abs(m.params_[k] - v) < 4 * m.standard_errors_[k], (k, m.params_[k])
        assert m.params_[k] == pytest.approx(v, rel=0.15), k


def test_betageo_weights_equal_repeated_rows(cdnow):
    d = cdnow.head(400)
    full = pd.concat([d, d, d], ignore_index=True)
    a = BetaGeo().fit(full["x"], full["t_x"], full["T"])
    b = BetaGeo().fit(d["x"], d["t_x"], d["T"], weights=np.full(len(d), 3.0))
    for k in a.params_:
        assert a.params_[k] == pytest.approx(b.params_[k], rel=1e-6)
    assert a.log_likelihood_ == pytest.approx(b.log_likelihood_, rel=1e-9)


def test_betageo_without_repeat_buyers_raises_fit_error():
    with pytest.raises(FitError, match="no customer made a repeat purchase"):
        BetaGeo().fit([0, 0, 0], [0, 0, 0], [5, 6, 7])


def test_betageo_stopped_early_raises_fit_error_not_bad_answer(cdnow):
    with pytest.raises(FitError, match="did not converge"):
        BetaGeo().fit(
            cdnow["x"],
            cdnow["t_x"],
            cdnow["T"],
            maxiter=2,
            initial_params={"r": 50.0, "alpha": 0.01, "a": 30.0, "b": 0.05},
        )


def test_betageo_rejects_inconsistent_inputs():
    with pytest.raises(ValueError, match="recency exceeds T"):
        BetaGeo().fit([1, 2], [5, 9], [4, 10])
    with pytest.raises(ValueError, match="frequency"):
        BetaGeo().fit([1.5, 2], [1, 2], [4, 10])
    with pytest.raises(ValueError, match="recency must be 0"):
        BetaGeo().fit([0, 2], [1, 2], [4, 10])
    with pytest.raises(ValueError, match="not fitted"):
        BetaGeo().prob_alive([1], [1], [2])


def test_predict_purchases_matches_simulated_future_purchases():
    """Planted truth: E[purchases in (T, T+t]] from the model equals a Monte-Carlo mean."""
    rng = np.random.default_rng(5)
    r, alpha, a, b = TRUE_BG.values()
    n, t = 200_000, 26.0
    T = np.full(n, 52.0)
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    N = rng.poisson(lam * (T + t))
    J = rng.geometric(p)
    # arrivals in (0, T + t); those in (0, T] are calibration, the rest holdout
    u = rng.binomial(N, T / (T + t))  # arrivals falling in (0, T]
    x = np.minimum(u, J)
    hold = np.minimum(N, J) - x
    m = BetaGeo()
    m.params_ = TRUE_BG
    # compare by calibration frequency 0..3 (recency integrates out: use population mean)
    for k in range(4):
        sel = x == k
        # need t_x: draw it exactly as in simulate_bgnbd
        tx = np.where(k > 0, T[sel] * rng.beta(max(k, 1), u[sel] - k + 1), 0.0)
        pred = m.predict_purchases(t, np.full(sel.sum(), k), tx, T[sel]).mean()
        assert pred == pytest.approx(hold[sel].mean(), rel=0.06, abs=0.01), k


# ------------------------------------------------------------------ Pareto/NBD
def test_paretonbd_matches_fader_hardie_lee_cdnow_estimates(cdnow):
    m = ParetoNBD().fit(cdnow["x"], cdnow["t_x"], cdnow["T"])
    published = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}
    for k, v in published.items():
        assert m.params_[k] == pytest.approx(v, rel=5e-3), k
    assert m.log_likelihood_ == pytest.approx(-9595.0, abs=0.05)


def test_paretonbd_recovers_planted_parameters_from_simulated_data():
    truth = {"r": 0.6, "alpha": 10.0, "s": 0.8, "beta": 12.0}
    x, tx, T = simulate_pareto_nbd(40_000, *truth.values(), seed=3)
    m = ParetoNBD().fit(x, tx, T)
    for k, v in truth.items():
        assert abs(m.params_[k] - v) < 4 * m.standard_errors_[k], (k, m.params_[k])


def test_paretonbd_prob_alive_matches_schmittlein_closed_form(cdnow):
    m = ParetoNBD().fit(cdnow["x"], cdnow["t_x"], cdnow["T"])
    r, alpha, s, beta = m.params_.values()
    # x = 0: P(alive) has the closed form of Schmittlein et al. (1987) eq. (11) via the
    # likelihood: L = (a/(a+T))^r (b/(b+T))^s + s/(r+s) * integral; check with quad.
    from scipy import integrate

    T = 30.0

    def lik_dead_between(tau):  # density of dying at tau, no purchases before
        mu_part = s * beta**s / (beta + tau) ** (s + 1)
        return mu_part * (alpha / (alpha + tau)) ** r

    alive = (alpha / (alpha + T)) ** r * (beta / (beta + T)) ** s
    dead = integrate.quad(lik_dead_between, 0, T)[0]
    assert m.prob_alive([0], [0], [T])[0] == pytest.approx(alive / (alive + dead), rel=1e-8)


# ------------------------------------------------------------------ Gamma-Gamma
def test_gammagamma_matches_fader_hardie_lee_2005_cdnow_estimates(cdnow):
    g = GammaGamma().fit(cdnow["x"], cdnow["zbar"])
    for k, v in {"p": 6.25, "q": 3.74, "v": 15.44}.items():
        assert g.params_[k] == pytest.approx(v, abs=0.01), k
    # FHL 2005 JMR: the population mean spend p v / (q - 1) = $35.2 ...
    assert g.population_mean_spend == pytest.approx(6.25 * 15.44 / 2.74, rel=2e-3)


def test_gammagamma_expected_spend_matches_hand_computed_weighted_average():
    g = GammaGamma()
    g.params_ = {"p": 6.0, "q": 4.0, "v": 15.0}
    # weight on own mean = p x / (p x + q - 1) = 12 / 15; population mean = 90 / 3 = 30
    assert g.expected_spend([2], [50.0])[0] == pytest.approx(0.8 * 50 + 0.2 * 30)
    assert g.expected_spend([0], [0.0])[0] == pytest.approx(30.0)


def test_gammagamma_recovers_planted_parameters_from_simulated_data():
    x, _, _ = simulate_bgnbd(60_000, 0.8, 4.0, 0.5, 3.0, seed=2)
    truth = {"p": 6.0, "q": 4.0, "v": 15.0}
    m = simulate_gamma_gamma(x, *truth.values(), seed=4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # independent by construction: no warning
        g = GammaGamma().fit(x, m)
    for k, v in truth.items():
        assert abs(g.params_[k] - v) < 4 * g.standard_errors_[k], (k, g.params_[k])


def test_gammagamma_warns_when_frequency_and_spend_correlate():
    x = np.tile(np.arange(1.0, 21.0), 100)
    m = simulate_gamma_gamma(x, 6.0, 4.0, 15.0, seed=1) * (1 + x / 4)  # spend grows with x
    with pytest.warns(UserWarning, match="correlated"):
        g = GammaGamma().fit(x, m)
    assert g.frequency_spend_corr_ == pytest.approx(np.corrcoef(x, m)[0, 1])
    assert g.frequency_spend_corr_ > 0.3


def test_gammagamma_rejects_negative_spend_of_repeat_customers():
    with pytest.raises(ValueError, match="monetary_value"):
        GammaGamma().fit([1, 2, 3], [-1.0, 10.0, 12.0])


def test_gammagamma_fit_leaves_out_free_repeaters_and_equals_the_fit_without_them(cdnow):
    """Issue 23: a repeat buyer whose repeat purchases were all $0.00 (free items, valid
    orders) made the fit raise. A Gamma density has no mass at 0, so such customers carry
    no information on p, q, v: the fit with them equals the fit on the others (the
    published CDNOW estimates), and they are counted."""
    x = np.r_[cdnow["x"].to_numpy(float), [1.0, 3.0, 2.0]]
    m = np.r_[cdnow["zbar"].to_numpy(float), [0.0, 0.0, 0.0]]
    g = GammaGamma().fit(x, m)
    for k, v in {"p": 6.25, "q": 3.74, "v": 15.44}.items():
        assert g.params_[k] == pytest.approx(v, abs=0.01), k
    assert g.n_zero_spend_ == 3
    assert GammaGamma().fit(cdnow["x"], cdnow["zbar"]).n_zero_spend_ == 0


def test_gammagamma_values_a_free_repeater_at_the_shrunk_population_mean():
    """E[spend | x, mbar = 0] = (1 - w) * population mean, w = p x / (p x + q - 1) (the
    model's own weighted average with their observed mean 0): by hand, p = 6, q = 4,
    v = 15: population mean 30, x = 2 -> w = 12 / 15, (1 - 0.8) * 30 = 6."""
    g = GammaGamma()
    g.params_ = {"p": 6.0, "q": 4.0, "v": 15.0}
    assert g.expected_spend([2], [0.0])[0] == pytest.approx(6.0)


def test_gammagamma_with_fewer_than_10_positive_spenders_raises_fit_error():
    with pytest.raises(FitError, match="positive spend"):
        GammaGamma().fit([1.0] * 12, [0.0] * 8 + [5.0] * 4)


# ------------------------------------------------------------------ CLV
def test_clv_matches_hand_computed_discounted_sum(cdnow):
    bg = BetaGeo().fit(cdnow["x"], cdnow["t_x"], cdnow["T"])
    gg = GammaGamma().fit(cdnow["x"], cdnow["zbar"])
    s = cdnow.rename(columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"})
    s = RFMSummary(s.head(5), "W")
    out = clv(bg, gg, s, months=3, discount_rate=0.02, margin=0.3)
    ppm = PERIODS_PER_MONTH["W"]
    f, r, T, mv = (s[c].to_numpy() for c in ("frequency", "recency", "T", "monetary_value"))
    by_hand = np.zeros(5)
    for i in (1, 2, 3):
        inc = bg.predict_purchases(i * ppm, f, r, T) - bg.predict_purchases((i - 1) * ppm, f, r, T)
        by_hand += inc / 1.02**i
    by_hand *= 0.3 * gg.expected_spend(f, mv)
    np.testing.assert_allclose(out["clv"], by_hand, rtol=1e-10)
    alive = bg.prob_alive(f, r, T)
    np.testing.assert_allclose(out["value_at_risk"], by_hand * (1 - alive) / alive, rtol=1e-10)


def test_clv_rejects_bad_parameters(cdnow):
    s = cdnow.rename(columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"})
    bg, gg = BetaGeo(), GammaGamma()
    with pytest.raises(ValueError, match="discount_rate"):
        clv(bg, gg, s, discount_rate=-0.1, periods_per_month=4)
    with pytest.raises(ValueError, match="margin"):
        clv(bg, gg, s, margin=1.5, periods_per_month=4)
    with pytest.raises(ValueError, match="periods_per_month"):
        clv(bg, gg, s)


def test_end_to_end_transactions_recover_planted_daily_parameters_and_holdout():
    truth = {"r": 0.6, "alpha": 40.0, "a": 0.7, "b": 3.0}  # rates per day
    tx = simulate_transactions(6000, *truth.values(), seed=8)
    s = rfm_summary(tx, observation_end="2025-12-31", freq="D")
    m = BetaGeo().fit(s["frequency"], s["recency"], s["T"])
    for k, v in truth.items():
        assert abs(m.params_[k] - v) < 4 * m.standard_errors_[k], (k, m.params_[k])
    ch = calibration_holdout(
        tx, calibration_end="2025-06-30", observation_end="2025-12-31", freq="D"
    )
    models = {
        "BG/NBD": BetaGeo().fit(ch["frequency_cal"], ch["recency_cal"], ch["T_cal"]),
        "Pareto/NBD": ParetoNBD().fit(ch["frequency_cal"], ch["recency_cal"], ch["T_cal"]),
    }
    cmp = compare_holdout(models, ch)
    assert cmp.by_frequency["customers"].sum() == len(ch)
    bg = cmp.scores.loc["BG/NBD"]
    assert abs(bg["total_error_pct"]) < 8  # the right model predicts the holdout total
    assert cmp.best in models


def test_at_risk_customers_selects_high_value_low_alive(cdnow):
    bg = BetaGeo().fit(cdnow["x"], cdnow["t_x"], cdnow["T"])
    gg = GammaGamma().fit(cdnow["x"], cdnow["zbar"])
    s = cdnow.set_index("ID").rename(
        columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"}
    )
    s = RFMSummary(s, "W")
    v = clv(bg, gg, s)
    risk = at_risk_customers(v, s, top=10, value_quantile=0.8, max_prob_alive=0.5)
    past = (s["frequency"] + 1) * s["monetary_value"]
    assert len(risk) == 10
    assert (risk["prob_alive"] <= 0.5).all()
    assert (risk["past_value"] >= past.quantile(0.8)).all()
    assert risk["value_at_risk"].is_monotonic_decreasing


# ------------------------------------------------------- agreement with lifetimes
def _lifetimes_python() -> str:
    try:
        import lifetimes  # noqa: F401

        return sys.executable
    except ImportError:
        pass
    venv = ROOT / ".venv-lifetimes" / "bin" / "python"
    if venv.exists():
        ok = subprocess.run([str(venv), "-c", "import lifetimes"], capture_output=True)
        if ok.returncode == 0:
            return str(venv)
    pytest.skip("lifetimes is not installed (neither here nor in .venv-lifetimes)")


LIFETIMES_SCRIPT = textwrap.dedent(
    """
    import json, sys, warnings
    warnings.simplefilter("ignore")
    import numpy as np, pandas as pd
    from lifetimes import BetaGeoFitter, ParetoNBDFitter, GammaGammaFitter
    from lifetimes.utils import summary_data_from_transaction_data
    d = pd.read_csv(sys.argv[1])
    tx = pd.read_csv(sys.argv[2], parse_dates=["order_date"])
    bg = BetaGeoFitter().fit(d["x"], d["t_x"], d["T"])
    pn = ParetoNBDFitter().fit(d["x"], d["t_x"], d["T"])
    rep = d[d["x"] > 0]
    gg = GammaGammaFitter().fit(rep["x"], rep["zbar"])
    clv = gg.customer_lifetime_value(bg, d["x"], d["t_x"], d["T"], d["zbar"], time=6,
                                     discount_rate=0.01, freq="W")
    s = summary_data_from_transaction_data(tx, "customer_id", "order_date", "amount",
                                           observation_period_end="2025-12-31", freq="W")
    print(json.dumps({
        "bg": bg.params_.to_dict(), "bg_se": bg.standard_errors_.to_dict(),
        "pn": pn.params_.to_dict(), "gg": gg.params_.to_dict(),
        "pred": bg.predict(10, d["x"], d["t_x"], d["T"]).tolist()[:50],
        "alive": bg.conditional_probability_alive(d["x"], d["t_x"], d["T"]).tolist()[:50],
        "clv": clv.tolist()[:50],
        "summary": s.reset_index().to_dict(orient="list"),
    }))
    """
)


@pytest.fixture(scope="module")
def lifetimes_results(tmp_path_factory, cdnow):
    py = _lifetimes_python()
    tmp = tmp_path_factory.mktemp("lifetimes")
    tx = simulate_transactions(800, 0.6, 40.0, 0.7, 3.0, seed=21)
    tx.to_csv(tmp / "tx.csv", index=False)
    (tmp / "run.py").write_text(LIFETIMES_SCRIPT)
    out = subprocess.run(
        [py, str(tmp / "run.py"), str(CDNOW), str(tmp / "tx.csv")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout), tx


def test_agrees_with_lifetimes_betageo_params_predictions_and_standard_errors(
    lifetimes_results, cdnow
):
    lt, _ = lifetimes_results
    m = BetaGeo().fit(cdnow["x"], cdnow["t_x"], cdnow["T"])
    for k, v in lt["bg"].items():
        assert m.params_[k] == pytest.approx(v, rel=1e-4), k
        assert m.standard_errors_[k] == pytest.approx(lt["bg_se"][k], rel=1e-2), k
    d = cdnow.head(50)
    np.testing.assert_allclose(
        m.predict_purchases(10, d["x"], d["t_x"], d["T"]), lt["pred"], rtol=1e-4
    )
    np.testing.assert_allclose(m.prob_alive(d["x"], d["t_x"], d["T"]), lt["alive"], rtol=1e-4)


def test_agrees_with_lifetimes_paretonbd_and_gammagamma_and_clv(lifetimes_results, cdnow):
    lt, _ = lifetimes_results
    pn = ParetoNBD().fit(cdnow["x"], cdnow["t_x"], cdnow["T"])
    for k, v in lt["pn"].items():
        assert pn.params_[k] == pytest.approx(v, rel=1e-3), k
    gg = GammaGamma().fit(cdnow["x"], cdnow["zbar"])
    for k, v in lt["gg"].items():
        assert gg.params_[k] == pytest.approx(v, rel=1e-4), k
    bg = BetaGeo().fit(cdnow["x"], cdnow["t_x"], cdnow["T"])
    s = cdnow.head(50).rename(
        columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"}
    )
    # lifetimes counts 4.345 weeks in a month
    out = clv(bg, gg, s, months=6, discount_rate=0.01, periods_per_month=4.345)
    np.testing.assert_allclose(out["clv"], lt["clv"], rtol=1e-3)


def test_agrees_with_lifetimes_summary_data_from_transaction_data(lifetimes_results):
    lt, tx = lifetimes_results
    theirs = pd.DataFrame(lt["summary"]).set_index("customer_id").sort_index()
    ours = rfm_summary(tx, observation_end="2025-12-31", freq="W")
    assert list(ours.index) == list(theirs.index)
    for c in ("frequency", "recency", "T", "monetary_value"):
        np.testing.assert_allclose(ours[c], theirs[c], rtol=1e-9, err_msg=c)


# ------------------------------------------------------------------ charts
def test_plot_prob_alive_map_draws_the_models_probabilities(cdnow):
    import matplotlib.pyplot as plt

    from salesmeasure import plots

    m = BetaGeo().fit(cdnow["x"], cdnow["t_x"], cdnow["T"])
    ax = plots.plot_prob_alive_map(m, T=30, max_frequency=5)
    drawn = np.asarray(ax.collections[0].get_array()).reshape(6, 31)
    f, r = 5, 12  # top row is the highest frequency
    assert drawn[0, r] == pytest.approx(100 * m.prob_alive([f], [r], [30])[0])
    assert "Recency" in ax.get_xlabel() and "weeks" in ax.get_xlabel()
    plt.close("all")


def test_plot_holdout_and_clv_charts_label_their_axes(cdnow):
    import matplotlib.pyplot as plt

    from salesmeasure import plots
    from salesmeasure.clv import clv_tiers

    bg = BetaGeo().fit(cdnow["x"], cdnow["t_x"], cdnow["T"])
    gg = GammaGamma().fit(cdnow["x"], cdnow["zbar"])
    s = cdnow.rename(columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"})
    s = RFMSummary(s, "W")
    v = clv(bg, gg, s)
    tiers = clv_tiers(v)
    ax = plots.plot_clv_distribution(v, tiers=tiers)
    assert ax.get_title() and "log scale" in ax.get_xlabel()
    ax = plots.plot_value_at_risk(tiers, group="tier")
    heights = [p.get_height() for p in ax.patches]
    assert heights[: len(tiers)] == pytest.approx(tiers["clv"].tolist())
    plt.close("all")


def test_clv_tiers_split_customers_by_share_and_sum_to_total(cdnow):
    from salesmeasure.clv import clv_tiers

    bg = BetaGeo().fit(cdnow["x"], cdnow["t_x"], cdnow["T"])
    gg = GammaGamma().fit(cdnow["x"], cdnow["zbar"])
    s = cdnow.rename(columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"})
    s = RFMSummary(s, "W")
    v = clv(bg, gg, s)
    t = clv_tiers(v)
    n = len(v)
    assert t["customers"].tolist() == [
        round(0.1 * n),
        round(0.3 * n) - round(0.1 * n),
        round(0.6 * n) - round(0.3 * n),
        n - round(0.6 * n),
    ]
    assert t["clv"].sum() == pytest.approx(v["clv"].sum())
    tier = t.tier
    assert v.loc[tier == "Platinum", "clv"].min() >= v.loc[tier == "Gold", "clv"].max()
    with pytest.raises(ValueError, match="add up to 1"):
        clv_tiers(v, tiers={"A": 0.5, "B": 0.4})


def test_pattern_compression_hash_and_sort_versions_agree():
    from salesmeasure.clv.models.base import _compress, _compress_sorted

    rng = np.random.default_rng(0)
    cols = [rng.integers(0, k, 5000).astype(float) for k in (7, 5, 9)]
    a, b = _compress(*cols), _compress_sorted(*cols)
    assert sorted(zip(*a[:4], strict=True)) == sorted(zip(*b[:4], strict=True))
    for c, u in zip(cols, a[:3], strict=True):
        np.testing.assert_array_equal(u[a[4]], c)  # inverse maps every row to its pattern


def test_sample_data_prob_alive_separates_planted_dropouts_in_the_holdout(sample):
    """The generator makes customers drop out for good: those the model believes gone at
    the calibration end almost never buy again, those it believes alive mostly do."""
    ds = sample.slice(period="2026Q3", region="all")
    ch = calibration_holdout(ds.orders, calibration_end="2026-03-31", observation_end=ds.period.end)
    m = BetaGeo().fit(ch["frequency_cal"], ch["recency_cal"], ch["T_cal"])
    p = m.prob_alive(ch["frequency_cal"], ch["recency_cal"], ch["T_cal"])
    bought = (ch["frequency_holdout"] > 0).to_numpy()
    assert (p > 0.8).sum() > 500 and (p < 0.2).sum() > 500
    assert bought[p > 0.8].mean() > 0.6
    assert bought[p < 0.2].mean() < 0.05


# ------------------------------------------------------------ the one CLV pipeline
def test_value_base_equals_the_steps_it_replaces_on_the_sample(sample):
    """value_base = holdout choice (as notebook 03 did inline) + the chosen model refitted
    on the whole history + Gamma-Gamma + customer_value: an independent re-run of the steps
    gives the same values."""
    from salesmeasure.clv import compare_holdout, fit_purchase_models, value_base

    ds = sample.slice(period="2026Q3", region="all")
    end = ds.period.end
    v = value_base(ds.orders, end, months=6, discount_rate=0.02, margin=0.5)
    ch = calibration_holdout(ds.orders, calibration_end=end - pd.Timedelta(weeks=26),
                             observation_end=end, freq="W")  # fmt: skip
    cands, _ = fit_purchase_models(ch["frequency_cal"], ch["recency_cal"], ch["T_cal"])
    best = compare_holdout(cands, ch).best
    s = rfm_summary(ds.orders, observation_end=end, freq="W")
    final, _ = fit_purchase_models(s["frequency"], s["recency"], s["T"])
    gg = GammaGamma().fit(s["frequency"], s["monetary_value"])
    by_hand = clv(final[best], gg, s, months=6, discount_rate=0.02, margin=0.5)
    assert (v.model, v.choice) == (best, "holdout")
    pd.testing.assert_frame_equal(v.values, by_hand)
    assert v.total_clv == pytest.approx(by_hand["clv"].sum())


def test_value_base_thin_data_raises_a_sentence_not_a_traceback(sample):
    from salesmeasure.clv import MIN_CUSTOMERS, value_base
    from salesmeasure.errors import InsufficientData, Missing, attempt

    o = sample.orders
    few = o[o["customer_id"].isin(o["customer_id"].unique()[:10])]
    for orders, end in ((few, "2026-09-30"), (o.iloc[:0], "2026-09-30"), (o, "2019-03-31")):
        with pytest.raises(InsufficientData, match=f"at least {MIN_CUSTOMERS} customers"):
            value_base(orders, end)
        assert isinstance(attempt(value_base, orders, end), Missing)


def test_build_on_thin_data_keeps_every_section_or_a_reason(sample):
    """Issue 11: a small region, a header-only orders table and an old period give a report
    whose sections either compute or hold a Missing with words."""
    from dataclasses import replace

    from salesmeasure import clv as facade
    from salesmeasure.errors import Missing
    from salesmeasure.periods import Period

    class Ctx:
        def __init__(self, view, period, region="all"):
            self.view, self.period, self.region, self.data = view, period, region, view

    p = Period.parse("2026Q3")
    full = sample.slice(period="2026Q3", region="all")
    ids = full.customers["customer_id"].iloc[:40]
    small = replace(
        full,
        customers=full.customers[full.customers["customer_id"].isin(ids)],
        orders=full.orders[full.orders["customer_id"].isin(ids)],
    )
    empty = replace(full, orders=full.orders.iloc[:0])
    old = sample.slice(period="2019Q1", region="all")
    for view, period in ((small, p), (empty, p), (old, Period.parse("2019Q1"))):
        r = facade.build(Ctx(view, period))
        assert isinstance(r.value, Missing) and "customers" in r.value.reason
        for name in ("cohorts", "retention", "survival", "holdout", "worth", "at_risk", "risk"):
            sec = getattr(r, name)
            assert not isinstance(sec, Missing) or sec.reason.endswith("."), name
    r = facade.build(Ctx(empty, p))
    assert isinstance(r.survival, Missing) and isinstance(r.cohorts, Missing)
    assert "no orders up to" in r.cohorts.reason


def test_value_base_ignores_orders_after_the_observation_end(sample):
    """Orders after observation_end change nothing (the docstring's promise): the same
    values with and without them."""
    from salesmeasure.clv import value_base

    orders = sample.orders
    end = pd.Timestamp("2026-09-30")
    with_later = value_base(orders, end)
    without = value_base(orders[orders["order_date"] <= end], end)
    assert with_later.model == without.model
    assert with_later.total_clv == pytest.approx(without.total_clv, rel=1e-12)
    assert with_later.total_value_at_risk == pytest.approx(without.total_value_at_risk, rel=1e-12)


# ------------------------------------------------- issue 23: every valid value survives
def _with_free_repeats(orders, n_customers=12):
    """``orders`` where ``n_customers`` repeat buyers had every repeat order at $0.00."""
    o = orders.copy()
    first = o.groupby("customer_id")["order_date"].transform("min")
    counts = o.groupby("customer_id")["order_date"].transform("nunique")
    ids = o.loc[counts > 3, "customer_id"].drop_duplicates().iloc[:n_customers]
    free = o["customer_id"].isin(ids) & (
        o["order_date"].dt.to_period("W") != first.dt.to_period("W")
    )
    o.loc[free, "amount"] = 0.0
    return o, set(ids)


def test_value_base_survives_free_repeat_orders_and_values_them_by_hand(sample):
    """Issue 23: a repeat buyer whose repeat purchases are $0.00 crashed two reports. Now
    the spend model leaves them out of its fit, they keep their purchases, and their
    expected spend is (1 - w) * population mean (by hand from the fitted p, q, v)."""
    from salesmeasure.clv import value_base

    orders, ids = _with_free_repeats(sample.orders)
    v = value_base(orders, "2026-09-30")
    notes = {n.code: n.values for n in v.notes}
    assert notes["zero_spend_repeaters"]["n"] == len(ids)
    s = v.summary
    assert (s.loc[list(ids), "monetary_value"] == 0).all()
    assert (s.loc[list(ids), "frequency"] > 0).all()  # $0 lines are purchases
    p, q, vv = (v.spend_model.params_[k] for k in ("p", "q", "v"))
    x = s.loc[list(ids), "frequency"].to_numpy()
    w = p * x / (p * x + q - 1)
    np.testing.assert_allclose(
        v.values.loc[list(ids), "expected_spend"], (1 - w) * p * vv / (q - 1), rtol=1e-12
    )
    from salesmeasure.clv import text

    assert "free items" in text.describe_value_method(v)


def test_a_spend_model_failure_on_valid_data_is_a_reason_not_a_crash(sample, monkeypatch):
    """Any exception of a model fit on valid data (here: the optimiser's arithmetic) is an
    InsufficientData with a sentence, so the report section says why."""
    from salesmeasure.clv import pipeline
    from salesmeasure.errors import InsufficientData

    def broken(self, *a, **k):
        raise np.linalg.LinAlgError("Singular matrix")

    monkeypatch.setattr(pipeline.GammaGamma, "fit", broken)
    with pytest.raises(InsufficientData, match="spend model could not be fitted"):
        pipeline.value_base(sample.orders, "2026-09-30")


def test_holdout_that_does_not_converge_says_so_not_too_few_orders(sample, monkeypatch):
    from salesmeasure.clv import pipeline
    from salesmeasure.errors import Missing

    real = pipeline.fit_purchase_models

    def calibration_fails(f, r, T, *, names=None):
        if names is None:  # the calibration fits of the holdout check
            return {}, {"BG/NBD": "did not converge", "Pareto/NBD": "did not converge"}
        return real(f, r, T, names=names)

    monkeypatch.setattr(pipeline, "fit_purchase_models", calibration_fails)
    v = pipeline.value_base(sample.orders, "2026-09-30")
    assert isinstance(v.comparison, Missing) and v.choice == "no_holdout"
    assert "did not converge" in v.comparison.reason
    assert "not enough orders" not in v.comparison.reason


def test_default_holdout_is_26_weeks_or_a_third_of_the_history():
    from salesmeasure.clv import default_holdout_weeks

    def orders(first):
        return pd.DataFrame({"order_date": pd.to_datetime([first, "2026-09-30"])})

    assert default_holdout_weeks(orders("2023-01-01"), "2026-09-30") == 26
    # 2026-01-01 .. 2026-09-30 = 272 days; a third is 90.7 days = 12 whole weeks
    assert default_holdout_weeks(orders("2026-01-01"), "2026-09-30") == 272 // 21 == 12
    assert default_holdout_weeks(orders("2026-09-20"), "2026-09-30") == 0
    assert default_holdout_weeks(orders("2026-01-01").iloc[:0], "2026-09-30") == 0


def test_holdout_weeks_parameter_sets_the_calibration_end(sample):
    from salesmeasure.clv import value_base
    from salesmeasure.errors import ParameterError

    end = pd.Timestamp("2026-09-30")
    v = value_base(sample.orders, end, holdout_weeks=13)
    assert v.holdout_weeks == 13
    assert v.calibration.calibration_end == end - pd.Timedelta(weeks=13)
    assert v.comparison.duration == 13.0  # weeks of the holdout (the weekly periods)
    with pytest.raises(ParameterError, match="holdout_weeks"):
        value_base(sample.orders, end, holdout_weeks=-1)


def test_a_holdout_forecast_beyond_the_tolerance_is_noted_and_cautioned(sample, monkeypatch):
    """The note carries predicted / actual - 1 of the holdout winner's total (from the
    comparison's own scores); at tolerance 0 it is always there, at 10 never."""
    from salesmeasure.clv import pipeline, text

    monkeypatch.setattr(pipeline, "FORECAST_TOLERANCE", 0.0)
    v = pipeline.value_base(sample.orders, "2026-09-30")
    note = {n.code: n.values for n in v.notes}["holdout_forecast_off"]
    row = v.comparison.scores.loc[v.model]
    assert note["error"] == pytest.approx(row["predicted_total"] / row["actual_total"] - 1)
    assert "Caution" in text.describe_holdout(v.comparison)
    assert "likely too" in text.describe_value(text_section(v))
    monkeypatch.setattr(pipeline, "FORECAST_TOLERANCE", 10.0)
    v = pipeline.value_base(sample.orders, "2026-09-30")
    assert "holdout_forecast_off" not in {n.code for n in v.notes}
    assert "Caution" not in text.describe_holdout(v.comparison)


def text_section(v):
    from salesmeasure.clv.analysis import ValueSection
    from salesmeasure.clv.value import clv_tiers

    return ValueSection(v, clv_tiers(v.values))


@pytest.mark.parametrize("lang, no_rep", [("en", "no rep"), ("zh-CN", "无负责销售")])
def test_call_list_shows_the_id_for_a_nameless_customer_and_no_rep(lang, no_rep):
    from salesmeasure.clv import text
    from salesmeasure.clv.value import AtRiskList
    from salesmeasure.i18n import set_language

    frame = pd.DataFrame(
        {
            "name": [np.nan, "Acme Ltd"],
            "region": ["North", np.nan],
            "segment": [np.nan, "SMB"],
            "rep_id": [np.nan, "R01"],
            "frequency": [3.0, 1.0],
            "periods_since_last": [10.0, 2.0],
            "past_value": [500.0, 80.0],
            "prob_alive": [0.2, 0.4],
            "value_at_risk": [300.0, 20.0],
            "clv": [150.0, 60.0],
        },
        index=pd.Index(["C001", "C002"], name="customer_id"),
    )
    set_language(lang)
    try:
        at_risk = AtRiskList(frame, value_cut=0.0, freq="W")
        t = text.call_list(at_risk)
        cells = t.astype(str).to_numpy().ravel().tolist()
        assert not any(c in ("nan", "NaN", "None", "<NA>") for c in cells), cells
        assert t.iloc[0, 0] == "C001" and t.iloc[1, 0] == "Acme Ltd"
        assert t.iloc[0, 3] == no_rep and t.iloc[1, 3] == "R01"
        sentence = text.describe_at_risk(at_risk)
        assert "C001" in sentence and no_rep in sentence and "nan" not in sentence
    finally:
        set_language("en")


def test_an_undefined_mean_spend_is_a_reason_not_a_crash(sample, monkeypatch):
    """A Gamma-Gamma fit with q <= 1 has no finite mean spend (FitError in
    population_mean_spend): the section says so instead of failing the report."""
    from salesmeasure.clv import pipeline
    from salesmeasure.errors import InsufficientData

    real = pipeline.GammaGamma.fit

    def heavy_tail(self, *a, **k):
        real(self, *a, **k)
        self.params_ = {**self.params_, "q": 0.9}
        return self

    monkeypatch.setattr(pipeline.GammaGamma, "fit", heavy_tail)
    with pytest.raises(InsufficientData, match="no finite mean spend"):
        pipeline.value_base(sample.orders, "2026-09-30")


def test_value_base_bad_valuation_parameter_is_an_error_naming_it_not_a_reason(sample):
    from salesmeasure.clv import value_base
    from salesmeasure.errors import InsufficientData

    with pytest.raises(ValueError, match="discount_rate") as info:
        value_base(sample.orders, "2026-09-30", discount_rate=-0.5)
    assert not isinstance(info.value, InsufficientData)
