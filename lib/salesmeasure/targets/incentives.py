"""Incentive simulation: a commission plan paid out on each rep's simulated outcomes.

The plan (``salesmeasure.toml`` ``[incentives]``, or :data:`DEFAULT_PLAN`)::

    [incentives]
    rate = 0.03            # commission on revenue up to 100% of target
    threshold = 0.5        # nothing is paid below 50% attainment
    accelerators = [ { above = 1.0, rate = 0.06 }, { above = 1.2, rate = 0.08 } ]
    cap = 2.0              # revenue above 200% of target earns nothing more
    max_payout = 20000     # optional: at most this per rep and period
    budget = 150000        # optional: the period's commission budget

A rep with revenue ``R`` against target ``T`` (attainment ``a = R / T``) earns nothing
when ``a < threshold``; else ``rate`` on revenue up to ``T`` and each accelerator's rate
on the revenue between its ``above`` and the next one's (or the cap), revenue above
``cap * T`` earning nothing, the whole at most ``max_payout``.

The simulation pays the plan on the joint draws of every rep's revenue that the
equal-probability allocation makes (:mod:`.allocation`: own ETS forecasts tied by a
Gaussian copula), so the company total carries the reps' correlation: expected payout
per rep and in total, P(total payout > budget), and the share of reps expected to reach
the first accelerator.

References
----------
Zoltners, A. A., Sinha, P. & Lorimer, S. E. (2006). The Complete Guide to Sales Force
Incentive Compensation, AMACOM, ch. 9-11 (thresholds, accelerators, caps; quotas that
most reps can reach).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesmeasure.errors import DataError, InsufficientData
from salesmeasure.i18n import _
from salesmeasure.results import FrameResult


@dataclass(frozen=True)
class Plan:
    """A commission plan (see the module text)."""

    rate: float = 0.03
    threshold: float = 0.5
    accelerators: tuple[tuple[float, float], ...] = ((1.0, 0.06),)
    cap: float = 2.0
    max_payout: float = math.inf
    budget: float = math.nan
    configured: bool = False

    def marginal_rate(self, a: float) -> float:
        """Commission per unit of revenue at attainment ``a``."""
        if a < self.threshold or a >= self.cap:
            return 0.0
        r = self.rate
        for above, rate in self.accelerators:
            if a >= above:
                r = rate
        return r


DEFAULT_PLAN = Plan()
_KEYS = {"rate", "threshold", "accelerators", "cap", "max_payout", "budget"}


def _number(key, v, *, lo=0.0) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or v < lo:
        raise DataError(
            f"salesmeasure.toml: [incentives] {key} must be a number >= {lo:g}, got {v!r}"
        )
    return float(v)


def config_plan(settings: Mapping | None) -> Plan:
    """The commission plan of ``[incentives]`` (:data:`DEFAULT_PLAN` when there is none).

    Raises
    ------
    DataError
        Naming the key: unknown keys, non-numbers, accelerators not in increasing order
        or not written ``{ above = 1.0, rate = 0.06 }``, a cap at or below the threshold.
    """
    raw = (settings or {}).get("incentives")
    if raw is None:
        return DEFAULT_PLAN
    if not isinstance(raw, Mapping):
        raise DataError("salesmeasure.toml: [incentives] must be a table")
    for key in raw:
        if key not in _KEYS:
            raise DataError(
                f"salesmeasure.toml: unknown key {key!r} in [incentives]; valid: {', '.join(sorted(_KEYS))}"
            )
    d = DEFAULT_PLAN
    acc = raw.get("accelerators", [{"above": a, "rate": r} for a, r in d.accelerators])
    if not isinstance(acc, list):
        raise DataError("salesmeasure.toml: [incentives] accelerators must be a list")
    tiers = []
    for i, t in enumerate(acc):
        if not isinstance(t, Mapping) or set(t) != {"above", "rate"}:
            raise DataError(
                f"salesmeasure.toml: [incentives] accelerators[{i}] must be written "
                f"{{ above = 1.0, rate = 0.06 }}, got {t!r}"
            )
        tiers.append(
            (
                _number(f"accelerators[{i}].above", t["above"]),
                _number(f"accelerators[{i}].rate", t["rate"]),
            )
        )
    if [a for a, _r in tiers] != sorted({a for a, _r in tiers}):
        raise DataError(
            "salesmeasure.toml: [incentives] accelerators must rise in 'above' (1.0, then 1.2, ...)"
        )
    plan = Plan(
        rate=_number("rate", raw.get("rate", d.rate)),
        threshold=_number("threshold", raw.get("threshold", d.threshold)),
        accelerators=tuple(tiers),
        cap=_number("cap", raw.get("cap", d.cap)),
        max_payout=_number("max_payout", raw["max_payout"]) if "max_payout" in raw else math.inf,
        budget=_number("budget", raw["budget"]) if "budget" in raw else math.nan,
        configured=True,
    )
    if plan.cap <= plan.threshold:
        raise DataError(
            f"salesmeasure.toml: [incentives] cap ({plan.cap:g}) must be above threshold ({plan.threshold:g})"
        )
    return plan


def payout(revenue, target, plan: Plan) -> np.ndarray:
    """Commission of revenue ``revenue`` against ``target`` under ``plan`` (arrays
    broadcast; a target that is not positive pays nothing)."""
    r = np.asarray(revenue, float)
    t = np.asarray(target, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(t > 0, r / t, 0.0)
    # breakpoints in attainment, each band paid at its rate
    points = [0.0] + [x for x, _r in plan.accelerators] + [plan.cap]
    rates = [plan.rate] + [r_ for _a, r_ in plan.accelerators]
    pay = np.zeros(np.broadcast(r, t).shape)
    for lo, hi, rate in zip(points[:-1], points[1:], rates, strict=True):
        hi = min(hi, plan.cap)
        if hi <= lo:
            continue
        band = np.clip(np.minimum(a, hi) - lo, 0.0, None)
        pay = pay + rate * band * np.where(t > 0, t, 0.0)
    pay = np.where(a >= plan.threshold, pay, 0.0)
    return np.minimum(pay, plan.max_payout)


@dataclass(frozen=True)
class IncentiveSimulation(FrameResult):
    """The plan paid out on the reps' simulated revenue.

    Attributes
    ----------
    table : DataFrame
        One row per rep (index ``rep_id``): ``region, target, expected_revenue,
        p_attain, p_accelerator`` (P(attainment at or above the first accelerator),
        ``p_threshold`` (P(paid at all)), ``expected_payout, payout_low, payout_high``
        (10% and 90% quantiles), ``payout_at_target``.
    plan : Plan
    expected_total, total_low, total_high : float
        Expected total payout and its 10%-90% range.
    p_over_budget : float
        P(total payout > budget); NaN without a budget.
    share_accelerator : float
        Expected share of reps reaching the first accelerator.
    rewards_target : bool
        True when the plan pays more per unit of revenue at target than below it (an
        accelerator starts at 100%) and pays something for exceeding it (cap above 100%).
    cost_of_sales : float
        Expected total payout / expected total revenue.
    """

    table: pd.DataFrame
    plan: Plan
    expected_total: float
    total_low: float
    total_high: float
    p_over_budget: float
    share_accelerator: float
    rewards_target: bool
    cost_of_sales: float
    period: str = ""

    @property
    def frame(self) -> pd.DataFrame:
        return self.table


def simulate_plan(
    samples, targets, plan: Plan, *, owners=None, regions=None, period=""
) -> IncentiveSimulation:
    """Pay ``plan`` on joint draws ``samples`` (one row per rep, one column per draw) of
    each rep's revenue against ``targets`` (one per rep)."""
    s = np.asarray(samples, float)
    t = np.asarray(targets, float)
    if s.ndim != 2 or s.shape[0] != t.size or s.shape[0] == 0:
        raise ValueError("samples must have one row per target")
    pays = payout(s, t[:, None], plan)
    total = pays.sum(axis=0)
    first = plan.accelerators[0][0] if plan.accelerators else math.inf
    with np.errstate(divide="ignore", invalid="ignore"):
        a = s / t[:, None]
    idx = pd.Index(owners if owners is not None else range(t.size), name="rep_id")
    table = pd.DataFrame(
        {
            "region": list(regions) if regions is not None else [""] * t.size,
            "target": t,
            "expected_revenue": s.mean(axis=1),
            "p_attain": (a >= 1.0).mean(axis=1),
            "p_accelerator": (a >= first).mean(axis=1),
            "p_threshold": (a >= plan.threshold).mean(axis=1),
            "expected_payout": pays.mean(axis=1),
            "payout_low": np.quantile(pays, 0.1, axis=1),
            "payout_high": np.quantile(pays, 0.9, axis=1),
            "payout_at_target": payout(t, t, plan),
        },
        index=idx,
    )
    at, below = plan.marginal_rate(1.0), plan.marginal_rate(max(plan.threshold, 0.99))
    rewards = bool(at > below and plan.cap > 1.0)
    budget = plan.budget
    rev = float(s.sum(axis=0).mean())
    return IncentiveSimulation(
        table=table,
        plan=plan,
        expected_total=float(total.mean()),
        total_low=float(np.quantile(total, 0.1)),
        total_high=float(np.quantile(total, 0.9)),
        p_over_budget=float((total > budget).mean()) if math.isfinite(budget) else math.nan,
        share_accelerator=float(table["p_accelerator"].mean()),
        rewards_target=rewards,
        cost_of_sales=float(total.mean() / rev) if rev > 0 else math.nan,
        period=period,
    )


def incentive_simulation(proposals, plan: Plan = DEFAULT_PLAN) -> IncentiveSimulation:
    """:func:`simulate_plan` on a target report's proposals
    (:class:`~salesmeasure.targets.build.ProposalSection` of the equal-probability method):
    each rep's proposed target -- or the recorded one where the period already has one --
    against its joint forecast draws."""
    sims = getattr(proposals, "sims", None)
    if not sims:
        raise InsufficientData(
            _(
                "The incentive simulation needs the reps' joint forecasts of the "
                "equal-probability split; this report's targets were split by share."
            )
        )
    reps = proposals.reps.set_index("owner")
    amounts = reps["amount"].astype(float)
    rec = proposals.recorded
    if isinstance(rec, pd.DataFrame) and not rec.empty:
        r = rec[rec["level"] == "rep"].set_index("owner")["recorded"].astype(float)
        amounts.update(r)
    rows, owners, regions = [], [], []
    for region, sim in sims.items():
        if region == "region":
            continue
        for i, o in enumerate(sim.owners):
            if o in amounts.index:
                rows.append(sim.samples[i])
                owners.append(o)
                regions.append(region)
    if not rows:
        raise InsufficientData(_("No rep has a proposed target to pay a commission on."))
    n = min(len(r) for r in rows)
    samples = np.vstack([r[:n] for r in rows])
    return simulate_plan(
        samples,
        amounts.reindex(owners).to_numpy(float),
        plan,
        owners=owners,
        regions=regions,
        period=proposals.period,
    )
