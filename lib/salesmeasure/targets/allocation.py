"""Equal-probability allocation: every owner's target is met with the same probability.

Each owner's target is the quantile of its own simulated forecast at one common P(attain)
``p*``, found by bisection so that the targets add up exactly (in whole currency units,
largest remainder on the fractional parts) to the total being split. Owner forecasts are
made jointly: independent ETS simulations are re-ordered to a Gaussian copula with the
empirical correlation of the owners' year-over-year revenue changes (Iman & Conover), so
the sum of owner samples has about the spread of the total's forecast. Because owner
forecasts are noisier than their sum, ``p*`` is below the total's own P(attain) when the
total is above the owners' combined median: the portfolio effect.

Regions and reps together (:func:`equal_probability_targets`): the regions are split at
one common P(attain) and each region's target to its reps at one common P(attain), keeping
every region and rep target inside the attainable band (the SMART check's 50% to 90%)
whenever the total allows it: a region whose reps' own forecasts cannot carry its share at
the band's floor is set at what they carry and the other regions make up the difference
(:func:`banded_split`). When the owners' forecasts carry less than the total at the band's
floor (:func:`band_carry`), the band cannot hold for everyone at that total: the plain
split is kept and :func:`band_note` says so in the report, with the total that would hold.

References
----------
Iman, R. L. & Conover, W. J. (1982). A distribution-free approach to inducing rank
correlation among input variables. Communications in Statistics B 11(3), 311-334.
Zoltners, A. A., Sinha, P. & Lorimer, S. E. (2006). The Complete Guide to Sales Force
Incentive Compensation, ch. 11 (quotas that give every rep the same chance).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesmeasure.errors import InsufficientData
from salesmeasure.i18n import _, ngettext
from salesmeasure.stats import largest_remainder
from salesmeasure.targets.forecast import FAST_MODELS, baseline_forecast
from salesmeasure.targets.inputs import is_blank

#: An owner with fewer months of revenue than this gets a pooled forecast.
MIN_MONTHS = 12


@dataclass(frozen=True, eq=False)
class OwnerSims:
    """Joint simulated totals of several owners over the same months.

    ``samples`` has one row per owner and one column per joint draw; ``pooled`` marks
    owners whose forecast is the pooled one of a typical owner scaled by their book.
    """

    owners: pd.Index
    samples: np.ndarray
    pooled: pd.Series
    model: pd.Series

    @property
    def expected(self) -> pd.Series:
        return pd.Series(self.samples.mean(axis=1), index=self.owners, name="expected")

    def p_attain(self, amounts) -> pd.Series:
        a = np.asarray(pd.Series(amounts).reindex(self.owners), dtype=float)
        return pd.Series(
            (self.samples >= a[:, None]).mean(axis=1), index=self.owners, name="p_attain"
        )


@dataclass(frozen=True, eq=False)
class EqualProbability:
    """Targets at a common probability ``p_star`` adding up exactly to ``total``."""

    amounts: pd.Series
    p_star: float
    p_attain: pd.Series
    total: int


def _sorted_quantiles(ordered: np.ndarray, q: float) -> np.ndarray:
    """Each row's ``q`` quantile of rows already sorted: numpy's linear interpolation
    (``h = q (r - 1)``), in O(owners) per call instead of a partition of every row."""
    r = ordered.shape[1]
    h = q * (r - 1)
    i = min(int(math.floor(h)), r - 1)
    j = min(i + 1, r - 1)
    return ordered[:, i] + (h - i) * (ordered[:, j] - ordered[:, i])


def equal_probability(samples, total: float, *, owners=None, tol: float = 1e-10):
    """Split ``total`` so that every owner's target is met with the same probability.

    Parameters
    ----------
    samples : array (owners x draws) or DataFrame (index = owners)
        Simulated totals of each owner for the period.
    total : float
        The amount to split (rounded to whole units).

    Returns
    -------
    EqualProbability
        ``p_star`` solves ``sum_i Q_i(1 - p) = total`` (``Q_i`` the owner's sample
        quantile, linear interpolation), found by bisection; ``amounts`` are the quantiles
        at ``p_star`` rounded to whole units by largest remainder so they add up exactly
        to ``round(total)``. When ``total`` lies beyond every owner's range, ``p_star`` is
        0 or 1 and the quantiles are scaled to add up.
    """
    if isinstance(samples, pd.DataFrame):
        owners = samples.index if owners is None else owners
        samples = samples.to_numpy()
    x = np.asarray(samples, dtype=float)
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError("samples must be a non-empty owners x draws array")
    owners = pd.Index(range(x.shape[0]) if owners is None else owners)
    whole = int(round(float(total)))

    ordered = np.sort(x, axis=1)

    def gap(p):  # decreasing in p
        return float(_sorted_quantiles(ordered, 1 - p).sum()) - whole

    lo, hi = 0.0, 1.0
    if gap(lo) < 0:
        p = 0.0
    elif gap(hi) > 0:
        p = 1.0
    else:
        while hi - lo > tol:
            mid = (lo + hi) / 2
            if gap(mid) > 0:
                lo = mid
            else:
                hi = mid
        p = (lo + hi) / 2
    exact = np.clip(_sorted_quantiles(ordered, 1 - p), 0, None)
    if exact.sum() <= 0:
        exact = np.ones(len(exact))
    amounts = pd.Series(largest_remainder(whole, exact), index=owners, name="amount")
    p_att = pd.Series((x >= amounts.to_numpy()[:, None]).mean(axis=1), index=owners)
    return EqualProbability(amounts, float(p), p_att.rename("p_attain"), whole)


def _reps_quantile(reps_sorted: list, p: float) -> np.ndarray:
    """The sum of each region's reps' quantiles at P(attain) ``p`` (NaN: no reps)."""
    return np.array(
        [_sorted_quantiles(r, 1 - p).sum() if r is not None else np.nan for r in reps_sorted]
    )


def banded_split(region_samples, rep_samples, total: float, *, p_band=(0.5, 0.9), owners=None,
                 tol: float = 1e-10):  # fmt: skip
    """Split ``total`` to regions so that every region's target and, split within the
    region at one common P(attain) (:func:`equal_probability`), every rep's lies inside
    ``p_band``, when the total allows it.

    Region ``i`` may be given between ``L_i = max(Q_i(1 - hi), S_i(1 - hi))`` and
    ``U_i = min(Q_i(1 - lo), S_i(1 - lo))``, where ``Q_i`` is its own sample quantile and
    ``S_i`` the sum of its reps' (``rep_samples[i]`` None for a region without reps): at
    ``U_i`` its own chance and its reps' common chance are both at least ``lo``. When
    ``sum L <= total <= sum U`` the regions get ``clip(Q_i(1 - p*), L_i, U_i)`` at the one
    ``p*`` that adds up to the total (bisection; whole units by largest remainder): the
    equal-probability split, except that a region whose reps cannot carry its share at
    ``lo`` is set at what they carry and the others make up the difference. Otherwise the
    band cannot hold for everyone at this total: the plain :func:`equal_probability` split
    (and :func:`band_note` says so in the report).
    """
    x = np.asarray(region_samples, dtype=float)
    owners = pd.Index(range(x.shape[0]) if owners is None else owners)
    whole = int(round(float(total)))
    lo_p, hi_p = p_band
    ordered = np.sort(x, axis=1)
    reps = [np.sort(np.asarray(r, dtype=float), axis=1) if r is not None else None
            for r in rep_samples]  # fmt: skip
    upper = np.fmin(_sorted_quantiles(ordered, 1 - lo_p), _reps_quantile(reps, lo_p))
    lower = np.fmax(_sorted_quantiles(ordered, 1 - hi_p), _reps_quantile(reps, hi_p))
    if not (lower.sum() <= whole <= upper.sum()) or (lower > upper).any():
        return equal_probability(x, total, owners=owners, tol=tol)

    def amounts_at(p):
        return np.clip(_sorted_quantiles(ordered, 1 - p), lower, upper)

    lo, hi = 0.0, 1.0
    while hi - lo > tol:
        mid = (lo + hi) / 2
        if amounts_at(mid).sum() > whole:
            lo = mid
        else:
            hi = mid
    p = (lo + hi) / 2
    exact = np.clip(amounts_at(p), 0, None)
    amounts = pd.Series(largest_remainder(whole, exact), index=owners, name="amount")
    p_att = pd.Series((x >= amounts.to_numpy()[:, None]).mean(axis=1), index=owners)
    return EqualProbability(amounts, float(p), p_att.rename("p_attain"), whole)


def band_carry(sims: dict, p_floor: float, region: str = "all") -> float:
    """The largest total at which every region and rep target can be met with at least
    ``p_floor`` (the attainable band's floor): the sum over regions of
    ``min(Q_region(1 - p), sum of its reps' Q_rep(1 - p))``; for one region, its reps'
    sum. NaN without the simulations."""
    if not sims:
        return math.nan
    if region != "all":
        own = sims.get(region)
        return float(np.quantile(own.samples, 1 - p_floor, axis=1).sum()) if own else math.nan
    top = sims.get("region")
    if top is None:
        return math.nan
    own = _sorted_quantiles(np.sort(top.samples, axis=1), 1 - p_floor)
    reps = [np.sort(sims[r].samples, axis=1) if r in sims else None for r in top.owners]
    return float(np.fmin(own, _reps_quantile(reps, p_floor)).sum())


def band_note(section) -> str:
    """One sentence when the attainable band cannot hold for every target at the total
    being split (a :class:`~salesmeasure.targets.build.ProposalSection` of the equal
    split): how much the owners' own forecasts carry at the band's floor, against the
    total; ``""`` when every target is inside the band."""
    from salesmeasure import format as fmt

    smart = section.smart
    if getattr(section, "method", "") != "equal" or "attainable" not in smart:
        return ""
    lo = section.p_band[0]
    low = smart[smart["p_attain"].round(2) < lo]
    if low.empty:
        return _capped_note(section)
    region = getattr(section, "region", "all")
    carry = band_carry(section.sims or {}, lo, region)
    total = float(section.total)
    if not math.isfinite(carry) or carry >= total:
        return ""
    where = (
        _("every region and rep")
        if region == "all"
        else _("every rep in {region}").format(region=region)
    )
    return ngettext(
        "The attainable band ({low} to {high}) cannot hold for {where} at this total: their "
        "own forecasts carry at most {carry} with a {low} chance each, {gap} less than the "
        "{total} to split, so {n} target is set below {low}. Lower the total to {carry} to "
        "bring every target inside the band, or publish it as a stretch target.",
        "The attainable band ({low} to {high}) cannot hold for {where} at this total: their "
        "own forecasts carry at most {carry} with a {low} chance each, {gap} less than the "
        "{total} to split, so {n} targets are set below {low}. Lower the total to {carry} to "
        "bring every target inside the band, or publish them as stretch targets.",
        len(low),
    ).format(
        n=len(low),
        low=fmt.pct(lo, decimals=0),
        high=fmt.pct(section.p_band[1], decimals=0),
        where=where,
        carry=fmt.money_full(math.floor(carry)),
        gap=fmt.money_full(math.ceil(total - carry)),
        total=fmt.money_full(total),
    )


def _capped_note(section) -> str:
    """The regions set at what their reps carry at the band's floor (so above the regions'
    common P(attain)), named in one sentence; ``""`` when there is none."""
    from salesmeasure import format as fmt

    p_star = getattr(section, "p_star", math.nan)
    if getattr(section, "region", "all") != "all" or not math.isfinite(p_star):
        return ""
    smart = section.smart
    top = smart[smart["level"] == "region"]
    capped = top[top["p_attain"].round(2) > round(p_star, 2)]["owner"].tolist()
    if not capped:
        return ""
    return ngettext(
        "{regions}'s target is set at what its reps' own forecasts carry with a {low} chance "
        "each, below its share at the common probability, and the other regions make up the "
        "difference, so that every rep's target stays inside the attainable band.",
        "The targets of {regions} are set at what their reps' own forecasts carry with a {low} "
        "chance each, below their shares at the common probability, and the other regions "
        "make up the difference, so that every rep's target stays inside the attainable band.",
        len(capped),
    ).format(regions=fmt.join(map(str, capped)), low=fmt.pct(section.p_band[0], decimals=0))


def _yoy_correlation(series: dict) -> np.ndarray:
    """Correlation of owners' year-over-year monthly revenue changes (identity if thin)."""
    k = len(series)
    frame = pd.DataFrame(series)
    d = (frame - frame.shift(12)).dropna()
    if len(d) < 6 or k < 2:
        return np.eye(k)
    c = d.corr().fillna(0.0).to_numpy().copy()
    np.fill_diagonal(c, 1.0)
    # nearest positive semi-definite matrix by clipping eigenvalues
    w, v = np.linalg.eigh(c)
    c = (v * np.clip(w, 1e-6, None)) @ v.T
    dd = np.sqrt(np.diag(c))
    return c / np.outer(dd, dd)


def _copula(samples: np.ndarray, corr: np.ndarray, seed: int) -> np.ndarray:
    """Re-order each row of ``samples`` so their ranks follow a Gaussian copula (Iman-Conover)."""
    k, r = samples.shape
    if k < 2:
        return samples
    z = np.random.default_rng(seed).multivariate_normal(np.zeros(k), corr, size=r).T
    ranks = z.argsort(axis=1).argsort(axis=1)
    return np.take_along_axis(np.sort(samples, axis=1), ranks, axis=1)


def simulate_owners(
    orders: pd.DataFrame,
    *,
    key: str,
    owners,
    history_end,
    months,
    book=None,
    seed: int = 0,
    repetitions: int = 500,
    fixed_params=None,
) -> OwnerSims:
    """Joint simulated totals over ``months`` of each owner (``orders[key] == owner``).

    Each owner with at least :data:`MIN_MONTHS` months of revenue gets its own ETS(A,Ad,A)
    forecast (:data:`FAST_MODELS`; with ``fixed_params`` its smoothing parameters are
    those given, e.g. the region's). An owner with less history gets the pooled forecast
    of a typical owner (the mean of the others' draws) scaled by its share of ``book``
    (customers in book) against the others' average, and is marked ``pooled``. The draws
    are then made joint with :func:`_copula`.
    """
    owners = pd.Index(owners)
    end_m = pd.Timestamp(history_end).to_period("M")
    hist = orders[orders["order_date"] <= end_m.end_time]
    if hist.empty:
        raise InsufficientData(_("There are no orders before the period to forecast from."))
    start_m = hist["order_date"].min().to_period("M")
    months = pd.PeriodIndex(months)
    horizon = (months[-1] - end_m).n
    series, rows, pooled, model = {}, {}, {}, {}
    # monthly_revenue(hist[hist[key] == o], start=start_m, end=end_m) of all owners at once
    idx = pd.period_range(start_m, end_m, freq="M", name="month")
    by_owner = (
        hist["amount"]
        .astype(float)
        .groupby([hist[key], hist["order_date"].dt.to_period("M")])
        .sum()
        .unstack(fill_value=0.0)
        .reindex(columns=idx, fill_value=0.0)
    )
    for o in owners:
        y = (
            by_owner.loc[o].rename("revenue")
            if o in by_owner.index
            else pd.Series(0.0, index=idx, name="revenue")
        )
        active = y.to_numpy().nonzero()[0]
        if len(active) == 0 or len(y) - active[0] < MIN_MONTHS:
            pooled[o] = True
            continue
        y = y.iloc[active[0] :]
        fc = baseline_forecast(
            y,
            horizon,
            models=FAST_MODELS,
            seed=seed,
            repetitions=repetitions,
            fixed_params=fixed_params,
        ).select(months)
        rows[o], pooled[o], model[o] = fc.total_samples, False, fc.model
        series[o] = y
    if not rows:
        raise InsufficientData(
            _(
                "No owner has {n} months of revenue yet, so their targets cannot be set from "
                "their own forecasts."
            ).format(n=MIN_MONTHS)
        )
    own = [o for o in owners if not pooled[o]]
    joint = _copula(np.vstack([rows[o] for o in own]), _yoy_correlation(series), seed + 1)
    rows = dict(zip(own, joint, strict=True))
    typical = joint.mean(axis=0)
    b = pd.Series(book if book is not None else {}, dtype=float).reindex(owners).fillna(0.0)
    mean_book = float(b[own].mean()) if b.sum() > 0 else 0.0
    for o in owners:
        if pooled[o]:
            scale = b[o] / mean_book if mean_book > 0 and b[o] > 0 else 1.0
            rows[o], model[o] = typical * scale, "pooled"
    return OwnerSims(
        owners,
        np.vstack([rows[o] for o in owners]),
        pd.Series(pooled).reindex(owners),
        pd.Series(model).reindex(owners),
    )


def spread_ratio(owner_samples: np.ndarray, total_samples: np.ndarray) -> float:
    """Standard deviation of the sum of owner draws over that of the total's own draws."""
    sd = float(np.std(total_samples))
    return float(np.std(np.asarray(owner_samples).sum(axis=0)) / sd) if sd > 0 else math.nan


@dataclass(frozen=True, eq=False)
class EqualTargets:
    """Equal-probability targets of regions and, within each region, of its reps.

    ``rows`` has the columns of :func:`~salesmeasure.targets.setting.proposed_targets`
    plus ``pooled``; ``p_star`` is the common P(attain) of the regions, ``p_star_reps`` that
    of the reps within each region; ``spread`` is :func:`spread_ratio` of the regions'
    joint draws against the total's forecast; ``sims`` the joint draws by level.
    """

    rows: pd.DataFrame
    p_star: float
    p_star_reps: dict
    spread: float
    no_reps: tuple
    sims: dict


def equal_probability_targets(
    orders: pd.DataFrame,
    customers: pd.DataFrame,
    reps: pd.DataFrame,
    *,
    total: float,
    total_samples: np.ndarray,
    history_end,
    months,
    seed: int = 0,
    repetitions: int = 500,
    region: str = "all",
    total_model: str = "",
    p_band: tuple[float, float] = (0.5, 0.9),
) -> EqualTargets:
    """Split ``total`` to regions at one common P(attain), then each region's target to its
    reps at one common P(attain) within the region (:func:`equal_probability`), keeping
    every region and rep inside the attainable ``p_band`` whenever the total allows it
    (:func:`banded_split`: a region is not given more than its reps carry at the band's
    floor while other regions have room).

    For one region (``region`` not ``"all"``) the total is that region's target: the region
    row is the total with its own P(attain) from ``total_samples`` (model ``total_model``),
    ``p_star`` is NaN (there is no split between regions) and ``spread`` compares the sum
    of the region's rep draws with the total's forecast.
    """
    end = pd.Timestamp(history_end)
    book = customers[customers["signup_date"] <= end]
    whole = max(int(round(float(total))), 1)
    if region != "all":
        regions = pd.Index([region])
        rs = OwnerSims(
            regions,
            np.asarray(total_samples, dtype=float)[None, :],
            pd.Series(False, index=regions),
            pd.Series(total_model, index=regions),
        )
        top = EqualProbability(
            pd.Series(whole, index=regions, name="amount"),
            math.nan,
            rs.p_attain({region: whole}),
            whole,
        )
    else:
        regions = pd.Index(
            sorted(set(orders["region"].dropna().unique()) | set(reps["region"].dropna()))
        )
        rs = simulate_owners(
            orders,
            key="region",
            owners=regions,
            history_end=end,
            months=months,
            book=book.groupby("region").size(),
            seed=seed,
            repetitions=repetitions,
        )
    rows, p_reps, no_reps, sims = [], {}, [], {"region": rs}
    for reg in regions:
        staff = pd.Index(sorted(reps.loc[reps["region"] == reg, "rep_id"].dropna().unique()))
        if staff.empty:
            no_reps.append(reg)
            continue
        sims[reg] = simulate_owners(
            orders[orders["region"] == reg],
            key="rep_id",
            owners=staff,
            history_end=end,
            months=months,
            book=book.groupby("rep_id").size(),
            seed=seed,
            repetitions=repetitions,
        )
    if region == "all":
        # no region is given more than its reps carry inside the band, when the total allows
        top = banded_split(
            rs.samples, [sims[r].samples if r in sims else None for r in regions], total,
            p_band=p_band, owners=regions,
        )  # fmt: skip
    for reg in regions:
        amt = int(top.amounts[reg])
        rows.append(
            (
                "region",
                reg,
                None,
                reg,
                amt,
                rs.expected[reg],
                top.p_attain[reg],
                rs.model[reg],
                bool(rs.pooled[reg]),
            )
        )
        if reg not in sims:
            continue
        sims_r = sims[reg]
        staff = sims_r.owners
        split = equal_probability(sims_r.samples, amt, owners=staff)
        p_reps[reg] = split.p_star
        for rep in staff:
            rows.append(
                (
                    "rep",
                    reg,
                    rep,
                    rep,
                    int(split.amounts[rep]),
                    sims_r.expected[rep],
                    split.p_attain[rep],
                    sims_r.model[rep],
                    bool(sims_r.pooled[rep]),
                )
            )
    out = pd.DataFrame(
        rows,
        columns=[
            "level",
            "region",
            "rep_id",
            "owner",
            "amount",
            "expected",
            "p_attain",
            "model",
            "pooled",
        ],
    )
    out["amount"] = out["amount"].astype("int64")
    out.insert(5, "share", out["amount"] / whole)
    if region != "all":
        own = sims.get(region)
        spread = spread_ratio(own.samples, total_samples) if own is not None else math.nan
    else:
        spread = spread_ratio(rs.samples, total_samples)
    return EqualTargets(out, top.p_star, p_reps, spread, tuple(no_reps), sims)


def recorded_vs_proposed(
    recorded: pd.DataFrame, proposed: pd.DataFrame, sims: dict, *, p_band=(0.5, 0.9)
) -> pd.DataFrame:
    """Recorded targets of the proposed period beside the proposal, each with P(attain).

    ``flag`` is True where the recorded target's P(attain) lies outside ``p_band`` (the
    attainable band of the SMART check).
    """
    if recorded.empty:
        raise InsufficientData(_("No targets are recorded yet for the proposed period."))
    rec = recorded.copy()
    rec["level"] = np.where(is_blank(rec["rep_id"]), "region", "rep")
    rec["owner"] = np.where(rec["level"] == "region", rec["region"], rec["rep_id"])
    out = proposed[["level", "region", "owner", "amount", "p_attain"]].merge(
        rec[["level", "owner", "target_amount"]], on=["level", "owner"], how="inner"
    )
    p_rec = []
    for lvl, reg, owner, amt in zip(
        out["level"], out["region"], out["owner"], out["target_amount"], strict=True
    ):
        s = sims.get("region" if lvl == "region" else reg)
        p_rec.append(float(s.p_attain({owner: amt})[owner]) if s is not None else math.nan)
    out = out.rename(
        columns={"amount": "proposed", "p_attain": "p_proposed", "target_amount": "recorded"}
    )
    out["p_recorded"] = p_rec
    out["flag"] = (out["p_recorded"] < p_band[0]) | (out["p_recorded"] > p_band[1])
    return out[
        ["level", "region", "owner", "recorded", "p_recorded", "proposed", "p_proposed", "flag"]
    ]
