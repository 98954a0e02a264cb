"""The data is loaded and validated once per batch (issue 13, fast at scale).

Checked against the loader itself: a snapshot reads back the very Dataset ``load``
returned (frames, rejected rows, as-of date, fingerprint); a changed source gives a new
snapshot; and a real batch of several reports reads the source once: after the batch's
own load the source folder is moved away, so any kernel that read it would fail.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

import salesmeasure.data as sm_data
from salesmeasure import report
from salesmeasure.data import TABLE_NAMES, load, snapshot
from salesmeasure.render.batch import render


def assert_same_dataset(a, b):
    for name in (*TABLE_NAMES, "rejected"):
        got, want = getattr(a, name), getattr(b, name)
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        assert dict(got.dtypes.astype(str)) == dict(want.dtypes.astype(str)), name
    assert a.fingerprint == b.fingerprint
    assert a.as_of == b.as_of
    assert a.source == b.source
    assert a.fiscal_start_month == b.fiscal_start_month
    assert a.row_counts == b.row_counts


@pytest.fixture()
def data_copy(tmp_path, sample_dir):
    d = tmp_path / "data"
    shutil.copytree(sample_dir, d)
    return d


def test_snapshot_reads_back_the_loaded_dataset_exactly(tmp_path, sample):
    assert len(sample.rejected) > 0  # the sample plants bad rows: they must come back too
    folder = snapshot.write(sample, tmp_path / "snap", spec=sample.source)
    assert folder.name.startswith(sample.fingerprint)
    assert_same_dataset(snapshot.read(folder), sample)


def test_snapshot_of_a_dataset_without_rejected_rows(tmp_path, sample):
    from dataclasses import replace

    clean = replace(sample, rejected=sample.rejected.iloc[0:0])
    back = snapshot.read(snapshot.write(clean, tmp_path, spec="x"))
    assert_same_dataset(back, clean)


def test_snapshot_holds_no_password(tmp_path, sample):
    from dataclasses import replace

    ds = replace(sample, source="postgresql://analyst@db.example/sales")
    folder = snapshot.write(ds, tmp_path, spec="postgresql://analyst@db.example/sales")
    text = "".join(p.read_bytes().decode("latin-1") for p in folder.iterdir())
    assert "db.example" in text and "secret" not in text


def test_prepare_uses_the_snapshot_only_for_its_own_source(tmp_path, data_copy, monkeypatch):
    ds = load(data_copy)
    pub = snapshot.publish(ds, data_copy)
    try:
        assert snapshot.lookup(data_copy) == pub.folder
        assert snapshot.lookup(tmp_path / "elsewhere") is None
        assert snapshot.lookup(data_copy, fiscal_start_month=4) is None
        calls = []
        monkeypatch.setattr(report, "load", lambda *a, **k: calls.append(a) or ds)
        report._load_cached.cache_clear()
        ctx = report.prepare(period="2026Q3", region="North", data_path=str(data_copy))
        assert calls == []  # read from the snapshot, not loaded again
        assert ctx.data.fingerprint == ds.fingerprint
        assert ctx.data.source == str(data_copy.resolve())  # the source, not the snapshot
        assert str(pub.folder) not in report.provenance_table(ctx).to_string()
    finally:
        snapshot.release(pub)
    assert snapshot.ENV not in __import__("os").environ
    assert not pub.folder.exists()


def test_a_changed_source_gives_a_new_snapshot_never_the_old_one(tmp_path, data_copy):
    root = tmp_path / "snaps"
    old = load(data_copy)
    first = snapshot.write(old, root, spec=data_copy)
    orders = data_copy / "orders.csv"
    lines = orders.read_text(encoding="utf-8").splitlines(keepends=True)
    orders.write_text("".join(lines[:-1]), encoding="utf-8")  # one order fewer
    new = load(data_copy)
    assert new.fingerprint != old.fingerprint
    second = snapshot.write(new, root, spec=data_copy)
    assert second != first
    back = snapshot.read(second)
    assert back.fingerprint == new.fingerprint
    assert back.row_counts["orders"] == old.row_counts["orders"] - 1
    assert_same_dataset(back, new)
    # the same fingerprint again reuses the snapshot already written
    assert snapshot.write(new, root, spec=data_copy) == second


@pytest.mark.slow
def test_a_batch_of_several_reports_loads_the_source_once(tmp_path, data_copy, monkeypatch):
    from test_render import good_notebook, write_notebook

    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    good_notebook(nbs)
    write_notebook(
        nbs / "b_ident.ipynb",
        "from salesmeasure import report\n"
        "ctx = report.prepare(period=period, region=region, data_path=data_path)\n"
        "print('FP', ctx.data.fingerprint, 'SRC', ctx.data.source, 'N', len(ctx.view.orders))",
    )
    real_load, calls = sm_data.load, []
    moved = tmp_path / "moved-away"

    def load_once_then_hide(spec, **kw):
        calls.append(str(spec))
        ds = real_load(spec, **kw)
        data_copy.rename(moved)  # a kernel that reads the source now fails
        return ds

    monkeypatch.setattr(sm_data, "load", load_once_then_hide)
    fingerprint = real_load(data_copy).fingerprint
    summary = render(
        "2026Q3",
        data=data_copy,
        out=tmp_path / "reports",
        regions="all,North",
        notebooks_dir=nbs,
        formats="html",
        jobs=2,
        progress=False,
    )
    assert calls == [str(data_copy)]
    assert summary.ok and summary.count("ok") == 4, summary.describe()
    printed = (tmp_path / "reports" / "2026Q3" / "north" / "b_ident.ipynb").read_text()
    assert f"FP {fingerprint} SRC {data_copy.resolve()}" in printed
    assert snapshot.ENV not in __import__("os").environ


def test_a_remembered_fit_is_the_fit_itself_bit_for_bit(tmp_path, sample, monkeypatch):
    """Checked against a new fit of the same data with the memo emptied."""
    import numpy as np

    from salesmeasure.clv.models import GammaGamma, ParetoNBD, memo
    from salesmeasure.clv.rfm import rfm_summary

    s = rfm_summary(sample.orders, observation_end=sample.as_of, freq="W")
    f, r, T = s["frequency"], s["recency"], s["T"]
    pub = snapshot.publish(sample, sample.source, root=tmp_path)  # a batch's shared folder
    try:
        memo.forget()
        fresh = ParetoNBD().fit(f, r, T)
        gg = GammaGamma().fit(f, s["monetary_value"])
        assert len(list((pub.folder / "fits").glob("*.pickle"))) == 2
        memo.forget()  # another kernel of the batch: from the folder
        again = ParetoNBD().fit(f, r, T)
        gg_again = GammaGamma().fit(f, s["monetary_value"])
    finally:
        snapshot.release(pub)
    assert again.params_ == fresh.params_ and again.log_likelihood_ == fresh.log_likelihood_
    pd.testing.assert_frame_equal(again.summary_, fresh.summary_, check_exact=True)
    assert gg_again.params_ == gg.params_
    memo.forget()
    other = ParetoNBD().fit(f, r, T + 1)  # other data: fitted anew, not recalled
    assert other.params_ != fresh.params_
    assert np.isfinite(other.log_likelihood_)


def test_a_remembered_forecast_is_the_forecast_itself(tmp_path, sample, monkeypatch):
    """A seeded revenue forecast is fitted once per batch: the region report's backtest
    repeats the all-regions report's forecasts of the region's reps. Checked against the
    number of ETS fits made and against a new forecast with the memo emptied."""
    import numpy as np

    from salesmeasure.clv.models import memo
    from salesmeasure.targets import forecast as F

    fits = []
    real_fit = F._fit_ets
    monkeypatch.setattr(F, "_fit_ets", lambda *a, **k: fits.append(1) or real_fit(*a, **k))
    y = pd.Series(
        100.0 + 10 * np.sin(np.arange(30) / 1.9) + np.arange(30),
        index=pd.period_range("2023-01", periods=30, freq="M"),
        name="revenue",
    )
    memo.forget()
    first = F.baseline_forecast(y, 3, seed=7, repetitions=200, models=F.FAST_MODELS)
    n = len(fits)
    assert n >= 1
    again = F.baseline_forecast(y, 3, seed=7, repetitions=200, models=F.FAST_MODELS)
    assert len(fits) == n  # recalled, not refitted
    assert again is not first and not np.shares_memory(again.samples, first.samples)
    np.testing.assert_array_equal(again.samples, first.samples)
    assert (again.model, again.params, again.aicc) == (first.model, first.params, first.aicc)
    pd.testing.assert_series_equal(again.history, first.history)
    # another seed, horizon, history or fixed parameters: a new forecast
    other = F.baseline_forecast(y, 3, seed=8, repetitions=200, models=F.FAST_MODELS)
    assert len(fits) == 2 * n and not np.array_equal(other.samples, first.samples)
    F.baseline_forecast(y * 1.01, 3, seed=7, repetitions=200, models=F.FAST_MODELS)
    F.baseline_forecast(y, 4, seed=7, repetitions=200, models=F.FAST_MODELS)
    assert len(fits) == 4 * n
    # no seed: a new random forecast each time, never remembered
    F.baseline_forecast(y, 3, seed=None, repetitions=200, models=F.FAST_MODELS)
    F.baseline_forecast(y, 3, seed=None, repetitions=200, models=F.FAST_MODELS)
    assert len(fits) == 6 * n
    # another kernel of the same batch reads it from the batch's folder
    pub = snapshot.publish(sample, sample.source, root=tmp_path)
    try:
        memo.forget()
        fresh = F.baseline_forecast(y, 5, seed=3, repetitions=100, models=F.FAST_MODELS)
        assert len(list((pub.folder / "fits").glob("*.pickle"))) == 1
        memo.forget()
        before = len(fits)
        other_kernel = F.baseline_forecast(y, 5, seed=3, repetitions=100, models=F.FAST_MODELS)
        assert len(fits) == before
    finally:
        snapshot.release(pub)
    np.testing.assert_array_equal(other_kernel.samples, fresh.samples)
    memo.forget()
    unmemo = F.baseline_forecast(y, 5, seed=3, repetitions=100, models=F.FAST_MODELS)
    np.testing.assert_array_equal(unmemo.samples, fresh.samples)  # the same as a new fit


def test_the_memo_drops_the_least_recently_used_past_its_bounds(monkeypatch):
    """Bounded by count and by bytes (forecasts are many and small, CLV fits few and large):
    the least recently used go first, a recalled one counts as used, and the byte count
    follows what is kept (checked against the sum of the kept pickles)."""
    import pickle

    from salesmeasure.clv.models import memo

    monkeypatch.delenv(snapshot.ENV, raising=False)  # the process only
    memo.forget()
    size = len(pickle.dumps(b"x" * 1000, protocol=pickle.HIGHEST_PROTOCOL))
    monkeypatch.setattr(memo, "_MAX_BYTES", 3 * size)
    for k in "abc":
        memo.remember_value(k, b"x" * 1000)
    assert memo.recall_value("a") == b"x" * 1000  # "a" is now the most recently used
    memo.remember_value("d", b"x" * 1000)  # over 3 values' bytes: "b" goes
    assert list(memo._PROCESS) == ["c", "a", "d"] and memo.recall_value("b") is None
    memo.remember_value("d", b"y" * 1000)  # the same key again: replaced, not counted twice
    assert memo._bytes == sum(map(len, memo._PROCESS.values())) == 3 * size
    monkeypatch.setattr(memo, "_MAX", 2)
    memo.remember_value("e", b"z")
    assert list(memo._PROCESS) == ["d", "e"]
    assert memo._bytes == sum(map(len, memo._PROCESS.values()))
    memo.forget()
    assert memo._bytes == 0 and not memo._PROCESS


def test_pareto_nbd_a0_by_distinct_pairs_equals_the_direct_formula():
    """Checked against the textbook formula evaluated for every pattern (Fader, Hardie &
    Lee 2005 note, eq. 19 with the Euler transform), bit for bit, both parameter cases."""
    import numpy as np
    from scipy import special

    from salesmeasure.clv.models import ParetoNBD

    rng = np.random.default_rng(1)
    T = rng.integers(1, 150, 20_000).astype(float)
    tx = np.floor(T * rng.random(20_000))
    x = np.where(tx > 0, rng.integers(1, 30, 20_000), 0).astype(float)
    x, tx, T = x, tx / T.max(), T / T.max()

    def direct(p):
        r, alpha, s, beta = p
        rsx = r + s + x
        m, d, b2 = (alpha, alpha - beta, s + 1.0) if alpha >= beta else (beta, beta - alpha, r + x)

        def term(t):
            z = d / (m + t)
            return (
                (1 - b2) * np.log1p(-z)
                + np.log(special.hyp2f1(1.0, rsx + 1 - b2, rsx + 1, z))
                - rsx * np.log(m + t)
            )

        l1, l2 = term(tx), term(T)
        with np.errstate(divide="ignore", invalid="ignore"):
            return l1 + np.log1p(-np.exp(l2 - l1))

    for p in ([0.5, 0.1, 0.7, 0.3], [2.0, 0.05, 0.4, 0.9]):
        p = np.array(p)
        with np.errstate(divide="ignore", invalid="ignore"):
            np.testing.assert_array_equal(ParetoNBD._log_A0(p, x, tx, T), direct(p))
    assert np.ndim(ParetoNBD._log_A0(np.array([0.5, 0.1, 0.7, 0.3]), 2.0, 0.5, 1.0)) == 0


def test_gamma_gamma_by_distinct_frequency_equals_the_direct_formula():
    """Checked against the Gamma-Gamma log-likelihood and gradient written out per
    customer (Fader, Hardie & Lee 2005, "The Gamma-Gamma model of monetary value"), bit
    for bit."""
    import numpy as np
    from scipy import special

    from salesmeasure.clv.models import GammaGamma

    rng = np.random.default_rng(2)
    x = rng.integers(1, 40, 30_000).astype(float)
    m = rng.gamma(2.0, 50.0, 30_000)

    def direct(p, q, v):
        px, lxm, dig = p * x, np.log(x * m + v), special.digamma
        ll = (
            special.gammaln(px + q)
            - special.gammaln(px)
            - special.gammaln(q)
            + q * np.log(v)
            + (px - 1) * np.log(m)
            + px * np.log(x)
            - (px + q) * lxm
        )
        d_p = x * (dig(px + q) - dig(px) + np.log(m) + np.log(x) - lxm)
        d_q = dig(px + q) - dig(q) + np.log(v) - lxm
        d_v = q / v - (px + q) / (x * m + v)
        return ll, np.vstack([d_p, d_q, d_v])

    for p in ([2.0, 3.0, 1.5], [0.7, 5.0, 0.2]):
        got, want = GammaGamma._ll_grad(np.array(p), x, m), direct(*p)
        np.testing.assert_array_equal(got[0], want[0])
        np.testing.assert_array_equal(got[1], want[1])
