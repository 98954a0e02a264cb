"""The Gamma-Gamma model of spend per transaction."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import optimize, special

from salesmeasure.clv.models import memo
from salesmeasure.clv.models.base import _as_float, _numeric_hessian, _set_uncertainty
from salesmeasure.errors import FitError

__all__ = ["GammaGamma"]


#: Per-fit constants of the arrays a fit evaluates again and again (kept by identity).
_FIXED: list = []


def _fixed(x, m):
    """Distinct frequencies with the index that spreads them back, log(m) and log(x),
    for the running fit's arrays (found by identity: computed once per fit)."""
    for ax, am, found in _FIXED:
        if ax is x and am is m:
            return found
    if np.ndim(x) == 0:
        found = (np.atleast_1d(x), np.zeros(np.shape(m), dtype=np.intp), np.log(m), np.log(x))
    else:
        codes, ux = pd.factorize(np.asarray(x), sort=False)
        found = (np.asarray(ux, dtype=float), codes, np.log(m), np.log(x))
    _FIXED.insert(0, (x, m, found))
    del _FIXED[4:]
    return found


class GammaGamma:
    """Gamma-Gamma model of the mean value of a customer's repeat transactions.

    Transaction values are Gamma(``p``, ``nu``) with ``nu ~ Gamma(q, v)`` across
    customers. Fitted on customers with at least one repeat purchase and a positive mean
    repeat spend: a Gamma variable is never 0, so repeat buyers whose repeat purchases
    were all free ($0.00, a valid order) carry no information on ``p, q, v`` and are left
    out of the fit (counted in ``n_zero_spend_``). :meth:`expected_spend` still values
    them by the model's own weighted average of the population mean and their observed
    mean (0), i.e. the population mean shrunk by the weight of their repeat purchases.
    The model assumes
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
        # the gamma functions depend on x only: once per distinct frequency, then spread
        # (the same values; a fit evaluates this hundreds of times on up to 1M customers)
        ux, inv, log_m, log_x = _fixed(x, m)
        pux = p * ux
        gam = (special.gammaln(pux + q) - special.gammaln(pux))[inv]
        ll = (
            gam
            - special.gammaln(q)
            + q * np.log(v)
            + (px - 1) * log_m
            + px * log_x
            - (px + q) * lxm
        )
        dig = special.digamma
        dig_pxq = dig(pux + q)
        d_p = x * ((dig_pxq - dig(pux))[inv] + log_m + log_x - lxm)
        d_q = dig_pxq[inv] - dig(q) + np.log(v) - lxm
        d_v = q / v - (px + q) / (x * m + v)
        return ll, np.vstack([d_p, d_q, d_v])

    @staticmethod
    def _check(frequency, monetary_value):
        x = _as_float(frequency, "frequency")
        m = _as_float(monetary_value, "monetary_value")
        if len(x) != len(m):
            raise ValueError("frequency and monetary_value must have the same length")
        bad = (x > 0) & (m < 0)
        if bad.any():
            raise ValueError(
                f"monetary_value must not be negative for repeat customers; {int(bad.sum())} are"
            )
        return x, m

    def fit(self, frequency, monetary_value, *, tol: float = 1e-9):
        """Fit ``p, q, v`` by maximum likelihood on the repeat customers with a positive
        mean repeat spend (repeat buyers whose repeat purchases were all $0 are counted in
        ``n_zero_spend_`` and left out: a Gamma density has no mass at 0).

        Raises
        ------
        FitError
            When the maximum is not reached (e.g. fewer than 10 repeat customers with a
            positive spend).
        """
        x, m = self._check(frequency, monetary_value)
        rep = x > 0
        n_zero = int((rep & (m == 0)).sum())
        rep &= m > 0
        x, m = x[rep], m[rep]
        if len(x) < 10:
            raise FitError(
                f"GammaGamma needs at least 10 repeat customers with a positive spend, got {len(x)}"
            )
        corr = float(np.corrcoef(x, m)[0, 1]) if np.std(x) > 0 and np.std(m) > 0 else 0.0
        self.frequency_spend_corr_ = corr
        if abs(corr) > self.corr_threshold:
            warnings.warn(
                f"frequency and monetary value are correlated (Pearson r = {corr:.2f}); the "
                "Gamma-Gamma model assumes independence, so its spend estimates are biased",
                UserWarning,
                stacklevel=2,
            )
        memo_key = memo.key("GammaGamma", x, m, tol)
        if memo.recall(memo_key, self):  # the same fit, done before in this batch
            self.n_zero_spend_ = n_zero  # not part of the fit: of these inputs
            return self
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
        self.n_zero_spend_ = n_zero
        _set_uncertainty(self, pr, np.linalg.inv(H * n))
        memo.remember(memo_key, self)
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
        customers without repeat purchases get the population mean, repeat buyers whose
        repeat purchases were all free (observed mean 0) the population mean times
        ``1 - w``.
        """
        x, m = self._check(frequency, monetary_value)
        p, q, v = self._p()
        pop = self.population_mean_spend
        m = np.where(x > 0, m, 0.0)
        w = (p * x) / (p * x + q - 1)
        return (1 - w) * pop + w * m
