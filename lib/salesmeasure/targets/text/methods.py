"""Words for the backtest of allocation methods: which split was right on past periods."""

from __future__ import annotations

import pandas as pd

from salesmeasure import format as fmt
from salesmeasure.i18n import N_, _, ngettext
from salesmeasure.targets.methods import MethodBacktest

_METHOD_NAMES = {"equal": N_("Equal probability"), "share": N_("Revenue/book share")}
_METHOD_WORDS = {"equal": N_("equal-probability"), "share": N_("revenue/book share")}


def method_name(method: str) -> str:
    """``Equal probability`` or ``Revenue/book share``."""
    return _(_METHOD_NAMES.get(method, method))


def methods_table(mb: MethodBacktest) -> pd.DataFrame:
    """Both methods on past periods: stated chance, share attained, Brier score, spread."""
    s = mb.summary
    pct0 = lambda v: fmt.pct(v, decimals=0)  # noqa: E731
    first = _("Allocation method")
    return pd.DataFrame(
        {
            first: [method_name(m) for m in s.index],
            _("Rep targets scored"): s["targets"].map(fmt.count).to_numpy(),
            _("Stated P(attain), mean"): s["mean_p"].map(pct0).to_numpy(),
            _("Attained"): s["attained"].map(pct0).to_numpy(),
            _("95% interval"): [
                _("{low}-{high}").format(low=pct0(lo), high=pct0(hi))
                for lo, hi in zip(s["ci_low"], s["ci_high"], strict=True)
            ],
            _("Gap (attained - stated)"): s["gap"]
            .map(lambda v: fmt.points(v * 100, decimals=1))
            .to_numpy(),
            _("Brier score"): s["brier"].map(lambda v: fmt.number(v, decimals=3)).to_numpy(),
            _("Spread of attainment (IQR)"): s["spread"]
            .map(lambda v: fmt.points(v * 100, decimals=0, signed=False))
            .to_numpy(),
        }
    ).set_index(first)


def describe_methods(mb: MethodBacktest) -> str:
    """One sentence: were the stated chances borne out, and which split was more even."""
    n = len(mb.periods)
    words = {m: _(_METHOD_WORDS.get(m, m)) for m in mb.summary.index}
    off = mb.miscalibrated
    if not off:
        calibration = _("both methods' stated chances of attaining were borne out")
    elif len(off) == len(mb.summary):
        calibration = _("neither method's stated chances of attaining were borne out")
    else:
        gap = float(mb.summary.loc[off[0], "gap"])
        calibration = (
            _("the {method} targets were attained more often than they stated")
            if gap > 0
            else _("the {method} targets were attained less often than they stated")
        ).format(method=words[off[0]])
    even = mb.more_even
    if even is None:
        evenness = _("both left about the same spread of attainment across reps")
    else:
        evenness = _("the {method} targets left attainment more even across reps").format(
            method=words[even]
        )
    return ngettext(
        "Over {n} past period ({first} to {last}), {calibration}, and {evenness}.",
        "Over {n} past periods ({first} to {last}), {calibration}, and {evenness}.",
        n,
    ).format(
        n=n,
        first=fmt.period(mb.periods[0]),
        last=fmt.period(mb.periods[-1]),
        calibration=calibration,
        evenness=evenness,
    )
