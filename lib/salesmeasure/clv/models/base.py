"""What the purchase models share: input checks, pattern compression, the likelihood
maximiser with its Newton polish, and the uncertainty of the estimates.

Every fitted model works on the data's own time scale (``params_``,
``log_likelihood_``); internally the fit compresses customers to unique ``(frequency,
recency, T)`` patterns with weights and rescales time for numerical conditioning.

References
----------
.. [1] Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the
   easy way: an alternative to the Pareto/NBD model. Marketing Science 24(2), 275-284.
.. [2] Davidson-Pilon, C. (2015-2020). lifetimes 0.11.3 (the same estimators). MIT licence.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize
from scipy import stats as _st

from salesmeasure.clv.models import memo
from salesmeasure.errors import FitError

__all__ = ["_PurchaseModel"]


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
        memo_key = memo.key(type(self).__name__, ux, utx, uT, uw, initial_params, tol, maxiter)
        if memo.recall(memo_key, self):  # the same fit, done before in this batch
            return self
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
        memo.remember(memo_key, self)
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
