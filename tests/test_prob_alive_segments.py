"""The probability-alive map draws the model the values use: one map per segment when the
purchase model is split by segment (clv/segments.py), the pooled model's map otherwise."""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from salesmeasure import plots
from salesmeasure.clv.models import BetaGeo
from salesmeasure.clv.segments import choose_segments


def _bgnbd(rng, n, r, alpha, a, b):
    """Discrete weekly BG/NBD-like histories: frequency, recency, T in weeks."""
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    T = rng.uniform(30, 80, n)
    x = np.zeros(n)
    tx = np.zeros(n)
    for i in range(n):
        t = 0.0
        while True:
            t += rng.exponential(1 / lam[i])
            if t > T[i]:
                break
            x[i] += 1
            tx[i] = t
            if rng.random() < p[i]:
                break
    return pd.DataFrame({"frequency": x, "recency": tx, "T": T})


@pytest.fixture(scope="module")
def split_value():
    rng = np.random.default_rng(7)
    frame = pd.concat(
        [_bgnbd(rng, 1200, 1.3, 6.0, 0.75, 4.5), _bgnbd(rng, 1200, 1.3, 2.0, 0.75, 4.5)],
        ignore_index=True,
    )
    seg = pd.Series(["Slow"] * 1200 + ["Fast"] * 1200, index=frame.index)
    pooled = BetaGeo().fit(frame["frequency"], frame["recency"], frame["T"])
    choice = choose_segments("purchase", frame, seg, pooled)
    assert choice.segmented  # the planted threefold rate splits the model
    return SimpleNamespace(summary=frame, purchase_model=pooled, purchase_segments=choice)


def _grid(ax, rows):
    return np.asarray(ax.collections[0].get_array()).reshape(rows, -1)


def test_a_split_purchase_model_gets_one_map_per_segment(split_value):
    v = split_value
    ax = plots.plot_prob_alive_section(v)
    maps = [a for a in ax.figure.axes if a.collections and a.get_title()]
    assert len(maps) == len(v.purchase_segments.groups) == 2
    age = float(np.median(v.summary["T"]))
    top = int(min(max(v.summary["frequency"].quantile(0.95), 5), 40))
    for g, a in zip(v.purchase_segments.groups, maps, strict=True):
        assert g in a.get_title()
        drawn = _grid(a, top + 1)
        f, r = top, 5  # the top row is the highest frequency
        want = 100 * v.purchase_segments.models[g].prob_alive([f], [r], [age])[0]
        assert drawn[0, r] == pytest.approx(want)
    # the two maps differ (the segments' models differ), and neither is the pooled map
    a0, a1 = (_grid(a, top + 1) for a in maps)
    assert np.nanmax(np.abs(a0 - a1)) > 1.0
    one = plots.plot_prob_alive_map(v.purchase_model, T=age, max_frequency=top)
    pooled = _grid(one, top + 1)
    assert all(np.nanmax(np.abs(_grid(a, top + 1) - pooled)) > 1.0 for a in maps)
    plt.close("all")


def test_a_pooled_purchase_model_keeps_one_map(split_value):
    v = SimpleNamespace(
        summary=split_value.summary,
        purchase_model=split_value.purchase_model,
        purchase_segments=None,
    )
    ax = plots.plot_prob_alive_section(v)
    assert len([a for a in ax.figure.axes if a.collections and a.get_title()]) == 1
    plt.close("all")
