"""Which customers can still be saved: the split of the at-risk base into recoverable and
already lapsed, by each customer's probability of still being active.

Value at risk means value that can still be saved. A customer whose chance of still being
active is between :data:`LAPSED_BELOW` and :data:`SECURE_FROM` is *recoverable* (still
plausibly buying, but as likely as not to have gone quiet: a retention call can still
keep them); below :data:`LAPSED_BELOW` the customer has probably already *lapsed* (a
win-back campaign, not a call list); from :data:`SECURE_FROM` up the customer is
*secure*. The recoverable value is what the model expects the recoverable customers to
bring over the horizon (the sum of their CLV), so it never exceeds their expected value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["LAPSED_BELOW", "SECURE_FROM", "STATUSES", "risk_split", "risk_status"]

#: Below this probability of being active a customer counts as lapsed.
LAPSED_BELOW = 0.2
#: From this probability of being active up a customer counts as secure.
SECURE_FROM = 0.8
STATUSES = ("secure", "recoverable", "lapsed")


def risk_status(prob_alive: pd.Series) -> pd.Series:
    """``"lapsed"`` (P(active) < 20%), ``"recoverable"`` (20% to below 80%) or
    ``"secure"`` (80% or more) per customer."""
    p = prob_alive.to_numpy(float)
    out = np.where(p < LAPSED_BELOW, "lapsed", np.where(p < SECURE_FROM, "recoverable", "secure"))
    return pd.Series(out, index=prob_alive.index, name="risk")


def risk_split(values: pd.DataFrame) -> dict:
    """Customers and expected value (``clv``) of each status, as plain numbers:
    ``recoverable_customers``, ``recoverable_value``, ``lapsed_customers``,
    ``lapsed_value``, ``secure_customers``, ``secure_value``."""
    status = risk_status(values["prob_alive"])
    out = {}
    for s in STATUSES:
        m = status == s
        out[f"{s}_customers"] = int(m.sum())
        out[f"{s}_value"] = float(values.loc[m, "clv"].sum())
    return out
