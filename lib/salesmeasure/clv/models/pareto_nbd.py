"""The Pareto/NBD purchase model."""

from __future__ import annotations

import numpy as np
from scipy import special

from salesmeasure.clv.models.base import _compress, _PurchaseModel

__all__ = ["ParetoNBD"]


#: Distinct (x, t) pairs of the arrays a fit evaluates again and again (kept by identity).
_PAIRS: list = []


def _pairs(x, t):
    """Distinct ``(x, t)`` pairs and the index that spreads them back, for the arrays of
    the running fit (found by identity, so a fit's hundreds of evaluations pay once)."""
    if np.ndim(x) == 0 and np.ndim(t) == 0:
        return x, t, ()
    x, t = np.asarray(x, dtype=float), np.asarray(t, dtype=float)
    for ax, at, found in _PAIRS:
        if ax is x and at is t:
            return found
    xb, tb = np.broadcast_arrays(x, t)
    ux, ut, _, inv = _compress(xb.ravel(), tb.ravel())
    found = (ux, ut, inv.reshape(xb.shape))
    _PAIRS.insert(0, (x, t, found))
    del _PAIRS[4:]
    return found


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
        if alpha >= beta:
            m, d = alpha, alpha - beta
        else:
            m, d = beta, beta - alpha

        def term(t):
            # depends on (x, t) only: computed once per distinct pair (thousands, where
            # a million customers have hundreds of thousands of patterns), then spread
            ux, ut, inv = _pairs(x, t)
            rsx = r + s + ux
            b2 = s + 1.0 if alpha >= beta else r + ux
            z = d / (m + ut)
            # 2F1(rsx, b2; rsx+1; z) = (1-z)^(1-b2) 2F1(1, rsx+1-b2; rsx+1; z)
            return (
                (1 - b2) * np.log1p(-z)
                + np.log(special.hyp2f1(1.0, rsx + 1 - b2, rsx + 1, z))
                - rsx * np.log(m + ut)
            )[inv]

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
