"""Customer lifetime value: RFM summary, BG/NBD, Pareto/NBD, Gamma-Gamma and CLV.

The purchase models ("buy till you die") describe how often a customer buys while alive
and how likely it is that they have silently left; the Gamma-Gamma model describes how
much they spend per transaction. Together they give a discounted expected value per
customer (CLV), the probability that each customer is still active, and the value at
risk if they have left.

Conventions follow the BG/NBD literature and the ``lifetimes`` package: transactions are
first aggregated to periods of length ``freq``; ``frequency`` is the number of *repeat*
purchase periods, ``recency`` the age of the customer at their last purchase and ``T``
their age at the observation end, both measured from the first purchase in whole periods;
``monetary_value`` is the mean value of the repeat purchase periods.

Every fitted model works on the data's own time scale (``params_``, ``log_likelihood_``);
internally the fit compresses customers to unique ``(frequency, recency, T)`` patterns
with weights and rescales time for numerical conditioning.

References
----------
.. [1] Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the
   easy way: an alternative to the Pareto/NBD model. Marketing Science 24(2), 275-284.
.. [2] Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). A note on deriving the
   Pareto/NBD model and related expressions. http://brucehardie.com/notes/009/
.. [3] Schmittlein, D. C., Morrison, D. G. & Colombo, R. (1987). Counting your customers:
   who are they and what will they do next? Management Science 33(1), 1-24.
.. [4] Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: using iso-value
   curves for customer base analysis. Journal of Marketing Research 42(4), 415-430.
.. [5] Fader, P. S. & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value.
   http://brucehardie.com/notes/025/
.. [6] Davidson-Pilon, C. (2015-2020). lifetimes 0.11.3 (``utils.summary_data_from_
   transaction_data``, ``utils.customer_lifetime_value``). MIT licence.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, special
from scipy import stats as _st

__all__ = [
    "PERIODS_PER_MONTH",
    "FitError",
    "rfm_summary",
    "calibration_holdout",
    "BetaGeo",
    "ParetoNBD",
    "GammaGamma",
    "clv",
    "HoldoutComparison",
    "compare_holdout",
    "at_risk_customers",
    "clv_tiers",
    "fit_purchase_models",
]

#: Number of ``freq`` periods in one (average Gregorian) month.
PERIODS_PER_MONTH = {"D": 365.2425 / 12, "W": 365.2425 / 12 / 7, "M": 1.0}


class FitError(RuntimeError):
    """A model fit did not converge to a usable maximum of the likelihood."""


# ---------------------------------------------------------------------------------------
# RFM summary
# ---------------------------------------------------------------------------------------


def _check_columns(df: pd.DataFrame, cols: list[str], what: str) -> None:
    missing = [c for c in cols if c is not None and c not in df.columns]
    if missing:
        raise ValueError(f"{what} is missing column(s) {missing}; it has {list(df.columns)}")


def _period_index(dates: pd.Series, freq: str, col: str) -> np.ndarray:
    """Integer period number of each date (days, Monday-Sunday weeks, or months)."""
    if freq not in PERIODS_PER_MONTH:
        raise ValueError(f"freq must be one of {sorted(PERIODS_PER_MONTH)}, got {freq!r}")
    d = pd.to_datetime(dates)
    if d.isna().any():
        n = int(d.isna().sum())
        raise ValueError(f"column {col!r} has {n} missing or unparseable date(s)")
    vals = d.to_numpy(dtype="datetime64[ns]")
    if freq == "M":
        return vals.astype("datetime64[M]").astype(np.int64)
    days = vals.view(np.int64) // 86_400_000_000_000  # floor: days since 1970-01-01
    if freq == "W":
        # pandas/lifetimes "W" = weeks ending Sunday; 1970-01-01 was a Thursday.
        return (days + 3) // 7
    return days


def _scalar_period(ts, freq: str) -> int:
    return int(_period_index(pd.Series([pd.Timestamp(ts)]), freq, "observation_end")[0])


def _customer_periods(orders, customer_col, date_col, amount_col, freq, start=None, end=None):
    """Aggregate transactions to (customer, period) cells.

    Returns ``(customer_ids, cells, rows)``: ``cells = (customer_code, period)`` of every
    distinct (customer, period) with a transaction, sorted by customer then period;
    ``rows = (customer_code, period, amount)`` of the transactions in the window.
    """
    per = _period_index(orders[date_col], freq, date_col)
    keep = np.ones(len(per), dtype=bool)
    if end is not None:
        keep &= per <= end
    if start is not None:
        keep &= per > start
    ids = orders[customer_col]
    if ids.isna().any():
        raise ValueError(f"column {customer_col!r} has {int(ids.isna().sum())} missing id(s)")
    codes, uniques = pd.factorize(ids, sort=False)
    amount = None
    if amount_col is not None:
        try:
            amount = orders[amount_col].to_numpy(dtype=np.float64, na_value=np.nan)
        except (TypeError, ValueError):
            raise ValueError(f"column {amount_col!r} is not numeric") from None
        bad = ~np.isfinite(amount)
        if bad.any():
            raise ValueError(
                f"column {amount_col!r} has {int(bad.sum())} missing/non-finite value(s)"
            )
        if (amount < 0).any():
            raise ValueError(
                f"column {amount_col!r} has {int((amount < 0).sum())} negative value(s)"
            )
    if not keep.all():
        codes, per = codes[keep], per[keep]
        amount = amount[keep] if amount is not None else None
    if amount is None:
        amount = np.zeros(len(per))
    if len(per) == 0:
        return uniques, (codes, per), (codes, per, amount)
    pmin = per.min()
    span = np.int64(per.max() - pmin + 1)
    key = codes.astype(np.int64) * span + (per - pmin)
    # distinct (customer, period) cells, sorted: a presence bitmap when it is small
    # (<= 128 MB), else one sort of the int64 key (no hashing, no argsort)
    n_cells = len(uniques) * int(span)
    if n_cells <= 2**27:
        seen = np.zeros(n_cells, dtype=bool)
        seen[key] = True
        cell = np.flatnonzero(seen)
        del seen
    else:
        sk = np.sort(key)
        cell = sk[np.r_[True, sk[1:] != sk[:-1]]]
    return uniques, (cell // span, cell % span + pmin), (codes, per, amount)


def rfm_summary(
    orders: pd.DataFrame,
    *,
    observation_end,
    freq: str = "W",
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    amount_col: str | None = "amount",
) -> pd.DataFrame:
    """Frequency, recency, age and monetary value per customer (BG/NBD conventions).

    Transactions after ``observation_end`` are outside the observation window and are
    not counted. Transactions in the same period are one purchase occasion (amounts
    summed), exactly as ``lifetimes.utils.summary_data_from_transaction_data``.

    Parameters
    ----------
    orders : DataFrame
        One row per transaction.
    observation_end : date-like
        End of the observation window (inclusive).
    freq : {"D", "W", "M"}
        Period length: days, Monday-Sunday weeks, calendar months.
    customer_col, date_col, amount_col : str
        Column names; ``amount_col=None`` skips monetary value.

    Returns
    -------
    DataFrame
        Indexed by customer id (sorted), columns ``frequency`` (repeat purchase periods),
        ``recency`` (periods from first to last purchase), ``T`` (periods from first
        purchase to ``observation_end``) and ``monetary_value`` (mean value of the repeat
        periods, 0 without repeats). ``attrs["freq"]`` records the period length.

    References
    ----------
    .. [1] Fader, Hardie & Lee (2005), Marketing Science 24(2), section 2.
    .. [2] lifetimes 0.11.3, ``utils.summary_data_from_transaction_data``.
    """
    _check_columns(orders, [customer_col, date_col, amount_col], "orders")
    end = _scalar_period(observation_end, freq)
    uniques, (cust, per), (rcust, rper, ramt) = _customer_periods(
        orders, customer_col, date_col, amount_col, freq, end=end
    )
    n = len(uniques)
    # cells are sorted by (customer, period): block starts/ends give first/last period
    starts = np.flatnonzero(np.r_[True, cust[1:] != cust[:-1]]) if len(cust) else cust
    ends = np.r_[starts[1:] - 1, len(cust) - 1] if len(cust) else cust
    idx = cust[starts]
    first = np.zeros(n, dtype=np.int64)
    first[idx] = per[starts]
    frequency = np.diff(np.r_[starts, len(cust)]).astype(np.float64) - 1
    out = pd.DataFrame(
        {
            "frequency": frequency,
            "recency": (per[ends] - per[starts]).astype(np.float64),
            "T": (end - per[starts]).astype(np.float64),
        },
        index=pd.Index(np.asarray(uniques)[idx], name=customer_col),
    )
    if amount_col is not None:
        repeat = rper != first[rcust]  # every transaction outside the first period
        repeat_sum = np.bincount(rcust[repeat], weights=ramt[repeat], minlength=n)
        with np.errstate(invalid="ignore", divide="ignore"):
            out["monetary_value"] = np.where(frequency > 0, repeat_sum[idx] / frequency, 0.0)
    out = out.sort_index()
    out.attrs["freq"] = freq
    return out


def calibration_holdout(
    orders: pd.DataFrame,
    *,
    calibration_end,
    observation_end,
    freq: str = "W",
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    amount_col: str | None = "amount",
) -> pd.DataFrame:
    """Split transactions at ``calibration_end`` into a calibration summary and holdout.

    The calibration columns (``frequency_cal``, ``recency_cal``, ``T_cal``,
    ``monetary_value_cal``) are :func:`rfm_summary` at ``calibration_end``; customers
    first seen after it are not included. The holdout columns count the purchase
    periods in (``calibration_end``, ``observation_end``]: ``frequency_holdout``,
    ``monetary_value_holdout`` (mean per holdout period, 0 when none) and
    ``duration_holdout`` (length of the holdout in periods).

    References
    ----------
    .. [1] lifetimes 0.11.3, ``utils.calibration_and_holdout_data``.
    """
    cal_p = _scalar_period(calibration_end, freq)
    obs_p = _scalar_period(observation_end, freq)
    if obs_p <= cal_p:
        raise ValueError(
            f"observation_end ({observation_end}) must be at least one {freq} period after "
            f"calibration_end ({calibration_end})"
        )
    cal = rfm_summary(
        orders,
        observation_end=calibration_end,
        freq=freq,
        customer_col=customer_col,
        date_col=date_col,
        amount_col=amount_col,
    )
    cal.columns = [f"{c}_cal" for c in cal.columns]
    uniques, (cust, _), (rcust, _, ramt) = _customer_periods(
        orders, customer_col, date_col, amount_col, freq, start=cal_p, end=obs_p
    )
    n_hold = np.bincount(cust, minlength=len(uniques)).astype(np.float64)
    sum_hold = np.bincount(rcust, weights=ramt, minlength=len(uniques))
    hold = pd.DataFrame(
        {"frequency_holdout": n_hold},
        index=pd.Index(np.asarray(uniques), name=customer_col),
    )
    if amount_col is not None:
        with np.errstate(invalid="ignore", divide="ignore"):
            hold["monetary_value_holdout"] = np.where(n_hold > 0, sum_hold / n_hold, 0.0)
    out = cal.join(hold, how="left")
    out[hold.columns] = out[hold.columns].fillna(0.0)
    out["duration_holdout"] = float(obs_p - cal_p)
    out.attrs["freq"] = freq
    return out


# ---------------------------------------------------------------------------------------
# Shared machinery of the purchase models
# ---------------------------------------------------------------------------------------


def _as_float(values, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64).ravel()
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} has {int((~np.isfinite(arr)).sum())} missing/non-finite value(s)")
    return arr


def _check_rft(frequency, recency, T):
    x = _as_float(frequency, "frequency")
    tx = _as_float(recency, "recency")
    TT = _as_float(T, "T")
    if not (len(x) == len(tx) == len(TT)):
        raise ValueError("frequency, recency and T must have the same length")
    if len(x) == 0:
        raise ValueError("no customers to fit (frequency is empty)")
    if (x < 0).any() or (x != np.round(x)).any():
        raise ValueError("frequency must be non-negative whole numbers of repeat purchases")
    if (tx < 0).any():
        raise ValueError(f"recency has {int((tx < 0).sum())} negative value(s)")
    if (tx > TT).any():
        raise ValueError(f"recency exceeds T for {int((tx > TT).sum())} customer(s)")
    if ((x == 0) & (tx != 0)).any():
        raise ValueError("recency must be 0 where frequency is 0 (BG/NBD convention)")
    if (TT < 0).any():
        raise ValueError(f"T must be non-negative; {int((TT < 0).sum())} value(s) are negative")
    return x, tx, TT


def _compress(*cols: np.ndarray):
    """Distinct rows of the given columns: (distinct columns..., counts, inverse).

    Hash-based (each column factorised, then the combined integer code), so it runs in
    linear time; distinct rows come in order of first appearance.
    """
    n = len(cols[0])
    key = np.zeros(n, dtype=np.int64)
    span = 1
    for c in cols:
        codes, uniq = pd.factorize(c, sort=False)
        span *= len(uniq)
        if span >= 2**62:  # combined code would overflow: fall back to sorting
            return _compress_sorted(*cols)
        key = key * len(uniq) + codes
    inverse, _ = pd.factorize(key, sort=False)
    ng = int(inverse.max()) + 1 if n else 0
    rep = np.empty(ng, dtype=np.int64)
    rep[inverse] = np.arange(n)  # any row of a group represents it (rows are equal)
    counts = np.bincount(inverse, minlength=ng).astype(np.float64)
    return (*(c[rep] for c in cols), counts, inverse)


def _compress_sorted(*cols: np.ndarray):
    """As :func:`_compress`, by a lexicographic sort."""
    order = np.lexsort(cols[::-1])
    s = [c[order] for c in cols]
    change = np.zeros(len(order), dtype=bool)
    change[0] = True
    for c in s:
        change[1:] |= c[1:] != c[:-1]
    grp_sorted = np.cumsum(change) - 1
    inverse = np.empty_like(grp_sorted)
    inverse[order] = grp_sorted
    uniq = [c[change] for c in s]
    counts = np.bincount(grp_sorted).astype(np.float64)
    return (*uniq, counts, inverse)


def _wsum(w: np.ndarray, v: np.ndarray) -> float:
    """Weighted sum without BLAS (whose threads stall on a busy machine)."""
    return float(np.sum(w * v))


def _numeric_hessian(grad, theta: np.ndarray, rel: float = 1e-5) -> np.ndarray:
    """Central-difference Jacobian of an analytic gradient, symmetrised."""
    k = len(theta)
    h = rel * np.maximum(np.abs(theta), 1.0)
    H = np.empty((k, k))
    for j in range(k):
        e = np.zeros(k)
        e[j] = h[j]
        H[:, j] = (grad(theta + e) - grad(theta - e)) / (2 * h[j])
    return (H + H.T) / 2


def _set_uncertainty(model, params: np.ndarray, cov_theta: np.ndarray) -> None:
    """Set ``covariance_``, ``standard_errors_`` and ``summary_`` of a fitted model from
    the covariance of its log-parameters (delta method; intervals are symmetric on the
    log scale, so they stay positive)."""
    names = list(model._names)
    se_theta = np.sqrt(np.diag(cov_theta))
    model.covariance_ = pd.DataFrame(
        cov_theta * np.outer(params, params), index=names, columns=names
    )
    model.standard_errors_ = dict(zip(names, (float(v) for v in params * se_theta), strict=True))
    z = _st.norm.ppf(0.975)
    model.summary_ = pd.DataFrame(
        {
            "estimate": params,
            "se": params * se_theta,
            "ci_low": params * np.exp(-z * se_theta),
            "ci_high": params * np.exp(z * se_theta),
        },
        index=pd.Index(names, name="parameter"),
    )


class _PurchaseModel:
    """Maximum-likelihood machinery shared by :class:`BetaGeo` and :class:`ParetoNBD`."""

    _names: tuple[str, ...] = ()
    _scaled: tuple[str, ...] = ()  # parameters with units of time

    def __init__(self) -> None:
        self.params_: dict[str, float] | None = None

    # --- to be provided by subclasses: per-pattern log-likelihood (and gradient) ---
    def _ll(self, p: np.ndarray, x, tx, T) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _ll_grad(self, p, x, tx, T):
        """Per-pattern log-likelihood and gradient w.r.t. natural parameters."""
        return None

    # ------------------------------------------------------------------------------
    def _total_ll(self, p, x, tx, T, w) -> float:
        return _wsum(w, self._ll(p, x, tx, T))

    def _total_grad(self, p, x, tx, T, w) -> np.ndarray:
        res = self._ll_grad(p, x, tx, T)
        if res is not None:
            return (res[1] * w).sum(axis=1)
        # central differences in natural parameters (models without analytic gradient)
        g = np.empty(len(p))
        for j in range(len(p)):
            h = 1e-6 * p[j]
            e = np.zeros(len(p))
            e[j] = h
            g[j] = (self._total_ll(p + e, x, tx, T, w) - self._total_ll(p - e, x, tx, T, w)) / (
                2 * h
            )
        return g

    def _prepare(self, x, tx, T, w):
        """Data structure passed to :meth:`_objective` (compressed patterns)."""
        return (x, tx, T, w)

    def _objective(self, p, data) -> tuple[float, np.ndarray]:
        """Total weighted log-likelihood and its gradient in natural parameters."""
        x, tx, T, w = data
        res = self._ll_grad(p, x, tx, T)
        if res is None:
            return self._total_ll(p, x, tx, T, w), self._total_grad(p, x, tx, T, w)
        return _wsum(w, res[0]), (res[1] * w).sum(axis=1)

    def _initial(self, x, tx, T, w) -> np.ndarray:
        return np.ones(len(self._names))

    def fit(
        self,
        frequency,
        recency,
        T,
        *,
        weights=None,
        initial_params=None,
        tol=1e-9,
        maxiter: int = 500,
    ):
        """Fit by maximum likelihood.

        Parameters
        ----------
        frequency, recency, T : array-like
            Repeat purchases, age at last purchase and age at observation end, on one
            time scale (see :func:`rfm_summary`).
        weights : array-like, optional
            Number of customers with each row's pattern (default 1 each).
        initial_params : dict, optional
            Starting values on the data's time scale.
        tol : float
            Convergence tolerance on the gradient of the mean log-likelihood with
            respect to the log-parameters.

        Returns
        -------
        self

        Raises
        ------
        FitError
            When the optimiser does not reach a maximum with a negative-definite Hessian
            (typically the data cannot identify the model: too few repeat buyers, or a
            parameter running off to zero or infinity).
        """
        x, tx, TT = _check_rft(frequency, recency, T)
        w = np.ones_like(x) if weights is None else _as_float(weights, "weights")
        if len(w) != len(x) or (w < 0).any():
            raise ValueError("weights must be non-negative and as long as frequency")
        if (x > 0).sum() == 0:
            raise FitError(
                f"{type(self).__name__} cannot be fitted: no customer made a repeat purchase"
            )
        ux, utx, uT, _, inv = _compress(x, tx, TT)
        uw = np.bincount(inv, weights=w, minlength=len(ux))
        scale = 1.0 / uT.max()
        sx, stx, sT = ux, utx * scale, uT * scale
        W = uw.sum()
        idx = [self._names.index(n) for n in self._scaled]

        def to_scaled(p):
            q = np.array(p, dtype=float)
            q[idx] = q[idx] * scale
            return q

        def from_scaled(q):
            p = np.array(q, dtype=float)
            p[idx] = p[idx] / scale
            return p

        if initial_params is not None:
            theta0 = np.log(to_scaled([initial_params[n] for n in self._names]))
        else:
            theta0 = np.log(self._initial(sx, stx, sT, uw))

        data = self._prepare(sx, stx, sT, uw)
        cache: dict = {}

        def fun(theta):
            key = theta.tobytes()
            if key not in cache:
                p = np.exp(theta)
                with np.errstate(all="ignore"):
                    ll, g = self._objective(p, data)
                    g = g * p
                if not np.isfinite(ll) or not np.all(np.isfinite(g)):
                    cache[key] = (np.inf, np.zeros_like(theta))
                else:
                    cache[key] = (-ll / W, -g / W)
            return cache[key]

        def grad_theta(theta):
            return fun(theta)[1]

        options = {"gtol": tol, "maxiter": maxiter}
        if len(ux) > 200_000 and initial_params is None:
            # warm start from a weighted random subsample of the patterns, with its Hessian
            # as BFGS's first inverse-Hessian guess: the full-data optimiser then needs
            # only a few iterations (and its answer is still the full-data maximum)
            pick = np.random.default_rng(0).choice(len(ux), 100_000, replace=False)
            sub = self._prepare(sx[pick], stx[pick], sT[pick], uw[pick])
            Wsub = uw[pick].sum()

            def fun_sub(theta):
                p = np.exp(theta)
                with np.errstate(all="ignore"):
                    ll, g = self._objective(p, sub)
                if not np.isfinite(ll) or not np.all(np.isfinite(g)):
                    return np.inf, np.zeros_like(theta)
                return -ll / Wsub, -g * p / Wsub

            warm = optimize.minimize(
                fun_sub, theta0, jac=True, method="BFGS", options={"gtol": 1e-7, "maxiter": maxiter}
            )
            if np.all(np.isfinite(warm.x)):
                theta0 = warm.x
                Hs = _numeric_hessian(lambda t: fun_sub(t)[1], theta0)
                if np.all(np.isfinite(Hs)) and np.linalg.eigvalsh(Hs).min() > 0:
                    Hi = np.linalg.inv(Hs)
                    Hi = (Hi + Hi.T) / 2
                    try:
                        np.linalg.cholesky(Hi)
                        options["hess_inv0"] = Hi
                    except np.linalg.LinAlgError:
                        pass
        res = optimize.minimize(fun, theta0, jac=True, method="BFGS", options=options)
        theta = res.x
        # Newton polish with the Hessian of the analytic gradient (central differences)
        H = _numeric_hessian(grad_theta, theta)
        moved = False
        for _ in range(20):
            g = grad_theta(theta)
            if np.max(np.abs(g)) < tol:
                break
            try:
                cand = theta - np.linalg.solve(H, g)
            except np.linalg.LinAlgError:
                break
            if fun(cand)[0] <= fun(theta)[0] + 1e-15:
                theta, moved = cand, True
            else:
                break
        if moved:
            H = _numeric_hessian(grad_theta, theta)
        g = grad_theta(theta)
        name = type(self).__name__
        if not np.all(np.isfinite(theta)) or np.max(np.abs(theta)) > 25:
            raise FitError(
                f"{name} did not converge: a parameter ran off to 0 or infinity "
                f"({dict(zip(self._names, np.exp(theta).round(6), strict=True))}); the data "
                "cannot identify the model (too few repeat customers or too short a history?)"
            )
        eig = np.linalg.eigvalsh(H) if np.all(np.isfinite(H)) else np.array([-1.0])
        if np.max(np.abs(g)) > max(1e3 * tol, 1e-5) or eig.min() <= 0:
            raise FitError(
                f"{name} did not converge: |gradient| = {np.max(np.abs(g)):.2e}, smallest "
                f"Hessian eigenvalue = {eig.min():.2e} after {res.nit} iterations "
                f"({res.message}). The estimates would not be a maximum of the likelihood."
            )
        p_nat = from_scaled(np.exp(theta))
        self.params_ = dict(zip(self._names, (float(v) for v in p_nat), strict=True))
        self.log_likelihood_ = self._total_ll(p_nat, ux, utx, uT, uw)
        self.n_customers_ = float(W)
        self.n_patterns_ = len(ux)
        self.n_iter_ = int(res.nit)
        # covariance: inverse observed information in log-parameters (scale-free),
        # mapped to natural parameters by the delta method
        _set_uncertainty(self, p_nat, np.linalg.inv(H * W))
        return self

    def _p(self) -> np.ndarray:
        if self.params_ is None:
            raise ValueError(f"{type(self).__name__} is not fitted: call fit() first")
        return np.array([self.params_[n] for n in self._names])

    def log_likelihood(self, frequency, recency, T) -> np.ndarray:
        """Per-customer log-likelihood at the fitted parameters."""
        x, tx, TT = _check_rft(frequency, recency, T)
        return self._ll(self._p(), x, tx, TT)

    def _by_pattern(self, fn, frequency, recency, T):
        x, tx, TT = _check_rft(frequency, recency, T)
        ux, utx, uT, _, inv = _compress(x, tx, TT)
        with np.errstate(all="ignore"):
            return fn(ux, utx, uT)[inv]

    def prob_alive(self, frequency, recency, T) -> np.ndarray:
        """Probability that each customer is still active at ``T``."""
        p = self._p()
        return self._by_pattern(
            lambda x, tx, T: self._prob_alive(p, x, tx, T), frequency, recency, T
        )

    def predict_purchases(self, t, frequency, recency, T) -> np.ndarray:
        """Expected number of purchases in the next ``t`` periods, given each history.

        ``t`` is a scalar or an array with one value per customer.
        """
        p = self._p()
        t_arr = np.asarray(t, dtype=float)
        if t_arr.ndim == 0:
            if t_arr < 0:
                raise ValueError(f"t must be non-negative, got {float(t_arr)}")
            return self._by_pattern(
                lambda x, tx, T: self._cond_exp(p, float(t_arr), x, tx, T), frequency, recency, T
            )
        x, tx, TT = _check_rft(frequency, recency, T)
        with np.errstate(all="ignore"):
            return self._cond_exp(p, t_arr, x, tx, TT)

    def __repr__(self) -> str:
        if self.params_ is None:
            return f"{type(self).__name__}()"
        ps = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items())
        return f"{type(self).__name__}({ps}; LL={self.log_likelihood_:.2f})"


# ---------------------------------------------------------------------------------------
# BG/NBD
# ---------------------------------------------------------------------------------------


class BetaGeo(_PurchaseModel):
    """The BG/NBD purchase model (Fader, Hardie & Lee 2005).

    While alive a customer buys as a Poisson process with rate ``lambda ~ Gamma(r,
    alpha)``; after each repeat purchase they leave with probability ``p ~ Beta(a, b)``.

    Attributes (after ``fit``)
    --------------------------
    params_ : dict
        ``r``, ``alpha`` (time units of the data), ``a``, ``b``.
    log_likelihood_ : float
        Total log-likelihood on the data's own time scale.
    standard_errors_ : dict, covariance_ : DataFrame, summary_ : DataFrame
        From the observed information (Hessian of the analytic gradient); intervals are
        Wald intervals on the log scale.

    References
    ----------
    .. [1] Fader, Hardie & Lee (2005), Marketing Science 24(2), 275-284, eqs. (6), (10),
       (13) and appendix.
    .. [2] Fader, Hardie & Lee (2008), "Computing P(alive) using the BG/NBD model",
       http://brucehardie.com/notes/021/
    """

    _names = ("r", "alpha", "a", "b")
    _scaled = ("alpha",)

    def _initial(self, x, tx, T, w):
        return np.array([1.0, 1.0, 1.0, 1.0])

    @staticmethod
    def _parts(p, x, tx, T):
        r, alpha, a, b = p
        xm = np.maximum(x, 1.0)
        A1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
        A2 = (
            special.gammaln(a + b)
            + special.gammaln(b + x)
            - special.gammaln(b)
            - special.gammaln(a + b + x)
        )
        A3 = -(r + x) * np.log(alpha + T)
        A4 = np.where(x > 0, np.log(a) - np.log(b + xm - 1) - (r + x) * np.log(alpha + tx), -np.inf)
        return A1, A2, A3, A4

    def _ll(self, p, x, tx, T):
        A1, A2, A3, A4 = self._parts(p, x, tx, T)
        return A1 + A2 + np.logaddexp(A3, A4)

    def _prepare(self, x, tx, T, w):
        # the Gamma-function terms depend on x only: evaluate them once per distinct x;
        # customers without repeat purchases have a one-term likelihood
        xu, xinv = np.unique(x, return_inverse=True)
        Wx = np.bincount(xinv, weights=w, minlength=len(xu))
        rep = x > 0
        return {
            "xu": xu,
            "Wx": Wx,
            "W": w.sum(),
            "T0": T[~rep],
            "w0": w[~rep],
            "x1": x[rep],
            "tx1": tx[rep],
            "T1": T[rep],
            "w1": w[rep],
        }

    def _objective(self, p, d):
        r, alpha, a, b = p
        gl, dg = special.gammaln, special.digamma
        xu, Wx, W = d["xu"], d["Wx"], d["W"]
        ll = _wsum(Wx, (gl(r + xu) + gl(b + xu) - gl(a + b + xu))) + W * (
            -gl(r) + r * np.log(alpha) + gl(a + b) - gl(b)
        )
        g_r = _wsum(Wx, dg(r + xu)) + W * (np.log(alpha) - dg(r))
        g_alpha = W * r / alpha
        dab = dg(a + b + xu)
        g_a = W * dg(a + b) - _wsum(Wx, dab)
        g_b = _wsum(Wx, (dg(b + xu) - dab)) + W * (dg(a + b) - dg(b))
        # x = 0: log-likelihood term -r log(alpha + T)
        lT0 = np.log(alpha + d["T0"])
        w0 = d["w0"]
        ll -= r * (_wsum(w0, lT0))
        g_r -= _wsum(w0, lT0)
        g_alpha -= r * (_wsum(w0, (1.0 / (alpha + d["T0"]))))
        # x > 0: log(exp(A3) + exp(A4))
        x1, w1 = d["x1"], d["w1"]
        rx = r + x1
        lT = np.log(alpha + d["T1"])
        ltx = np.log(alpha + d["tx1"])
        lb = np.log(b + x1 - 1)
        A3 = -rx * lT
        A4 = np.log(a) - lb - rx * ltx
        lse = np.logaddexp(A3, A4)
        w4 = np.exp(A4 - lse)
        w3 = 1.0 - w4
        ll += _wsum(w1, lse)
        g_r -= _wsum(w1, (w3 * lT + w4 * ltx))
        g_alpha -= _wsum(w1, rx * (w3 / (alpha + d["T1"]) + w4 / (alpha + d["tx1"])))
        g_a += (_wsum(w1, w4)) / a
        g_b -= _wsum(w1, (w4 / (b + x1 - 1)))
        return float(ll), np.array([g_r, g_alpha, g_a, g_b])

    def _ll_grad(self, p, x, tx, T):
        r, alpha, a, b = p
        A1, A2, A3, A4 = self._parts(p, x, tx, T)
        lse = np.logaddexp(A3, A4)
        w4 = np.exp(A4 - lse)  # 0 where x == 0
        w3 = 1.0 - w4
        has = x > 0
        xm = np.maximum(x, 1.0)
        dig = special.digamma
        d_r = dig(r + x) - dig(r) + np.log(alpha) - w3 * np.log(alpha + T) - w4 * np.log(alpha + tx)
        d_alpha = r / alpha - w3 * (r + x) / (alpha + T) - w4 * (r + x) / (alpha + tx)
        d_a = dig(a + b) - dig(a + b + x) + np.where(has, w4 / a, 0.0)
        d_b = (
            dig(a + b)
            + dig(b + x)
            - dig(b)
            - dig(a + b + x)
            - np.where(has, w4 / (b + xm - 1), 0.0)
        )
        return A1 + A2 + lse, np.vstack([d_r, d_alpha, d_a, d_b])

    def _prob_alive(self, p, x, tx, T):
        _, _, A3, A4 = self._parts(p, x, tx, T)
        return np.exp(A3 - np.logaddexp(A3, A4))

    def _cond_exp(self, p, t, x, tx, T):
        r, alpha, a, b = p
        z = t / (alpha + T + t)
        hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, z)
        first = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp)
        return first * self._prob_alive(p, x, tx, T)

    def expected_purchases(self, t) -> np.ndarray:
        """Unconditional expected purchases of a new customer in ``(0, t]`` (eq. 9)."""
        r, alpha, a, b = self._p()
        t = np.asarray(t, dtype=float)
        hyp = special.hyp2f1(r, b, a + b - 1, t / (alpha + t))
        return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp)


# ---------------------------------------------------------------------------------------
# Pareto/NBD
# ---------------------------------------------------------------------------------------


class ParetoNBD(_PurchaseModel):
    """The Pareto/NBD purchase model (Schmittlein, Morrison & Colombo 1987).

    While alive a customer buys as a Poisson process with rate ``lambda ~ Gamma(r,
    alpha)``; their unobserved lifetime is exponential with rate ``mu ~ Gamma(s, beta)``.
    Same interface as :class:`BetaGeo`; the gradient is by central differences.

    References
    ----------
    .. [1] Schmittlein, Morrison & Colombo (1987), Management Science 33(1), 1-24.
    .. [2] Fader, Hardie & Lee (2005), "A note on deriving the Pareto/NBD model and
       related expressions", eqs. (22) and (24); http://brucehardie.com/notes/009/
    """

    _names = ("r", "alpha", "s", "beta")
    _scaled = ("alpha", "beta")

    @staticmethod
    def _log_A0(p, x, tx, T):
        """log of A0 from Fader-Hardie-Lee note eq. (19), via an Euler transform."""
        r, alpha, s, beta = p
        rsx = r + s + x
        if alpha >= beta:
            m, d, b2 = alpha, alpha - beta, s + 1.0
        else:
            m, d, b2 = beta, beta - alpha, r + x

        def term(t):
            z = d / (m + t)
            # 2F1(rsx, b2; rsx+1; z) = (1-z)^(1-b2) 2F1(1, rsx+1-b2; rsx+1; z)
            return (
                (1 - b2) * np.log1p(-z)
                + np.log(special.hyp2f1(1.0, rsx + 1 - b2, rsx + 1, z))
                - rsx * np.log(m + t)
            )

        l1, l2 = term(tx), term(T)
        with np.errstate(divide="ignore", invalid="ignore"):
            return l1 + np.log1p(-np.exp(l2 - l1))  # tx == T gives -inf

    def _parts(self, p, x, tx, T):
        r, alpha, s, beta = p
        base = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha) + s * np.log(beta)
        t1 = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
        t2 = np.log(s) - np.log(r + s + x) + self._log_A0(p, x, tx, T)
        return base, t1, t2

    def _ll(self, p, x, tx, T):
        base, t1, t2 = self._parts(p, x, tx, T)
        return base + np.logaddexp(t1, t2)

    def _initial(self, x, tx, T, w):
        return np.array([1.0, 1.0, 1.0, 1.0])

    def _prob_alive(self, p, x, tx, T):
        _, t1, t2 = self._parts(p, x, tx, T)
        return np.exp(t1 - np.logaddexp(t1, t2))

    def _cond_exp(self, p, t, x, tx, T):
        r, alpha, s, beta = p
        if abs(s - 1) < 1e-8:
            alive_rate = (r + x) * (beta + T) / (alpha + T) * np.log((beta + T + t) / (beta + T))
        else:
            alive_rate = (
                (r + x)
                * (beta + T)
                / ((alpha + T) * (s - 1))
                * (1 - ((beta + T) / (beta + T + t)) ** (s - 1))
            )
        return alive_rate * self._prob_alive(p, x, tx, T)


# ---------------------------------------------------------------------------------------
# Gamma-Gamma spend model
# ---------------------------------------------------------------------------------------


class GammaGamma:
    """Gamma-Gamma model of the mean value of a customer's repeat transactions.

    Transaction values are Gamma(``p``, ``nu``) with ``nu ~ Gamma(q, v)`` across
    customers. Fitted on customers with at least one repeat purchase. The model assumes
    spend is independent of purchase frequency; :meth:`fit` warns when the data's
    Pearson correlation between the two exceeds ``corr_threshold`` in absolute value.

    References
    ----------
    .. [1] Colombo, R. & Jiang, W. (1999). A stochastic RFM model. Journal of Interactive
       Marketing 13(3), 2-12.
    .. [2] Fader, Hardie & Lee (2005), JMR 42(4), 415-430, section "Spend".
    .. [3] Fader & Hardie (2013), "The Gamma-Gamma model of monetary value",
       http://brucehardie.com/notes/025/ , eqs. (1)-(5).
    """

    _names = ("p", "q", "v")

    def __init__(self, corr_threshold: float = 0.3) -> None:
        self.corr_threshold = corr_threshold
        self.params_: dict[str, float] | None = None

    @staticmethod
    def _ll_grad(params, x, m):
        p, q, v = params
        px = p * x
        lxm = np.log(x * m + v)
        ll = (
            special.gammaln(px + q)
            - special.gammaln(px)
            - special.gammaln(q)
            + q * np.log(v)
            + (px - 1) * np.log(m)
            + px * np.log(x)
            - (px + q) * lxm
        )
        dig = special.digamma
        d_p = x * (dig(px + q) - dig(px) + np.log(m) + np.log(x) - lxm)
        d_q = dig(px + q) - dig(q) + np.log(v) - lxm
        d_v = q / v - (px + q) / (x * m + v)
        return ll, np.vstack([d_p, d_q, d_v])

    @staticmethod
    def _check(frequency, monetary_value):
        x = _as_float(frequency, "frequency")
        m = _as_float(monetary_value, "monetary_value")
        if len(x) != len(m):
            raise ValueError("frequency and monetary_value must have the same length")
        rep = x > 0
        bad = rep & (m <= 0)
        if bad.any():
            raise ValueError(
                f"monetary_value must be positive for repeat customers; {int(bad.sum())} are not"
            )
        return x, m

    def fit(self, frequency, monetary_value, *, tol: float = 1e-9):
        """Fit ``p, q, v`` by maximum likelihood on the repeat customers.

        Raises
        ------
        FitError
            When the maximum is not reached (e.g. fewer than 10 repeat customers).
        """
        x, m = self._check(frequency, monetary_value)
        rep = x > 0
        x, m = x[rep], m[rep]
        if len(x) < 10:
            raise FitError(f"GammaGamma needs at least 10 repeat customers, got {len(x)}")
        corr = float(np.corrcoef(x, m)[0, 1]) if np.std(x) > 0 and np.std(m) > 0 else 0.0
        self.frequency_spend_corr_ = corr
        if abs(corr) > self.corr_threshold:
            warnings.warn(
                f"frequency and monetary value are correlated (Pearson r = {corr:.2f}); the "
                "Gamma-Gamma model assumes independence, so its spend estimates are biased",
                UserWarning,
                stacklevel=2,
            )
        scale = 1.0 / np.mean(m)
        ms = m * scale
        n = len(x)

        def fun(theta):
            pr = np.exp(theta)
            with np.errstate(all="ignore"):
                ll, g = self._ll_grad(pr, x, ms)
                f, gg = ll.sum(), (g.sum(axis=1) * pr)
            if not np.isfinite(f) or not np.all(np.isfinite(gg)):
                return np.inf, np.zeros(3)
            return -f / n, -gg / n

        res = optimize.minimize(
            fun, np.zeros(3), jac=True, method="BFGS", options={"gtol": tol, "maxiter": 1000}
        )
        theta = res.x

        def grad_theta(th):
            return fun(th)[1]

        H = _numeric_hessian(grad_theta, theta)
        for _ in range(20):
            g = grad_theta(theta)
            if np.max(np.abs(g)) < tol:
                break
            cand = theta - np.linalg.solve(H, g)
            if fun(cand)[0] <= fun(theta)[0] + 1e-15:
                theta = cand
                H = _numeric_hessian(grad_theta, theta)
            else:
                break
        g = grad_theta(theta)
        eig = np.linalg.eigvalsh(H) if np.all(np.isfinite(H)) else np.array([-1.0])
        if (
            not np.all(np.isfinite(theta))
            or np.max(np.abs(theta)) > 25
            or np.max(np.abs(g)) > max(1e3 * tol, 1e-5)
            or eig.min() <= 0
        ):
            raise FitError(
                f"GammaGamma did not converge (|gradient| = {np.max(np.abs(g)):.2e}, "
                f"params = {np.exp(theta).round(4).tolist()}, {res.message})"
            )
        pr = np.exp(theta)
        pr[2] /= scale
        self.params_ = {"p": float(pr[0]), "q": float(pr[1]), "v": float(pr[2])}
        self.log_likelihood_ = float(self._ll_grad(pr, x, m)[0].sum())
        self.n_customers_ = n
        _set_uncertainty(self, pr, np.linalg.inv(H * n))
        return self

    def _p(self):
        if self.params_ is None:
            raise ValueError("GammaGamma is not fitted: call fit() first")
        return self.params_["p"], self.params_["q"], self.params_["v"]

    @property
    def population_mean_spend(self) -> float:
        """Mean transaction value of the population, ``p v / (q - 1)`` (needs q > 1)."""
        p, q, v = self._p()
        if q <= 1:
            raise FitError(f"GammaGamma q = {q:.3f} <= 1: the mean spend is undefined")
        return p * v / (q - 1)

    def expected_spend(self, frequency, monetary_value) -> np.ndarray:
        """Expected value of a customer's future transactions (eq. 5 of [3]).

        A weighted average of the population mean and the customer's observed mean;
        customers without repeat purchases get the population mean.
        """
        x, m = self._check(frequency, monetary_value)
        p, q, v = self._p()
        pop = self.population_mean_spend
        m = np.where(x > 0, m, 0.0)
        w = (p * x) / (p * x + q - 1)
        return (1 - w) * pop + w * m


# ---------------------------------------------------------------------------------------
# CLV
# ---------------------------------------------------------------------------------------


def clv(
    purchase_model: _PurchaseModel,
    spend_model: GammaGamma,
    summary: pd.DataFrame,
    *,
    months: int = 12,
    discount_rate: float = 0.01,
    margin: float = 1.0,
    periods_per_month: float | None = None,
) -> pd.DataFrame:
    """Discounted expected value of each customer over the next ``months``.

    ``CLV = margin * E[spend] * sum_{i=1..months} (E[X(i)] - E[X(i-1)]) / (1 + d)^i``,
    where ``E[X(i)]`` is the purchase model's expected number of purchases in the next
    ``i`` months given the customer's history, and ``d`` the monthly discount rate.

    Parameters
    ----------
    purchase_model : BetaGeo or ParetoNBD (fitted)
    spend_model : GammaGamma (fitted)
    summary : DataFrame
        Output of :func:`rfm_summary` (``frequency``, ``recency``, ``T``,
        ``monetary_value``) on the time scale the models were fitted on.
    months : int
        Horizon.
    discount_rate : float
        Monthly discount rate (0.01 = 1 % a month).
    margin : float
        Share of revenue that is profit (1.0 = value in revenue terms).
    periods_per_month : float, optional
        Periods of the summary's time unit in a month; by default from
        ``summary.attrs["freq"]`` (weeks: 4.348).

    Returns
    -------
    DataFrame
        Same index as ``summary``: ``prob_alive``, ``expected_purchases`` (over the
        horizon), ``expected_spend`` (per purchase), ``clv`` and ``value_at_risk``
        (what the customer would be worth if certainly still active, minus ``clv``:
        the value lost if they have left).

    References
    ----------
    .. [1] Fader, Hardie & Lee (2005), JMR 42(4), 415-430 (discounted expected
       residual transactions).
    .. [2] lifetimes 0.11.3, ``utils._customer_lifetime_value`` (the same monthly
       discounting).
    """
    _check_columns(summary, ["frequency", "recency", "T", "monetary_value"], "summary")
    if not (isinstance(months, int | np.integer) and months >= 1):
        raise ValueError(f"months must be a positive whole number, got {months!r}")
    if not (0 <= discount_rate < 1):
        raise ValueError(f"discount_rate is monthly and must be in [0, 1), got {discount_rate}")
    if not (0 < margin <= 1):
        raise ValueError(f"margin must be in (0, 1], got {margin}")
    if periods_per_month is None:
        freq = summary.attrs.get("freq")
        if freq not in PERIODS_PER_MONTH:
            raise ValueError("summary.attrs['freq'] is not set; pass periods_per_month explicitly")
        periods_per_month = PERIODS_PER_MONTH[freq]
    f, r, T = summary["frequency"], summary["recency"], summary["T"]
    ts = np.arange(0, months + 1) * periods_per_month
    disc = (1.0 + discount_rate) ** -np.arange(1, months + 1)
    # work on the distinct (frequency, recency, T) patterns, expand at the end
    p = purchase_model._p()
    x, tx, TT = _check_rft(f, r, T)
    ux, utx, uT, _, inv = _compress(x, tx, TT)
    with np.errstate(all="ignore"):
        cum = np.column_stack([purchase_model._cond_exp(p, float(t), ux, utx, uT) for t in ts])
        alive_u = purchase_model._prob_alive(p, ux, utx, uT)
    disc_purchases = (np.diff(cum, axis=1) * disc).sum(axis=1)[inv]
    expected = cum[:, -1][inv]
    alive = alive_u[inv]
    del cum
    spend = spend_model.expected_spend(f, summary["monetary_value"])
    value = margin * spend * disc_purchases
    with np.errstate(divide="ignore", invalid="ignore"):
        at_risk = np.where(alive > 1e-12, value * (1 - alive) / alive, 0.0)
    out = pd.DataFrame(
        {
            "prob_alive": alive,
            "expected_purchases": expected,
            "expected_spend": spend,
            "clv": value,
            "value_at_risk": at_risk,
        },
        index=summary.index,
    )
    out.attrs.update({"months": months, "discount_rate": discount_rate, "margin": margin})
    return out


# ---------------------------------------------------------------------------------------
# Holdout validation and action lists
# ---------------------------------------------------------------------------------------


def fit_purchase_models(frequency, recency, T) -> tuple[dict, dict]:
    """Fit every purchase model; collect the ones that fail instead of stopping.

    Returns
    -------
    (models, errors)
        ``{"BG/NBD": BetaGeo, "Pareto/NBD": ParetoNBD}`` for the fits that converged and
        ``{name: message}`` for those that raised :class:`FitError`.

    References
    ----------
    .. [1] Fader, Hardie & Lee (2005), Marketing Science 24(2) (BG/NBD vs Pareto/NBD).
    """
    models, errors = {}, {}
    for name, cls in (("BG/NBD", BetaGeo), ("Pareto/NBD", ParetoNBD)):
        try:
            models[name] = cls().fit(frequency, recency, T)
        except FitError as exc:
            errors[name] = str(exc)
    return models, errors


@dataclass(frozen=True)
class HoldoutComparison:
    """Predicted vs actual holdout purchases for one or more fitted models.

    Attributes
    ----------
    by_frequency : DataFrame
        One row per calibration-frequency bucket: ``customers``, ``actual`` (mean holdout
        purchases) and one column per model (mean prediction).
    scores : DataFrame
        Per model: ``mae`` and ``rmse`` per customer, ``predicted_total``,
        ``actual_total``, ``total_error_pct``, ``log_likelihood``, ``aic``.
    best : str
        Model with the lowest per-customer MAE on the holdout.
    """

    by_frequency: pd.DataFrame
    scores: pd.DataFrame
    best: str


def compare_holdout(
    models: dict, calhold: pd.DataFrame, *, max_bucket: int = 7
) -> HoldoutComparison:
    """Compare fitted purchase models on a holdout period.

    Parameters
    ----------
    models : dict of name -> fitted BetaGeo / ParetoNBD (fitted on the calibration columns)
    calhold : DataFrame from :func:`calibration_holdout`
    max_bucket : int
        Calibration frequencies at or above this are pooled into one ``"7+"`` bucket.

    References
    ----------
    .. [1] Fader, Hardie & Lee (2005), Marketing Science 24(2), figure 4 (conditional
       expectations by calibration frequency).
    """
    _check_columns(
        calhold,
        ["frequency_cal", "recency_cal", "T_cal", "frequency_holdout", "duration_holdout"],
        "calhold",
    )
    if not models:
        raise ValueError("models is empty")
    f, r, T = calhold["frequency_cal"], calhold["recency_cal"], calhold["T_cal"]
    actual = calhold["frequency_holdout"].to_numpy(float)
    dur = calhold["duration_holdout"].to_numpy(float)
    bucket = np.minimum(f.to_numpy(), max_bucket).astype(int)
    labels = [str(b) if b < max_bucket else f"{max_bucket}+" for b in range(max_bucket + 1)]
    frame = pd.DataFrame({"bucket": pd.Categorical.from_codes(bucket, labels), "actual": actual})
    rows = []
    for name, model in models.items():
        pred = model.predict_purchases(dur, f, r, T)
        frame[name] = pred
        err = pred - actual
        k = len(model.params_)
        rows.append(
            {
                "model": name,
                "mae": float(np.mean(np.abs(err))),
                "rmse": float(np.sqrt(np.mean(err**2))),
                "predicted_total": float(pred.sum()),
                "actual_total": float(actual.sum()),
                "total_error_pct": float(
                    100 * (pred.sum() - actual.sum()) / max(actual.sum(), 1e-12)
                ),
                "log_likelihood": float(model.log_likelihood_),
                "aic": float(2 * k - 2 * model.log_likelihood_),
            }
        )
    grouped = frame.groupby("bucket", observed=True)
    table = grouped.mean()
    table.insert(0, "customers", grouped.size())
    table.index.name = "frequency_cal"
    scores = pd.DataFrame(rows).set_index("model")
    return HoldoutComparison(table, scores, str(scores["mae"].idxmin()))


def at_risk_customers(
    values: pd.DataFrame,
    summary: pd.DataFrame,
    *,
    top: int = 20,
    value_quantile: float = 0.8,
    max_prob_alive: float = 0.5,
    customers: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """High-value customers most at risk of having left, for account managers.

    "High value" = historical value (``(frequency + 1) * monetary_value``, an estimate of
    past revenue per the summary's conventions) at or above the ``value_quantile`` of all
    customers; "at risk" = probability alive at most ``max_prob_alive``. Ranked by
    ``value_at_risk`` (value lost if they have left).

    Parameters
    ----------
    values : DataFrame from :func:`clv`
    summary : DataFrame from :func:`rfm_summary` (same index)
    customers : DataFrame, optional
        Customer master data (``customer_id`` plus e.g. ``name``, ``region``,
        ``segment``, ``rep_id``) joined on for the account manager.

    References
    ----------
    .. [1] Fader, Hardie & Lee (2005), Marketing Science 24(2), P(alive), eq. (13).
    """
    if not (0 <= value_quantile < 1):
        raise ValueError(f"value_quantile must be in [0, 1), got {value_quantile}")
    _check_columns(values, ["prob_alive", "clv", "value_at_risk"], "values")
    _check_columns(summary, ["frequency", "recency", "T", "monetary_value"], "summary")
    df = summary[["frequency", "recency", "T", "monetary_value"]].join(values, how="inner")
    df["past_value"] = (df["frequency"] + 1) * df["monetary_value"]
    df["periods_since_last"] = df["T"] - df["recency"]
    cut = df["past_value"].quantile(value_quantile)
    sel = df[
        (df["past_value"] >= cut) & (df["past_value"] > 0) & (df["prob_alive"] <= max_prob_alive)
    ]
    sel = sel.sort_values("value_at_risk", ascending=False).head(top)
    if customers is not None:
        key = sel.index.name or "customer_id"
        if key not in customers.columns:
            raise ValueError(f"customers has no column {key!r} to join on")
        extra = customers.drop_duplicates(key).set_index(key)
        sel = sel.join(extra, how="left")
    sel.attrs["value_cut"] = float(cut)
    return sel


#: Default CLV tiers: name -> share of customers, highest value first.
TIERS = {"Platinum": 0.10, "Gold": 0.20, "Silver": 0.30, "Bronze": 0.40}


def clv_tiers(values: pd.DataFrame, *, tiers: dict[str, float] | None = None) -> pd.DataFrame:
    """Rank customers by CLV into tiers and summarise each tier.

    Parameters
    ----------
    values : DataFrame from :func:`clv`
    tiers : dict, optional
        Tier name -> share of customers, best first (default 10/20/30/40 %).

    Returns
    -------
    DataFrame
        One row per tier: ``customers``, ``clv`` (total), ``clv_share``, ``mean_clv``,
        ``min_clv``, ``mean_prob_alive`` and ``value_at_risk`` (total). ``attrs["tier"]``
        holds each customer's tier (Series on the index of ``values``).

    References
    ----------
    .. [1] Fader, Hardie & Lee (2005), JMR 42(4), 415-430 (customer-base valuation by
       CLV segment).
    """
    _check_columns(values, ["clv", "prob_alive", "value_at_risk"], "values")
    tiers = dict(TIERS if tiers is None else tiers)
    shares = np.array(list(tiers.values()), dtype=float)
    if (shares <= 0).any() or not np.isclose(shares.sum(), 1.0):
        raise ValueError(f"tier shares must be positive and add up to 1, got {tiers}")
    n = len(values)
    if n == 0:
        raise ValueError("values is empty: no customers to tier")
    rank = values["clv"].rank(method="first", ascending=False).to_numpy() - 1  # 0 = best
    bounds = np.round(np.cumsum(shares) * n)
    code = np.searchsorted(bounds, rank, side="right")
    names = list(tiers)
    tier = pd.Series(pd.Categorical.from_codes(code, names), index=values.index, name="tier")
    g = values.assign(tier=tier).groupby("tier", observed=False)
    out = pd.DataFrame(
        {
            "customers": g.size(),
            "clv": g["clv"].sum(),
            "mean_clv": g["clv"].mean(),
            "min_clv": g["clv"].min(),
            "mean_prob_alive": g["prob_alive"].mean(),
            "value_at_risk": g["value_at_risk"].sum(),
        }
    )
    total = out["clv"].sum()
    out.insert(2, "clv_share", out["clv"] / total if total > 0 else np.nan)
    out.attrs["tier"] = tier
    return out
