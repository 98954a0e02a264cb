"""The BG/NBD purchase model."""

from __future__ import annotations

import numpy as np
from scipy import special

from salesmeasure.clv.models.base import _PurchaseModel, _wsum

__all__ = ["BetaGeo"]


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
