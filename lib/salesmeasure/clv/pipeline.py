"""The one CLV pipeline: fit the purchase and spend models, choose the purchase model,
value every customer.

Every report that shows customer value (the retention and CLV report, the executive
summary) calls :func:`value_base` with the settings below, so CLV and value at risk are
the same figures wherever they appear.

The purchase model is chosen on the data: BG/NBD and Pareto/NBD are fitted on weekly
histories up to ``holdout_weeks`` weeks before the observation end and asked to
predict each customer's purchases in those weeks; the model with the smaller mean
absolute error is refitted on the whole history and used. By default the holdout is
:data:`HOLDOUT_WEEKS` weeks or a third of the history (first order to observation end),
whichever is shorter (:func:`default_holdout_weeks`), so a short history keeps two thirds
of its orders to fit on. When the history is too short for that check, or the models do
not converge on the calibration, BG/NBD (the first of
:data:`~salesmeasure.clv.models.PURCHASE_MODELS`) is used and the result says why. A
holdout winner whose predicted total is off the actual total by more than
:data:`FORECAST_TOLERANCE` carries a :class:`Note` the report shows beside the values.

Orders of $0.00 (free items) are purchases: they count in frequency and recency. The
spend model is fitted on the repeat buyers with a positive mean repeat spend; repeat
buyers whose repeat purchases were all free are valued by the same model's weighted
average of the population mean and their own mean of 0 (see
:class:`~salesmeasure.clv.models.GammaGamma`), and the result notes how many there are.

Given each customer's segment, both models are then fitted per segment as well, and a
likelihood-ratio test at 1 % decides whether each model keeps one parameter set for all
customers or takes one per segment (:mod:`salesmeasure.clv.segments`: why this test,
the smallest segment that gets its own parameters). Every customer is valued with their
own segment's parameters where the model is split, so the values still add up to the
company's wherever they are sliced.

References
----------
.. [1] Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the
   easy way: an alternative to the Pareto/NBD model. Marketing Science 24(2), 275-284.
.. [2] Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: using iso-value
   curves for customer base analysis. Journal of Marketing Research 42(4), 415-430.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from salesmeasure import format as fmt
from salesmeasure.clv.models import PURCHASE_MODELS, GammaGamma
from salesmeasure.clv.rfm import CalibrationHoldout, RFMSummary, calibration_holdout, rfm_summary
from salesmeasure.clv.segments import SegmentChoice, choose_segments
from salesmeasure.clv.validation import HoldoutComparison, compare_holdout, fit_purchase_models
from salesmeasure.clv.value import customer_value
from salesmeasure.errors import FitError, InsufficientData, Missing, ParameterError
from salesmeasure.i18n import _

__all__ = [
    "DEFAULT_DISCOUNT_RATE",
    "DEFAULT_FREQ",
    "DEFAULT_MARGIN",
    "DEFAULT_MODEL",
    "DEFAULT_MONTHS",
    "FORECAST_TOLERANCE",
    "HOLDOUT_WEEKS",
    "MIN_CUSTOMERS",
    "MIN_REPEAT_BUYERS",
    "CustomerValue",
    "Note",
    "default_holdout_weeks",
    "value_base",
]

# The settings of every CLV figure in the suite, in one place.
#: CLV horizon in months.
DEFAULT_MONTHS = 12
#: Monthly discount rate.
DEFAULT_DISCOUNT_RATE = 0.01
#: Share of revenue that is profit (1.0 = value in revenue terms).
DEFAULT_MARGIN = 1.0
#: Purchase model: ``"auto"`` (holdout winner) or a key of ``PURCHASE_MODELS``.
DEFAULT_MODEL = "auto"
#: Period length of the purchase histories (weeks).
DEFAULT_FREQ = "W"
#: Longest holdout period used to choose the purchase model (weeks); the default holdout
#: is this or a third of the history, whichever is shorter.
HOLDOUT_WEEKS = 26
#: Shortest holdout worth checking the models on (weeks).
MIN_HOLDOUT_WEEKS = 4
#: A holdout over- or under-forecast of the total beyond this share (|predicted / actual
#: - 1|) is said as a caution beside the values.
FORECAST_TOLERANCE = 0.20
#: Fewest customers, and repeat buyers among them, to fit the models on.
MIN_CUSTOMERS = 50
MIN_REPEAT_BUYERS = 20

#: What a model fit on valid data can raise when it cannot be fitted: not converged, or
#: the optimiser's arithmetic failing on an unusual likelihood surface. The pipeline turns
#: each into a reason in words (a report section), never a failed report.
_FIT_FAILURES = (FitError, ValueError, ArithmeticError, np.linalg.LinAlgError)


@dataclass(frozen=True)
class Note:
    """Something a reader of the values should know, as data (the text layer words it).

    ``code`` is one of ``"spend_frequency_correlated"`` (``r``: Pearson correlation of
    repeat purchases and spend, which the Gamma-Gamma model assumes independent),
    ``"holdout_winner_not_converged"`` (``best``: the holdout winner, ``used``: the model
    used instead), ``"purchase_model_not_converged"`` (``model``),
    ``"holdout_forecast_off"`` (``model``, ``predicted``, ``actual``, ``error``: predicted /
    actual - 1 of the holdout total, beyond :data:`FORECAST_TOLERANCE`; ``tolerance``) or
    ``"zero_spend_repeaters"`` (``n``: repeat buyers whose repeat purchases were all $0,
    left out of the spend model's fit and valued at its shrunk population mean).
    """

    code: str
    values: dict = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class CustomerValue:
    """A valued customer base: models, choice, and value per customer.

    Attributes
    ----------
    summary : RFMSummary
        Weekly purchase histories up to ``observation_end``.
    values : DataFrame
        Per customer (index of ``summary``): ``prob_alive``, ``expected_purchases``,
        ``expected_spend``, ``clv``, ``value_at_risk`` (see
        :func:`~salesmeasure.clv.value.customer_value`).
    model : str
        Name of the purchase model used (``"BG/NBD"`` or ``"Pareto/NBD"``).
    choice : str
        Why: ``"holdout"`` (smallest holdout error), ``"fallback"`` (the holdout winner
        did not converge on the whole history), ``"no_holdout"`` (history too short for
        the check; the default model) or ``"requested"``.
    purchase_model, spend_model
        The fitted models behind ``values``.
    models : dict
        Every purchase model fitted on the whole history (name -> model).
    comparison : HoldoutComparison, Missing or None
        The holdout check (``Missing`` with the reason when it could not be run, ``None``
        when a model was requested).
    calibration : CalibrationHoldout or None
    fit_errors : dict
        Model name (``"<name> (calibration)"`` for the holdout fits) -> why it failed.
    notes : tuple of Note
    observation_end : Timestamp
    months, discount_rate, margin
        The valuation settings.
    holdout_weeks : int
        Length of the holdout used for the check (0 when there was none to use).
    purchase_segments, spend_segments : SegmentChoice or None
        Whether each model is pooled or per segment, and why
        (:func:`~salesmeasure.clv.segments.choose_segments`); None when the pipeline was
        not given segments to test (``segments=None``).
    """

    summary: RFMSummary
    values: pd.DataFrame
    model: str
    choice: str
    purchase_model: object
    spend_model: GammaGamma
    models: dict
    comparison: HoldoutComparison | Missing | None
    calibration: CalibrationHoldout | None
    fit_errors: dict
    notes: tuple[Note, ...]
    observation_end: pd.Timestamp
    months: int
    discount_rate: float
    margin: float
    holdout_weeks: int = 0
    purchase_segments: SegmentChoice | None = None
    spend_segments: SegmentChoice | None = None

    @property
    def customers(self) -> int:
        return len(self.values)

    @property
    def total_clv(self) -> float:
        return float(self.values["clv"].sum())

    @property
    def total_value_at_risk(self) -> float:
        return float(self.values["value_at_risk"].sum())


def _require_enough(summary: RFMSummary, end: pd.Timestamp) -> None:
    n, k = len(summary), summary.repeat_buyers
    if n < MIN_CUSTOMERS or k < MIN_REPEAT_BUYERS:
        raise InsufficientData(
            _(
                "Customer value is not estimated: the models need at least {need_customers} "
                "customers, {need_repeat} of them repeat buyers, and the orders up to {date} "
                "have {customers} customers and {repeat} repeat buyers."
            ).format(
                need_customers=fmt.count(MIN_CUSTOMERS),
                need_repeat=fmt.count(MIN_REPEAT_BUYERS),
                date=fmt.date(end),
                customers=fmt.count(n),
                repeat=fmt.count(k),
            )
        )


def default_holdout_weeks(orders, end) -> int:
    """The default holdout: :data:`HOLDOUT_WEEKS` weeks or a third of the history (first
    order to ``end``, in whole weeks), whichever is shorter; 0 without orders."""
    dates = pd.to_datetime(orders["order_date"])
    if not len(dates):
        return 0
    days = (pd.Timestamp(end).normalize() - dates.min().normalize()).days
    return int(max(0, min(HOLDOUT_WEEKS, days // 21)))


def _holdout(orders, end: pd.Timestamp, weeks: int):
    """Calibration split, calibration fits and their comparison (or the reason why not)."""
    cal_end = end - pd.Timedelta(weeks=weeks)
    too_short = Missing(
        _(
            "The purchase models could not be checked on a holdout: there are not enough "
            "orders before {date} to fit them on."
        ).format(date=fmt.date(cal_end))
    )
    if weeks < MIN_HOLDOUT_WEEKS:
        return (
            Missing(
                _(
                    "The purchase models could not be checked on a holdout: the history up to "
                    "{date} is too short to hold out {weeks} weeks of it."
                ).format(date=fmt.date(end), weeks=fmt.count(MIN_HOLDOUT_WEEKS))
            ),
            None,
            {},
        )
    if not (pd.to_datetime(orders["order_date"]) <= cal_end).any():  # no copy to test it
        return too_short, None, {}
    calhold = calibration_holdout(
        orders, calibration_end=cal_end, observation_end=end, freq=DEFAULT_FREQ
    )
    if len(calhold) < MIN_CUSTOMERS or (calhold["frequency_cal"] > 0).sum() < MIN_REPEAT_BUYERS:
        return too_short, calhold, {}
    fitted, errors = fit_purchase_models(
        calhold["frequency_cal"], calhold["recency_cal"], calhold["T_cal"]
    )
    errors = {f"{k} (calibration)": v for k, v in errors.items()}
    if not fitted:
        return (
            Missing(
                _(
                    "The purchase models could not be checked on a holdout: the models did not "
                    "converge on the {customers} customers' histories up to {date} ({repeat} of "
                    "them repeat buyers), the {weeks} weeks before {end} held out."
                ).format(
                    customers=fmt.count(len(calhold)),
                    repeat=fmt.count(int((calhold["frequency_cal"] > 0).sum())),
                    date=fmt.date(cal_end),
                    weeks=fmt.count(weeks),
                    end=fmt.date(end),
                )
            ),
            calhold,
            errors,
        )
    return compare_holdout(fitted, calhold), calhold, errors


def value_base(
    orders: pd.DataFrame,
    observation_end,
    *,
    months: int = DEFAULT_MONTHS,
    discount_rate: float = DEFAULT_DISCOUNT_RATE,
    margin: float = DEFAULT_MARGIN,
    model: str = DEFAULT_MODEL,
    holdout_weeks: int | None = None,
    segments=None,
) -> CustomerValue:
    """Fit, choose and value: the expected value of every customer over ``months``.

    Parameters
    ----------
    orders : DataFrame
        ``customer_id``, ``order_date``, ``amount``; orders after ``observation_end``
        are ignored.
    observation_end : date-like
        The valuation date (for a report: the period end, or the data's as-of date when
        the period is still running).
    months, discount_rate, margin
        Horizon, monthly discount rate and profit margin (see
        :func:`~salesmeasure.clv.value.customer_value`).
    model : {"auto", "BG/NBD", "Pareto/NBD"}
        ``"auto"`` chooses by the holdout check.
    holdout_weeks : int, optional
        Weeks held out for the check; ``None`` or 0: :func:`default_holdout_weeks`
        (26 weeks or a third of the history, whichever is shorter).
    segments : Series or DataFrame, optional
        Each customer's segment (customer id -> segment, or a customers table with
        ``customer_id`` and ``segment``): both models are then tested per segment
        (:func:`~salesmeasure.clv.segments.choose_segments`). None: pooled, untested
        (``purchase_segments`` and ``spend_segments`` are None).

    Returns
    -------
    CustomerValue

    Raises
    ------
    InsufficientData
        Fewer than :data:`MIN_CUSTOMERS` customers or :data:`MIN_REPEAT_BUYERS` repeat
        buyers, or no model converges; the message is a sentence for a manager.

    References
    ----------
    .. [1] Fader, Hardie & Lee (2005), Marketing Science 24(2), 275-284.
    .. [2] Fader, Hardie & Lee (2005), JMR 42(4), 415-430.
    """
    if model != "auto" and model not in PURCHASE_MODELS:
        raise ParameterError(
            f"model must be 'auto' or one of {list(PURCHASE_MODELS)}, got {model!r}"
        )
    if holdout_weeks is not None and (
        not isinstance(holdout_weeks, int) or isinstance(holdout_weeks, bool) or holdout_weeks < 0
    ):
        raise ParameterError(
            f"holdout_weeks must be a whole number of weeks (0 = default), got {holdout_weeks!r}"
        )
    end = pd.Timestamp(observation_end)
    # Later orders must not reach the holdout split or the weekly binning of the last week.
    # (only the columns used, and no copy when every order is in: a million-customer
    # report values several periods, each a copy of millions of orders otherwise)
    keep = pd.to_datetime(orders["order_date"]) <= end
    orders = orders[["customer_id", "order_date", "amount"]]
    if not keep.all():
        orders = orders[keep]
    summary = rfm_summary(orders, observation_end=end, freq=DEFAULT_FREQ)
    _require_enough(summary, end)
    notes: list[Note] = []
    weeks = holdout_weeks or default_holdout_weeks(orders, end)
    if model == "auto":
        comparison, calhold, errors = _holdout(orders, end, weeks)
        if comparison:
            order = [comparison.best] + [m for m in PURCHASE_MODELS if m != comparison.best]
        else:
            order = list(PURCHASE_MODELS)
    else:
        comparison, calhold, errors = None, None, {}
        order = [model]
    fitted: dict = {}
    f, r, T = summary["frequency"], summary["recency"], summary["T"]
    for name in order:  # the first that converges on the whole history
        got, err = fit_purchase_models(f, r, T, names=[name])
        fitted.update(got)
        errors.update(err)
        if got:
            break
    if not fitted:
        raise InsufficientData(
            _(
                "Customer value is not estimated: the purchase models did not converge on "
                "the {customers} customers' histories up to {date} (too few repeat buyers "
                "or too short a history to tell how often customers buy and leave)."
            ).format(customers=fmt.count(len(summary)), date=fmt.date(end))
        )
    name = next(iter(fitted))
    if model != "auto":
        choice = "requested"
    elif not comparison:
        choice = "no_holdout"
    elif name == comparison.best:
        choice = "holdout"
    else:
        choice = "fallback"
        notes.append(Note("holdout_winner_not_converged", {"best": comparison.best, "used": name}))
    if comparison and name in comparison.scores.index:
        row = comparison.scores.loc[name]
        if row["actual_total"] > 0:
            off = row["predicted_total"] / row["actual_total"] - 1
            if abs(off) > FORECAST_TOLERANCE:
                notes.append(
                    Note(
                        "holdout_forecast_off",
                        {
                            "model": name,
                            "predicted": float(row["predicted_total"]),
                            "actual": float(row["actual_total"]),
                            "error": float(off),
                            "tolerance": FORECAST_TOLERANCE,
                        },
                    )
                )
    spend = GammaGamma()
    try:
        with warnings.catch_warnings():
            # the correlation is reported as a Note below
            warnings.filterwarnings("ignore", message="frequency and monetary value are")
            spend.fit(summary["frequency"], summary["monetary_value"])
    except _FIT_FAILURES as exc:
        positive = int(((summary["frequency"] > 0) & (summary["monetary_value"] > 0)).sum())
        raise InsufficientData(
            _(
                "Customer value is not estimated: the spend model could not be fitted on the "
                "{repeat} repeat buyers with a positive spend up to {date} (it did not "
                "converge)."
            ).format(repeat=fmt.count(positive), date=fmt.date(end))
        ) from exc
    if spend.n_zero_spend_:
        notes.append(Note("zero_spend_repeaters", {"n": spend.n_zero_spend_}))
    if abs(spend.frequency_spend_corr_) > spend.corr_threshold:
        notes.append(Note("spend_frequency_correlated", {"r": spend.frequency_spend_corr_}))
    if segments is not None:
        by_purchase = choose_segments("purchase", summary, segments, fitted[name])
        by_spend = choose_segments("spend", summary, segments, spend)
    else:
        by_purchase = by_spend = None
    try:
        values = _values(
            fitted[name], spend, summary, by_purchase, by_spend,
            months=months, discount_rate=discount_rate, margin=margin,
        )  # fmt: skip
    except (FitError, ArithmeticError, np.linalg.LinAlgError) as exc:  # e.g. q <= 1
        # (a ValueError here is a bad months/discount_rate/margin: it propagates as one)
        raise InsufficientData(
            _(
                "Customer value is not estimated: the spend model fitted on the orders up to "
                "{date} gives no finite mean spend (its spend distribution is too "
                "heavy-tailed), so expected values cannot be computed."
            ).format(date=fmt.date(end))
        ) from exc
    return CustomerValue(
        summary=summary,
        values=values,
        model=name,
        choice=choice,
        purchase_model=fitted[name],
        spend_model=spend,
        models=fitted,
        comparison=comparison,
        calibration=calhold,
        fit_errors=errors,
        notes=tuple(notes),
        observation_end=end,
        months=months,
        discount_rate=discount_rate,
        margin=margin,
        holdout_weeks=weeks if calhold is not None else 0,
        purchase_segments=by_purchase,
        spend_segments=by_spend,
    )


def _values(purchase, spend, summary, by_purchase, by_spend, **settings) -> pd.DataFrame:
    """Every customer's value, with their segment's parameters where a model is split
    (each customer valued once, so any slice adds up to the company)."""
    frame = summary.frame
    expected = None
    if by_spend is not None and by_spend.segmented:
        expected = np.empty(len(frame))
        for g, model in by_spend.models.items():
            mask = (by_spend.group == g).to_numpy()
            expected[mask] = model.expected_spend(
                frame["frequency"].to_numpy()[mask], frame["monetary_value"].to_numpy()[mask]
            )
    if by_purchase is None or not by_purchase.segmented:
        return customer_value(purchase, spend, summary, expected_spend=expected, **settings)
    parts = []
    for g, model in by_purchase.models.items():
        mask = (by_purchase.group == g).to_numpy()
        part = replace(summary, frame=frame[mask])
        own = None if expected is None else expected[mask]
        parts.append(customer_value(model, spend, part, expected_spend=own, **settings))
    return pd.concat(parts).reindex(frame.index)
